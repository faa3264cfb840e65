import "server-only";
import { stringify } from "csv-stringify/sync";
import type { Db } from "@/lib/db/client";
import type { Evidence } from "@/lib/rules/types";
import type { FindingListParams } from "@/lib/ui/finding-list-params";
import { SEVERITIES } from "@/lib/ui/severity";
import { buildFindingsWhere, readEvidence, readRemediation } from "./find-findings";

export const FINDINGS_CSV_COLUMNS = [
  "severity",
  "rule",
  "title",
  "deviceId",
  "objectId",
  "hostname",
  "status",
  "firstSeen",
  "lastSeen",
  "resolvedAt",
  "acknowledgedBy",
  "ackComment",
  "evidence",
  "remediation",
  "primary",
  "explainedBy",
] as const;

const BATCH = 1000;

/**
 * Spreadsheet apps run a cell that starts with = + - @ (or a tab / carriage return) as a formula; a
 * hostile hostname or comment must stay text (OWASP "CSV injection"). A leading ' makes it text.
 */
export function neutralizeCsvCell(value: string): string {
  return /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
}

/** `field=value (expected …)`, "; "-joined: one readable cell per finding. */
export function flattenEvidence(evidence: Evidence[]): string {
  return evidence
    .map((e) => `${e.field}=${e.value ?? "(empty)"}${e.expected !== undefined && e.expected !== null ? ` (expected ${e.expected})` : ""}`)
    .join("; ");
}

export function flattenRemediation(steps: string[]): string {
  return steps.map((s, i) => `${i + 1}. ${s}`).join(" | ");
}

/**
 * The filtered findings as CSV, produced in batches of 1000 so a 100k-row export never sits in memory at
 * once: most severe first (by rankSeverity, as the Findings list: a primary cause ranks with the worst finding
 * it explains), then by device, its primary finding first. `primary` is true for a device's primary finding,
 * `explainedBy` names it on the findings it explains.
 */
export function streamFindingsCsv(db: Db, options: { tenantRef: string; params: FindingListParams }): ReadableStream<Uint8Array> {
  const where = buildFindingsWhere(options.tenantRef, options.params);
  const encoder = new TextEncoder();

  async function* chunks(): AsyncGenerator<string> {
    // A UTF-8 BOM so Excel reads non-ASCII hostnames correctly.
    yield "\uFEFF" + stringify([[...FINDINGS_CSV_COLUMNS]]);
    for (const rankSeverity of SEVERITIES) {
      let skip = 0;
      for (;;) {
        const rows = await db.finding.findMany({
          where: { ...where, rankSeverity },
          orderBy: [{ hostname: "asc" }, { subjectKey: "asc" }, { isPrimary: "desc" }, { id: "asc" }],
          skip,
          take: BATCH,
          select: {
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
          },
        });
        if (rows.length === 0) break;
        yield stringify(
          rows.map((r) =>
            [
              r.severity,
              r.rule,
              r.title,
              r.deviceId ?? "",
              r.objectId ?? "",
              r.hostname ?? "",
              r.status === "open" && r.acknowledgedAt ? "acknowledged" : r.status,
              r.firstSeenAt.toISOString(),
              r.lastSeenAt.toISOString(),
              r.resolvedAt?.toISOString() ?? "",
              r.acknowledgedBy ?? "",
              r.ackComment ?? "",
              flattenEvidence(readEvidence(r.evidence)),
              flattenRemediation(readRemediation(r.remediation)),
              String(r.isPrimary),
              r.explainedBy ?? "",
            ].map(neutralizeCsvCell),
          ),
        );
        if (rows.length < BATCH) break;
        skip += BATCH;
      }
    }
  }

  const iterator = chunks();
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      const next = await iterator.next();
      if (next.done) controller.close();
      else controller.enqueue(encoder.encode(next.value));
    },
    async cancel() {
      await iterator.return(undefined);
    },
  });
}
