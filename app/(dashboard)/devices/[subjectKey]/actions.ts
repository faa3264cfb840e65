"use server";

import { revalidatePath } from "next/cache";
import { z } from "zod";
import { guardedFormAction } from "@/lib/auth/action-guard";
import { canSeeTenant } from "@/lib/auth/tenant-scope";
import { db } from "@/lib/db/client";
import { acknowledgeFinding } from "@/lib/findings/acknowledge-finding";
import { undoAcknowledgement } from "@/lib/findings/undo-acknowledgement";
import { deviceHref } from "@/lib/queries/find-device-detail";

export interface AcknowledgeState {
  error: string | null;
  done: boolean;
}

/** What a call that did not come from the form is answered (guardedFormAction). */
const refusedAcknowledgeState = (error: string): AcknowledgeState => ({ error, done: false });

const text = (v: FormDataEntryValue | null) => (typeof v === "string" ? v : "");

const AcknowledgeForm = z.object({
  findingId: z.string().uuid("Unknown finding"),
  subjectKey: z.string().min(3).max(300),
});

/** A device page card's acknowledgement: comment, optional ticket and expiry (validated in acknowledgeFinding). */
export const acknowledgeFindingAction = guardedFormAction(
  "Operator",
  refusedAcknowledgeState,
  async (admin, _previous: AcknowledgeState, formData: FormData): Promise<AcknowledgeState> => {
    const input = AcknowledgeForm.safeParse({ findingId: formData.get("findingId"), subjectKey: formData.get("subjectKey") });
    if (!input.success) return { error: input.error.issues[0]?.message ?? "Check the form", done: false };
    const result = await acknowledgeFinding(db, {
      findingId: input.data.findingId,
      comment: text(formData.get("comment")),
      ticket: text(formData.get("ticket")),
      until: text(formData.get("until")),
      actor: admin.email,
      tenantScope: admin.tenantScope,
    });
    if (!result.ok) return { error: result.error.message, done: false };
    revalidatePath(deviceHref(input.data.subjectKey));
    revalidatePath("/findings");
    return { error: null, done: true };
  },
);

/** Undo a card's acknowledgement: the finding is open again at once. */
export const undoAcknowledgementAction = guardedFormAction(
  "Operator",
  refusedAcknowledgeState,
  async (admin, _previous: AcknowledgeState, formData: FormData): Promise<AcknowledgeState> => {
    const input = AcknowledgeForm.safeParse({ findingId: formData.get("findingId"), subjectKey: formData.get("subjectKey") });
    if (!input.success) return { error: input.error.issues[0]?.message ?? "Check the form", done: false };
    const finding = await db.finding.findUnique({ where: { id: input.data.findingId }, select: { tenantRef: true } });
    // Another tenant's finding, for a user whose access is limited (decision 027), is answered as a gone one.
    if (!finding || !canSeeTenant(admin.tenantScope, finding.tenantRef)) return { error: "This finding no longer exists", done: false };
    const result = await undoAcknowledgement(db, { tenantRef: finding.tenantRef, findingId: input.data.findingId, actor: admin.email });
    if (!result.ok) return { error: result.error.message, done: false };
    revalidatePath(deviceHref(input.data.subjectKey));
    revalidatePath("/findings");
    return { error: null, done: true };
  },
);
