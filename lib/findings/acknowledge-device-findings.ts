import "server-only";
import { z } from "zod";
import { writeAuditLog } from "@/lib/audit/write-audit-log";
import type { Db } from "@/lib/db/client";

/** The most devices one bulk acknowledgement takes: more than a page of the Devices list (50), bounded. */
export const MAX_BULK_ACK_DEVICES = 200;

export const AcknowledgeDeviceFindingsInput = z.object({
  tenantRef: z.string().min(1),
  /** Findings subjects ("d:<deviceId>", "o:<objectId>", "h:<hostname>"), as the Devices list's selection sends them. */
  subjectKeys: z
    .array(z.string().regex(/^[odh]:[^\u0000-\u001f]{1,300}$/, "Unknown device"))
    .min(1, "Select at least one device")
    .max(MAX_BULK_ACK_DEVICES, `Select at most ${MAX_BULK_ACK_DEVICES} devices`),
  comment: z.string().trim().min(1, "Add a comment: why are these findings accepted for now?").max(1000, "Use at most 1000 characters"),
  actor: z.string().min(1),
});

export type AcknowledgeDeviceFindingsResult =
  { ok: true; acknowledged: number; devices: number } | { ok: false; error: { code: "invalid-input"; message: string } };

/**
 * Acknowledges, with one comment, every open finding of the given devices that is not acknowledged yet (an earlier
 * acknowledgement and its comment are kept). As acknowledgeFinding does for one: each finding gets its FindingEvent
 * "acknowledged" and its own audit entry "finding.acknowledge", all in one transaction, so a failure leaves none of
 * them written. The device summaries hold nothing an acknowledgement changes.
 */
export async function acknowledgeDeviceFindings(
  db: Db,
  input: z.input<typeof AcknowledgeDeviceFindingsInput>,
  now = new Date(),
): Promise<AcknowledgeDeviceFindingsResult> {
  const parsed = AcknowledgeDeviceFindingsInput.safeParse(input);
  if (!parsed.success) return { ok: false, error: { code: "invalid-input", message: parsed.error.issues[0]?.message ?? "Invalid input" } };
  const { tenantRef, comment, actor } = parsed.data;
  const subjectKeys = [...new Set(parsed.data.subjectKeys)];
  return db.$transaction(async (tx) => {
    const findings = await tx.finding.findMany({
      where: { tenantRef, subjectKey: { in: subjectKeys }, status: "open", acknowledgedAt: null },
      select: { id: true, subjectKey: true, rule: true },
      orderBy: [{ subjectKey: "asc" }, { rule: "asc" }],
    });
    if (findings.length === 0) return { ok: true, acknowledged: 0, devices: 0 } as const;
    const done: typeof findings = [];
    for (const f of findings) {
      // Only a row still open and unacknowledged: a concurrent acknowledgement of it keeps its own comment.
      const { count } = await tx.finding.updateMany({
        where: { id: f.id, status: "open", acknowledgedAt: null },
        data: { acknowledgedAt: now, acknowledgedBy: actor, ackComment: comment },
      });
      if (count === 1) done.push(f);
    }
    if (done.length) {
      await tx.findingEvent.createMany({
        data: done.map((f) => ({ tenantRef, findingRef: f.id, subjectKey: f.subjectKey, kind: "acknowledged", at: now, actor, detail: comment })),
      });
    }
    for (const f of done) {
      await writeAuditLog(tx, {
        actor,
        action: "finding.acknowledge",
        tenantRef,
        target: f.id,
        detail: { rule: f.rule, subjectKey: f.subjectKey, comment, bulk: true },
      });
    }
    return { ok: true, acknowledged: done.length, devices: new Set(done.map((f) => f.subjectKey)).size } as const;
  });
}
