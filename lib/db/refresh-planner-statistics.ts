import "server-only";
import type { DirectDb } from "./direct";

/**
 * PostgreSQL plans from the statistics ANALYZE gathers, and autovacuum gathers them only after enough rows changed and
 * on its own schedule (many managed services tune it conservatively; some installations turn it off). After a bulk
 * write (a full sync, a full findings pass, the device summaries' rebuild) the tables it rewrote are analysed at once,
 * so the next page is planned for the data it reads (decision 018 has the figures). ANALYZE reads a fixed sample (300 × default_statistics_target rows), so it costs
 * tens of milliseconds per table whatever the table's size, and it takes no lock that blocks reads or writes.
 * SQLite: nothing; its queries name their indexes where the choice matters (lib/queries).
 */
export async function refreshPlannerStatistics(direct: DirectDb, tables: readonly string[]): Promise<void> {
  if (direct.dialect !== "postgresql" || tables.length === 0) return;
  await direct.query(`ANALYZE ${tables.map((t) => `"${t}"`).join(", ")}`);
}

/** The tables a full directory sync rewrites. */
export const FULL_SYNC_TABLES = ["DirectoryDevice", "DirectoryChange", "DeviceSummary", "DeviceSummaryTally"] as const;
/** The tables a full findings pass rewrites. */
export const FULL_PASS_TABLES = ["Finding", "FindingEvent", "DeviceSummary", "DeviceSummaryTally"] as const;
