import "server-only";
import { readBool, readIsoTimestamp, type DirectDb, type Row } from "@/lib/db/direct";
import type { Evidence } from "@/lib/rules/types";
import { keysetBatches, segmentsUnionSql, type KeysetQuery, type Ordering } from "@/lib/queries/keyset-page";
import { COPY_CELLS_OPTIONS, copyRowBatches, type CopyValueKind } from "./copy-cells";
import { cellsCopySelect, iso } from "./row-text-sql";
import type { FindingListParams } from "@/lib/url-params/finding-list-params";
import { SEVERITIES } from "@/lib/display/severity";
import { jsonValue } from "./write-jsonl";
import { FINDING_EXPORT_BATCH_ROWS, type ExportColumn, type ExportRow, type ExportSource, type ExportValue } from "./export-source";

/** The columns read: the exported ones and the keyset's (rankSeverity, subjectKey, isPrimary, rule). */
const READ = [
  "rankSeverity",
  "subjectKey",
  "isPrimary",
  "rule",
  "severity",
  "title",
  "deviceId",
  "objectId",
  "hostname",
  "status",
  "acknowledgedAt",
  "firstSeenAt",
  "lastSeenAt",
  "resolvedAt",
  "acknowledgedBy",
  "ackComment",
  "evidence",
  "remediation",
  "explainedBy",
] as const;
const AT = Object.fromEntries(READ.map((c, i) => [c, i])) as Record<(typeof READ)[number], number>;

/** `field=value (expected …)`, "; "-joined: one readable cell per finding. */
export function flattenEvidence(evidence: readonly Evidence[]): string {
  return evidence
    .map((e) => `${e.field}=${e.value ?? "(empty)"}${e.expected !== undefined && e.expected !== null ? ` (expected ${e.expected})` : ""}`)
    .join("; ");
}

export function flattenRemediation(steps: readonly string[]): string {
  return steps.map((s, i) => `${i + 1}. ${s}`).join(" | ");
}

/** readEvidence's text of an optional field: a string as it is, null or undefined as null, anything else String(). */
const evidenceField = (v: unknown): string | null => (typeof v === "string" ? v : v == null ? null : String(v));

/**
 * The stored evidence (parsed JSON) as its CSV and XLSX cell: flattenEvidence(readEvidence(json)), in one pass over
 * the stored items without making the normalised copies (an export reads hundreds of thousands of them).
 */
export function evidenceCell(json: unknown): string {
  if (!Array.isArray(json)) return "";
  let text = "";
  let first = true;
  for (const e of json as unknown[]) {
    if (typeof e !== "object" || e === null) continue;
    const item = e as Record<string, unknown>;
    const field = typeof item.field === "string" ? item.field : "";
    const value = evidenceField(item.value);
    const expected = item.expected === undefined ? null : evidenceField(item.expected);
    text += `${first ? "" : "; "}${field}=${value ?? "(empty)"}${expected !== null ? ` (expected ${expected})` : ""}`;
    first = false;
  }
  return text;
}

/** The stored evidence as its JSON Lines text: JSON.stringify(readEvidence(json)), without the copies. */
export function evidenceJson(json: unknown): string {
  if (!Array.isArray(json)) return "[]";
  let text = "[";
  for (const e of json as unknown[]) {
    if (typeof e !== "object" || e === null) continue;
    const item = e as Record<string, unknown>;
    const source = typeof item.source === "string" ? item.source : "";
    const field = typeof item.field === "string" ? item.field : "";
    text += `${text.length === 1 ? "" : ","}{"source":${jsonValue(source)},"field":${jsonValue(field)},"value":${jsonValue(evidenceField(item.value))}`;
    text += item.expected === undefined ? "}" : `,"expected":${jsonValue(evidenceField(item.expected))}}`;
  }
  return `${text}]`;
}

/**
 * A JSON string as JSON.stringify writes it: no character it escapes left raw (quote, backslash, controls, a lone
 * surrogate) and only the escapes it writes: `\"`, `\\`, `\b\f\n\r\t`, and `\u00xx` in lower-case hex for the other
 * controls. With the `u` flag a well-formed surrogate pair is one code point above U+FFFF, which the class lets
 * through, as JSON.stringify does. Anything else (an escaped surrogate, `\/`, `\u0041`, white space between tokens) is
 * not JSON.stringify's text, and is parsed and written again.
 */
const JSON_STRING = String.raw`"(?:[^"\\\u0000-\u001f\ud800-\udfff]|\\["\\bfnrt]|\\u00(?:0[0-7bef]|1[0-9a-f]))*"`;
const NULLABLE = `(?:${JSON_STRING}|null)`;
const EVIDENCE_ITEM = `\\{"source":${JSON_STRING},"field":${JSON_STRING},"value":${NULLABLE}(?:,"expected":${NULLABLE})?\\}`;
/** Stored evidence that is already what evidenceJson writes: Evidence items with their keys in order, strings or null. */
const CANONICAL_EVIDENCE = new RegExp(String.raw`^\[(?:${EVIDENCE_ITEM}(?:,${EVIDENCE_ITEM})*)?\]$`, "u");
/** Stored steps that are already what remediationJson writes: strings only. */
const CANONICAL_STEPS = new RegExp(String.raw`^\[(?:${JSON_STRING}(?:,${JSON_STRING})*)?\]$`, "u");

/**
 * The stored evidence text as its JSON Lines text: the text itself when it is already evidenceJson's (a findings pass
 * stores JSON.stringify of Evidence items, and SQLite hands the text back as stored), else evidenceJson of it parsed.
 */
export function evidenceJsonText(stored: string): string {
  return CANONICAL_EVIDENCE.test(stored) ? stored : evidenceJson(JSON.parse(stored));
}

/** The stored steps' text as its JSON Lines text: the text itself when it is remediationJson's already. */
export function remediationJsonText(stored: string): string {
  return CANONICAL_STEPS.test(stored) ? stored : remediationJson(JSON.parse(stored));
}

/** The stored steps as their CSV and XLSX cell: flattenRemediation(readRemediation(json)), without the copy. */
export function remediationCell(json: unknown): string {
  if (!Array.isArray(json)) return "";
  let text = "";
  let n = 0;
  for (const step of json as unknown[]) if (typeof step === "string") text += `${n++ === 0 ? "" : " | "}${n}. ${step}`;
  return text;
}

/** The stored steps as their JSON Lines text: JSON.stringify(readRemediation(json)), without the copy. */
export function remediationJson(json: unknown): string {
  if (!Array.isArray(json)) return "[]";
  let text = "[";
  for (const step of json as unknown[]) if (typeof step === "string") text += (text.length === 1 ? "" : ",") + jsonValue(step);
  return `${text}]`;
}

/** A stored JSON column's text parsed (a value already parsed is taken as it is). */
const parseStored = (value: ExportValue): unknown => (typeof value === "string" ? JSON.parse(value) : value);

export const FINDING_EXPORT_COLUMNS: readonly ExportColumn[] = [
  { key: "severity" },
  { key: "rule" },
  { key: "title" },
  { key: "deviceId" },
  { key: "objectId" },
  { key: "hostname" },
  { key: "status" },
  { key: "firstSeen" },
  { key: "lastSeen" },
  { key: "resolvedAt" },
  { key: "acknowledgedBy" },
  { key: "ackComment" },
  // The row holds the stored JSON text; each cell parses it and reads it as readEvidence and readRemediation do.
  {
    key: "evidence",
    stored: { text: (v) => evidenceCell(parseStored(v)), json: (v) => (typeof v === "string" ? evidenceJsonText(v) : evidenceJson(v)) },
  },
  {
    key: "remediation",
    stored: { text: (v) => remediationCell(parseStored(v)), json: (v) => (typeof v === "string" ? remediationJsonText(v) : remediationJson(v)) },
  },
  { key: "primary" },
  { key: "explainedBy" },
];

/**
 * The Findings page's filters (lib/queries/find-findings.ts's buildFindingsWhere) as SQL for the direct path, condition
 * for condition: the same `LIKE '%…%'` Prisma runs for its `contains` (no ESCAPE clause, as Prisma's: a `%` or `_` typed
 * in the search is a wildcard there too; case-insensitive for ASCII on SQLite, case-sensitive on PostgreSQL, hence the
 * upper- and lower-case variants). tests/integration/export.test.ts compares the two filters' rows.
 */
export function findingsFilterSql(
  tenantRef: string,
  params: Pick<FindingListParams, "status" | "severity" | "rule" | "q" | "ack" | "primary"> & Partial<Pick<FindingListParams, "outlook" | "cause">>,
  subjects: readonly string[] = [],
): { sql: string; params: unknown[] } {
  const conditions: string[] = [];
  const values: unknown[] = [];
  const add = (sql: string, ...params: unknown[]) => {
    conditions.push(sql);
    values.push(...params);
  };
  add(`"tenantRef" = ?`, tenantRef);
  if (params.status !== "all") add(`"status" = ?`, params.status);
  if (params.severity) add(`"severity" = ?`, params.severity);
  if (params.rule) add(`"rule" = ?`, params.rule);
  if (params.ack === "yes") add(`"acknowledgedAt" IS NOT NULL`);
  if (params.ack === "no") add(`"acknowledgedAt" IS NULL`);
  if (params.primary === "only") add(`"explainedBy" IS NULL`);
  const q = params.q.trim();
  if (q) {
    const variants = [...new Set([q, q.toUpperCase(), q.toLowerCase()])];
    const like = [...variants.map(() => `"hostname" LIKE ?`), `"deviceId" LIKE ?`, `"objectId" LIKE ?`];
    add(`(${like.join(" OR ")})`, ...variants.map((v) => `%${v}%`), `%${q.toLowerCase()}%`, `%${q.toLowerCase()}%`);
  }
  if (params.outlook || params.cause) {
    // The broken-device filter (lib/queries/find-findings.ts's findingsWhere): each broken device's cause finding, the
    // device as its summaries hold it (lib/rules/broken-device.ts). A list the statement reads once (SQLite: an
    // ephemeral index; PostgreSQL: a hashed semi-join), not a correlated EXISTS: SQLite answered that by the outlook
    // index, every broken device of the finding's cause read again for each finding walked (142 s against 0.3 s for
    // the 100,000-device bench tenant).
    const outlooks = !params.outlook || params.outlook === "broken" ? ["now", "next"] : [params.outlook];
    add(
      `("subjectKey", "rule") IN (SELECT s."subjectKey", s."cause" FROM "DeviceSummary" s WHERE s."tenantRef" = ? AND s."outlook" IN (${outlooks.map(() => "?").join(", ")})${params.cause ? ` AND s."cause" = ?` : ""})`,
      tenantRef,
      ...outlooks,
      ...(params.cause ? [params.cause] : []),
    );
  }
  if (subjects.length) add(`"subjectKey" IN (${subjects.map(() => "?").join(", ")})`, ...subjects);
  return { sql: conditions.join(" AND "), params: values };
}

/**
 * Most severe first (by rankSeverity, as the list: a primary cause ranks with the worst finding it explains), then by
 * device, its primary finding first, then by rule: one keyset segment per severity, each read on the index
 * Finding_tenantRef_rankSeverity_subjectKey_isPrimary_rule_idx (migration 20261209140000), which holds this order.
 */
const ORDERING: Ordering = SEVERITIES.map((severity) => ({
  where: `"rankSeverity" = '${severity}'`,
  keys: [
    { column: "subjectKey", dir: "asc" },
    { column: "isPrimary", dir: "desc" },
    { column: "rule", dir: "asc" },
  ],
  holds: (row: Row) => row.rankSeverity === severity,
}));

/**
 * The Findings list as an export: the page's filters (findingsFilterSql), in the order above, read a batch at a time
 * by keyset from the row the last batch ended on (no OFFSET), as arrays straight from the driver: no ORM decoding and
 * no object per row. `subjects` narrows it to the findings of selected devices (subject keys). `batchRows`: rows a
 * batch (FINDING_EXPORT_BATCH_ROWS unless given).
 */
export function createFindingExportSource(
  direct: DirectDb,
  options: { tenantRef: string; params: FindingListParams; subjects?: readonly string[]; batchRows?: number },
): ExportSource {
  const batchRows = options.batchRows ?? FINDING_EXPORT_BATCH_ROWS;
  const filter = findingsFilterSql(options.tenantRef, options.params, options.subjects);
  const query: KeysetQuery = {
    direct,
    table: "Finding",
    indexedBy: "Finding_tenantRef_rankSeverity_subjectKey_isPrimary_rule_idx",
    columns: READ,
    // The JSON columns as their text on PostgreSQL too (as SQLite stores them), parsed cell by cell while written.
    expressions: { evidence: { postgresql: `"evidence"::text` }, remediation: { postgresql: `"remediation"::text` } },
    filter,
    ordering: ORDERING,
  };
  return {
    name: "findings",
    columns: FINDING_EXPORT_COLUMNS,
    async count() {
      const [row] = await direct.query(`SELECT COUNT(*) AS "n" FROM "Finding" WHERE ${filter.sql}`, filter.params);
      return Number(row?.n ?? 0);
    },
    async *batches() {
      if (direct.copyOut) {
        // PostgreSQL: the rows of one ordered statement, through COPY (decision 054), already as the export's values.
        // Each severity's findings along the index that holds their order, one severity after the other: no sort.
        const columns = COPY_COLUMNS.map((c) => `"${c}"`).join(", ");
        const segments = segmentsUnionSql(
          ORDERING,
          (where, orderBy) => `(SELECT ${columns} FROM "Finding" WHERE ${filter.sql}${where ? ` AND ${where}` : ""} ORDER BY ${orderBy})`,
        );
        const params = ORDERING.flatMap(() => filter.params);
        const chunks = direct.copyOut(cellsCopySelect(COPY_SQL, `FROM (${segments}) AS "rows"`), params, COPY_CELLS_OPTIONS);
        yield* copyRowBatches(COPY_KINDS, chunks, batchRows);
        return;
      }
      for await (const rows of keysetBatches(query, batchRows)) yield rows.map(toExportRow);
    },
  };
}

/** The stored columns COPY_VALUES read (the order's other keys are only in the segments' ORDER BY). */
const COPY_COLUMNS = READ.filter((c) => c !== "rankSeverity" && c !== "subjectKey");

/**
 * What toExportRow makes of a finding, as PostgreSQL expressions in FINDING_EXPORT_COLUMNS' order, for the rows COPY
 * writes (decision 054): the status "acknowledged" for an open finding acknowledged, timestamps as ISO text, the
 * stored JSON as its text ("[]" when missing), the primary flag false when unknown. tests/integration/export.test.ts
 * compares the two reads' exports byte for byte.
 */
const COPY_VALUES = [
  `"severity"`,
  `"rule"`,
  `"title"`,
  `"deviceId"`,
  `"objectId"`,
  `"hostname"`,
  `CASE WHEN "status" = 'open' AND "acknowledgedAt" IS NOT NULL THEN 'acknowledged' ELSE "status" END`,
  iso(`"firstSeenAt"`),
  iso(`"lastSeenAt"`),
  iso(`"resolvedAt"`),
  `"acknowledgedBy"`,
  `"ackComment"`,
  `COALESCE("evidence"::text, '[]')`,
  `COALESCE("remediation"::text, '[]')`,
  { bool: `COALESCE("isPrimary", false)` },
  `"explainedBy"`,
].map((v) => (typeof v === "string" ? { sql: v, kind: "text" as const } : { sql: v.bool, kind: "bool" as const }));
const COPY_SQL = COPY_VALUES.map((v) => v.sql);
const COPY_KINDS: readonly CopyValueKind[] = COPY_VALUES.map((v) => v.kind);

const text = (value: unknown) => (value === null || value === undefined ? null : String(value));

/** A stored JSON column's text as read ("[]" when missing; a value the driver parsed is handed on as it is). */
function storedJson(value: unknown): ExportValue {
  return value === null || value === undefined ? "[]" : (value as ExportValue);
}

/** A finding as read (READ's order) as the export's row (FINDING_EXPORT_COLUMNS' order). */
function toExportRow(r: readonly unknown[]): ExportRow {
  const status = r[AT.status] as string;
  return [
    r[AT.severity] as string,
    r[AT.rule] as string,
    r[AT.title] as string,
    text(r[AT.deviceId]),
    text(r[AT.objectId]),
    text(r[AT.hostname]),
    status === "open" && r[AT.acknowledgedAt] !== null && r[AT.acknowledgedAt] !== undefined ? "acknowledged" : status,
    readIsoTimestamp(r[AT.firstSeenAt])!,
    readIsoTimestamp(r[AT.lastSeenAt])!,
    readIsoTimestamp(r[AT.resolvedAt]),
    text(r[AT.acknowledgedBy]),
    text(r[AT.ackComment]),
    // The stored JSON text ("[]" when missing): the columns parse and normalise it as they write it.
    storedJson(r[AT.evidence]),
    storedJson(r[AT.remediation]),
    readBool(r[AT.isPrimary]) ?? false,
    text(r[AT.explainedBy]),
  ];
}
