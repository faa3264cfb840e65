import "server-only";
import { readDate, type DirectDb, type Row } from "@/lib/db/direct";
import { deviceFilter, deviceOrdering } from "@/lib/queries/find-devices";
import { readAfter, type KeysetQuery } from "@/lib/queries/keyset-page";
import type { Outlook } from "@/lib/rules/broken-device";
import { causeWords } from "@/lib/rules/cause-words";
import type { DeviceListParams } from "@/lib/url-params/device-list-params";
import { EXPORT_BATCH_ROWS, type ExportColumn, type ExportRow, type ExportSource } from "./export-source";

/** The summary columns read: the row's own and every key of the list's orders (the keyset cursor). */
const READ = [
  "rowKey",
  "subjectKey",
  "name",
  "nameKey",
  "deviceId",
  "objectId",
  "state",
  "trustType",
  "joinType",
  "operatingSystem",
  "operatingSystemVersion",
  "onPremisesSyncEnabled",
  "approximateLastSignInDateTime",
  "pendingSince",
  "lastReportAt",
  "lastReportId",
  "worstRank",
  "openCount",
  "primaryRule",
  "outlook",
  "cause",
] as const;

/**
 * One row per broken device for a change board (issue 23 item 11): short cells under human column names, readable in
 * Excel as it opens (the XLSX sets the widths), in the words of lib/rules/cause-words.ts. The detailed findings
 * export stays beside it for the evidence and the full steps.
 */
export const CHANGE_BOARD_COLUMNS: readonly ExportColumn[] = [
  { key: "device", label: "Device", width: 22 },
  { key: "user", label: "User", width: 30 },
  { key: "status", label: "Conditional Access", width: 26 },
  { key: "cause", label: "Cause", width: 40 },
  { key: "action", label: "Action", width: 60 },
  { key: "risk", label: "Risk of the action", width: 60 },
  { key: "since", label: "Since", width: 12 },
  { key: "deviceId", label: "DeviceId", width: 38 },
];

const STATUS: Record<Outlook, string> = { now: "Unregistered now", next: "At the next Connect sync" };

/**
 * The Devices list's broken devices (its filters, `outlook` "broken" unless the list names one, and its order) as the
 * change board reads them: the device, its user (the account its latest report was captured under, ReportUser),
 * what Conditional Access makes of it, the cause in words, the action and its risk, and since when (the cause
 * finding's first sighting, a date). Read by keyset a batch at a time as the Devices export; each batch's users and
 * cause findings are one indexed query each.
 */
export function createChangeBoardExportSource(
  direct: DirectDb,
  options: { tenantRef: string; params: DeviceListParams; subjects?: readonly string[] },
): ExportSource {
  const params: DeviceListParams = { ...options.params, outlook: options.params.outlook ?? "broken" };
  const base = deviceFilter(options.tenantRef, params);
  const subjects = options.subjects ?? [];
  const filter = subjects.length
    ? {
        sql: `${base.sql} AND ("rowKey" IN (${subjects.map(() => "?").join(", ")}) OR "subjectKey" IN (${subjects.map(() => "?").join(", ")}))`,
        params: [...base.params, ...subjects, ...subjects],
      }
    : base;
  const query: KeysetQuery = { direct, table: "DeviceSummary", columns: READ, filter, ordering: deviceOrdering(params.sort, params.dir) };
  return {
    name: "change-board",
    columns: CHANGE_BOARD_COLUMNS,
    async count() {
      const [row] = await direct.query(`SELECT COUNT(*) AS "n" FROM "DeviceSummary" WHERE ${filter.sql}`, filter.params);
      return Number(row?.n ?? 0);
    },
    async *batches() {
      let cursor: Row | null = null;
      for (;;) {
        const rows = await readAfter(query, cursor, EXPORT_BATCH_ROWS);
        if (rows.length === 0) return;
        yield await toExportRows(direct, options.tenantRef, rows);
        if (rows.length < EXPORT_BATCH_ROWS) return;
        cursor = rows[rows.length - 1]!;
      }
    },
  };
}

async function toExportRows(direct: DirectDb, tenantRef: string, rows: Row[]): Promise<ExportRow[]> {
  const reportIds = rows.map((r) => r.lastReportId).filter((id): id is string => typeof id === "string");
  const users = new Map<string, string>();
  if (reportIds.length) {
    const found = await direct.query<{ reportRef: string; userPrincipalName: string }>(
      `SELECT "reportRef", "userPrincipalName" FROM "ReportUser" WHERE "reportRef" IN (${reportIds.map(() => "?").join(", ")})`,
      reportIds,
    );
    for (const u of found) users.set(u.reportRef, u.userPrincipalName);
  }
  const subjects = [...new Set(rows.map((r) => r.subjectKey as string))];
  const causes = new Map<string, { title: string; firstSeenAt: unknown }>();
  if (subjects.length) {
    const found = await direct.query<{ subjectKey: string; rule: string; title: string; firstSeenAt: unknown }>(
      `SELECT "subjectKey", "rule", "title", "firstSeenAt" FROM "Finding" WHERE "tenantRef" = ? AND "subjectKey" IN (${subjects.map(() => "?").join(", ")}) AND "status" = 'open'`,
      [tenantRef, ...subjects],
    );
    for (const f of found) causes.set(`${f.subjectKey}\u0000${f.rule}`, { title: f.title, firstSeenAt: f.firstSeenAt });
  }
  return rows.map((r) => {
    const outlook: Outlook = r.outlook === "next" ? "next" : "now";
    const rule = (r.cause as string | null) ?? "";
    const finding = causes.get(`${r.subjectKey as string}\u0000${rule}`);
    const words = causeWords(rule, finding?.title);
    // In CHANGE_BOARD_COLUMNS' order.
    return [
      (r.name as string) || (r.deviceId as string | null) || (r.subjectKey as string).slice(2),
      typeof r.lastReportId === "string" ? (users.get(r.lastReportId) ?? null) : null,
      STATUS[outlook],
      words.cause,
      words.action,
      words.risk,
      readDate(finding?.firstSeenAt)?.toISOString().slice(0, 10) ?? null,
      (r.deviceId as string | null) ?? null,
    ];
  });
}
