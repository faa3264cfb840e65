import "server-only";
import type { Db, Prisma } from "@/lib/db/client";
import type { Evidence } from "@/lib/rules/types";
import { buildFindingsWhere, readEvidence, readRemediation } from "@/lib/queries/find-findings";
import type { FindingListParams } from "@/lib/url-params/finding-list-params";
import { SEVERITIES } from "@/lib/display/severity";
import { EXPORT_BATCH_ROWS, type ExportColumn, type ExportRow, type ExportSource, type ExportValue } from "./export-source";

const SELECT = {
  subjectKey: true,
  severity: true,
  rule: true,
  title: true,
  deviceId: true,
  objectId: true,
  hostname: true,
  status: true,
  acknowledgedAt: true,
  firstSeenAt: true,
  lastSeenAt: true,
  resolvedAt: true,
  acknowledgedBy: true,
  ackComment: true,
  evidence: true,
  remediation: true,
  isPrimary: true,
  explainedBy: true,
} satisfies Prisma.FindingSelect;

type FindingRecord = Prisma.FindingGetPayload<{ select: typeof SELECT }>;

/** `field=value (expected …)`, "; "-joined: one readable cell per finding. */
export function flattenEvidence(evidence: readonly Evidence[]): string {
  return evidence
    .map((e) => `${e.field}=${e.value ?? "(empty)"}${e.expected !== undefined && e.expected !== null ? ` (expected ${e.expected})` : ""}`)
    .join("; ");
}

export function flattenRemediation(steps: readonly string[]): string {
  return steps.map((s, i) => `${i + 1}. ${s}`).join(" | ");
}

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
  { key: "evidence", flatten: (v: ExportValue) => flattenEvidence(readEvidence(v)) },
  { key: "remediation", flatten: (v: ExportValue) => flattenRemediation(readRemediation(v)) },
  { key: "primary" },
  { key: "explainedBy" },
];

/**
 * The Findings list as an export: the page's filters (buildFindingsWhere), most severe first (by rankSeverity, as
 * the list: a primary cause ranks with the worst finding it explains), then by device, its primary finding first,
 * then by rule. Read a batch at a time by keyset on (subjectKey, isPrimary, rule), unique per tenant, from the row
 * the last batch ended on: no OFFSET. `subjects` narrows it to the findings of selected devices (subject keys).
 */
export function createFindingExportSource(db: Db, options: { tenantRef: string; params: FindingListParams; subjects?: readonly string[] }): ExportSource {
  const filter = buildFindingsWhere(options.tenantRef, options.params);
  const where: Prisma.FindingWhereInput = options.subjects?.length ? { AND: [filter, { subjectKey: { in: [...options.subjects] } }] } : filter;
  return {
    name: "findings",
    columns: FINDING_EXPORT_COLUMNS,
    count: () => db.finding.count({ where }),
    async *batches() {
      for (const rankSeverity of SEVERITIES) {
        let last: FindingRecord | null = null;
        for (;;) {
          const rows: FindingRecord[] = await db.finding.findMany({
            where: { AND: [where, { rankSeverity }, ...(last ? [after(last)] : [])] },
            orderBy: [{ subjectKey: "asc" }, { isPrimary: "desc" }, { rule: "asc" }],
            take: EXPORT_BATCH_ROWS,
            select: SELECT,
          });
          if (rows.length === 0) break;
          yield rows.map(toExportRow);
          if (rows.length < EXPORT_BATCH_ROWS) break;
          last = rows[rows.length - 1]!;
        }
      }
    },
  };
}

/** The rows after `last` in (subjectKey ASC, isPrimary DESC, rule ASC). */
function after(last: FindingRecord): Prisma.FindingWhereInput {
  return {
    OR: [
      { subjectKey: { gt: last.subjectKey } },
      { subjectKey: last.subjectKey, isPrimary: last.isPrimary, rule: { gt: last.rule } },
      ...(last.isPrimary ? [{ subjectKey: last.subjectKey, isPrimary: false }] : []),
    ],
  };
}

function toExportRow(r: FindingRecord): ExportRow {
  return {
    severity: r.severity,
    rule: r.rule,
    title: r.title,
    deviceId: r.deviceId,
    objectId: r.objectId,
    hostname: r.hostname,
    status: r.status === "open" && r.acknowledgedAt ? "acknowledged" : r.status,
    firstSeen: r.firstSeenAt.toISOString(),
    lastSeen: r.lastSeenAt.toISOString(),
    resolvedAt: r.resolvedAt?.toISOString() ?? null,
    acknowledgedBy: r.acknowledgedBy,
    ackComment: r.ackComment,
    evidence: readEvidence(r.evidence) as unknown as Record<string, unknown>[],
    remediation: readRemediation(r.remediation),
    primary: r.isPrimary,
    explainedBy: r.explainedBy,
  };
}
