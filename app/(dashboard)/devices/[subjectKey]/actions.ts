"use server";

import { revalidatePath } from "next/cache";
import { z } from "zod";
import { guardedAction } from "@/lib/auth/action-guard";
import { db } from "@/lib/db/client";
import { acknowledgeFinding } from "@/lib/findings/acknowledge-finding";
import { deviceHref } from "@/lib/queries/find-device-detail";

export interface AcknowledgeState {
  error: string | null;
  done: boolean;
}

const AcknowledgeForm = z.object({
  findingId: z.string().uuid("Unknown finding"),
  subjectKey: z.string().min(3).max(300),
  comment: z.string().trim().min(1, "Add a comment: why is this finding accepted for now?").max(1000, "Use at most 1000 characters"),
});

export const acknowledgeFindingAction = guardedAction("Operator", async (admin, _previous: AcknowledgeState, formData: FormData): Promise<AcknowledgeState> => {
  const input = AcknowledgeForm.safeParse({
    findingId: formData.get("findingId"),
    subjectKey: formData.get("subjectKey"),
    comment: formData.get("comment") ?? "",
  });
  if (!input.success) return { error: input.error.issues[0]?.message ?? "Check the form", done: false };
  const result = await acknowledgeFinding(db, { findingId: input.data.findingId, comment: input.data.comment, actor: admin.email });
  if (!result.ok) return { error: result.error.message, done: false };
  revalidatePath(deviceHref(input.data.subjectKey));
  revalidatePath("/findings");
  return { error: null, done: true };
});
