import "server-only";
import type { Db } from "@/lib/db/client";
import type { JoinType } from "@/lib/reports/types";
import type { Severity } from "@/lib/rules/types";
import { isProblemSeverity, readFindingsSnapshot, sortFindings, worstSeverity } from "@/lib/ui/severity";
import { chunk } from "@/lib/db/in-list";

export interface ProblemReportSummary {
  id: string;
  hostname: string;
  deviceId: string | null;
  joinType: string;
  capturedAt: string;
  severity: Severity;
  topFinding: string;
  findingCount: number;
}

export interface OverviewStats {
  reportsTotal: number;
  reportsLast24h: number;
  /** Distinct deviceId among the tenant's reports. */
  devicesReporting: number;
  /** Counted over each device's latest report (devices without a deviceId are keyed by hostname). */
  byJoinType: Record<JoinType, number>;
  devicesWithProblems: number;
  /** Devices whose latest report says AzureAdPrt : NO (joined devices only; registered ones have no PRT of their own). */
  devicesWithoutPrt: number;
  latestProblems: ProblemReportSummary[];
}

/**
 * The Overview cards. Counts are indexed COUNTs; the per-device numbers look only at each device's latest
 * report (one correlated MAX per device over the (tenantRef, deviceId, capturedAt) index), so a device that
 * uploads every 4 hours for a year still counts once and only its current findings matter.
 */
export async function getOverviewStats(db: Db, options: { tenantRef: string; now: Date; latestProblemsLimit?: number }): Promise<OverviewStats> {
  const { tenantRef, now } = options;
  const since = new Date(now.getTime() - 24 * 3600_000);
  const [reportsTotal, reportsLast24h, latestIds] = await Promise.all([
    db.deviceReport.count({ where: { tenantRef } }),
    db.deviceReport.count({ where: { tenantRef, receivedAt: { gte: since } } }),
    findLatestReportIds(db, tenantRef),
  ]);

  const rows: { id: string; hostname: string; deviceId: string | null; joinType: string; azureAdPrt: boolean | null; capturedAt: Date; findingsSnapshot: unknown }[] = [];
  for (const part of chunk(latestIds)) {
    rows.push(
      ...(await db.deviceReport.findMany({
        where: { id: { in: part } },
        select: { id: true, hostname: true, deviceId: true, joinType: true, azureAdPrt: true, capturedAt: true, findingsSnapshot: true },
      })),
    );
  }

  // Two reports of one device captured in the same millisecond: keep one.
  const latest = new Map<string, (typeof rows)[number]>();
  for (const row of rows) {
    const key = row.deviceId ? `d:${row.deviceId}` : `h:${row.hostname.toLowerCase()}`;
    const seen = latest.get(key);
    if (!seen || seen.id < row.id) latest.set(key, row);
  }

  const byJoinType: Record<JoinType, number> = { hybrid: 0, entra: 0, registered: 0, domain: 0, none: 0 };
  const problems: ProblemReportSummary[] = [];
  let devicesReporting = 0;
  let devicesWithoutPrt = 0;
  for (const row of latest.values()) {
    if (row.deviceId) devicesReporting += 1;
    if (row.azureAdPrt === false && (row.joinType === "hybrid" || row.joinType === "entra")) devicesWithoutPrt += 1;
    if (row.joinType in byJoinType) byJoinType[row.joinType as JoinType] += 1;
    const findings = readFindingsSnapshot(row.findingsSnapshot);
    const severity = worstSeverity(findings);
    if (severity && isProblemSeverity(severity)) {
      const sorted = sortFindings(findings);
      problems.push({
        id: row.id,
        hostname: row.hostname,
        deviceId: row.deviceId,
        joinType: row.joinType,
        capturedAt: row.capturedAt.toISOString(),
        severity,
        topFinding: sorted[0]?.title ?? "",
        findingCount: findings.filter((f) => f.severity !== "info").length,
      });
    }
  }
  problems.sort((a, b) => b.capturedAt.localeCompare(a.capturedAt));

  return {
    reportsTotal,
    reportsLast24h,
    devicesReporting,
    byJoinType,
    devicesWithProblems: problems.length,
    devicesWithoutPrt,
    latestProblems: problems.slice(0, options.latestProblemsLimit ?? 8),
  };
}

/** Ids of each device's latest report. Plain SQL that runs unchanged on SQLite and PostgreSQL. */
async function findLatestReportIds(db: Db, tenantRef: string): Promise<string[]> {
  const rows = await db.$queryRaw<{ id: string }[]>`
    SELECT r."id" AS "id" FROM "DeviceReport" r
    WHERE r."tenantRef" = ${tenantRef} AND r."deviceId" IS NOT NULL
      AND r."capturedAt" = (SELECT MAX(x."capturedAt") FROM "DeviceReport" x
                            WHERE x."tenantRef" = r."tenantRef" AND x."deviceId" = r."deviceId")
    UNION ALL
    SELECT r."id" AS "id" FROM "DeviceReport" r
    WHERE r."tenantRef" = ${tenantRef} AND r."deviceId" IS NULL
      AND r."capturedAt" = (SELECT MAX(x."capturedAt") FROM "DeviceReport" x
                            WHERE x."tenantRef" = r."tenantRef" AND x."deviceId" IS NULL AND x."hostname" = r."hostname")`;
  return rows.map((r) => r.id);
}
