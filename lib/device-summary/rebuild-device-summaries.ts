import "server-only";
import { config } from "@/lib/config";
import { directDb, type DirectDb } from "@/lib/db/direct";
import { openSqliteWriter } from "@/lib/db/sqlite-writer";
import { refreshPlannerStatistics, SUMMARY_TABLES } from "@/lib/db/refresh-planner-statistics";
import { log } from "@/lib/log/logger";
import { bulkRebuildStatements } from "./bulk-rebuild";
import { SUMMARY_VERSION } from "./summary-version";

/**
 * Computes a tenant's device summaries and tallies again from its directory objects, reports and findings, in one
 * transaction (summary-statements.ts rebuildStatements), and records SUMMARY_VERSION on the tenant. On SQLite the
 * transaction runs on a writer thread: the event loop stays free while it holds the write lock (a few seconds for
 * 100,000 devices), and uploads wait for it as they wait for a sync page.
 */
export async function rebuildDeviceSummaries(tenantRef: string, direct: DirectDb = directDb()): Promise<void> {
  // A large tenant's summaries are inserted with the table's secondary indexes dropped, then those created again (decision 037).
  const statements = await bulkRebuildStatements(direct, tenantRef);
  if (direct.dialect !== "sqlite") {
    await direct.batch(statements);
    await refreshPlannerStatistics(direct, [...SUMMARY_TABLES, "ReportTally"]);
    return;
  }
  const writer = openSqliteWriter(config.DATABASE_URL);
  try {
    await writer.batch(statements);
  } finally {
    await writer.close();
  }
}

const current = new Set<string>();
const rebuilding = new Map<string, Promise<void>>();

/**
 * Makes sure a tenant's summaries are of SUMMARY_VERSION before a page reads them: the first read after the upgrade
 * that added them (or changed what they hold) rebuilds them, once per tenant, however many requests ask at the same
 * time. Once a tenant is known current, this process does not ask the database again.
 */
export async function ensureDeviceSummaries(tenantRef: string, direct: DirectDb = directDb()): Promise<void> {
  if (current.has(tenantRef)) return;
  const [row] = await direct.query<{ summaryVersion: number | bigint }>(`SELECT "summaryVersion" FROM "Tenant" WHERE "id" = ?`, [tenantRef]);
  if (!row) return;
  if (Number(row.summaryVersion) >= SUMMARY_VERSION) {
    current.add(tenantRef);
    return;
  }
  let pending = rebuilding.get(tenantRef);
  if (!pending) {
    const started = Date.now();
    pending = rebuildDeviceSummaries(tenantRef, direct)
      .then(() => {
        current.add(tenantRef);
        log("info", "device summaries rebuilt", { tenantRef, version: SUMMARY_VERSION, ms: Date.now() - started });
      })
      .finally(() => rebuilding.delete(tenantRef));
    rebuilding.set(tenantRef, pending);
  }
  await pending;
}

/** The scheduler's tick: every tenant whose summaries are older than SUMMARY_VERSION, rebuilt one after the other. */
export async function rebuildStaleDeviceSummaries(direct: DirectDb = directDb()): Promise<void> {
  const stale = await direct.query<{ id: string }>(`SELECT "id" FROM "Tenant" WHERE "summaryVersion" < ?`, [SUMMARY_VERSION]);
  for (const t of stale) await ensureDeviceSummaries(t.id, direct);
}
