import "server-only";
import type { Db } from "@/lib/db/client";

/**
 * One sync per tenant, even with several app instances: a lease row that a holder takes when it is free
 * or expired, and renews after every page. A crashed holder's lease runs out after `ttlMs`.
 */
export async function acquireSyncLease(db: Db, options: { tenantRef: string; holder: string; ttlMs: number; now?: Date }): Promise<boolean> {
  const now = options.now ?? new Date();
  const expiresAt = new Date(now.getTime() + options.ttlMs);
  const taken = await db.syncLease.updateMany({
    where: { tenantRef: options.tenantRef, OR: [{ expiresAt: { lt: now } }, { holder: options.holder }] },
    data: { holder: options.holder, expiresAt },
  });
  if (taken.count === 1) return true;
  try {
    await db.syncLease.create({ data: { tenantRef: options.tenantRef, holder: options.holder, expiresAt } });
    return true;
  } catch (error) {
    if ((error as { code?: string }).code === "P2002") return false; // someone else holds it
    throw error;
  }
}

export async function renewSyncLease(
  db: Pick<Db, "syncLease">,
  options: { tenantRef: string; holder: string; ttlMs: number; now?: Date },
): Promise<boolean> {
  const now = options.now ?? new Date();
  const r = await db.syncLease.updateMany({
    where: { tenantRef: options.tenantRef, holder: options.holder },
    data: { expiresAt: new Date(now.getTime() + options.ttlMs) },
  });
  return r.count === 1;
}

export async function releaseSyncLease(db: Db, options: { tenantRef: string; holder: string }): Promise<void> {
  await db.syncLease.deleteMany({ where: { tenantRef: options.tenantRef, holder: options.holder } });
}
