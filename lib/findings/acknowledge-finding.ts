import "server-only";
import { z } from "zod";
import { canSeeTenant, type TenantScope } from "@/lib/auth/tenant-scope";
import type { Db } from "@/lib/db/client";
import { AckTicket, AckUntil, acknowledgeFindings } from "./acknowledge-findings";

export const AcknowledgeFindingInput = z.object({
  findingId: z.string().uuid("Unknown finding"),
  comment: z.string().trim().min(1, "Add a comment: why is this finding accepted for now?").max(1000, "Use at most 1000 characters"),
  ticket: AckTicket,
  until: AckUntil,
  actor: z.string().min(1),
});

export type AcknowledgeFindingResult =
  | { ok: true; acknowledgedAt: Date; until: Date | null }
  | { ok: false; error: { code: "invalid-input" | "not-found" | "not-open" | "already-acknowledged"; message: string } };

/**
 * Acknowledges one open finding (it stays open: the condition is still there), from a device page's card: the same
 * write as the bulk acknowledgement (acknowledgeFindings: the finding, its FindingEvent and audit entry in one
 * transaction), with an error that names why this one finding could not be. When the condition clears and later
 * returns, the lifecycle reopens the finding without the acknowledgement.
 */
export async function acknowledgeFinding(
  db: Db,
  input: z.input<typeof AcknowledgeFindingInput> & {
    tenantRef?: string;
    /** The caller's access limit (decision 027): another tenant's finding is not found. */ tenantScope?: TenantScope;
  },
  now = new Date(),
): Promise<AcknowledgeFindingResult> {
  const parsed = AcknowledgeFindingInput.safeParse(input);
  if (!parsed.success) return { ok: false, error: { code: "invalid-input", message: parsed.error.issues[0]?.message ?? "Invalid input" } };
  const { findingId, comment, ticket, until, actor } = parsed.data;
  const finding = await db.finding.findUnique({ where: { id: findingId }, select: { tenantRef: true } });
  if (!finding || (input.tenantRef && finding.tenantRef !== input.tenantRef) || !canSeeTenant(input.tenantScope ?? null, finding.tenantRef))
    return { ok: false, error: { code: "not-found", message: "This finding no longer exists" } };
  const result = await acknowledgeFindings(db, { tenantRef: finding.tenantRef, actor, comment, ticket, until, findingIds: [findingId], bulk: false }, now);
  if (result.ok) return { ok: true, acknowledgedAt: result.acknowledgedAt, until: result.until };
  if (result.error.code !== "nothing-to-acknowledge") return { ok: false, error: { code: "invalid-input", message: result.error.message } };
  // Why nothing was written: read again, after the transaction that found nothing to acknowledge.
  const now2 = await db.finding.findUnique({ where: { id: findingId }, select: { status: true, acknowledgedBy: true } });
  if (!now2) return { ok: false, error: { code: "not-found", message: "This finding no longer exists" } };
  if (now2.status !== "open") return { ok: false, error: { code: "not-open", message: "This finding is already resolved" } };
  return {
    ok: false,
    error: { code: "already-acknowledged", message: `${now2.acknowledgedBy ?? "Someone"} already acknowledged this finding: undo that first to change it` },
  };
}
