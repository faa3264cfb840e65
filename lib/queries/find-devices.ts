import "server-only";
import type { Db } from "@/lib/db/client";
// The runtime half of the Prisma namespace (sql, join, empty): identical for both generated clients.
import { Prisma as PrismaRuntime } from "@/lib/db/generated/sqlite/client";
import type { Severity } from "@/lib/rules/types";
import { DEVICES_PAGE_SIZE, type DeviceListParams, type DeviceState } from "@/lib/ui/device-list-params";
import { SEVERITIES } from "@/lib/ui/severity";

const { sql, join, empty } = PrismaRuntime;
type Sql = ReturnType<typeof sql>;

export interface DeviceRow {
  /** The findings subject: "d:<deviceId>", "o:<objectId>" or "h:<hostname>". */
  subjectKey: string;
  /** Unique per row (two directory objects can share a registration id). */
  rowKey: string;
  name: string;
  deviceId: string | null;
  objectId: string | null;
  trustType: string | null;
  /** The latest report's join type, as dsregcmd said it. */
  joinType: string | null;
  worstSeverity: Severity | null;
  openFindings: number;
  lastReportAt: string | null;
  state: DeviceState;
  deletedReason: string | null;
}

export interface DevicePage {
  rows: DeviceRow[];
  total: number;
  page: number;
  pageSize: number;
}

const SEVERITY_RANK = sql`CASE f."severity" WHEN 'critical' THEN 0 WHEN 'high' THEN 1 WHEN 'medium' THEN 2 WHEN 'low' THEN 3 ELSE 4 END`;

/**
 * One row per device subject: every directory object (live and deleted) and every host that only sent
 * reports, with its open findings. One SQL statement that runs unchanged on SQLite and PostgreSQL does the
 * union, the filters, the sort and the paging, so the page costs the same at 400 or 100k devices.
 */
export async function findDevices(db: Db, options: { tenantRef: string; params: DeviceListParams }): Promise<DevicePage> {
  const { tenantRef: t, params } = options;
  const pageSize = DEVICES_PAGE_SIZE;

  const subjects = sql`
    WITH subjects AS (
      SELECT
        CASE WHEN d."deviceId" IS NOT NULL THEN 'd:' || d."deviceId" ELSE 'o:' || d."objectId" END AS "key",
        d."objectId" AS "objectId",
        d."deviceId" AS "deviceId",
        COALESCE(d."displayName", '') AS "name",
        d."trustType" AS "trustType",
        CASE WHEN d."deletedAt" IS NOT NULL THEN 'deleted'
             WHEN d."isPending" = TRUE THEN 'pending'
             WHEN d."accountEnabled" = FALSE THEN 'disabled'
             ELSE 'live' END AS "state",
        d."deletedReason" AS "deletedReason",
        (SELECT MAX(x."capturedAt") FROM "DeviceReport" x WHERE x."tenantRef" = ${t} AND x."deviceId" = d."deviceId") AS "lastReport"
      FROM "DirectoryDevice" d
      WHERE d."tenantRef" = ${t}
      UNION ALL
      SELECT 'd:' || r."deviceId", NULL, r."deviceId", MAX(r."hostname"), NULL, 'report-only', NULL, MAX(r."capturedAt")
      FROM "DeviceReport" r
      WHERE r."tenantRef" = ${t} AND r."deviceId" IS NOT NULL
        AND NOT EXISTS (SELECT 1 FROM "DirectoryDevice" x WHERE x."tenantRef" = ${t} AND x."deviceId" = r."deviceId")
      GROUP BY r."deviceId"
      UNION ALL
      SELECT 'h:' || LOWER(r."hostname"), NULL, NULL, MAX(r."hostname"), NULL, 'report-only', NULL, MAX(r."capturedAt")
      FROM "DeviceReport" r
      WHERE r."tenantRef" = ${t} AND r."deviceId" IS NULL
      GROUP BY LOWER(r."hostname")
    ),
    open_findings AS (
      SELECT f."subjectKey" AS "key", MIN(${SEVERITY_RANK}) AS "worst", COUNT(*) AS "open"
      FROM "Finding" f
      WHERE f."tenantRef" = ${t} AND f."status" = 'open'
      GROUP BY f."subjectKey"
    ),
    rows AS (
      SELECT s."key", s."objectId", s."deviceId", s."name", s."trustType", s."state", s."deletedReason", s."lastReport",
             COALESCE(o."worst", 9) AS "worst", COALESCE(o."open", 0) AS "open"
      FROM subjects s LEFT JOIN open_findings o ON o."key" = s."key"
    )`;

  const conditions: Sql[] = [];
  const q = params.q.trim().toLowerCase();
  if (q) {
    const pattern = `%${q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
    conditions.push(sql`(LOWER("name") LIKE ${pattern} ESCAPE '\\' OR "deviceId" LIKE ${pattern} ESCAPE '\\' OR "objectId" LIKE ${pattern} ESCAPE '\\')`);
  }
  if (params.problems) conditions.push(sql`"worst" <= 1`);
  if (params.trust === "none") conditions.push(sql`"trustType" IS NULL`);
  else if (params.trust) conditions.push(sql`"trustType" = ${params.trust}`);
  if (params.state) conditions.push(sql`"state" = ${params.state}`);
  const where = conditions.length ? sql`WHERE ${join(conditions, " AND ")}` : empty;

  const countRows = await db.$queryRaw<{ n: number | bigint }[]>`${subjects} SELECT COUNT(*) AS "n" FROM rows ${where}`;
  const total = Number(countRows[0]?.n ?? 0);
  const page = Math.min(params.page, Math.max(1, Math.ceil(total / pageSize)));

  const dir = params.dir === "desc" ? sql`DESC` : sql`ASC`;
  const orderBy =
    params.sort === "name"
      ? sql`ORDER BY LOWER("name") ${dir}, "key" ASC, "objectId" ASC`
      : params.sort === "open"
        ? sql`ORDER BY "open" ${dir}, "worst" ASC, LOWER("name") ASC, "key" ASC, "objectId" ASC`
        : params.sort === "lastReport"
          ? sql`ORDER BY CASE WHEN "lastReport" IS NULL THEN 1 ELSE 0 END ASC, "lastReport" ${dir}, LOWER("name") ASC, "key" ASC, "objectId" ASC`
          : sql`ORDER BY "worst" ${dir}, "open" DESC, LOWER("name") ASC, "key" ASC, "objectId" ASC`;

  const rows = await db.$queryRaw<
    { key: string; objectId: string | null; deviceId: string | null; name: string; trustType: string | null; state: string; deletedReason: string | null; lastReport: Date | string | null; worst: number | bigint; open: number | bigint; joinType: string | null }[]
  >`${subjects}
    SELECT "key", "objectId", "deviceId", "name", "trustType", "state", "deletedReason", "lastReport", "worst", "open",
      CASE WHEN "deviceId" IS NOT NULL
        THEN (SELECT x."joinType" FROM "DeviceReport" x WHERE x."tenantRef" = ${t} AND x."deviceId" = rows."deviceId" ORDER BY x."capturedAt" DESC LIMIT 1)
        ELSE (SELECT x."joinType" FROM "DeviceReport" x WHERE x."tenantRef" = ${t} AND x."deviceId" IS NULL AND 'h:' || LOWER(x."hostname") = rows."key" ORDER BY x."capturedAt" DESC LIMIT 1)
      END AS "joinType"
    FROM rows ${where} ${orderBy}
    LIMIT ${pageSize} OFFSET ${(page - 1) * pageSize}`;

  return {
    rows: rows.map((r) => {
      const worst = Number(r.worst);
      return {
        subjectKey: r.key,
        rowKey: r.objectId ?? r.key,
        name: r.name || r.deviceId || r.key.slice(2),
        deviceId: r.deviceId,
        objectId: r.objectId,
        trustType: r.trustType,
        joinType: r.joinType,
        worstSeverity: worst < SEVERITIES.length ? SEVERITIES[worst]! : null,
        openFindings: Number(r.open),
        lastReportAt: r.lastReport ? new Date(r.lastReport).toISOString() : null,
        state: r.state as DeviceState,
        deletedReason: r.deletedReason,
      };
    }),
    total,
    page,
    pageSize,
  };
}
