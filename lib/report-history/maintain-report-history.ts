import "server-only";
import { randomUUID } from "node:crypto";
import { hostname } from "node:os";
import { db } from "@/lib/db/client";
import { directDb, type DirectDb } from "@/lib/db/direct";
import { acquireLease, releaseLease, renewLease, type Lease } from "@/lib/db/lease";
import { log } from "@/lib/log/logger";
import { compactReportHistory } from "./compact-history";
import { applyReportRetention } from "./report-retention";
import { reindexBloatedIndexes, vacuumBloatedTables } from "./vacuum-bloated-tables";

const LEASE_TTL_MS = 60_000;
/** Retention runs at most this often per tenant and process. */
const RETENTION_EVERY_MS = 3_600_000;
/** A tick compacts old reports for at most this long per tenant (the rest at the next tick: it resumes). */
const COMPACTION_BUDGET_MS = 10_000;
const lastRetention = new Map<string, number>();

/**
 * The report history's upkeep for every tenant (decision 013), from the scheduler's tick: a database from before the
 * history change compacted a few devices at a time, and the tenant's retention applied hourly. Each tenant's work runs
 * under its findings lease (lib/db/lease.ts), which the findings passes that read the reports hold too: taken if free,
 * else the tenant is left for the next tick. The lease is not held by uploads, which never wait for it. Last, on
 * PostgreSQL, the tables with many dead row versions are vacuumed and the indexes left sparse rebuilt
 * (vacuum-bloated-tables.ts, decision 025).
 */
export async function maintainReportHistory(now = new Date(), direct: DirectDb = directDb()): Promise<void> {
  const tenants = await db.tenant.findMany({ select: { id: true, name: true, retentionChangeDays: true, retentionTextChanges: true } });
  for (const t of tenants) {
    const lease: Lease = { table: "FindingsLease", tenantRef: t.id, holder: `${hostname()}:${process.pid}:history:${randomUUID()}` };
    if (!(await acquireLease(direct, lease, LEASE_TTL_MS, now))) continue;
    const renewal = setInterval(() => void renewLease(direct, lease, LEASE_TTL_MS).catch(() => undefined), LEASE_TTL_MS / 3);
    renewal.unref();
    try {
      const started = Date.now();
      let compacted = 0;
      for (;;) {
        const r = await compactReportHistory(direct, { tenantRef: t.id, devices: 20 });
        compacted += r.devices;
        if (r.devices === 0 || Date.now() - started > COMPACTION_BUDGET_MS) break;
      }
      if (compacted) log("info", "report history compacted", { tenant: t.name, devices: compacted });
      if (now.getTime() - (lastRetention.get(t.id) ?? 0) >= RETENTION_EVERY_MS) {
        lastRetention.set(t.id, now.getTime());
        const r = await applyReportRetention(direct, { tenantRef: t.id, settings: t, now, pauseMs: 5 });
        if (r.changesDeleted || r.textsDropped) log("info", "report retention applied", { tenant: t.name, ...r });
      }
    } finally {
      clearInterval(renewal);
      await releaseLease(direct, lease).catch(() => undefined);
    }
  }
  // PostgreSQL: the dead row versions of the in-place updates above and of every upload since the last tick (decision 025).
  const vacuumed = await vacuumBloatedTables(direct);
  if (vacuumed.length) log("debug", "tables vacuumed", { tables: vacuumed.join(", ") });
  const rebuilt = await reindexBloatedIndexes(direct);
  if (rebuilt.length) log("info", "sparse indexes rebuilt", { indexes: rebuilt.join(", ") });
}
