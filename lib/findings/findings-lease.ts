import "server-only";
import { randomUUID } from "node:crypto";
import { hostname } from "node:os";
import type { DirectDb } from "@/lib/db/direct";

/**
 * One findings pass per tenant at a time, across app instances and processes (the CLI beside the server). A pass
 * reads a batch's existing findings and then writes, so two at once over one tenant would both insert the same new
 * finding (the unique key fails the second's transaction) or both log its resolution. Within a process passes queue
 * on a promise (reevaluate-findings.ts); between processes on this lease: a FindingsLease row that a pass takes when
 * it is free or expired, renews while it runs, and deletes at its end. A holder that crashed lets go after the TTL.
 */
export interface LeaseOptions {
  /** How long a lease lasts without renewal (default 60 s); it is renewed every third of that. */
  ttlMs?: number;
  /** How often a waiting pass tries again (default 250 ms). */
  pollMs?: number;
  /** The holder's name (default: host, process and a random id). */
  holder?: string;
}

const DEFAULT_TTL_MS = 60_000;
const DEFAULT_POLL_MS = 250;

/** Runs `work` while holding the tenant's findings lease, waiting for it as long as another holder keeps it. */
export async function withFindingsLease<T>(direct: DirectDb, tenantRef: string, work: () => Promise<T>, options: LeaseOptions = {}): Promise<T> {
  const ttlMs = options.ttlMs ?? DEFAULT_TTL_MS;
  const holder = options.holder ?? `${hostname()}:${process.pid}:${randomUUID()}`;
  while (!(await acquire(direct, tenantRef, holder, ttlMs))) {
    await new Promise((resolve) => setTimeout(resolve, options.pollMs ?? DEFAULT_POLL_MS));
  }
  // A failed renewal is retried at the next tick; the pass goes on (its writes stay guarded by the unique keys).
  const renewal = setInterval(() => void renew(direct, tenantRef, holder, ttlMs).catch(() => undefined), ttlMs / 3);
  renewal.unref();
  try {
    return await work();
  } finally {
    clearInterval(renewal);
    await direct.batch([{ sql: `DELETE FROM "FindingsLease" WHERE "tenantRef" = ? AND "holder" = ?`, params: [tenantRef, holder] }]).catch(() => undefined);
  }
}

/** Takes the lease when nobody holds it, or its holder let it expire. One transaction: taken or not, never both. */
async function acquire(direct: DirectDb, tenantRef: string, holder: string, ttlMs: number): Promise<boolean> {
  const now = new Date();
  const expiresAt = new Date(now.getTime() + ttlMs);
  const [updated, inserted] = await direct.batch([
    {
      sql: `UPDATE "FindingsLease" SET "holder" = ?, "expiresAt" = ? WHERE "tenantRef" = ? AND ("expiresAt" < ? OR "holder" = ?)`,
      params: [holder, expiresAt, tenantRef, now, holder],
    },
    {
      sql: `INSERT INTO "FindingsLease" ("tenantRef", "holder", "expiresAt") VALUES (?, ?, ?) ON CONFLICT ("tenantRef") DO NOTHING`,
      params: [tenantRef, holder, expiresAt],
    },
  ]);
  return updated! + inserted! > 0;
}

async function renew(direct: DirectDb, tenantRef: string, holder: string, ttlMs: number): Promise<void> {
  await direct.batch([
    { sql: `UPDATE "FindingsLease" SET "expiresAt" = ? WHERE "tenantRef" = ? AND "holder" = ?`, params: [new Date(Date.now() + ttlMs), tenantRef, holder] },
  ]);
}
