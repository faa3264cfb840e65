import "server-only";
import type { Dialect, Statement } from "@/lib/db/direct";
import { chunk } from "@/lib/db/in-list";
import { latestReportIdSql, latestReportsSql } from "@/lib/db/latest-report-sql";
import { SUMMARY_VERSION } from "./summary-version";
import { STRIPES, stripeOf, tenantLockKey } from "./subject-stripe";
import { deviceSubjectKey, objectSubjectKey, reportSubjectKey, subjectKeySql } from "@/lib/rules/subject-key";
import { severityRankSql } from "@/lib/rules/severity";
import { OUT_OF_SCOPE_RULE, SERIOUS_RANK, UNREGISTERED_NOW_RULES } from "@/lib/rules/broken-device";

/**
 * The SQL that keeps DeviceSummary current, for the transactions that change its inputs (docs/decisions/012-device-summaries.md): a sync
 * page appends directoryStatements, an upload reportStatements, a findings pass findingsStatements, each after its
 * own writes and in the same transaction. The directory and report parts are recomputed by the database from the
 * rows as that transaction sees them; the findings part comes from the pass, which knows what it leaves open. Each
 * statement writes only the summary columns its input decides, and an upsert rewrites a row only when something in it
 * changed, so a sync page of unchanged objects or a pass that changes no finding writes no summary.
 *
 * On PostgreSQL, transactions run side by side: each one first takes the advisory locks of the stripes of subject keys
 * whose summaries it writes (lockStatements), after its own writes and before the summaries'. Whoever writes a summary
 * second then reads the first one's committed rows, and the tally rows (DeviceSummaryTally, written by triggers) of a
 * stripe only ever have one writer at a time. SQLite runs one write transaction at a time and needs no lock.
 */

/** Every column of DeviceSummary an upsert writes, in the order of the SELECTs below. */
const COLUMNS = [
  "tenantRef",
  "rowKey",
  "subjectKey",
  "objectId",
  "deviceId",
  "name",
  "nameKey",
  "state",
  "deletedReason",
  "trustType",
  "operatingSystem",
  "operatingSystemVersion",
  "onPremisesSyncEnabled",
  "approximateLastSignInDateTime",
  "pendingSince",
  "reportHead",
  "lastReportId",
  "lastReportAt",
  "lastReportHostname",
  "joinType",
  "azureAdPrt",
  "reportRank",
  "problemReportAt",
  "worstRank",
  "openCount",
  "openRules",
  "primaryRule",
  "outlook",
  "cause",
] as const;
const KEY = ["tenantRef", "rowKey"];
/** SQLite's name for the (tenantRef, rowKey) primary key's index. */
const SUMMARY_KEY_INDEX_SQLITE = "sqlite_autoindex_DeviceSummary_1";
const INSERT_HEAD = `INSERT INTO "DeviceSummary" (${COLUMNS.map((c) => `"${c}"`).join(", ")}) `;
/** A changed row is rewritten whole; an unchanged one not at all (no write, no index or tally change). */
const UPSERT = (() => {
  const updated = COLUMNS.filter((c) => !KEY.includes(c));
  return ` ON CONFLICT ("tenantRef", "rowKey") DO UPDATE SET ${updated.map((c) => `"${c}" = excluded."${c}"`).join(", ")} WHERE ${updated
    .map((c) => `"DeviceSummary"."${c}" IS DISTINCT FROM excluded."${c}"`)
    .join(" OR ")}`;
})();

/**
 * SQLite's upsert of directory objects' rows: the same, except that a row whose only change is its last sign-in is
 * left to lastSignInStatement. SQLite rewrites the entries of every index holding a column an UPDATE sets, changed or
 * not (twelve secondary indexes here), and a delta sync's most common change, a device's approximate last sign-in
 * (Entra moves it about once a week per device in use), is in one of them (decision 034).
 */
const UPSERT_OBJECTS_SQLITE = (() => {
  const updated = COLUMNS.filter((c) => !KEY.includes(c));
  return ` ON CONFLICT ("tenantRef", "rowKey") DO UPDATE SET ${updated.map((c) => `"${c}" = excluded."${c}"`).join(", ")} WHERE ${updated
    .filter((c) => c !== "approximateLastSignInDateTime")
    .map((c) => `"DeviceSummary"."${c}" IS NOT excluded."${c}"`)
    .join(" OR ")}`;
})();

/**
 * SQLite: the last sign-in of the summaries of the objects `where` selects (alias d), written alone where it is all
 * that changed (after UPSERT_OBJECTS_SQLITE, which wrote the rows with other changes whole). Each summary by its key.
 */
function lastSignInStatement(where: string, params: unknown[]): Statement {
  return {
    sql: `UPDATE "DeviceSummary" INDEXED BY "${SUMMARY_KEY_INDEX_SQLITE}" SET "approximateLastSignInDateTime" = d."approximateLastSignInDateTime"
      FROM "DirectoryDevice" d
      WHERE ${where} AND "DeviceSummary"."tenantRef" = d."tenantRef" AND "DeviceSummary"."rowKey" = 'o:' || d."objectId"
        AND "DeviceSummary"."approximateLastSignInDateTime" IS NOT d."approximateLastSignInDateTime"`,
    params,
  };
}

/**
 * The summary columns of a directory object's row that are a copy of the DirectoryDevice column of the same name
 * (objectRows), besides the name and its sort key. Each is in one sort index, (tenantRef, column, nameKey, rowKey).
 */
export const SUMMARY_COPIED_COLUMNS = [
  "trustType",
  "operatingSystem",
  "operatingSystemVersion",
  "onPremisesSyncEnabled",
  "approximateLastSignInDateTime",
] as const;

/**
 * A directory object whose changes its summary copies: its new display name when it changed, the copied columns that
 * changed, and their values (every copied column's when the name changed), encoded.
 */
export interface CopiedColumnChange {
  objectId: string;
  displayName?: string | null;
  changed: readonly (typeof SUMMARY_COPIED_COLUMNS)[number][];
  copied: Partial<Record<(typeof SUMMARY_COPIED_COLUMNS)[number], unknown>>;
}

/**
 * SQLite: the summaries of directory objects whose changes are all copied columns, written by their key with only what
 * changed (decision 043), each statement touching only the indexes of what it sets: a new name key moves the row in
 * every name-ordered index (all but the problem report's), so that statement sets the copied columns too (their
 * indexes all end in the name); a name whose key stays (a change of case) is in no index; each copied column that
 * changed alone, in its one index. The name key is computed by SQLite's LOWER, as objectRows computes it. Every
 * statement skips a row that already holds the value.
 */
export function copiedColumnStatements(tenantRef: string, changes: readonly CopiedColumnChange[]): Statement[] {
  if (changes.length === 0) return [];
  const byKey = `"tenantRef" = ? AND "rowKey" = ?`;
  const name = `COALESCE(?, '')`;
  const renamed = changes.filter((c) => c.displayName !== undefined);
  const statements: Statement[] = [];
  if (renamed.length) {
    statements.push({
      sql: `UPDATE "DeviceSummary" INDEXED BY "${SUMMARY_KEY_INDEX_SQLITE}" SET "name" = ${name}, "nameKey" = LOWER(${name}), ${SUMMARY_COPIED_COLUMNS.map((c) => `"${c}" = ?`).join(", ")}
        WHERE ${byKey} AND "nameKey" IS NOT LOWER(${name})`,
      params: [],
      eachRow: renamed.map((c) => [
        c.displayName,
        c.displayName,
        ...SUMMARY_COPIED_COLUMNS.map((k) => c.copied[k] ?? null),
        tenantRef,
        `o:${c.objectId}`,
        c.displayName,
      ]),
    });
    statements.push({
      sql: `UPDATE "DeviceSummary" INDEXED BY "${SUMMARY_KEY_INDEX_SQLITE}" SET "name" = ${name} WHERE ${byKey} AND "name" IS NOT ${name}`,
      params: [],
      eachRow: renamed.map((c) => [c.displayName, tenantRef, `o:${c.objectId}`, c.displayName]),
    });
  }
  for (const column of SUMMARY_COPIED_COLUMNS) {
    const rows = changes
      .filter((c) => c.changed.includes(column))
      .map((c) => [c.copied[column] ?? null, tenantRef, `o:${c.objectId}`, c.copied[column] ?? null]);
    if (rows.length === 0) continue;
    statements.push({
      sql: `UPDATE "DeviceSummary" INDEXED BY "${SUMMARY_KEY_INDEX_SQLITE}" SET "${column}" = ? WHERE ${byKey} AND "${column}" IS NOT ?`,
      params: [],
      eachRow: rows,
    });
  }
  return statements;
}

/** The rank the Devices list sorts severities by (lib/display/severity.ts SEVERITIES), 9 for none. */
const SEVERITY_RANK = severityRankSql(`f."severity"`);

/**
 * The open findings of some subjects, one row each: worst rank, count, rules, primary finding's rule, and the facts of
 * a broken device (lib/rules/broken-device.ts outlookFacts): "pr" the primary finding's rule when critical or high,
 * "nw" the smallest "<rank>:<rule>" of the critical or high UNREGISTERED_NOW findings, "sc" 1 with a critical or high
 * out-of-sync-scope finding.
 */
function openFindings(dialect: Dialect, subjectFilter: string): string {
  // A few subjects' findings through the unique (tenantRef, subjectKey, rule) index: for one subject SQLite's planner
  // (no statistics) took the (tenantRef, status, rankSeverity) index instead, every open finding of the tenant.
  const byKey = dialect === "sqlite" && subjectFilter ? ` INDEXED BY "Finding_tenantRef_subjectKey_rule_key"` : "";
  const rules = dialect === "sqlite" ? `group_concat(f."rule", ',' ORDER BY f."rule")` : `string_agg(f."rule", ',' ORDER BY f."rule" COLLATE "C")`;
  return `(SELECT f."subjectKey" AS "k", MIN(${SEVERITY_RANK}) AS "worst", COUNT(*) AS "open", ${rules} AS "rules",
      MAX(CASE WHEN f."isPrimary" THEN f."rule" END) AS "primaryRule",
      MAX(CASE WHEN f."isPrimary" AND ${SEVERITY_RANK} <= ${SERIOUS_RANK} THEN f."rule" END) AS "pr",
      MIN(CASE WHEN ${SEVERITY_RANK} <= ${SERIOUS_RANK} AND f."rule" IN (${NOW_RULES}) THEN CAST(${SEVERITY_RANK} AS TEXT) || ':' || f."rule" END) AS "nw",
      MAX(CASE WHEN ${SEVERITY_RANK} <= ${SERIOUS_RANK} AND f."rule" = '${OUT_OF_SCOPE_RULE}' THEN 1 ELSE 0 END) AS "sc"
    FROM "Finding" f${byKey} WHERE f."tenantRef" = ? AND f."status" = 'open'${subjectFilter} GROUP BY f."subjectKey")`;
}

const NOW_RULES = UNREGISTERED_NOW_RULES.map((r) => `'${r}'`).join(", ");

/**
 * SQL for the outlook and its cause (lib/rules/broken-device.ts classifyOutlook) from the facts `pr`, `nw`, `sc` (SQL
 * expressions), whether the subject has a live object (`live`) and whether this row is the one of its subject that
 * carries them (`head`). `nw` is "<rank>:<rule>" with a one-digit rank: its rule starts at the third character.
 */
export function outlookSql(facts: { pr: string; nw: string; sc: string }, live: string, head: string): { outlook: string; cause: string } {
  const now = `(${facts.nw} IS NOT NULL OR (${facts.sc} = 1 AND NOT (${live})))`;
  return {
    outlook: `CASE WHEN NOT (${head}) THEN NULL WHEN ${now} THEN 'now' WHEN ${facts.sc} = 1 THEN 'next' END`,
    cause: `CASE WHEN NOT (${head}) THEN NULL WHEN ${now} THEN COALESCE(${facts.pr}, substr(${facts.nw}, 3), '${OUT_OF_SCOPE_RULE}') WHEN ${facts.sc} = 1 THEN '${OUT_OF_SCOPE_RULE}' END`,
  };
}

/** A directory object's state is "live": not deleted, not Pending, not disabled (DeviceSummary.state). */
const liveObject = (alias: string) =>
  `(${alias}."deletedAt" IS NULL AND ${alias}."isPending" = FALSE AND (${alias}."accountEnabled" IS NULL OR ${alias}."accountEnabled" = TRUE))`;

/** The findings columns, outlook and cause included, of a row whose subject has a live object when `live` and which carries its subject's outlook when `head`. */
function findingsColumns(live: string, head: string): string {
  const { outlook, cause } = outlookSql({ pr: `o."pr"`, nw: `o."nw"`, sc: `COALESCE(o."sc", 0)` }, live, head);
  return `COALESCE(o."worst", 9), COALESCE(o."open", 0), o."rules", o."primaryRule", ${outlook}, ${cause}`;
}

/** A directory object's subject key (the findings pass's: its registration id, else its object id). */
const OBJECT_SUBJECT = `CASE WHEN d."deviceId" IS NOT NULL THEN ${subjectKeySql("d", `d."deviceId"`)} ELSE ${subjectKeySql("o", `d."objectId"`)} END`;
/**
 * Of the objects sharing a registration id, the one with the lowest objectId counts its reports in the Overview: the
 * MIN over the registration id's objects. On SQLite the (tenantRef, deviceId) index is named: without statistics its
 * planner walked the objectId index in order instead (its MIN shortcut), a scan of the tenant per object.
 */
const objectHead = (dialect: Dialect) =>
  `(d."deviceId" IS NOT NULL AND d."objectId" = (SELECT MIN(y."objectId") FROM "DirectoryDevice" y${dialect === "sqlite" ? ` INDEXED BY "DirectoryDevice_tenantRef_deviceId_idx"` : ""} WHERE y."tenantRef" = d."tenantRef" AND y."deviceId" = d."deviceId"))`;
/** The latest report of the object's registration id: the latest capturedAt, then the highest id. */
const LATEST_REPORT_OF_OBJECT = latestReportIdSql(`d."tenantRef"`, `d."deviceId"`);

/**
 * Summary rows of directory objects (alias d, those `where` selects), with their latest report (r) and open findings
 * (o). Parameters: `where`'s, then `subjectFilter`'s.
 *
 * Whether an object is its registration id's report head is a lookup of the id's objects, and five columns depend on
 * it: it is computed once per object ("h"), in a subquery the planner must not merge into this one (SQLite `LIMIT -1`,
 * PostgreSQL `OFFSET 0`), which would put the lookup back in each of the four expressions that use it.
 */
function objectRows(dialect: Dialect, where: string, subjectFilter: string): string {
  const head = `d."h"`;
  const fence = dialect === "sqlite" ? " LIMIT -1" : " OFFSET 0";
  const byDeviceId = dialect === "sqlite" ? ` INDEXED BY "DirectoryDevice_tenantRef_deviceId_idx"` : "";
  // The subject has a live object: one of its registration id's objects, or the object itself without one.
  const live = `CASE WHEN d."deviceId" IS NULL THEN ${liveObject("d")} ELSE EXISTS (SELECT 1 FROM "DirectoryDevice" z${byDeviceId} WHERE z."tenantRef" = d."tenantRef" AND z."deviceId" = d."deviceId" AND ${liveObject("z")}) END`;
  return `SELECT d."tenantRef", ${subjectKeySql("o", `d."objectId"`)}, ${OBJECT_SUBJECT}, d."objectId", d."deviceId", COALESCE(d."displayName", ''), LOWER(COALESCE(d."displayName", '')),
      CASE WHEN d."deletedAt" IS NOT NULL THEN 'deleted' WHEN d."isPending" = TRUE THEN 'pending' WHEN d."accountEnabled" = FALSE THEN 'disabled' ELSE 'live' END,
      d."deletedReason", d."trustType", d."operatingSystem", d."operatingSystemVersion", d."onPremisesSyncEnabled", d."approximateLastSignInDateTime",
      CASE WHEN d."isPending" = TRUE THEN COALESCE(d."onPremisesLastSyncDateTime", d."firstSeenAt") END,
      ${head}, r."id", r."capturedAt", r."hostname", r."joinType", r."azureAdPrt", COALESCE(r."worstSeverityRank", 9),
      CASE WHEN ${head} AND r."worstSeverityRank" <= 1 THEN r."capturedAt" END,
      ${findingsColumns(live, `(d."deviceId" IS NULL OR ${head})`)}
    FROM (SELECT d.*, ${objectHead(dialect)} AS "h" FROM "DirectoryDevice" d WHERE ${where}${fence}) d
    LEFT JOIN "DeviceReport" r ON r."id" = ${LATEST_REPORT_OF_OBJECT}
    LEFT JOIN ${openFindings(dialect, subjectFilter)} o ON o."k" = ${OBJECT_SUBJECT}`;
}

/**
 * Summary rows of devices that only reported (r: their latest report; `key`: SQL for their subject key), with their
 * open findings. Typed NULLs: PostgreSQL does not infer a bare NULL's type in every position.
 */
function reportOnlyRows(dialect: Dialect, key: string, from: string, subjectFilter: string): string {
  const t = dialect === "sqlite" ? "DATETIME" : "TIMESTAMP(3)";
  return `SELECT r."tenantRef", ${key}, ${key}, CAST(NULL AS TEXT), r."deviceId", r."hostname", LOWER(r."hostname"), 'report-only',
      CAST(NULL AS TEXT), CAST(NULL AS TEXT), CAST(NULL AS TEXT), CAST(NULL AS TEXT), CAST(NULL AS BOOLEAN), CAST(NULL AS ${t}), CAST(NULL AS ${t}),
      TRUE, r."id", r."capturedAt", r."hostname", r."joinType", r."azureAdPrt", r."worstSeverityRank",
      CASE WHEN r."worstSeverityRank" <= 1 THEN r."capturedAt" END,
      ${findingsColumns("FALSE", "TRUE")}
    FROM ${from}
    LEFT JOIN ${openFindings(dialect, subjectFilter)} o ON o."k" = ${key}`;
}

const inMarks = (n: number) => Array.from({ length: n }, () => "?").join(", ");

/** A list of values as a one-column table "v"("id"). */
function valuesTable(dialect: Dialect, n: number): string {
  const rows = Array.from({ length: n }, () => "(?)").join(", ");
  return dialect === "sqlite" ? `(SELECT column1 AS "id" FROM (VALUES ${rows})) v` : `(VALUES ${rows}) AS v("id")`;
}

/**
 * PostgreSQL: the advisory locks of the stripes of `subjectKeys` (two-key form: the tenant, the stripe), in stripe
 * order so that two transactions never wait for each other. Transaction-scoped: released at commit or rollback. One
 * statement, whose select list PostgreSQL evaluates from left to right: a sync page locks most of the 16 stripes, and
 * a statement each was 16 round trips (decision 026).
 */
export function lockStatements(dialect: Dialect, tenantRef: string, subjectKeys: Iterable<string>): Statement[] {
  if (dialect === "sqlite") return [];
  const stripes = new Set<number>();
  for (const key of subjectKeys) stripes.add(stripeOf(key));
  if (stripes.size === 0) return [];
  const tenant = tenantLockKey(tenantRef);
  const sorted = [...stripes].sort((a, b) => a - b);
  // Wrapped in a SELECT of a number: pg_advisory_xact_lock returns void, which Prisma's raw queries cannot read.
  return [
    {
      sql: `SELECT 1 AS "locked" FROM (SELECT ${sorted.map(() => "pg_advisory_xact_lock(?, ?)").join(", ")}) l`,
      params: sorted.flatMap((stripe) => [tenant, stripe]),
    },
  ];
}

/**
 * Registration ids (or object ids) per summary statement. SQLite: 400, from when a statement took at most 999
 * parameters. PostgreSQL: a whole Graph page (999) in one statement: each statement costs a round trip, a plan and
 * a run of the tally triggers (decision 026).
 */
const summaryChunk = (dialect: Dialect) => (dialect === "postgresql" ? 1_000 : 400);

/** What a sync write changed: objects and registration ids, before and after (a changed deviceId counts both). */
export interface DirectoryChangeScope {
  /** Registration ids the written objects have now or had before. */
  deviceIds: Iterable<string>;
  /** Written objects without a registration id now. */
  objectIds: Iterable<string>;
  /** Written objects whose registration id changed: their summary's subject key changes (its old stripe is locked too). */
  previousSubjectKeys?: Iterable<string>;
}

/**
 * After a sync wrote directory objects: their summaries (and their namesakes' by registration id, whose reportHead may
 * change) recomputed; a device that only reported and now has an object loses its report-only row; a registration id
 * no object has any more gets one back if it has reports.
 */
export function directoryStatements(dialect: Dialect, tenantRef: string, scope: DirectoryChangeScope): Statement[] {
  const deviceIds = [...new Set(scope.deviceIds)];
  const objectIds = [...new Set(scope.objectIds)];
  if (deviceIds.length === 0 && objectIds.length === 0) return [];
  const keys = new Set([...deviceIds.map(deviceSubjectKey), ...objectIds.map(objectSubjectKey), ...(scope.previousSubjectKeys ?? [])]);
  const statements = lockStatements(dialect, tenantRef, keys);
  for (const part of chunk(deviceIds, summaryChunk(dialect))) {
    const subjects = part.map(deviceSubjectKey);
    const byDeviceId = `d."tenantRef" = ? AND d."deviceId" IN (${inMarks(part.length)})`;
    statements.push({
      sql:
        INSERT_HEAD +
        objectRows(dialect, byDeviceId, ` AND f."subjectKey" IN (${inMarks(part.length)})`) +
        (dialect === "sqlite" ? UPSERT_OBJECTS_SQLITE : UPSERT),
      params: [tenantRef, ...part, tenantRef, ...subjects],
    });
    if (dialect === "sqlite") statements.push(lastSignInStatement(byDeviceId, [tenantRef, ...part]));
    statements.push({
      // SQLite: by the key. Without statistics its planner took a covering sort index (it holds rowKey and deviceId)
      // and walked every summary of the tenant, once per 400 objects of every sync page.
      sql: `DELETE FROM "DeviceSummary"${dialect === "sqlite" ? ` INDEXED BY "${SUMMARY_KEY_INDEX_SQLITE}"` : ""} WHERE "tenantRef" = ? AND "rowKey" IN (${inMarks(part.length)})
        AND EXISTS (SELECT 1 FROM "DirectoryDevice" y WHERE y."tenantRef" = "DeviceSummary"."tenantRef" AND y."deviceId" = "DeviceSummary"."deviceId")`,
      params: [tenantRef, ...subjects],
    });
    statements.push({
      sql:
        INSERT_HEAD +
        reportOnlyRows(dialect, subjectKeySql("d", `r."deviceId"`), `"DeviceReport" r`, ` AND f."subjectKey" IN (${inMarks(part.length)})`) +
        // Per registration id: none when an object has it, else its latest report. The object test is a CASE, not a
        // WHERE NOT EXISTS, which PostgreSQL turns into an anti join that hashed all of the tenant's objects for each
        // page's chunk (73 ms at 60,000 objects, growing with the directory) rather than looking these few hundred up.
        ` WHERE r."id" IN (SELECT CASE WHEN EXISTS (SELECT 1 FROM "DirectoryDevice" y WHERE y."tenantRef" = ? AND y."deviceId" = v."id") THEN NULL
              ELSE ${latestReportIdSql("?", `v."id"`)} END
            FROM ${valuesTable(dialect, part.length)})` +
        UPSERT,
      params: [tenantRef, ...subjects, tenantRef, tenantRef, ...part],
    });
  }
  for (const part of chunk(objectIds, summaryChunk(dialect))) {
    const byObjectId = `d."tenantRef" = ? AND d."objectId" IN (${inMarks(part.length)})`;
    statements.push({
      sql:
        INSERT_HEAD +
        objectRows(dialect, byObjectId, ` AND f."subjectKey" IN (${inMarks(part.length)})`) +
        (dialect === "sqlite" ? UPSERT_OBJECTS_SQLITE : UPSERT),
      params: [tenantRef, ...part, tenantRef, ...part.map(objectSubjectKey)],
    });
    if (dialect === "sqlite") statements.push(lastSignInStatement(byObjectId, [tenantRef, ...part]));
  }
  return statements;
}

/** The report an upload stored (already inserted in the same transaction). */
export interface StoredReport {
  tenantRef: string;
  reportId: string;
  deviceId: string | null;
  hostname: string;
  receivedAt: Date;
  /**
   * The device had a stored report before this one (the upload read it): its subject has its summary rows already
   * (its report-only row, or its objects'), since every transaction that stores a report, writes objects or rebuilds a
   * tenant's summaries keeps them. The report-only insert is then left out.
   */
  reportedBefore?: boolean;
}

/**
 * After an upload stored a report: a device seen for the first time (no object with its registration id, no earlier
 * report) gets its report-only row; every summary of its subject takes the report as its latest when it is newer
 * (capturedAt, then id) than the one it holds; the received-reports tallies count it.
 */
export function reportStatements(dialect: Dialect, report: StoredReport): Statement[] {
  const { tenantRef, reportId } = report;
  const key = reportSubjectKey(report.deviceId, report.hostname);
  const noObject = report.deviceId
    ? ` AND NOT EXISTS (SELECT 1 FROM "DirectoryDevice" y WHERE y."tenantRef" = r."tenantRef" AND y."deviceId" = r."deviceId")`
    : "";
  const shard = stripeOf(key);
  return [
    ...lockStatements(dialect, tenantRef, [key]),
    // Not at all for a device that reported before: nearly every upload. Its statement cost ~30 µs of CPU on SQLite
    // (bench/RESULTS.md, branch ingest1k) to find that the row exists.
    ...(report.reportedBefore
      ? []
      : [
          {
            // Only when the device has no summary yet: the row the SELECT builds (its open findings aggregated) is thrown
            // away on a conflict (~15 µs of CPU an upload on SQLite). The conflict clause stays for a row another
            // transaction inserts meanwhile (PostgreSQL).
            sql:
              INSERT_HEAD +
              reportOnlyRows(dialect, "?", `"DeviceReport" r`, ` AND f."subjectKey" = ?`) +
              ` WHERE r."id" = ?${noObject} AND NOT EXISTS (SELECT 1 FROM "DeviceSummary" s WHERE s."tenantRef" = r."tenantRef" AND s."rowKey" = ?)` +
              ` ON CONFLICT ("tenantRef", "rowKey") DO NOTHING`,
            params: [key, key, tenantRef, key, key, reportId, key],
          },
        ]),
    // The summary's indexed columns an upload's report may change: a device that only reported is named after its latest
    // report's host name (the name is in 17 indexes), and the join type (in one). SQLite rewrites the entries of every
    // index holding a column an UPDATE sets, changed or not, so these are set in a statement of their own that writes
    // only a row where one of them changes (a rename, a join state change), with the rest of the latest report's
    // columns: the next statement then finds the row current and leaves it. That one, for every other row (nearly
    // every upload), sets neither (decision 045: the join type's entry was rewritten unchanged on every upload).
    {
      // SQLite by the subject's index: with the state in the WHERE its planner took the state's sort index instead, a
      // walk over every device that only reported.
      sql: `UPDATE "DeviceSummary"${dialect === "sqlite" ? ` INDEXED BY "DeviceSummary_tenantRef_subjectKey_nameKey_rowKey_idx"` : ""}
          SET "name" = CASE WHEN "DeviceSummary"."state" = 'report-only' THEN r."hostname" ELSE "DeviceSummary"."name" END,
          "nameKey" = CASE WHEN "DeviceSummary"."state" = 'report-only' THEN LOWER(r."hostname") ELSE "DeviceSummary"."nameKey" END,
          ${LATEST_REPORT_SET}, "joinType" = r."joinType"
        FROM "DeviceReport" r
        WHERE r."id" = ? AND "DeviceSummary"."tenantRef" = ? AND "DeviceSummary"."subjectKey" = ?
          AND (("DeviceSummary"."state" = 'report-only' AND "DeviceSummary"."name" IS DISTINCT FROM r."hostname")
            OR "DeviceSummary"."joinType" IS DISTINCT FROM r."joinType")${NEWER_REPORT}`,
      params: [reportId, tenantRef, key],
    },
    {
      // Each row left holds the report's join type and, when it only reported, its host name.
      sql: `UPDATE "DeviceSummary" SET ${LATEST_REPORT_SET}
        FROM "DeviceReport" r
        WHERE r."id" = ? AND "DeviceSummary"."tenantRef" = ? AND "DeviceSummary"."subjectKey" = ?${NEWER_REPORT}`,
      params: [reportId, tenantRef, key],
    },
    {
      sql: `INSERT INTO "ReportTally" ("tenantRef", "period", "shard", "reports") VALUES (?, 'all', ?, 1), (?, ?, ?, 1)
        ON CONFLICT ("tenantRef", "period", "shard") DO UPDATE SET "reports" = "ReportTally"."reports" + 1`,
      params: [tenantRef, shard, tenantRef, reportPeriod(report.receivedAt), shard],
    },
  ];
}

/** A summary's columns that come from its latest report, set from the report `r`, but the join type (set only when it changes). */
const LATEST_REPORT_SET = `"lastReportId" = r."id", "lastReportAt" = r."capturedAt", "lastReportHostname" = r."hostname",
          "azureAdPrt" = r."azureAdPrt", "reportRank" = r."worstSeverityRank",
          "problemReportAt" = CASE WHEN "DeviceSummary"."reportHead" AND r."worstSeverityRank" <= 1 THEN r."capturedAt" END`;

/** The report `r` is newer (capture time, then id) than the one the summary holds as its latest. */
const NEWER_REPORT = `
          AND ("DeviceSummary"."lastReportAt" IS NULL OR "DeviceSummary"."lastReportAt" < r."capturedAt"
            OR ("DeviceSummary"."lastReportAt" = r."capturedAt" AND "DeviceSummary"."lastReportId" < r."id"))`;

/** The DeviceReport columns a summary reads (not the report bodies, ~10 KB a report). */
const REPORT_HEAD_COLUMNS = ["id", "tenantRef", "deviceId", "hostname", "capturedAt", "joinType", "azureAdPrt", "worstSeverityRank"]
  .map((c) => `x."${c}"`)
  .join(", ");

/** The ReportTally period of a report received at `at`: its UTC hour. */
export function reportPeriod(at: Date): string {
  return `h:${at.toISOString().slice(0, 13)}`;
}

/** A subject's open findings after a findings pass, as the pass computed them (summarizeOpenFindings). */
export interface SubjectFindings {
  subjectKey: string;
  worstRank: number;
  openCount: number;
  openRules: string | null;
  primaryRule: string | null;
  /** The facts of a broken device (lib/rules/broken-device.ts OutlookFacts): seriousPrimary, firstNow, outOfScope. */
  pr: string | null;
  nw: string | null;
  sc: 0 | 1;
}

/**
 * The outlook and cause of a summary row a findings pass updates, from the pass's facts (`v`) and the row's subject's
 * summaries: it has a live object when one of its rows is live (the summaries of a subject's objects are kept in the
 * transactions that change them), and the row carries them when it is its report head or an object without a
 * registration id (objectRows computes the same from the directory).
 */
const passOutlook = (dialect: Dialect) =>
  outlookSql(
    { pr: `v."pr"`, nw: `v."nw"`, sc: `v."sc"` },
    // SQLite by the subject's index: with the state in the WHERE its planner took the state's sort index, a walk over
    // the tenant's live devices (and a read of each row for its subject) per summary written.
    `EXISTS (SELECT 1 FROM "DeviceSummary" z${dialect === "sqlite" ? ` INDEXED BY "DeviceSummary_tenantRef_subjectKey_nameKey_rowKey_idx"` : ""} WHERE z."tenantRef" = "DeviceSummary"."tenantRef" AND z."subjectKey" = "DeviceSummary"."subjectKey" AND z."state" = 'live')`,
    `"DeviceSummary"."reportHead" OR "DeviceSummary"."deviceId" IS NULL`,
  );

/** The summary columns findingsStatements sets: all a findings pass changes in DeviceSummary (its ANALYZE reads only these). */
export const PASS_SUMMARY_COLUMNS = ["worstRank", "openCount", "openRules", "primaryRule", "outlook", "cause"] as const;

/** After a findings pass changed some subjects' findings: their summaries' findings columns, outlook and cause. */
export function findingsStatements(dialect: Dialect, tenantRef: string, subjects: readonly SubjectFindings[]): Statement[] {
  if (subjects.length === 0) return [];
  const statements = lockStatements(
    dialect,
    tenantRef,
    subjects.map((s) => s.subjectKey),
  );
  const PASS_OUTLOOK = passOutlook(dialect);
  if (dialect === "sqlite") {
    // Only a row whose columns change is written: SQLite rewrites the entries of every index holding a column an
    // UPDATE sets, changed or not (five sort indexes here), and runs the tally trigger's test.
    statements.push({
      sql: `UPDATE "DeviceSummary" SET "worstRank" = v."w", "openCount" = v."o", "openRules" = v."r", "primaryRule" = v."p", "outlook" = ${PASS_OUTLOOK.outlook}, "cause" = ${PASS_OUTLOOK.cause}
        FROM (SELECT CAST(? AS INTEGER) AS "w", CAST(? AS INTEGER) AS "o", CAST(? AS TEXT) AS "r", CAST(? AS TEXT) AS "p", CAST(? AS TEXT) AS "pr", CAST(? AS TEXT) AS "nw", CAST(? AS INTEGER) AS "sc") v
        WHERE "DeviceSummary"."tenantRef" = ? AND "DeviceSummary"."subjectKey" = ?
          AND ("DeviceSummary"."worstRank" IS NOT v."w" OR "DeviceSummary"."openCount" IS NOT v."o" OR "DeviceSummary"."openRules" IS NOT v."r"
            OR "DeviceSummary"."primaryRule" IS NOT v."p" OR "DeviceSummary"."outlook" IS NOT ${PASS_OUTLOOK.outlook} OR "DeviceSummary"."cause" IS NOT ${PASS_OUTLOOK.cause})`,
      params: [],
      eachRow: subjects.map((s) => [s.worstRank, s.openCount, s.openRules, s.primaryRule, s.pr, s.nw, s.sc, tenantRef, s.subjectKey]),
    });
    return statements;
  }
  // PostgreSQL: one statement per 2,000 subjects (a round trip each), each column one array parameter (decision 038):
  // a VALUES list of 2,000 rows was 16,000 parameters to bind and a list to plan, and with its row count known the
  // planner hashed it against a scan of every summary of the tenant; unnest's estimate (100 rows) makes it look each
  // subject up by the (tenantRef, subjectKey) index.
  for (const part of chunk(subjects, 2_000)) {
    statements.push({
      sql: `UPDATE "DeviceSummary" SET "worstRank" = v."w", "openCount" = v."o", "openRules" = v."r", "primaryRule" = v."p", "outlook" = ${PASS_OUTLOOK.outlook}, "cause" = ${PASS_OUTLOOK.cause}
        FROM unnest(CAST(? AS TEXT[]), CAST(? AS INTEGER[]), CAST(? AS INTEGER[]), CAST(? AS TEXT[]), CAST(? AS TEXT[]), CAST(? AS TEXT[]), CAST(? AS TEXT[]), CAST(? AS INTEGER[]))
          AS v("k", "w", "o", "r", "p", "pr", "nw", "sc")
        WHERE "DeviceSummary"."tenantRef" = ? AND "DeviceSummary"."subjectKey" = v."k"
          AND ("DeviceSummary"."worstRank", "DeviceSummary"."openCount", "DeviceSummary"."openRules", "DeviceSummary"."primaryRule", "DeviceSummary"."outlook", "DeviceSummary"."cause")
            IS DISTINCT FROM (v."w", v."o", v."r", v."p", ${PASS_OUTLOOK.outlook}, ${PASS_OUTLOOK.cause})`,
      params: [
        part.map((s) => s.subjectKey),
        part.map((s) => s.worstRank),
        part.map((s) => s.openCount),
        part.map((s) => s.openRules),
        part.map((s) => s.primaryRule),
        part.map((s) => s.pr),
        part.map((s) => s.nw),
        part.map((s) => s.sc),
        tenantRef,
      ],
    });
  }
  return statements;
}

/**
 * Every summary and tally of a tenant computed again from its directory objects, reports and findings, in one
 * transaction: the backfill of a database from before the summaries, and the repair of one whose summaries are in
 * doubt. Report-only devices without a registration id are grouped by LOWER(hostname), which on SQLite lower-cases
 * ASCII letters only (as the Devices list always grouped them); uploads key them by JavaScript's toLowerCase.
 */
export function rebuildStatements(dialect: Dialect, tenantRef: string): Statement[] {
  const latestOf = (partition: string, where: string) => latestReportsSql(REPORT_HEAD_COLUMNS, partition, where);
  const hour = dialect === "sqlite" ? `'h:' || substr("receivedAt", 1, 13)` : `'h:' || to_char("receivedAt", 'YYYY-MM-DD"T"HH24')`;
  const shard =
    dialect === "sqlite"
      ? `unicode(substr(COALESCE("deviceId", LOWER("hostname")), -1)) % ${STRIPES}`
      : `ascii(right(COALESCE("deviceId", LOWER("hostname")), 1)) % ${STRIPES}`;
  return [
    ...lockStatements(
      dialect,
      tenantRef,
      Array.from({ length: STRIPES }, (_, i) => String.fromCharCode(48 + i)),
    ),
    // The tallies first: the summaries' DELETE then finds no tally row to decrement.
    { sql: `DELETE FROM "DeviceSummaryTally" WHERE "tenantRef" = ?`, params: [tenantRef] },
    { sql: `DELETE FROM "DeviceOsTally" WHERE "tenantRef" = ?`, params: [tenantRef] },
    { sql: `DELETE FROM "DeviceSummary" WHERE "tenantRef" = ?`, params: [tenantRef] },
    { sql: `DELETE FROM "ReportTally" WHERE "tenantRef" = ?`, params: [tenantRef] },
    // In name order (nameKey, rowKey: the 7th and 2nd columns): most of the summaries' indexes lead with a column of few
    // values and then the name, so their entries go in near where the last one went. In Graph's order, or the
    // objects' rowid order, every entry of those indexes lands somewhere else: 2.5 s against 8–9.5 s for 99,011
    // summaries on SQLite (bench/RESULTS.md).
    { sql: INSERT_HEAD + objectRows(dialect, `d."tenantRef" = ?`, "") + ` ORDER BY 7, 2`, params: [tenantRef, tenantRef] },
    {
      sql:
        INSERT_HEAD +
        reportOnlyRows(dialect, subjectKeySql("d", `r."deviceId"`), latestOf(`x."deviceId"`, `x."deviceId" IS NOT NULL`), "") +
        ` WHERE NOT EXISTS (SELECT 1 FROM "DirectoryDevice" y WHERE y."tenantRef" = r."tenantRef" AND y."deviceId" = r."deviceId")`,
      params: [tenantRef, tenantRef],
    },
    {
      sql:
        INSERT_HEAD +
        reportOnlyRows(dialect, subjectKeySql("h", `LOWER(r."hostname")`), latestOf(`LOWER(x."hostname")`, `x."deviceId" IS NULL`), "") +
        ` WHERE TRUE`,
      params: [tenantRef, tenantRef],
    },
    {
      sql: `INSERT INTO "ReportTally" ("tenantRef", "period", "shard", "reports")
        SELECT "tenantRef", ${hour}, ${shard}, COUNT(*) FROM "DeviceReport" WHERE "tenantRef" = ? GROUP BY "tenantRef", 2, 3
        UNION ALL
        SELECT "tenantRef", 'all', ${shard}, COUNT(*) FROM "DeviceReport" WHERE "tenantRef" = ? GROUP BY "tenantRef", 3`,
      params: [tenantRef, tenantRef],
    },
    { sql: `UPDATE "Tenant" SET "summaryVersion" = ? WHERE "id" = ?`, params: [SUMMARY_VERSION, tenantRef] },
  ];
}
