import "server-only";
import { z } from "zod";
import { writeAuditLog } from "@/lib/audit/write-audit-log";
import type { Db } from "@/lib/db/client";

export const AcknowledgeFindingInput = z.object({
  findingId: z.string().uuid("Unknown finding"),
  comment: z.string().trim().min(1, "Add a comment: why is this finding accepted for now?").max(1000, "Use at most 1000 characters"),
  actor: z.string().min(1),
});

export type AcknowledgeFindingResult =
  { ok: true; acknowledgedAt: Date } | { ok: false; error: { code: "invalid-input" | "not-found" | "not-open"; message: string } };

/**
 * Marks an open finding as acknowledged (it stays open: the condition is still there). The finding, its
 * FindingEvent "acknowledged" and the audit entry are written in one transaction. When the condition
 * clears and later returns, the lifecycle reopens the finding without the acknowledgement.
 */
export async function acknowledgeFinding(
  db: Db,
  input: z.input<typeof AcknowledgeFindingInput> & { tenantRef?: string },
  now = new Date(),
): Promise<AcknowledgeFindingResult> {
  const parsed = AcknowledgeFindingInput.safeParse(input);
  if (!parsed.success) return { ok: false, error: { code: "invalid-input", message: parsed.error.issues[0]?.message ?? "Invalid input" } };
  const { findingId, comment, actor } = parsed.data;
  return db.$transaction(async (tx) => {
    const finding = await tx.finding.findUnique({
      where: { id: findingId },
      select: { id: true, tenantRef: true, subjectKey: true, rule: true, status: true },
    });
    if (!finding || (input.tenantRef && finding.tenantRef !== input.tenantRef))
      return { ok: false, error: { code: "not-found", message: "This finding no longer exists" } } as const;
    if (finding.status !== "open") return { ok: false, error: { code: "not-open", message: "This finding is already resolved" } } as const;
    await tx.finding.update({ where: { id: finding.id }, data: { acknowledgedAt: now, acknowledgedBy: actor, ackComment: comment } });
    await tx.findingEvent.create({
      data: { tenantRef: finding.tenantRef, findingRef: finding.id, subjectKey: finding.subjectKey, kind: "acknowledged", at: now, actor, detail: comment },
    });
    await writeAuditLog(tx, {
      actor,
      action: "finding.acknowledge",
      tenantRef: finding.tenantRef,
      target: finding.id,
      detail: { rule: finding.rule, subjectKey: finding.subjectKey, comment },
    });
    return { ok: true, acknowledgedAt: now } as const;
  });
}
