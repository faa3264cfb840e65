"use server";

import { revalidatePath } from "next/cache";
import { guardedFormAction } from "@/lib/auth/action-guard";
import { db } from "@/lib/db/client";
import { acknowledgeFindings } from "@/lib/findings/acknowledge-findings";
import { getDashboardContext } from "../_lib/dashboard-context";

export interface BulkAcknowledgeState {
  error: string | null;
  /** How many findings the last submission acknowledged. */
  acknowledged: number | null;
}

/** What a call that did not come from the form is answered (guardedFormAction). */
const refusedBulkAcknowledgeState = (error: string): BulkAcknowledgeState => ({ error, acknowledged: null });

const text = (v: FormDataEntryValue | null) => (typeof v === "string" ? v : "");

/** The Findings page's bulk acknowledgement: the selected groups' (rules') and rows' open findings, one comment. */
export const acknowledgeFindingsAction = guardedFormAction(
  "Operator",
  refusedBulkAcknowledgeState,
  async (admin, _previous: BulkAcknowledgeState, formData: FormData): Promise<BulkAcknowledgeState> => {
    const { tenants } = await getDashboardContext();
    // The tenant the page showed (posted with the form), not whichever the cookie names by now.
    const tenant = tenants.find((t) => t.id === text(formData.get("tenant")));
    if (!tenant) return { error: "This tenant no longer exists", acknowledged: null };
    const filters = Object.fromEntries(new URLSearchParams(text(formData.get("filters")).slice(0, 2000)));
    const result = await acknowledgeFindings(db, {
      tenantRef: tenant.id,
      actor: admin.email,
      comment: text(formData.get("comment")),
      ticket: text(formData.get("ticket")),
      until: text(formData.get("until")),
      rules: formData.getAll("rule").map(text),
      findingIds: formData.getAll("findingId").map(text),
      filters,
    });
    if (!result.ok) return { error: result.error.message, acknowledged: null };
    revalidatePath("/findings");
    return { error: null, acknowledged: result.acknowledged };
  },
);
