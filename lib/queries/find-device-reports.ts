import "server-only";
import type { Db, Prisma } from "@/lib/db/client";
import type { Severity } from "@/lib/rules/types";
import type { ReportListParams } from "@/lib/url-params/report-list-params";
import { SEVERITY_ORDER } from "@/lib/rules/types";
import { readFindingsSnapshot, worstSeverity } from "@/lib/display/severity";

export interface DeviceReportRow {
  id: string;
  hostname: string;
  deviceId: string | null;
  joinType: string;
  azureAdPrt: boolean | null;
  deviceAuthStatus: string | null;
  worstSeverity: Severity | null;
  capturedAt: string;
  receivedAt: string;
  agentTokenName: string | null;
}

export interface DeviceReportPage {
  rows: DeviceReportRow[];
  total: number;
  page: number;
  pageSize: number;
}

const ROW_SELECT = {
  id: true,
  hostname: true,
  deviceId: true,
  joinType: true,
  azureAdPrt: true,
  deviceAuthStatus: true,
  capturedAt: true,
  receivedAt: true,
  findingsSnapshot: true,
  agentToken: { select: { name: true } },
} satisfies Prisma.DeviceReportSelect;

/** One page of the Reports table. Filtering, sorting and paging happen here, on the server. */
export async function findDeviceReports(db: Db, options: { tenantRef: string; params: ReportListParams }): Promise<DeviceReportPage> {
  const { tenantRef, params } = options;
  const where = buildWhere(tenantRef, params);
  const orderBy = buildOrderBy(params);
  const pageSize = params.size;

  // "Has problems": the latest critical or high finding, ranked at ingestion (DeviceReport.worstSeverityRank).
  if (params.problems) where.worstSeverityRank = { lte: SEVERITY_ORDER.high };
  // Unfiltered, the total is the uploads' running count (ReportTally, lib/device-summary), not a count of every report.
  const unfiltered = !params.q.trim() && !params.join && !params.problems;
  const total = unfiltered
    ? ((await db.reportTally.aggregate({ where: { tenantRef, period: "all" }, _sum: { reports: true } }))._sum.reports ?? 0)
    : await db.deviceReport.count({ where });
  const page = clampPage(params.page, total, pageSize);
  const rows = await db.deviceReport.findMany({ where, orderBy, select: ROW_SELECT, skip: (page - 1) * pageSize, take: pageSize });
  return { rows: rows.map(toRow), total, page, pageSize };
}

function buildWhere(tenantRef: string, params: ReportListParams): Prisma.DeviceReportWhereInput {
  const where: Prisma.DeviceReportWhereInput = { tenantRef };
  if (params.join) where.joinType = params.join;
  const q = params.q.trim();
  if (q) {
    // contains is case-sensitive on PostgreSQL; hostnames are usually upper-case and deviceIds lower-case.
    const variants = [...new Set([q, q.toUpperCase(), q.toLowerCase()])];
    where.OR = [...variants.map((v) => ({ hostname: { contains: v } })), { deviceId: { contains: q.toLowerCase() } }];
  }
  return where;
}

function buildOrderBy(params: ReportListParams): Prisma.DeviceReportOrderByWithRelationInput[] {
  const dir = params.dir;
  switch (params.sort) {
    case "hostname":
      return [{ hostname: dir }, { capturedAt: "desc" }, { id: "asc" }];
    case "join":
      return [{ joinType: dir }, { capturedAt: "desc" }, { id: "asc" }];
    case "received":
      return [{ receivedAt: dir }, { id: "asc" }];
    default:
      return [{ capturedAt: dir }, { id: "asc" }];
  }
}

function clampPage(page: number, total: number, pageSize: number): number {
  return Math.min(page, Math.max(1, Math.ceil(total / pageSize)));
}

function toRow(r: {
  id: string;
  hostname: string;
  deviceId: string | null;
  joinType: string;
  azureAdPrt: boolean | null;
  deviceAuthStatus: string | null;
  capturedAt: Date;
  receivedAt: Date;
  findingsSnapshot: unknown;
  agentToken: { name: string } | null;
}): DeviceReportRow {
  return {
    id: r.id,
    hostname: r.hostname,
    deviceId: r.deviceId,
    joinType: r.joinType,
    azureAdPrt: r.azureAdPrt,
    deviceAuthStatus: r.deviceAuthStatus,
    worstSeverity: worstSeverity(readFindingsSnapshot(r.findingsSnapshot)),
    capturedAt: r.capturedAt.toISOString(),
    receivedAt: r.receivedAt.toISOString(),
    agentTokenName: r.agentToken?.name ?? null,
  };
}
