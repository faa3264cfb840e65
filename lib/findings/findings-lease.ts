import "server-only";
import { randomUUID } from "node:crypto";
import { hostname } from "node:os";
import type { DirectDb } from "@/lib/db/direct";
import { acquireLease, releaseLease, renewLease, type Lease } from "@/lib/db/lease";

/**
 * One findings pass per tenant at a time, across app instances and processes (the CLI beside the server). A pass
 * reads a batch's existing findings and then writes, so two at once over one tenant would both insert the same new
 * finding (the unique key fails the second's transaction) or both log its resolution. Within a process passes queue
 * on a promise (findings-scheduler.ts); between processes on this lease (lib/db/lease.ts): a FindingsLease row, renewed
 * while the pass runs.
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
  const lease: Lease = { table: "FindingsLease", tenantRef, holder: options.holder ?? `${hostname()}:${process.pid}:${randomUUID()}` };
  while (!(await acquireLease(direct, lease, ttlMs))) {
    await new Promise((resolve) => setTimeout(resolve, options.pollMs ?? DEFAULT_POLL_MS));
  }
  // A failed renewal is retried at the next tick; the pass goes on (its writes stay guarded by the unique keys).
  const renewal = setInterval(() => void renewLease(direct, lease, ttlMs).catch(() => undefined), ttlMs / 3);
  renewal.unref();
  try {
    return await work();
  } finally {
    clearInterval(renewal);
    await releaseLease(direct, lease).catch(() => undefined);
  }
}
