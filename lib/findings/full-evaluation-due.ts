import "server-only";
import type { Db } from "@/lib/db/client";
import { RULES_VERSION } from "@/lib/rules/rules-version";

/** Time-based rules (stale-device, pending age, cert-expiring, silent-device) move without new data: a full pass this often. */
export const FULL_EVALUATION_HOURS = 6;

/**
 * The tenants whose findings need a full pass now: never evaluated in full, last evaluated more than
 * FULL_EVALUATION_HOURS ago, or evaluated with older rules (RULES_VERSION).
 */
export async function tenantsDueForFullEvaluation(db: Db, now = new Date()): Promise<{ id: string; name: string }[]> {
  return db.tenant.findMany({ where: dueWhere(now), select: { id: true, name: true }, orderBy: { createdAt: "asc" } });
}

/** The same test for one tenant, read again when a pass's turn comes (another instance may have just run it). */
export async function isFullPassDue(db: Db, tenantRef: string, now = new Date()): Promise<boolean> {
  return (await db.tenant.count({ where: { id: tenantRef, ...dueWhere(now) } })) > 0;
}

function dueWhere(now: Date) {
  const staleBefore = new Date(now.getTime() - FULL_EVALUATION_HOURS * 3600_000);
  return { OR: [{ findingsEvaluatedAt: null }, { findingsEvaluatedAt: { lt: staleBefore } }, { rulesVersion: { lt: RULES_VERSION } }] };
}
