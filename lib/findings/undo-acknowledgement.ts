import "server-only";
import { z } from "zod";
import type { Db } from "@/lib/db/client";

export const UndoAcknowledgementInput = z.object({
  tenantRef: z.string().min(1),
  findingId: z.string().uuid("Unknown finding"),
  actor: z.string().min(1),
});

export type UndoAcknowledgementResult = { ok: true } | { ok: false; error: { code: "invalid-input" | "not-found" | "not-acknowledged"; message: string } };

/**
 * Withdraws a finding's acknowledgement (it is back on the open lists at once): clears who, when, the comment, ticket
 * and expiry, writes the FindingEvent "unacknowledged" (the timeline's one entry for the undo, naming whose
 * acknowledgement it withdrew) and the audit entry "finding.unacknowledge" in one transaction. Only an acknowledged
 * finding of the tenant: the update re-checks it, so a concurrent undo or findings pass is not written over.
 */
export async function undoAcknowledgement(db: Db, input: z.input<typeof UndoAcknowledgementInput>, now = new Date()): Promise<UndoAcknowledgementResult> {
  const parsed = UndoAcknowledgementInput.safeParse(input);
  if (!parsed.success) return { ok: false, error: { code: "invalid-input", message: parsed.error.issues[0]?.message ?? "Invalid input" } };
  const { tenantRef, findingId, actor } = parsed.data;
  return db.$transaction(async (tx) => {
    const f = await tx.finding.findFirst({
      where: { id: findingId, tenantRef },
      select: { id: true, subjectKey: true, rule: true, acknowledgedBy: true, ackComment: true, ackTicket: true, ackUntil: true },
    });
    if (!f) return { ok: false, error: { code: "not-found", message: "This finding no longer exists" } } as const;
    const { count } = await tx.finding.updateMany({
      where: { id: f.id, acknowledgedAt: { not: null } },
      data: { acknowledgedAt: null, acknowledgedBy: null, ackComment: null, ackTicket: null, ackUntil: null },
    });
    if (count === 0) return { ok: false, error: { code: "not-acknowledged", message: "This finding is not acknowledged (any more)" } } as const;
    const whose = f.acknowledgedBy ? `${f.acknowledgedBy}'s acknowledgement withdrawn` : "Acknowledgement withdrawn";
    await tx.findingEvent.create({
      data: { tenantRef, findingRef: f.id, subjectKey: f.subjectKey, kind: "unacknowledged", at: now, actor, detail: whose },
    });
    await tx.auditLog.create({
      data: {
        actor,
        action: "finding.unacknowledge",
        tenantRef,
        target: f.id,
        detail: {
          rule: f.rule,
          subjectKey: f.subjectKey,
          acknowledgedBy: f.acknowledgedBy,
          comment: f.ackComment,
          ...(f.ackTicket ? { ticket: f.ackTicket } : {}),
          ...(f.ackUntil ? { until: f.ackUntil.toISOString() } : {}),
        },
      },
    });
    return { ok: true } as const;
  });
}
