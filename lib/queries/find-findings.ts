import "server-only";
import type { Db, Prisma } from "@/lib/db/client";
import type { Evidence, Severity } from "@/lib/rules/types";
import type { FindingListParams } from "@/lib/url-params/finding-list-params";
import { SEVERITIES, isSeverity } from "@/lib/display/severity";

export interface FindingRow {
  id: string;
  subjectKey: string;
  severity: Severity;
  rule: string;
  title: string;
  /** The device's primary finding: the root cause the findings with `explainedBy` set point to. */
  primary: boolean;
  /** The rule of the device's primary finding when this finding is one it explains. */
  explainedBy: string | null;
  deviceId: string | null;
  objectId: string | null;
  hostname: string | null;
  status: "open" | "resolved";
  acknowledged: boolean;
  firstSeenAt: string;
  lastSeenAt: string;
}

export interface FindingPage {
  rows: FindingRow[];
  total: number;
  page: number;
  pageSize: number;
}

const ROW_SELECT = {
  id: true,
  subjectKey: true,
  severity: true,
  rule: true,
  title: true,
  isPrimary: true,
  explainedBy: true,
  deviceId: true,
  objectId: true,
  hostname: true,
  status: true,
  acknowledgedAt: true,
  firstSeenAt: true,
  lastSeenAt: true,
} satisfies Prisma.FindingSelect;

/** The filters of the Findings page and of its CSV export, as one Prisma where clause. */
export function buildFindingsWhere(
  tenantRef: string,
  params: Pick<FindingListParams, "status" | "severity" | "rule" | "q" | "ack" | "primary">,
): Prisma.FindingWhereInput {
  const where: Prisma.FindingWhereInput = { tenantRef };
  if (params.status !== "all") where.status = params.status;
  if (params.severity) where.severity = params.severity;
  if (params.rule) where.rule = params.rule;
  if (params.ack === "yes") where.acknowledgedAt = { not: null };
  if (params.ack === "no") where.acknowledgedAt = null;
  // Primary causes only: every finding no other finding of its device explains (a lone finding is its own cause).
  if (params.primary === "only") where.explainedBy = null;
  const q = params.q.trim();
  if (q) {
    // contains is case-sensitive on PostgreSQL; hostnames are usually upper-case and ids lower-case.
    const variants = [...new Set([q, q.toUpperCase(), q.toLowerCase()])];
    where.OR = [
      ...variants.map((v) => ({ hostname: { contains: v } })),
      { deviceId: { contains: q.toLowerCase() } },
      { objectId: { contains: q.toLowerCase() } },
    ];
  }
  return where;
}

/**
 * One page of the Findings table. Severity is a string column, so "most severe first" cannot be an ORDER BY
 * on it; instead the page is cut from the five severity buckets in order (one COUNT per bucket, then at
 * most a query per bucket the page overlaps), which stays index-friendly and portable. The buckets are of
 * rankSeverity, and primary findings come first in each: a device's primary cause is ranked with the worst
 * finding it explains, so it is listed before them (a disabled object, high, before the critical device
 * authentication failure it causes).
 */
export async function findFindings(db: Db, options: { tenantRef: string; params: FindingListParams }): Promise<FindingPage> {
  const { tenantRef, params } = options;
  const where = buildFindingsWhere(tenantRef, params);
  const pageSize = params.size;

  if (params.sort === "severity") {
    const groups = await db.finding.groupBy({ by: ["rankSeverity"], where, _count: { _all: true } });
    const counts = new Map(groups.map((g) => [g.rankSeverity, g._count._all]));
    const total = groups.reduce((n, g) => n + g._count._all, 0);
    const page = clampPage(params.page, total, pageSize);
    const order = params.dir === "asc" ? SEVERITIES : [...SEVERITIES].reverse();
    const rows: Awaited<ReturnType<typeof selectRows>> = [];
    let skip = (page - 1) * pageSize;
    for (const rankSeverity of order) {
      const n = counts.get(rankSeverity) ?? 0;
      if (rows.length >= pageSize) break;
      if (skip >= n) {
        skip -= n;
        continue;
      }
      rows.push(
        ...(await selectRows(db, { ...where, rankSeverity }, [{ isPrimary: "desc" }, { lastSeenAt: "desc" }, { id: "asc" }], skip, pageSize - rows.length)),
      );
      skip = 0;
    }
    return { rows: rows.map(toRow), total, page, pageSize };
  }

  const total = await db.finding.count({ where });
  const page = clampPage(params.page, total, pageSize);
  const rows = await selectRows(db, where, orderBy(params), (page - 1) * pageSize, pageSize);
  return { rows: rows.map(toRow), total, page, pageSize };
}

function selectRows(db: Db, where: Prisma.FindingWhereInput, order: Prisma.FindingOrderByWithRelationInput[], skip: number, take: number) {
  return db.finding.findMany({ where, orderBy: order, select: ROW_SELECT, skip, take });
}

/** Each sort keeps a device's findings in order where they meet: its primary cause before the findings it explains. */
function orderBy(params: FindingListParams): Prisma.FindingOrderByWithRelationInput[] {
  const dir = params.dir;
  switch (params.sort) {
    case "rule":
      return [{ rule: dir }, { hostname: "asc" }, { id: "asc" }];
    case "device":
      return [{ hostname: dir }, { deviceId: dir }, { subjectKey: dir }, { isPrimary: "desc" }, { id: "asc" }];
    case "firstSeen":
      return [{ firstSeenAt: dir }, { isPrimary: "desc" }, { id: "asc" }];
    default:
      return [{ lastSeenAt: dir }, { isPrimary: "desc" }, { id: "asc" }];
  }
}

function clampPage(page: number, total: number, pageSize: number): number {
  return Math.min(page, Math.max(1, Math.ceil(total / pageSize)));
}

function toRow(r: Prisma.FindingGetPayload<{ select: typeof ROW_SELECT }>): FindingRow {
  return {
    id: r.id,
    subjectKey: r.subjectKey,
    severity: isSeverity(r.severity) ? r.severity : "info",
    rule: r.rule,
    title: r.title,
    primary: r.isPrimary,
    explainedBy: r.explainedBy,
    deviceId: r.deviceId,
    objectId: r.objectId,
    hostname: r.hostname,
    status: r.status === "resolved" ? "resolved" : "open",
    acknowledged: r.acknowledgedAt !== null,
    firstSeenAt: r.firstSeenAt.toISOString(),
    lastSeenAt: r.lastSeenAt.toISOString(),
  };
}

/** Stored JSON read defensively: a row written by an older rules version must not break a page or an export. */
export function readEvidence(json: unknown): Evidence[] {
  if (!Array.isArray(json)) return [];
  return json
    .filter((e): e is Record<string, unknown> => typeof e === "object" && e !== null)
    .map((e) => ({
      source: typeof e.source === "string" ? e.source : "",
      field: typeof e.field === "string" ? e.field : "",
      value: typeof e.value === "string" ? e.value : e.value == null ? null : String(e.value),
      ...(e.expected !== undefined ? { expected: typeof e.expected === "string" ? e.expected : e.expected == null ? null : String(e.expected) } : {}),
    }));
}

export function readRemediation(json: unknown): string[] {
  return Array.isArray(json) ? json.filter((s): s is string => typeof s === "string") : [];
}
