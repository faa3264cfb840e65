import "server-only";
import { readDate, type DirectDb } from "@/lib/db/direct";
import { reportPeriod } from "@/lib/device-summary/summary-statements";
import type { JoinType } from "@/lib/reports/types";
import type { Severity } from "@/lib/rules/types";
import { isProblemSeverity, readFindingsSnapshot, sortFindings, worstSeverity } from "@/lib/display/severity";

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
 * The Overview cards, from the device summaries (lib/device-summary), each figure a sum over a few hundred tally rows
 * whatever the number of devices: the per-device figures over each device's latest report (devices without a
 * deviceId keyed by host name), kept by the summaries' triggers; the report counts per hour and in all, kept by the
 * uploads. The last 24 hours are the tallies' whole hours plus the reports of the hour they start in, counted on the
 * (tenantRef, receivedAt) index. The latest problem reports are the newest summaries with a problem report, on their
 * index; only those few reports' findings are read.
 */
export async function getOverviewStats(direct: DirectDb, options: { tenantRef: string; now: Date; latestProblemsLimit?: number }): Promise<OverviewStats> {
  const { tenantRef, now } = options;
  const since = new Date(now.getTime() - 24 * 3600_000);
  const firstWholeHour = new Date(Math.ceil(since.getTime() / 3600_000) * 3600_000);

  const [heads, totals, recent, partial, problemRows] = await Promise.all([
    direct.query(
      `SELECT "joinType", "headDevice", "headProblem", "headNoPrt", SUM("n") AS "n" FROM "DeviceSummaryTally"
       WHERE "tenantRef" = ? AND "head" = TRUE GROUP BY "joinType", "headDevice", "headProblem", "headNoPrt"`,
      [tenantRef],
    ),
    direct.query(`SELECT COALESCE(SUM("reports"), 0) AS "n" FROM "ReportTally" WHERE "tenantRef" = ? AND "period" = 'all'`, [tenantRef]),
    // Hours from the first whole one on ("h:" periods sort by time; ';' is the character after ':').
    direct.query(`SELECT COALESCE(SUM("reports"), 0) AS "n" FROM "ReportTally" WHERE "tenantRef" = ? AND "period" >= ? AND "period" < 'h;'`, [
      tenantRef,
      reportPeriod(firstWholeHour),
    ]),
    direct.query(`SELECT COUNT(*) AS "n" FROM "DeviceReport" WHERE "tenantRef" = ? AND "receivedAt" >= ? AND "receivedAt" < ?`, [
      tenantRef,
      since,
      firstWholeHour,
    ]),
    direct.query(
      `SELECT "lastReportId", "lastReportHostname", "deviceId", "joinType", "lastReportAt" FROM "DeviceSummary"
       WHERE "tenantRef" = ? AND "problemReportAt" IS NOT NULL ORDER BY "problemReportAt" DESC LIMIT ?`,
      [tenantRef, options.latestProblemsLimit ?? 8],
    ),
  ]);

  const byJoinType: Record<JoinType, number> = { hybrid: 0, entra: 0, registered: 0, domain: 0, none: 0 };
  let devicesReporting = 0;
  let devicesWithProblems = 0;
  let devicesWithoutPrt = 0;
  for (const h of heads) {
    const n = Number(h.n);
    const joinType = h.joinType as string;
    if (joinType in byJoinType) byJoinType[joinType as JoinType] += n;
    if (isTrue(h.headDevice)) devicesReporting += n;
    if (isTrue(h.headProblem)) devicesWithProblems += n;
    if (isTrue(h.headNoPrt)) devicesWithoutPrt += n;
  }

  const ids = problemRows.map((r) => r.lastReportId as string);
  const snapshots = new Map<string, unknown>();
  if (ids.length) {
    for (const r of await direct.query(`SELECT "id", "findingsSnapshot" FROM "DeviceReport" WHERE "id" IN (${ids.map(() => "?").join(", ")})`, ids))
      snapshots.set(r.id as string, r.findingsSnapshot);
  }
  const latestProblems: ProblemReportSummary[] = [];
  for (const r of problemRows) {
    const findings = readFindingsSnapshot(snapshots.get(r.lastReportId as string) ?? null);
    const severity = worstSeverity(findings);
    if (!severity || !isProblemSeverity(severity)) continue;
    latestProblems.push({
      id: r.lastReportId as string,
      hostname: r.lastReportHostname as string,
      deviceId: (r.deviceId as string | null) ?? null,
      joinType: r.joinType as string,
      capturedAt: readDate(r.lastReportAt)!.toISOString(),
      severity,
      topFinding: sortFindings(findings)[0]?.title ?? "",
      findingCount: findings.filter((f) => f.severity !== "info").length,
    });
  }

  return {
    reportsTotal: Number(totals[0]?.n ?? 0),
    reportsLast24h: Number(recent[0]?.n ?? 0) + Number(partial[0]?.n ?? 0),
    devicesReporting,
    byJoinType,
    devicesWithProblems,
    devicesWithoutPrt,
    latestProblems,
  };
}

const isTrue = (v: unknown) => v === true || v === 1 || v === 1n;
