import "server-only";
import { PASS_SUMMARY_COLUMNS } from "@/lib/device-summary/summary-statements";
import type { Dialect, DirectDb, Statement } from "./direct";

/**
 * PostgreSQL plans from the statistics ANALYZE gathers, and autovacuum gathers them only after enough rows changed and
 * on its own schedule (many managed services tune it conservatively; some installations turn it off). After a bulk
 * write (a full sync, a full findings pass, the device summaries' rebuild) the tables it rewrote are analysed at once,
 * so the next page is planned for the data it reads (decision 018 has the figures). ANALYZE reads a fixed sample (300 × default_statistics_target rows), so it costs
 * tens of milliseconds per table whatever the table's size, and it takes no lock that blocks reads or writes.
 * SQLite: nothing; its queries name their indexes where the choice matters (lib/queries).
 */
export async function refreshPlannerStatistics(direct: DirectDb, tables: readonly AnalysedTable[]): Promise<void> {
  if (direct.dialect !== "postgresql" || tables.length === 0) return;
  await direct.query(`ANALYZE ${tables.map(analyseTarget).join(", ")}`);
}

/**
 * A table to analyse: every column of it, or only the columns a bulk write changed. A column list leaves the other
 * columns' statistics as they were and skips what ANALYZE computes for the table's whole width: on the 100,000-device
 * bench the summaries' table took 1.6–2.4 s in full and 0.38–0.43 s for the six columns a findings pass writes
 * (decision 038).
 */
export type AnalysedTable = string | { table: string; columns: readonly string[] };

function analyseTarget(t: AnalysedTable): string {
  return typeof t === "string" ? `"${t}"` : `"${t.table}" (${t.columns.map((c) => `"${c}"`).join(", ")})`;
}

/** The directory's own tables, which a full sync's pages write. */
export const DIRECTORY_TABLES = ["DirectoryDevice", "DirectoryChange"] as const;
/** The summaries' tables, which a full sync writes page by page, or rebuilds at its end (a tenant's first). */
export const SUMMARY_TABLES = ["DeviceSummary", "DeviceSummaryTally", "DeviceOsTally"] as const;
/** The tables a full directory sync rewrites. */
export const FULL_SYNC_TABLES = [...DIRECTORY_TABLES, ...SUMMARY_TABLES] as const;
/**
 * The tables a full findings pass rewrites: its findings and their events, the tallies its summary updates move, and
 * of the summaries only the findings columns (findingsStatements in lib/device-summary/summary-statements.ts).
 */
export const FULL_PASS_TABLES: readonly AnalysedTable[] = [
  "Finding",
  "FindingEvent",
  { table: "DeviceSummary", columns: PASS_SUMMARY_COLUMNS },
  "DeviceSummaryTally",
  "DeviceOsTally",
];

/**
 * While a full sync fills the directory (a tenant's first sync, or one that brings many new objects), the statistics
 * of its tables describe what they held before: an empty table, or other tenants. PostgreSQL then guesses that
 * `"deviceId" IN (…)` matches a fraction of the tenant's objects rather than one each, and the summary statements of
 * each page (lib/device-summary) read the tenant's objects by scanning all of them instead of through the (tenantRef,
 * deviceId) index: a cost that grows with every page (decision 026). So the directory and its summaries are analysed
 * after pages 1 and 8 of a full sync, as transactions of the run's own writer (in page order). Once analysed, a
 * column's distribution holds as the table grows, and the planner scales a table's row count by its current size.
 * SQLite: nothing (its statements name their indexes).
 */
export function statisticsWhileFilling(dialect: Dialect, pagesWritten: number): Statement[] {
  if (dialect !== "postgresql" || (pagesWritten !== 1 && pagesWritten !== 8)) return [];
  return [{ sql: `ANALYZE "DirectoryDevice", "DeviceSummary"`, params: [] }];
}
