import "server-only";
import { readBool, readDate, type DirectDb, type Row } from "@/lib/db/direct";
import type { Outlook } from "@/lib/rules/broken-device";
import type { Severity } from "@/lib/rules/types";
import { DEFAULT_STALE_THRESHOLD_DAYS } from "@/lib/rules/device-subject";
import { isDeviceListFiltered, type DeviceListParams, type DeviceSort, type DeviceState } from "@/lib/url-params/device-list-params";
import { SEVERITIES } from "@/lib/display/severity";
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
  /** The rule of the subject's primary open finding (the one the others point to). */
  primaryRule: string | null;
  /** A broken device's outlook and cause (lib/rules/broken-device.ts), on its subject's one row; null otherwise. */
  outlook: Outlook | null;
  cause: string | null;
  lastReportAt: string | null;
  state: DeviceState;
  deletedReason: string | null;
  operatingSystem: string | null;
  operatingSystemVersion: string | null;
  onPremisesSyncEnabled: boolean | null;
  approximateLastSignInDateTime: string | null;
  /** How long a Pending object has been Pending (lib/device-summary). */
  pendingSince: string | null;
}

export interface DevicePage {
  rows: DeviceRow[];
  total: number;
  page: number;
  pageSize: number;
}

const COLUMNS = [
  "rowKey",
  "subjectKey",
  "objectId",
  "deviceId",
  "name",
  "nameKey",
  "trustType",
  "joinType",
  "state",
  "deletedReason",
  "lastReportAt",
  "worstRank",
  "openCount",
  "primaryRule",
  "outlook",
  "cause",
  "operatingSystem",
  "operatingSystemVersion",
  "onPremisesSyncEnabled",
  "approximateLastSignInDateTime",
  "pendingSince",
] as const;

/** The column of each sort that is one plain column of DeviceSummary, read through its own index (column, nameKey, rowKey). */
const COLUMN_SORTS: Partial<Record<DeviceSort, { column: string; nullable: boolean }>> = {
  deviceId: { column: "deviceId", nullable: true },
  objectId: { column: "objectId", nullable: true },
  trust: { column: "trustType", nullable: true },
  join: { column: "joinType", nullable: true },
  os: { column: "operatingSystem", nullable: true },
  osVersion: { column: "operatingSystemVersion", nullable: true },
  sync: { column: "onPremisesSyncEnabled", nullable: true },
  lastSignIn: { column: "approximateLastSignInDateTime", nullable: true },
  pendingSince: { column: "pendingSince", nullable: true },
  primaryRule: { column: "primaryRule", nullable: true },
  cause: { column: "cause", nullable: true },
  state: { column: "state", nullable: false },
};

/**
 * The id sorts, read through the keys of an index every summary writer keeps anyway (decision 034): a row has a
 * registration id exactly when its subject key is "d:" + that id, so the "d:" subject keys in order are the deviceIds
 * in order (ties, two objects of one registration id, by name); a row has an object id exactly when its row key is
 * "o:" + it, unique in the tenant. `range` picks out those keys in any collation (keys start "d:", "h:" or "o:"),
 * so that an index reads them as one range; the column's IS NOT NULL says the same.
 */
const ID_SORTS: Partial<Record<DeviceSort, { column: string; range: string; keys: string[] }>> = {
  deviceId: { column: "deviceId", range: `"subjectKey" >= 'd' AND "subjectKey" < 'e'`, keys: ["subjectKey", "nameKey", "rowKey"] },
  objectId: { column: "objectId", range: `"rowKey" >= 'o' AND "rowKey" < 'p'`, keys: ["rowKey"] },
};

const key = (column: string, dir: Direction) => ({ column, dir });
const all = () => true;

/**
 * Each sort of the Devices list as the index that serves it reads (migration 20261208090000_device_summaries): name;
 * severity (most severe first, then most open findings, then name); open findings (most first, then most severe, then
 * name); last report (newest first, then name), devices that never reported last in either direction. Ties end on
 * rowKey. Descending severity and ascending open count are read one rank or count at a time (the index runs the other
 * way); ascending last report and descending name reverse the whole index, ties included. Every other column
 * (migration 20261208130000) sorts by its value, then name, then rowKey, all in the asked direction; rows without a value
 * come last in either direction, by name.
 */
export function deviceOrdering(sort: DeviceSort, dir: Direction): Ordering {
  const byId = ID_SORTS[sort];
  if (byId) {
    const valued = (row: Row) => row[byId.column] !== null && row[byId.column] !== undefined;
    return [
      { where: `"${byId.column}" IS NOT NULL AND ${byId.range}`, keys: byId.keys.map((c) => key(c, dir)), holds: valued },
      { where: `"${byId.column}" IS NULL`, keys: [key("nameKey", "asc"), key("rowKey", "asc")], holds: (row) => !valued(row) },
    ];
  }
  const plain = COLUMN_SORTS[sort];
  if (plain) {
    const { column } = plain;
    if (!plain.nullable) return [{ where: null, keys: [key(column, dir), key("nameKey", dir), key("rowKey", dir)], holds: all }];
    const valued = (row: Row) => row[column] !== null && row[column] !== undefined;
    return [
      { where: `"${column}" IS NOT NULL`, keys: [key(column, dir), key("nameKey", dir), key("rowKey", dir)], holds: valued },
      { where: `"${column}" IS NULL`, keys: [key("nameKey", "asc"), key("rowKey", "asc")], holds: (row) => !valued(row) },
    ];
  }
  switch (sort) {
    case "name":
      return [{ where: null, keys: [key("nameKey", dir), key("rowKey", dir)], holds: all }];
    case "open":
      return [
        {
          where: null,
          keys: [key("openCount", dir), key("worstRank", "asc"), key("nameKey", "asc"), key("rowKey", "asc")],
          bucketed: dir === "asc",
          holds: all,
        },
      ];
    case "lastReport": {
      const reported = (row: Row) => row.lastReportAt !== null && row.lastReportAt !== undefined;
      const tie = dir === "desc" ? "asc" : "desc";
      return [
        { where: `"lastReportAt" IS NOT NULL`, keys: [key("lastReportAt", dir), key("nameKey", tie), key("rowKey", tie)], holds: reported },
        { where: `"lastReportAt" IS NULL`, keys: [key("nameKey", "asc"), key("rowKey", "asc")], holds: (row) => !reported(row) },
      ];
    }
    default:
      return [
        {
          where: null,
          keys: [key("worstRank", dir), key("openCount", "desc"), key("nameKey", "asc"), key("rowKey", "asc")],
          bucketed: dir === "desc",
          holds: all,
        },
      ];
  }
}

/** The same order as one ORDER BY, for a page reached by number instead of from a neighbour (an OFFSET). */
export function orderBySql(sort: DeviceSort, dir: Direction): string {
  const d = dir === "asc" ? "ASC" : "DESC";
  const plain = COLUMN_SORTS[sort];
  if (plain) {
    const c = `"${plain.column}"`;
    if (!plain.nullable) return `${c} ${d}, "nameKey" ${d}, "rowKey" ${d}`;
    return `CASE WHEN ${c} IS NULL THEN 1 ELSE 0 END ASC, ${c} ${d}, CASE WHEN ${c} IS NULL THEN "nameKey" END ASC, CASE WHEN ${c} IS NULL THEN "rowKey" END ASC, "nameKey" ${d}, "rowKey" ${d}`;
  }
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
    /** The time the age filters count back from (pending, last report, stale); now by default. */
    now?: Date;
    /** SPARSE_ROWS; smaller only to exercise the dense paths of filters and searches on a small tenant in tests. */
    sparseRows?: number;
  },
): Promise<DevicePage> {
  const { tenantRef, params } = options;
  const sparseRows = options.sparseRows ?? SPARSE_ROWS;
  const pageSize = params.size;
  const context: DeviceFilterContext = {
    now: options.now ?? new Date(),
    staleThresholdDays: params.stale ? await readStaleThresholdDays(direct, tenantRef) : DEFAULT_STALE_THRESHOLD_DAYS,
  };
  let filter = deviceFilter(tenantRef, params, context);
  const findAll = params.rule ? deviceFilter(tenantRef, params, { ...context, ruleMatch: "in" }) : filter;
  let total: number;
  let indexedBy: string | undefined;
  // Whether the page walks its sort's index (a filter that matches many rows), rather than its filter's or by key.
  let bySortIndex = false;
  // A search has no index to count by: reading up to SPARSE_ROWS + 1 keys tells few from many. A rule counts its
  // subjects from the indexes first, and reads their keys only when they are few.
  const ruleTotal = params.rule && !params.q.trim() ? await countDevices(direct, tenantRef, params, findAll) : null;
  const matches = params.q.trim() || (ruleTotal !== null && ruleTotal <= sparseRows) ? await sparseMatches(direct, params, findAll, sparseRows) : null;
  if (matches) {
    // A search or a rule that matches few devices: one read found them, the pages read them by key.
    total = matches.length;
    filter = {
      sql: matches.length ? `"tenantRef" = ? AND "rowKey" IN (${matches.map(() => "?").join(", ")})` : "1 = 0",
      params: matches.length ? [tenantRef, ...matches] : [],
    };
    indexedBy = "sqlite_autoindex_DeviceSummary_1";
  } else {
    total = ruleTotal ?? (await countDevices(direct, tenantRef, params, findAll));
    // Few rows: through the filter's index, then sorted. Many: along the sort's index, which meets a page's rows soon
    // (SQLite's planner, without statistics, would rather read every match by the filter's index and sort them all).
    if (!params.q.trim()) indexedBy = total <= sparseRows ? filterIndex(params) : isDeviceListFiltered(params) ? SORT_INDEX[params.sort] : undefined;
    bySortIndex = !params.q.trim() && total > sparseRows && isDeviceListFiltered(params);
  }
  const pages = Math.max(1, Math.ceil(total / pageSize));
  const query: KeysetQuery = { direct, table: "DeviceSummary", indexedBy, columns: COLUMNS, filter, ordering: sortOrdering(params, bySortIndex) };

  const page = Math.min(params.page, pages);
  let rows: Row[] | null = null;
  const cursorKey = params.after ?? params.before;
  if (page === 1 && !params.before) rows = await readAfter(query, null, pageSize);
  else if (cursorKey && page === params.page) {
    const [cursor] = await direct.query(`SELECT ${COLUMNS.map((c) => `"${c}"`).join(", ")} FROM "DeviceSummary" WHERE "tenantRef" = ? AND "rowKey" = ?`, [
      tenantRef,
      cursorKey,
    ]);
    if (cursor) rows = params.after ? await readAfter(query, cursor, pageSize) : await readBefore(query, cursor, pageSize);
    // The row the link started from is gone, or the list shrank under it: the page by number instead.
    if (rows && rows.length === 0) rows = null;
  }
  if (rows === null) {
    if (page === 1) rows = await readAfter(query, null, pageSize);
    // By number: every row of the filter, sorted (the order's first key is a CASE), so any index that holds them all.
    else
      rows = await readByOffset(
        direct,
        params,
        filter,
        (page - 1) * pageSize,
        pageSize,
        bySortIndex && VALUED_ONLY.has(params.sort) ? (filterIndex(params) ?? NAME_INDEX) : indexedBy,
      );
  }
  return { rows: rows.map(toRow), total, page, pageSize };
}

/**
 * A filter that matches at most this many devices (the tallies say how many, before the page is read) is read through
 * its own index and sorted, instead of walking the sort's index past every row it rejects: a state only 0.1% of the
 * devices have cost a scan of the whole name index per page.
 */
const SPARSE_ROWS = 5_000;

/**
 * The index that reads only a filter's rows (SQLite: named, migrations 20261208090000 and 20261208130000; PostgreSQL's
 * planner picks): the first of the filters that has one. The last report age reads the whole last report index (its
 * range includes the devices that never reported, which SQLite does not read as a range), not the rows; the OS version
 * its own index (a prefix without letters read as a range: prefixRange); a rule is read from its findings (sparseMatches).
 */
function filterIndex(params: DeviceListParams): string | undefined {
  if (params.outlook || params.cause) return "DeviceSummary_outlook_idx";
  if (params.state) return "DeviceSummary_state_sort_idx";
  if (params.silentDays !== null) return "DeviceSummary_tenantRef_lastReportAt_nameKey_rowKey_idx";
  if (params.pendingDays !== null) return "DeviceSummary_pendingSince_sort_idx";
  if (params.trust) return "DeviceSummary_trustType_sort_idx";
  // Before the OS's: the version's index ends with the OS (migration 20261215900000), so it counts "OS and version" alone.
  if (params.osVersion) return "DeviceSummary_osVersion_sort_idx";
  if (params.os) return "DeviceSummary_os_sort_idx";
  if (params.join) return "DeviceSummary_joinType_sort_idx";
  if (params.sync) return "DeviceSummary_sync_sort_idx";
  if (params.stale) return "DeviceSummary_lastSignIn_sort_idx";
  if (params.problems || params.severity) return "DeviceSummary_tenantRef_worstRank_openCount_nameKey_rowKey_idx";
  return undefined;
}

/**
 * The deviceOrdering of a page, with the index each of its segments reads when the sort's index is named (a filtered
 * list): the sorts whose index holds only the rows with a value (partial indexes; the id sorts' key ranges) read
 * their rows without one along the name's index.
 */
function sortOrdering(params: DeviceListParams, bySortIndex: boolean): Ordering {
  const ordering = deviceOrdering(params.sort, params.dir);
  if (!bySortIndex || !VALUED_ONLY.has(params.sort)) return ordering;
  // A filter that says the column has a value leaves the other segment empty: its own index finds that at once, where
  // a walk of the name's would read every row.
  const valued =
    (params.sort === "pendingSince" && params.pendingDays !== null) || (params.sort === "cause" && (params.cause !== null || params.outlook !== null));
  const other = (valued && filterIndex(params)) || NAME_INDEX;
  return ordering.map((segment, i) => (i === 0 ? segment : { ...segment, indexedBy: other }));
}

const NAME_INDEX = "DeviceSummary_tenantRef_nameKey_rowKey_deviceId_objectId_idx";
/** The subject's index (decision 034: it also serves the deviceId sort). */
const SUBJECT_INDEX = "DeviceSummary_tenantRef_subjectKey_nameKey_rowKey_idx";

/**
 * The sorts whose index holds only the rows with a value (migration 20261212200000: partial indexes, and the id sorts'
 * key ranges): a query of all rows in that order cannot name it.
 */
const VALUED_ONLY: ReadonlySet<DeviceSort> = new Set<DeviceSort>(["deviceId", "objectId", "pendingSince", "primaryRule", "cause"]);

/** The index of each sort, in its order (SQLite names it; PostgreSQL's planner picks). */
const SORT_INDEX: Record<DeviceSort, string> = {
  name: NAME_INDEX,
  severity: "DeviceSummary_tenantRef_worstRank_openCount_nameKey_rowKey_idx",
  open: "DeviceSummary_tenantRef_openCount_worstRank_nameKey_rowKey_idx",
  lastReport: "DeviceSummary_tenantRef_lastReportAt_nameKey_rowKey_idx",
  deviceId: SUBJECT_INDEX,
  objectId: "sqlite_autoindex_DeviceSummary_1",
  trust: "DeviceSummary_trustType_sort_idx",
  join: "DeviceSummary_joinType_sort_idx",
  os: "DeviceSummary_os_sort_idx",
  osVersion: "DeviceSummary_osVersion_sort_idx",
  sync: "DeviceSummary_sync_sort_idx",
  lastSignIn: "DeviceSummary_lastSignIn_sort_idx",
  pendingSince: "DeviceSummary_pendingSince_sort_idx",
  primaryRule: "DeviceSummary_primaryRule_sort_idx",
  cause: "DeviceSummary_cause_sort_idx",
  state: "DeviceSummary_state_sort_idx",
};

/** What the age filters need besides the list's state: the time they count back from and the tenant's stale threshold. */
export interface DeviceFilterContext {
  now: Date;
  /** Tenant.staleThresholdDays (Settings): a device whose approximateLastSignInDateTime is older is stale. */
  staleThresholdDays: number;
  /** How the rule filter is written (see deviceFilter); "exists" by default. */
  ruleMatch?: "in" | "exists";
}

const DAY_MS = 24 * 3600_000;

/** The tenant's stale threshold (Settings), for the stale filter. */
export async function readStaleThresholdDays(direct: DirectDb, tenantRef: string): Promise<number> {
  const [row] = await direct.query(`SELECT "staleThresholdDays" FROM "Tenant" WHERE "id" = ?`, [tenantRef]);
  return row ? Number(row.staleThresholdDays) : DEFAULT_STALE_THRESHOLD_DAYS;
}

/**
 * The filters of the Devices list as SQL over DeviceSummary (tenant first: every index starts with it); the page and
 * its exports share it. `context` gives the age filters their clock and the stale threshold (default: now and 90 days;
 * pass the tenant's threshold, readStaleThresholdDays, when `params.stale` is set).
 */
export function deviceFilter(tenantRef: string, params: DeviceListParams, context: Partial<DeviceFilterContext> = {}): { sql: string; params: unknown[] } {
  const now = context.now ?? new Date();
  const conditions = [`"tenantRef" = ?`];
  const values: unknown[] = [tenantRef];
  const add = (sql: string, ...v: unknown[]) => {
    conditions.push(sql);
    values.push(...v);
  };
  const q = params.q.trim().toLowerCase();
  if (q) {
    const pattern = `%${escapeLike(q)}%`;
    add(`("nameKey" LIKE ? ESCAPE '\\' OR "deviceId" LIKE ? ESCAPE '\\' OR "objectId" LIKE ? ESCAPE '\\')`, pattern, pattern, pattern);
  }
  if (params.problems) add(`"worstRank" <= 1`);
  if (params.trust === "none") add(`"trustType" IS NULL`);
  else if (params.trust) add(`"trustType" = ?`, params.trust);
  if (params.state) add(`"state" = ?`, params.state);
  // A device with an open finding of the rule (acknowledged findings are open). "in": the rule's open subjects from
  // Finding (tenantRef, rule, status, subjectKey), then their rows by DeviceSummary (tenantRef, subjectKey): to find or
  // count them all. "exists": one probe of Finding (tenantRef, subjectKey, rule) per row, for a walk along a sort's
  // index that stops after a page (the list is built once per statement, and a page can take several).
  if (params.rule && context.ruleMatch === "in")
    add(`"subjectKey" IN (SELECT f."subjectKey" FROM "Finding" f WHERE f."tenantRef" = ? AND f."rule" = ? AND f."status" = 'open')`, tenantRef, params.rule);
  else if (params.rule)
    add(
      `EXISTS (SELECT 1 FROM "Finding" f WHERE f."tenantRef" = "DeviceSummary"."tenantRef" AND f."subjectKey" = "DeviceSummary"."subjectKey" AND f."rule" = ? AND f."status" = 'open')`,
      params.rule,
    );
  if (params.severity) add(`"worstRank" = ?`, params.severity === "none" ? NO_FINDING_RANK : SEVERITIES.indexOf(params.severity));
  // A broken device (lib/rules/broken-device.ts): the outlook its summary holds, on its subject's one row.
  if (params.outlook === "broken" || (params.cause && !params.outlook)) add(`"outlook" IN ('now', 'next')`);
  else if (params.outlook) add(`"outlook" = ?`, params.outlook);
  if (params.cause) add(`"cause" = ?`, params.cause);
  if (params.join === "unknown") add(`"joinType" IS NULL`);
  else if (params.join) add(`"joinType" = ?`, params.join);
  if (params.os) add(`"operatingSystem" = ?`, params.os);
  if (params.osVersion) addVersionPrefix(add, "operatingSystemVersion", params.osVersion);
  if (params.sync === "yes") add(`"onPremisesSyncEnabled" = ?`, true);
  else if (params.sync === "no") add(`"onPremisesSyncEnabled" = ?`, false);
  else if (params.sync === "unknown") add(`"onPremisesSyncEnabled" IS NULL`);
  if (params.pendingDays !== null) add(`"state" = 'pending' AND "pendingSince" < ?`, new Date(now.getTime() - params.pendingDays * DAY_MS));
  if (params.silentDays !== null) add(`("lastReportAt" IS NULL OR "lastReportAt" < ?)`, new Date(now.getTime() - params.silentDays * DAY_MS));
  if (params.stale) add(`"approximateLastSignInDateTime" < ?`, new Date(now.getTime() - (context.staleThresholdDays ?? DEFAULT_STALE_THRESHOLD_DAYS) * DAY_MS));
  return { sql: conditions.join(" AND "), params: values };
}

/** worstRank of a subject without open findings (lib/device-summary). */
const NO_FINDING_RANK = 9;

/**
 * The strings that start with `prefix`, as a range [from, to), when it is the same set as LIKE 'prefix%' on both
 * databases: printable ASCII without letters (SQLite's LIKE ignores the case of ASCII letters, a range does not) whose
 * last character is not the last printable one. Null otherwise (the LIKE alone decides).
 */
export function prefixRange(prefix: string): { from: string; to: string } | null {
  if (!/^[\x20-\x7d]+$/.test(prefix) || /[A-Za-z]/.test(prefix)) return null;
  return { from: prefix, to: prefix.slice(0, -1) + String.fromCharCode(prefix.charCodeAt(prefix.length - 1) + 1) };
}

const escapeLike = (text: string) => text.replace(/[\\%_]/g, (c) => `\\${c}`);

/**
 * An OS version prefix as conditions on `column` (the summaries' version, or the OS tally's): `LIKE 'prefix%'`, and the
 * same rows as a range of the column's index where prefixRange gives one, which both databases seek instead of testing
 * every version.
 */
function addVersionPrefix(add: (sql: string, ...values: unknown[]) => void, column: string, prefix: string): void {
  add(`"${column}" LIKE ? ESCAPE '\\'`, `${escapeLike(prefix)}%`);
  const range = prefixRange(prefix);
  if (range) add(`"${column}" >= ? AND "${column}" < ?`, range.from, range.to);
}

/**
 * Which tally counts the list, if one can: without a search, a list filtered by nothing but the facets
 * DeviceSummaryTally holds (state, trust type, problems) is a sum of its rows; add the OS or an OS version prefix and
 * it is a sum of DeviceOsTally's (decision 050), which holds those facets too. Any other filter counts rows.
 */
function tallyOf(params: DeviceListParams): "summary" | "os" | null {
  const countable =
    !params.q.trim() &&
    params.rule === null &&
    params.severity === null &&
    params.outlook === null &&
    params.cause === null &&
    params.join === null &&
    params.sync === null &&
    params.pendingDays === null &&
    params.silentDays === null &&
    !params.stale;
  if (!countable) return null;
  return params.os !== null || params.osVersion !== null ? "os" : "summary";
}

/**
 * The row keys a search or a rule matches, when there are at most SPARSE_ROWS of them (else null). A search scans the
 * name index, which holds every column a search compares (no index serves a match anywhere in a name); a rule reads
 * its open findings' subjects by index (Finding (tenantRef, rule, status), then DeviceSummary (tenantRef, subjectKey)).
 */
async function sparseMatches(
  direct: DirectDb,
  params: DeviceListParams,
  filter: { sql: string; params: unknown[] },
  sparseRows: number,
): Promise<string[] | null> {
  const rows = await direct.query<{ rowKey: string }>(
    `SELECT "rowKey" FROM ${matchSource(direct, params)} WHERE ${filter.sql} LIMIT ${sparseRows + 1}`,
    filter.params,
  );
  return rows.length > sparseRows ? null : rows.map((r) => r.rowKey);
}

function matchSource(direct: DirectDb, params: DeviceListParams): string {
  if (direct.dialect !== "sqlite") return `"DeviceSummary"`;
  return params.q.trim() ? searchSource(direct) : `"DeviceSummary" INDEXED BY "${SUBJECT_INDEX}"`;
}

const searchSource = (direct: DirectDb) =>
  direct.dialect === "sqlite" ? `"DeviceSummary" INDEXED BY "DeviceSummary_tenantRef_nameKey_rowKey_deviceId_objectId_idx"` : `"DeviceSummary"`;

/**
 * The total. Without a search and with only the facets the tallies hold (state, trust type, problems; and OS and OS
 * version, decision 050), a sum over the tallies the summaries' triggers keep; otherwise a count of the filter's rows
 * through its index (filterIndex; a search: the name index, which holds the columns it compares).
 */
async function countDevices(direct: DirectDb, tenantRef: string, params: DeviceListParams, filter: { sql: string; params: unknown[] }): Promise<number> {
  const tally = tallyOf(params);
  if (tally === null) {
    const index = filterIndex(params);
    const source = params.q.trim() ? searchSource(direct) : index && direct.dialect === "sqlite" ? `"DeviceSummary" INDEXED BY "${index}"` : `"DeviceSummary"`;
    const [row] = await direct.query(`SELECT COUNT(*) AS "n" FROM ${source} WHERE ${filter.sql}`, filter.params);
    return Number(row?.n ?? 0);
  }
  const conditions = [`"tenantRef" = ?`];
  const values: unknown[] = [tenantRef];
  const add = (sql: string, ...v: unknown[]) => {
    conditions.push(sql);
    values.push(...v);
  };
  if (params.problems) add(`"problem" = TRUE`);
  if (params.trust) add(`"trust" = ?`, params.trust === "none" ? "" : params.trust);
  if (params.state) add(`"state" = ?`, params.state);
  if (tally === "os") {
    // The same tests as deviceFilter's on the summaries' columns, which the tally holds ("" for none: never equal to an
    // OS the URL names, never LIKE a prefix of at least one character). The version's prefix is a range of the key.
    if (params.os !== null) add(`"os" = ?`, params.os);
    if (params.osVersion !== null) addVersionPrefix(add, "osVersion", params.osVersion);
  }
  const table = tally === "os" ? `"DeviceOsTally"` : `"DeviceSummaryTally"`;
  const [row] = await direct.query(`SELECT COALESCE(SUM("n"), 0) AS "n" FROM ${table} WHERE ${conditions.join(" AND ")}`, values);
  return Number(row?.n ?? 0);
}

/** A page by number: the keys by OFFSET over the order's index (no row read for the ones skipped), then their rows. */
async function readByOffset(
  direct: DirectDb,
  params: DeviceListParams,
  filter: { sql: string; params: unknown[] },
  offset: number,
  limit: number,
  indexedBy?: string,
): Promise<Row[]> {
  const source = indexedBy && direct.dialect === "sqlite" ? `"DeviceSummary" INDEXED BY "${indexedBy}"` : `"DeviceSummary"`;
  const keys = await direct.query<{ rowKey: string }>(
    `SELECT "rowKey" FROM ${source} WHERE ${filter.sql} ORDER BY ${orderBySql(params.sort, params.dir)} LIMIT ${limit} OFFSET ${offset}`,
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
    primaryRule: (r.primaryRule as string | null) ?? null,
    outlook: r.outlook === "now" || r.outlook === "next" ? r.outlook : null,
    cause: (r.cause as string | null) ?? null,
    lastReportAt: lastReportAt ? lastReportAt.toISOString() : null,
    state: r.state as DeviceState,
    deletedReason: (r.deletedReason as string | null) ?? null,
    operatingSystem: (r.operatingSystem as string | null) ?? null,
    operatingSystemVersion: (r.operatingSystemVersion as string | null) ?? null,
    onPremisesSyncEnabled: readBool(r.onPremisesSyncEnabled),
    approximateLastSignInDateTime: readDate(r.approximateLastSignInDateTime)?.toISOString() ?? null,
    pendingSince: readDate(r.pendingSince)?.toISOString() ?? null,
  };
}
