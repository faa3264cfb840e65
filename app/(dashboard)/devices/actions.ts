"use server";

import { revalidatePath } from "next/cache";
import { guardedFormAction } from "@/lib/auth/action-guard";
import { db } from "@/lib/db/client";
import { acknowledgeDeviceFindings } from "@/lib/findings/acknowledge-device-findings";
import { getDashboardContext } from "../_lib/dashboard-context";

export interface BulkAcknowledgeState {
  error: string | null;
  /** What the last acknowledgement did, for the status line. */
  message: string | null;
}

/** What a call that did not come from the form is answered (guardedFormAction). */
const refusedBulkAcknowledgeState = (error: string): BulkAcknowledgeState => ({ error, message: null });

const text = (v: FormDataEntryValue | null) => (typeof v === "string" ? v : "");

/**
 * Bulk acknowledge from the Devices list: the selected rows' `subject` values and one comment. The tenant is the one
 * selected in the header (a subject of another tenant matches no finding). Validation is in acknowledgeDeviceFindings.
 */
export const acknowledgeSelectedDevicesAction = guardedFormAction(
  "Operator",
  refusedBulkAcknowledgeState,
  async (admin, _previous: BulkAcknowledgeState, formData: FormData): Promise<BulkAcknowledgeState> => {
    const { tenant } = await getDashboardContext();
    if (!tenant) return { error: "Add a tenant first", message: null };
    const subjectKeys = formData.getAll("subject").filter((v): v is string => typeof v === "string");
    const comment = formData.get("comment");
    const result = await acknowledgeDeviceFindings(db, {
      tenantRef: tenant.id,
      subjectKeys,
      comment: typeof comment === "string" ? comment : "",
      ticket: text(formData.get("ticket")),
      until: text(formData.get("until")),
      actor: admin.email,
    });
    if (!result.ok) return { error: result.error.message, message: null };
    revalidatePath("/devices");
    revalidatePath("/findings");
    const message =
      result.acknowledged === 0
        ? "The selected devices have no open finding left to acknowledge."
        : `Acknowledged ${result.acknowledged} open finding${result.acknowledged === 1 ? "" : "s"} on ${result.devices} device${result.devices === 1 ? "" : "s"}.`;
    return { error: null, message };
  },
);
