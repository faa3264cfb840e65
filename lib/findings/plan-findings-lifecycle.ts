import type { EvaluatedFinding, EvaluatedSubject } from "./evaluate-subject";

/** A stored finding as the lifecycle needs it (read by the pass for the batch's subjects). */
export interface ExistingFinding {
  id: string;
  subjectKey: string;
  rule: string;
  status: string;
  fingerprint: string;
  isPrimary: boolean;
  explainedBy: string | null;
  rankSeverity: string;
}

/** What a pass counts: subjects evaluated, and what happened to their findings. */
export interface LifecycleCounts {
  opened: number;
  reopened: number;
  resolved: number;
  updated: number;
  unchanged: number;
}

/** A Finding row to write, a type (not an interface) so it passes as a Row (every column of FINDING_COLUMNS the pass sets; times are the batch's encoded `at`). */
export type FindingRow = {
  id: string;
  tenantRef: string;
  subjectKey: string;
  deviceId: string | null;
  objectId: string | null;
  hostname: string | null;
  rule: string;
  severity: string;
  title: string;
  explanation: string;
  evidence: string;
  remediation: string;
  fingerprint: string;
  isPrimary: boolean;
  explainedBy: string | null;
  rankSeverity: string;
  status: "open";
  firstSeenAt: string;
  lastSeenAt: string;
};

/** A FindingEvent row to write. */
export type FindingEventRow = {
  id: string;
  tenantRef: string;
  findingRef: string;
  subjectKey: string;
  kind: "opened" | "reopened" | "resolved";
  at: string;
  detail: string;
};

/** One write batch's lifecycle: the rows to insert, update, touch and resolve, their events, and the counts. */
export interface LifecyclePlan {
  /** New findings. */
  created: FindingRow[];
  /** Open findings whose content or place under the device's primary changed (same id; status and first-seen stay). */
  changed: FindingRow[];
  /** Resolved findings that came back (same id, open again, unacknowledged). */
  reopened: FindingRow[];
  /** Open findings the evaluation found unchanged: only their lastSeenAt moves. */
  touchIds: string[];
  /** Open findings the evaluation no longer found. */
  resolvedIds: string[];
  events: FindingEventRow[];
  /** Subjects whose open findings changed: their device summaries follow (lib/device-summary). */
  changedSubjects: Set<string>;
  counts: LifecycleCounts;
}

/** Whether the stored row already says what the evaluation found: same text and the same place under its device's primary. */
function isUnchanged(row: ExistingFinding, f: EvaluatedFinding): boolean {
  return row.fingerprint === f.fingerprint && row.isPrimary === f.primary && row.explainedBy === f.explainedBy && row.rankSeverity === f.rankSeverity;
}

/**
 * The findings lifecycle of one batch of evaluated subjects against their stored findings, as plain data (no
 * database, no clock): a finding is opened when first seen, updated when its content or its place under the device's
 * primary finding changes, touched (last seen) when unchanged, resolved when its condition cleared and reopened (same
 * row) when it returns. `existing`: every stored finding of the batch's subjects. `at`: the batch's time as written.
 * `newId`: makes the ids of new findings and of events, in the order they are needed.
 */
export function planFindingsLifecycle(input: {
  tenantRef: string;
  existing: readonly ExistingFinding[];
  evaluated: readonly EvaluatedSubject[];
  at: string;
  newId: () => string;
}): LifecyclePlan {
  const { tenantRef, existing, at, newId } = input;
  const byKey = new Map(existing.map((f) => [`${f.subjectKey}|${f.rule}`, f]));
  const plan: LifecyclePlan = {
    created: [],
    changed: [],
    reopened: [],
    touchIds: [],
    resolvedIds: [],
    events: [],
    changedSubjects: new Set<string>(),
    counts: { opened: 0, reopened: 0, resolved: 0, updated: 0, unchanged: 0 },
  };
  const seen = new Set<string>();

  for (const s of input.evaluated) {
    for (const f of s.findings) {
      const k = `${s.key}|${f.rule}`;
      seen.add(k);
      const row = byKey.get(k);
      if (row && row.status !== "resolved" && isUnchanged(row, f)) {
        plan.touchIds.push(row.id);
        plan.counts.unchanged++;
        continue;
      }
      plan.changedSubjects.add(s.key);
      const values: FindingRow = {
        id: row?.id ?? newId(),
        tenantRef,
        subjectKey: s.key,
        deviceId: s.deviceId,
        objectId: s.objectId,
        hostname: s.hostname,
        rule: f.rule,
        severity: f.severity,
        title: f.title,
        explanation: f.explanation,
        evidence: f.evidence,
        remediation: f.remediation,
        fingerprint: f.fingerprint,
        isPrimary: f.primary,
        explainedBy: f.explainedBy,
        rankSeverity: f.rankSeverity,
        status: "open",
        firstSeenAt: at,
        lastSeenAt: at,
      };
      if (!row) {
        plan.created.push(values);
        plan.events.push({ id: newId(), tenantRef, findingRef: values.id, subjectKey: s.key, kind: "opened", at, detail: f.title });
        plan.counts.opened++;
      } else if (row.status === "resolved") {
        plan.reopened.push(values);
        plan.events.push({ id: newId(), tenantRef, findingRef: row.id, subjectKey: s.key, kind: "reopened", at, detail: f.title });
        plan.counts.reopened++;
      } else {
        plan.changed.push(values);
        plan.counts.updated++;
      }
    }
  }
  for (const row of existing) {
    if (row.status === "open" && !seen.has(`${row.subjectKey}|${row.rule}`)) {
      plan.resolvedIds.push(row.id);
      plan.changedSubjects.add(row.subjectKey);
      plan.events.push({ id: newId(), tenantRef, findingRef: row.id, subjectKey: row.subjectKey, kind: "resolved", at, detail: "The condition cleared" });
      plan.counts.resolved++;
    }
  }
  return plan;
}
