import "server-only";
import { readBool, readDate, type DirectDb, type Row } from "@/lib/db/direct";
import { deviceFilter, deviceOrdering } from "@/lib/queries/find-devices";
import { readAfter, type KeysetQuery } from "@/lib/queries/keyset-page";
import type { DeviceListParams } from "@/lib/url-params/device-list-params";
import { SEVERITIES } from "@/lib/display/severity";
import { EXPORT_BATCH_ROWS, type ExportColumn, type ExportRow, type ExportSource } from "./export-source";

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
].map((key) => ({ key, ...(key === "openRules" ? { flatten: (v: ExportRow[string]) => (Array.isArray(v) ? v.join(", ") : String(v)) } : {}) }));

/**
 * The Devices list as an export: the page's own filters (deviceFilter, so a filter added to the list is in its export)
 * and order (deviceOrdering), read from the device summaries by keyset (lib/queries/keyset-page.ts) a batch at a time,
 * each batch starting after the last row of the one before. `subjects` narrows it to selected rows: a row is selected
 * by its row key ("o:<objectId>") or its subject key ("d:<deviceId>", "h:<host>").
 */
export function createDeviceExportSource(
  direct: DirectDb,
  options: { tenantRef: string; params: DeviceListParams; subjects?: readonly string[] },
): ExportSource {
  const base = deviceFilter(options.tenantRef, options.params);
  const subjects = options.subjects ?? [];
  const filter = subjects.length
    ? {
        sql: `${base.sql} AND ("rowKey" IN (${subjects.map(() => "?").join(", ")}) OR "subjectKey" IN (${subjects.map(() => "?").join(", ")}))`,
        params: [...base.params, ...subjects, ...subjects],
      }
    : base;
  const query: KeysetQuery = { direct, table: "DeviceSummary", columns: READ, filter, ordering: deviceOrdering(options.params.sort, options.params.dir) };
  return {
    name: "devices",
    columns: DEVICE_EXPORT_COLUMNS,
    async count() {
      const [row] = await direct.query(`SELECT COUNT(*) AS "n" FROM "DeviceSummary" WHERE ${filter.sql}`, filter.params);
      return Number(row?.n ?? 0);
    },
    async *batches() {
      let cursor: Row | null = null;
      for (;;) {
        const rows = await readAfter(query, cursor, EXPORT_BATCH_ROWS);
        if (rows.length === 0) return;
        yield rows.map(toExportRow);
        if (rows.length < EXPORT_BATCH_ROWS) return;
        cursor = rows[rows.length - 1]!;
      }
    },
  };
}

const iso = (value: unknown) => readDate(value)?.toISOString() ?? null;
const text = (value: unknown) => (value === null || value === undefined ? null : String(value));

function toExportRow(r: Row): ExportRow {
  const worst = Number(r.worstRank);
  const key = r.subjectKey as string;
  return {
    name: (r.name as string) || (r.deviceId as string | null) || key.slice(2),
    deviceId: text(r.deviceId),
    objectId: text(r.objectId),
    state: text(r.state),
    deletedReason: text(r.deletedReason),
    trustType: text(r.trustType),
    joinType: text(r.joinType),
    operatingSystem: text(r.operatingSystem),
    operatingSystemVersion: text(r.operatingSystemVersion),
    onPremisesSyncEnabled: readBool(r.onPremisesSyncEnabled),
    approximateLastSignInDateTime: iso(r.approximateLastSignInDateTime),
    pendingSince: iso(r.pendingSince),
    lastReportAt: iso(r.lastReportAt),
    lastReportHostname: text(r.lastReportHostname),
    azureAdPrt: readBool(r.azureAdPrt),
    worstSeverity: worst < SEVERITIES.length ? SEVERITIES[worst]! : null,
    openFindings: Number(r.openCount),
    openRules: typeof r.openRules === "string" && r.openRules ? r.openRules.split(",") : [],
    primaryRule: text(r.primaryRule),
    subjectKey: key,
  };
}
