import "server-only";
import { readBool, readIsoTimestamp, type DirectDb } from "@/lib/db/direct";
import { deviceFilter, deviceOrdering } from "@/lib/queries/find-devices";
import { orderingSql, keysetBatches, type KeysetQuery } from "@/lib/queries/keyset-page";
import type { DeviceListParams } from "@/lib/url-params/device-list-params";
import { SEVERITIES } from "@/lib/display/severity";
import { cellsCopySelect, CSV_COPY_OPTIONS, csvCopySelect, jsonCellKind, jsonCellSql, sheetCellKind, sheetValueSql, type RowTextValue } from "./row-text-sql";
import { jsonLinesFromCopy } from "./jsonl-from-copy";
import { COPY_CELLS_OPTIONS } from "./copy-cells";
import { DEVICE_EXPORT_BATCH_ROWS, type ExportColumn, type ExportRow, type ExportSource } from "./export-source";

/** The summary columns read: the exported ones and every key of the list's orders (the keyset cursor). */
const READ = [
  "rowKey",
  "subjectKey",
  "name",
  "nameKey",
  "deviceId",
  "objectId",
  "state",
  "deletedReason",
  "trustType",
  "joinType",
  "operatingSystem",
  "operatingSystemVersion",
  "onPremisesSyncEnabled",
  "approximateLastSignInDateTime",
  "pendingSince",
  "lastReportAt",
  "lastReportHostname",
  "azureAdPrt",
  "worstRank",
  "openCount",
  "openRules",
  "primaryRule",
  // Not exported, but sorted by: the cursor after each batch holds every column a sort compares.
  "cause",
] as const;

export const DEVICE_EXPORT_COLUMNS: readonly ExportColumn[] = [
  "name",
  "deviceId",
  "objectId",
  "state",
  "deletedReason",
  "trustType",
  "joinType",
  "operatingSystem",
  "operatingSystemVersion",
  "onPremisesSyncEnabled",
  "approximateLastSignInDateTime",
  "pendingSince",
  "lastReportAt",
  "lastReportHostname",
  "azureAdPrt",
  "worstSeverity",
  "openFindings",
  "openRules",
  "primaryRule",
  "subjectKey",
].map((key) => ({ key, ...(key === "openRules" ? { flatten: (v: ExportRow[number]) => (Array.isArray(v) ? v.join(", ") : String(v)) } : {}) }));

/** Where each read column is in a row as read (an array in READ's order). */
const AT = Object.fromEntries(READ.map((c, i) => [c, i])) as Record<(typeof READ)[number], number>;

/**
 * The Devices list as an export: the page's own filters (deviceFilter, so a filter added to the list is in its export)
 * and order (deviceOrdering), read from the device summaries by keyset (lib/queries/keyset-page.ts) a batch at a time,
 * each batch starting after the last row of the one before. `subjects` narrows it to selected rows: a row is selected
 * by its row key ("o:<objectId>") or its subject key ("d:<deviceId>", "h:<host>"). `batchRows`: rows a batch (tests
 * cross batch boundaries with a few).
 */
export function createDeviceExportSource(
  direct: DirectDb,
  options: { tenantRef: string; params: DeviceListParams; subjects?: readonly string[]; batchRows?: number },
): ExportSource {
  const batchRows = options.batchRows ?? DEVICE_EXPORT_BATCH_ROWS;
  const base = deviceFilter(options.tenantRef, options.params);
  const subjects = options.subjects ?? [];
  const filter = subjects.length
    ? {
        sql: `${base.sql} AND ("rowKey" IN (${subjects.map(() => "?").join(", ")}) OR "subjectKey" IN (${subjects.map(() => "?").join(", ")}))`,
        params: [...base.params, ...subjects, ...subjects],
      }
    : base;
  const ordering = deviceOrdering(options.params.sort, options.params.dir);
  const query: KeysetQuery = { direct, table: "DeviceSummary", columns: READ, filter, ordering };
  // PostgreSQL: the rows in one statement, in the list's order, for COPY to write (decision 049). The rows' stored
  // columns are put in order first (OFFSET 0 keeps PostgreSQL from folding the subquery back), and their
  // text computed from them after: computed first, the ~600-byte JSON Lines text of 100,000 rows was sorted through
  // temporary files (2.0 s against 0.4 s along the order's index, decision 049).
  const whole = orderingSql(ordering);
  const rowsSql = `FROM (SELECT ${COPY_COLUMNS.map((c) => `"${c}"`).join(", ")} FROM "DeviceSummary" WHERE ${filter.sql}${whole.where ? ` AND ${whole.where}` : ""} ORDER BY ${whole.orderBy} OFFSET 0) AS "rows"`;
  return {
    name: "devices",
    columns: DEVICE_EXPORT_COLUMNS,
    async count() {
      const [row] = await direct.query(`SELECT COUNT(*) AS "n" FROM "DeviceSummary" WHERE ${filter.sql}`, filter.params);
      return Number(row?.n ?? 0);
    },
    async *batches() {
      for await (const rows of keysetBatches(query, batchRows)) yield rows.map(toExportRow);
    },
    textRows(format) {
      if (!direct.copyOut) return null;
      return format === "csv"
        ? direct.copyOut(csvCopySelect(DEVICE_ROW_TEXT, rowsSql), filter.params, CSV_COPY_OPTIONS)
        : jsonLinesFromCopy(
            DEVICE_JSON_KINDS,
            DEVICE_KEYS,
            direct.copyOut(cellsCopySelect(DEVICE_ROW_TEXT.map(jsonCellSql), rowsSql), filter.params, COPY_CELLS_OPTIONS),
          );
    },
    sheetCells() {
      if (!direct.copyOut) return null;
      return {
        kinds: DEVICE_SHEET_KINDS,
        chunks: direct.copyOut(cellsCopySelect(DEVICE_ROW_TEXT.map(sheetValueSql), rowsSql), filter.params, COPY_CELLS_OPTIONS),
      };
    },
  };
}

/** The stored columns DEVICE_ROW_TEXT's expressions read: those read for the export, less the ones only a sort reads. */
const COPY_COLUMNS = READ.filter((c) => c !== "rowKey" && c !== "nameKey" && c !== "cause");

/**
 * A summary row's export values as PostgreSQL expressions, in DEVICE_EXPORT_COLUMNS' order: what toExportRow makes
 * of the row as read (the name's fallbacks, the severity of the worst rank, the rules as a list).
 */
const DEVICE_ROW_TEXT: readonly RowTextValue[] = [
  { kind: "text", sql: `COALESCE(NULLIF("name", ''), NULLIF("deviceId", ''), substr("subjectKey", 3))` },
  { kind: "text", sql: `"deviceId"` },
  { kind: "text", sql: `"objectId"` },
  { kind: "text", sql: `"state"` },
  { kind: "text", sql: `"deletedReason"` },
  { kind: "text", sql: `"trustType"` },
  { kind: "text", sql: `"joinType"` },
  { kind: "text", sql: `"operatingSystem"` },
  { kind: "text", sql: `"operatingSystemVersion"` },
  { kind: "bool", sql: `"onPremisesSyncEnabled"` },
  { kind: "timestamp", sql: `"approximateLastSignInDateTime"` },
  { kind: "timestamp", sql: `"pendingSince"` },
  { kind: "timestamp", sql: `"lastReportAt"` },
  { kind: "text", sql: `"lastReportHostname"` },
  { kind: "bool", sql: `"azureAdPrt"` },
  { kind: "text", sql: `CASE "worstRank" ${SEVERITIES.map((s, i) => `WHEN ${i} THEN '${s}'`).join(" ")} END` },
  { kind: "int", sql: `"openCount"` },
  { kind: "list", sql: `"openRules"` },
  { kind: "text", sql: `"primaryRule"` },
  { kind: "text", sql: `"subjectKey"` },
];
const DEVICE_SHEET_KINDS = DEVICE_ROW_TEXT.map(sheetCellKind);
const DEVICE_JSON_KINDS = DEVICE_ROW_TEXT.map(jsonCellKind);
const DEVICE_KEYS = DEVICE_EXPORT_COLUMNS.map((c) => c.key);

const text = (value: unknown) => (value === null || value === undefined ? null : String(value));

/** A summary row as read (READ's order) as the export's row (DEVICE_EXPORT_COLUMNS' order). */
function toExportRow(r: readonly unknown[]): ExportRow {
  const worst = Number(r[AT.worstRank]);
  const key = r[AT.subjectKey] as string;
  const openRules = r[AT.openRules];
  return [
    (r[AT.name] as string) || (r[AT.deviceId] as string | null) || key.slice(2),
    text(r[AT.deviceId]),
    text(r[AT.objectId]),
    text(r[AT.state]),
    text(r[AT.deletedReason]),
    text(r[AT.trustType]),
    text(r[AT.joinType]),
    text(r[AT.operatingSystem]),
    text(r[AT.operatingSystemVersion]),
    readBool(r[AT.onPremisesSyncEnabled]),
    readIsoTimestamp(r[AT.approximateLastSignInDateTime]),
    readIsoTimestamp(r[AT.pendingSince]),
    readIsoTimestamp(r[AT.lastReportAt]),
    text(r[AT.lastReportHostname]),
    readBool(r[AT.azureAdPrt]),
    worst < SEVERITIES.length ? SEVERITIES[worst]! : null,
    Number(r[AT.openCount]),
    typeof openRules === "string" && openRules ? openRules.split(",") : [],
    text(r[AT.primaryRule]),
    key,
  ];
}
