import "server-only";
import { readBool, readDate, type DirectDb } from "@/lib/db/direct";
import { getOverviewStats } from "@/lib/queries/get-overview-stats";
import { snapshotDay } from "./snapshot-day";

/** A device whose latest report is older than this has gone silent (its agent stopped, or the machine is gone). */
export const SILENT_AFTER_DAYS = 7;
const DAY_MS = 24 * 3600_000;

export interface DailySnapshotWrite {
  day: string;
  /** False when the day already had its snapshot (another request or app instance took it): nothing was written. */
  written: boolean;
}

/**
 * Takes the tenant's snapshot of the UTC day `now` falls in, unless the day has one (issue 17, item 4): the state at
 * `now` (open findings by severity and by rule, the latest reports' join types, devices reporting and gone silent,
 * sync health) and the reports received during the whole previous UTC day, exact from ReportTally's hours. One row
 * per tenant per day: the INSERT does nothing when another writer got there first, so it is idempotent and safe to
 * race. Called by the sync scheduler's first tick of a day and by the Overview when the day has no snapshot yet. The
 * device figures come from the device summaries, which must be current (ensureDeviceSummaries) as for the Overview.
 */
export async function writeDailySnapshot(direct: DirectDb, options: { tenantRef: string; now: Date }): Promise<DailySnapshotWrite> {
  const { tenantRef, now } = options;
  const day = snapshotDay(now);
  const [existing] = await direct.query(`SELECT 1 AS "x" FROM "DailySnapshot" WHERE "tenantRef" = ? AND "day" = ?`, [tenantRef, day]);
  if (existing) return { day, written: false };

  const previousDay = snapshotDay(new Date(Date.parse(`${day}T00:00:00Z`) - DAY_MS));
  const silentBefore = new Date(now.getTime() - SILENT_AFTER_DAYS * DAY_MS);
  const [stats, findings, reports, silent, tenants, lastRun, lastSuccess, failures] = await Promise.all([
    getOverviewStats(direct, { tenantRef, now, latestProblemsLimit: 0 }),
    // The grouped Findings view's index (tenantRef, status, rule, severity, …) serves this GROUP BY alone.
    direct.query(`SELECT "rule", "severity", COUNT(*) AS "n" FROM "Finding" WHERE "tenantRef" = ? AND "status" = 'open' GROUP BY "rule", "severity"`, [
      tenantRef,
    ]),
    // "h:YYYY-MM-DD" sorts before every hour of that day ("h:YYYY-MM-DDTHH").
    direct.query(`SELECT COALESCE(SUM("reports"), 0) AS "n" FROM "ReportTally" WHERE "tenantRef" = ? AND "period" >= ? AND "period" < ?`, [
      tenantRef,
      `h:${previousDay}`,
      `h:${day}`,
    ]),
    direct.query(`SELECT COUNT(*) AS "n" FROM "DeviceSummary" WHERE "tenantRef" = ? AND "reportHead" = TRUE AND "lastReportAt" < ?`, [tenantRef, silentBefore]),
    direct.query(`SELECT "syncEnabled", "clientId" FROM "Tenant" WHERE "id" = ?`, [tenantRef]),
    direct.query(`SELECT "status", "startedAt" FROM "SyncRun" WHERE "tenantRef" = ? ORDER BY "startedAt" DESC LIMIT 1`, [tenantRef]),
    direct.query(`SELECT "finishedAt" FROM "SyncRun" WHERE "tenantRef" = ? AND "status" = 'succeeded' ORDER BY "startedAt" DESC LIMIT 1`, [tenantRef]),
    direct.query(`SELECT COUNT(*) AS "n" FROM "SyncRun" WHERE "tenantRef" = ? AND "status" = 'failed' AND "startedAt" >= ?`, [
      tenantRef,
      new Date(now.getTime() - DAY_MS),
    ]),
  ]);
  const tenant = tenants[0];
  if (!tenant) return { day, written: false };

  const openBySeverity: Record<string, number> = {};
  const openByRule: Record<string, number> = {};
  let openFindings = 0;
  for (const r of findings) {
    const n = Number(r.n);
    openFindings += n;
    openBySeverity[r.severity as string] = (openBySeverity[r.severity as string] ?? 0) + n;
    openByRule[r.rule as string] = (openByRule[r.rule as string] ?? 0) + n;
  }
  const syncEnabled = readBool(tenant.syncEnabled) === true && tenant.clientId !== null;

  const [inserted] = await direct.batch([
    {
      sql: `INSERT INTO "DailySnapshot" ("tenantRef", "day", "takenAt", "openFindings", "openBySeverity", "openByRule", "devicesReporting", "joinTypes",
              "reportsPreviousDay", "devicesSilent", "silentAfterDays", "syncEnabled", "lastSyncStatus", "lastSyncAt", "lastSyncSuccessAt", "syncFailures24h")
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            ON CONFLICT ("tenantRef", "day") DO NOTHING`,
      params: [
        tenantRef,
        day,
        now,
        openFindings,
        JSON.stringify(openBySeverity),
        JSON.stringify(openByRule),
        stats.devicesReporting,
        JSON.stringify(stats.byJoinType),
        Number(reports[0]?.n ?? 0),
        Number(silent[0]?.n ?? 0),
        SILENT_AFTER_DAYS,
        syncEnabled,
        (lastRun[0]?.status as string | undefined) ?? null,
        readDate(lastRun[0]?.startedAt),
        readDate(lastSuccess[0]?.finishedAt),
        Number(failures[0]?.n ?? 0),
      ],
    },
  ]);
  return { day, written: inserted === 1 };
}
