import "server-only";
import { readDate, type DirectDb, type Row } from "@/lib/db/direct";
import type { Severity } from "@/lib/rules/types";
import { DEVICES_PAGE_SIZE, type DeviceListParams, type DeviceSort, type DeviceState } from "@/lib/ui/device-list-params";
import { SEVERITIES } from "@/lib/ui/severity";
import { readAfter, readBefore, type Direction, type KeysetQuery, type Ordering } from "./keyset-page";
import { subjectKeyValue } from "@/lib/rules/subject-key";

export interface DeviceRow {
  /** The findings subject: "d:<deviceId>", "o:<objectId>" or "h:<hostname>". */
  subjectKey: string;
  /** Unique per row (two directory objects can share a registration id): the page's cursor. */
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

const COLUMNS = ["rowKey", "subjectKey", "objectId", "deviceId", "name", "nameKey", "trustType", "joinType", "state", "deletedReason", "lastReportAt", "worstRank", "openCount"] as const;

const key = (column: string, dir: Direction) => ({ column, dir });
const all = () => true;

/**
 * Each sort of the Devices list as the index that serves it reads (migration 20261208090000_device_summaries): name;
 * severity (most severe first, then most open findings, then name); open findings (most first, then most severe, then
 * name); last report (newest first, then name), devices that never reported last in either direction. Ties end on
 * rowKey. Descending severity and ascending open count are read one rank or count at a time (the index runs the other
 * way); ascending last report and descending name reverse the whole index, ties included.
 */
export function deviceOrdering(sort: DeviceSort, dir: Direction): Ordering {
  switch (sort) {
    case "name":
      return [{ where: null, keys: [key("nameKey", dir), key("rowKey", dir)], holds: all }];
    case "open":
      return [{ where: null, keys: [key("openCount", dir), key("worstRank", "asc"), key("nameKey", "asc"), key("rowKey", "asc")], bucketed: dir === "asc", holds: all }];
    case "lastReport": {
      const reported = (row: Row) => row.lastReportAt !== null && row.lastReportAt !== undefined;
      const tie = dir === "desc" ? "asc" : "desc";
      return [
        { where: `"lastReportAt" IS NOT NULL`, keys: [key("lastReportAt", dir), key("nameKey", tie), key("rowKey", tie)], holds: reported },
        { where: `"lastReportAt" IS NULL`, keys: [key("nameKey", "asc"), key("rowKey", "asc")], holds: (row) => !reported(row) },
      ];
    }
    default:
      return [{ where: null, keys: [key("worstRank", dir), key("openCount", "desc"), key("nameKey", "asc"), key("rowKey", "asc")], bucketed: dir === "desc", holds: all }];
  }
}

/** The same order as one ORDER BY, for a page reached by number instead of from a neighbour (an OFFSET). */
export function orderBySql(sort: DeviceSort, dir: Direction): string {
  const d = dir === "asc" ? "ASC" : "DESC";
  switch (sort) {
    case "name":
      return `"nameKey" ${d}, "rowKey" ${d}`;
    case "open":
      return `"openCount" ${d}, "worstRank" ASC, "nameKey" ASC, "rowKey" ASC`;
    case "lastReport": {
      const tie = dir === "desc" ? "ASC" : "DESC";
      const never = `CASE WHEN "lastReportAt" IS NULL THEN 1 ELSE 0 END`;
      return `${never} ASC, "lastReportAt" ${d}, CASE WHEN "lastReportAt" IS NULL THEN "nameKey" END ASC, CASE WHEN "lastReportAt" IS NULL THEN "rowKey" END ASC, "nameKey" ${tie}, "rowKey" ${tie}`;
    }
    default:
      return `"worstRank" ${d}, "openCount" DESC, "nameKey" ASC, "rowKey" ASC`;
  }
}

/**
 * One page of the Devices list, read from the device summaries (lib/device-summary): the total from their tallies
 * (a search counts the rows it matches), the rows by keyset from the row before or after the page (`params.after`,
 * `params.before`: the Next and Previous links), so a deep page costs what the first one does. A page asked for by
 * number alone (a typed or an old link) is read by OFFSET over the order's index.
 */
export async function findDevices(
  direct: DirectDb,
  options: {
    tenantRef: string;
    params: DeviceListParams;
    /** SPARSE_ROWS; smaller only to exercise the dense paths of filters and searches on a small tenant in tests. */
    sparseRows?: number;
  },
): Promise<DevicePage> {
  const { tenantRef, params } = options;
  const sparseRows = options.sparseRows ?? SPARSE_ROWS;
  const pageSize = DEVICES_PAGE_SIZE;
  let filter = deviceFilter(tenantRef, params);
  let total: number;
  let indexedBy: string | undefined;
  const matches = params.q.trim() ? await searchMatches(direct, params, filter, sparseRows) : null;
  if (matches) {
    // A search that matches few devices: one scan found them, the pages read them by key.
    total = matches.length;
    filter = { sql: matches.length ? `"tenantRef" = ? AND "rowKey" IN (${matches.map(() => "?").join(", ")})` : "1 = 0", params: matches.length ? [tenantRef, ...matches] : [] };
    indexedBy = "sqlite_autoindex_DeviceSummary_1";
  } else {
    total = await countDevices(direct, tenantRef, params, filter);
    indexedBy = total <= sparseRows && !params.q.trim() ? filterIndex(params) : undefined;
  }
  const pages = Math.max(1, Math.ceil(total / pageSize));
  const query: KeysetQuery = { direct, table: "DeviceSummary", indexedBy, columns: COLUMNS, filter, ordering: deviceOrdering(params.sort, params.dir) };

  const page = Math.min(params.page, pages);
  let rows: Row[] | null = null;
  const cursorKey = params.after ?? params.before;
  if (page === 1 && !params.before) rows = await readAfter(query, null, pageSize);
  else if (cursorKey && page === params.page) {
    const [cursor] = await direct.query(`SELECT ${COLUMNS.map((c) => `"${c}"`).join(", ")} FROM "DeviceSummary" WHERE "tenantRef" = ? AND "rowKey" = ?`, [tenantRef, cursorKey]);
    if (cursor) rows = params.after ? await readAfter(query, cursor, pageSize) : await readBefore(query, cursor, pageSize);
    // The row the link started from is gone, or the list shrank under it: the page by number instead.
    if (rows && rows.length === 0) rows = null;
  }
  if (rows === null) {
    if (page === 1) rows = await readAfter(query, null, pageSize);
    else rows = await readByOffset(direct, params, filter, (page - 1) * pageSize, pageSize);
  }
  return { rows: rows.map(toRow), total, page, pageSize };
}

/**
 * A filter that matches at most this many devices (the tallies say how many, before the page is read) is read through
 * its own index and sorted, instead of walking the sort's index past every row it rejects: a state only 0.1% of the
 * devices have cost a scan of the whole name index per page.
 */
const SPARSE_ROWS = 5_000;

/** The index that reads only a filter's rows (SQLite: named, migration 20261208091000; PostgreSQL's planner picks). */
function filterIndex(params: DeviceListParams): string | undefined {
  if (params.state) return "DeviceSummary_tenantRef_state_idx";
  if (params.trust) return "DeviceSummary_tenantRef_trustType_idx";
  if (params.problems) return "DeviceSummary_tenantRef_worstRank_openCount_nameKey_rowKey_idx";
  return undefined;
}

/** The filters of the Devices list as SQL over DeviceSummary (tenant first: every index starts with it); the page and its exports share it. */
export function deviceFilter(tenantRef: string, params: DeviceListParams): { sql: string; params: unknown[] } {
  const conditions = [`"tenantRef" = ?`];
  const values: unknown[] = [tenantRef];
  const q = params.q.trim().toLowerCase();
  if (q) {
    const pattern = `%${q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
    conditions.push(`("nameKey" LIKE ? ESCAPE '\\' OR "deviceId" LIKE ? ESCAPE '\\' OR "objectId" LIKE ? ESCAPE '\\')`);
    values.push(pattern, pattern, pattern);
  }
  if (params.problems) conditions.push(`"worstRank" <= 1`);
  if (params.trust === "none") conditions.push(`"trustType" IS NULL`);
  else if (params.trust) {
    conditions.push(`"trustType" = ?`);
    values.push(params.trust);
  }
  if (params.state) {
    conditions.push(`"state" = ?`);
    values.push(params.state);
  }
  return { sql: conditions.join(" AND "), params: values };
}

/**
 * The row keys a search matches, when there are at most SPARSE_ROWS of them (else null): one scan of the name index,
 * which holds every column a search compares (no index serves a match anywhere in a name).
 */
async function searchMatches(direct: DirectDb, params: DeviceListParams, filter: { sql: string; params: unknown[] }, sparseRows: number): Promise<string[] | null> {
  const rows = await direct.query<{ rowKey: string }>(`SELECT "rowKey" FROM ${searchSource(direct)} WHERE ${filter.sql} LIMIT ${sparseRows + 1}`, filter.params);
  return rows.length > sparseRows ? null : rows.map((r) => r.rowKey);
}

const searchSource = (direct: DirectDb) =>
  direct.dialect === "sqlite" ? `"DeviceSummary" INDEXED BY "DeviceSummary_tenantRef_nameKey_rowKey_deviceId_objectId_idx"` : `"DeviceSummary"`;

/** Without a search, the total is a sum over the tallies the summaries' triggers keep; a search counts its matches. */
async function countDevices(direct: DirectDb, tenantRef: string, params: DeviceListParams, filter: { sql: string; params: unknown[] }): Promise<number> {
  if (params.q.trim()) {
    const [row] = await direct.query(`SELECT COUNT(*) AS "n" FROM ${searchSource(direct)} WHERE ${filter.sql}`, filter.params);
    return Number(row?.n ?? 0);
  }
  const conditions = [`"tenantRef" = ?`];
  const values: unknown[] = [tenantRef];
  if (params.problems) conditions.push(`"problem" = TRUE`);
  if (params.trust) {
    conditions.push(`"trust" = ?`);
    values.push(params.trust === "none" ? "" : params.trust);
  }
  if (params.state) {
    conditions.push(`"state" = ?`);
    values.push(params.state);
  }
  const [row] = await direct.query(`SELECT COALESCE(SUM("n"), 0) AS "n" FROM "DeviceSummaryTally" WHERE ${conditions.join(" AND ")}`, values);
  return Number(row?.n ?? 0);
}

/** A page by number: the keys by OFFSET over the order's index (no row read for the ones skipped), then their rows. */
async function readByOffset(direct: DirectDb, params: DeviceListParams, filter: { sql: string; params: unknown[] }, offset: number, limit: number): Promise<Row[]> {
  const keys = await direct.query<{ rowKey: string }>(
    `SELECT "rowKey" FROM "DeviceSummary" WHERE ${filter.sql} ORDER BY ${orderBySql(params.sort, params.dir)} LIMIT ${limit} OFFSET ${offset}`,
    filter.params,
  );
  if (keys.length === 0) return [];
  const rows = await direct.query(
    `SELECT ${COLUMNS.map((c) => `"${c}"`).join(", ")} FROM "DeviceSummary" WHERE "tenantRef" = ? AND "rowKey" IN (${keys.map(() => "?").join(", ")})`,
    [filter.params[0], ...keys.map((k) => k.rowKey)],
  );
  const byKey = new Map(rows.map((r) => [r.rowKey as string, r]));
  return keys.map((k) => byKey.get(k.rowKey)).filter((r): r is Row => r !== undefined);
}

function toRow(r: Row): DeviceRow {
  const worst = Number(r.worstRank);
  const key = r.subjectKey as string;
  const lastReportAt = readDate(r.lastReportAt);
  return {
    subjectKey: key,
    rowKey: r.rowKey as string,
    name: (r.name as string) || (r.deviceId as string | null) || subjectKeyValue(key),
    deviceId: (r.deviceId as string | null) ?? null,
    objectId: (r.objectId as string | null) ?? null,
    trustType: (r.trustType as string | null) ?? null,
    joinType: (r.joinType as string | null) ?? null,
    worstSeverity: worst < SEVERITIES.length ? SEVERITIES[worst]! : null,
    openFindings: Number(r.openCount),
    lastReportAt: lastReportAt ? lastReportAt.toISOString() : null,
    state: r.state as DeviceState,
    deletedReason: (r.deletedReason as string | null) ?? null,
  };
}
