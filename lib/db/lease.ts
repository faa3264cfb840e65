import type { DirectDb } from "./direct";

/**
 * Leases that let one holder at a time work on a tenant, across processes and app instances: a row per tenant
 * (tenantRef, holder, expiresAt) that a holder takes when it is free or expired, renews while it works, and deletes
 * at its end. A holder that crashed lets go when its lease expires. The sync (lib/sync/run-sync.ts) and the findings
 * passes (lib/findings/findings-lease.ts) each have a table of their own.
 */
export type LeaseTable = "SyncLease" | "FindingsLease" | "SignInLease" | "DigestLease";

export interface Lease {
  table: LeaseTable;
  tenantRef: string;
  holder: string;
}

/** Takes the lease when nobody holds it, its holder let it expire, or `holder` holds it already. One transaction. */
export async function acquireLease(direct: DirectDb, lease: Lease, ttlMs: number, now = new Date()): Promise<boolean> {
  const { table, tenantRef, holder } = lease;
  const expiresAt = new Date(now.getTime() + ttlMs);
  const [updated, inserted] = await direct.batch([
    {
      sql: `UPDATE "${table}" SET "holder" = ?, "expiresAt" = ? WHERE "tenantRef" = ? AND ("expiresAt" < ? OR "holder" = ?)`,
      params: [holder, expiresAt, tenantRef, now, holder],
    },
    {
      sql: `INSERT INTO "${table}" ("tenantRef", "holder", "expiresAt") VALUES (?, ?, ?) ON CONFLICT ("tenantRef") DO NOTHING`,
      params: [tenantRef, holder, expiresAt],
    },
  ]);
  return updated! + inserted! > 0;
}

/** Extends the lease while `holder` still holds it. */
export async function renewLease(direct: DirectDb, lease: Lease, ttlMs: number, now = new Date()): Promise<void> {
  await direct.batch([
    {
      sql: `UPDATE "${lease.table}" SET "expiresAt" = ? WHERE "tenantRef" = ? AND "holder" = ?`,
      params: [new Date(now.getTime() + ttlMs), lease.tenantRef, lease.holder],
    },
  ]);
}

/** Lets the lease go, if `holder` still holds it. */
export async function releaseLease(direct: DirectDb, lease: Lease): Promise<void> {
  await direct.batch([{ sql: `DELETE FROM "${lease.table}" WHERE "tenantRef" = ? AND "holder" = ?`, params: [lease.tenantRef, lease.holder] }]);
}
