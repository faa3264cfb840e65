import { describe, expect, it } from "vitest";
import type { EvaluatedFinding, EvaluatedSubject } from "./evaluate-subject";
import { planFindingsLifecycle, type ExistingFinding } from "./plan-findings-lifecycle";

/**
 * Realistic cases: a hybrid-joined laptop whose certificate no longer matches its object (thumbprint-mismatch, the
 * primary cause, explaining prt-missing), and a stale object. Fingerprints stand in for fingerprintFinding's hashes.
 */
const TENANT = "tenant-1";
const AT = "2026-12-07T10:00:00.000Z";
const LAPTOP = "d:6f0a1e5c-2b7d-4c3a-9e8f-1a2b3c4d5e6f";
const STALE = "o:0b1c2d3e-4f50-6172-8394-a5b6c7d8e9f0";

function finding(rule: string, overrides: Partial<EvaluatedFinding> = {}): EvaluatedFinding {
  return {
    rule,
    severity: "high",
    title: `${rule} title`,
    explanation: `${rule} explanation`,
    evidence: JSON.stringify([{ source: "dsregcmd · Device Details", field: "Thumbprint", value: "A1B2" }]),
    remediation: JSON.stringify(["Run dsregcmd /leave, then join again."]),
    fingerprint: `fp-${rule}`,
    primary: false,
    explainedBy: null,
    rankSeverity: "high",
    ...overrides,
  };
}

function subject(key: string, findings: EvaluatedFinding[]): EvaluatedSubject {
  return { key, deviceId: key.startsWith("d:") ? key.slice(2) : null, objectId: key.startsWith("o:") ? key.slice(2) : null, hostname: "LT-0042", findings };
}

function stored(key: string, rule: string, overrides: Partial<ExistingFinding> = {}): ExistingFinding {
  return {
    id: `row-${rule}`,
    subjectKey: key,
    rule,
    status: "open",
    fingerprint: `fp-${rule}`,
    isPrimary: false,
    explainedBy: null,
    rankSeverity: "high",
    ...overrides,
  };
}

function plan(existing: ExistingFinding[], evaluated: EvaluatedSubject[]) {
  let n = 0;
  return planFindingsLifecycle({ tenantRef: TENANT, existing, evaluated, at: AT, newId: () => `new-${++n}` });
}

describe("planFindingsLifecycle", () => {
  it("opens a finding seen for the first time, with an opened event and both times the batch's", () => {
    const p = plan([], [subject(LAPTOP, [finding("thumbprint-mismatch")])]);
    expect(p.created).toEqual([
      expect.objectContaining({
        id: "new-1",
        tenantRef: TENANT,
        subjectKey: LAPTOP,
        rule: "thumbprint-mismatch",
        status: "open",
        firstSeenAt: AT,
        lastSeenAt: AT,
        hostname: "LT-0042",
      }),
    ]);
    expect(p.events).toEqual([
      { id: "new-2", tenantRef: TENANT, findingRef: "new-1", subjectKey: LAPTOP, kind: "opened", at: AT, detail: "thumbprint-mismatch title" },
    ]);
    expect(p.counts).toEqual({ opened: 1, reopened: 0, resolved: 0, updated: 0, unchanged: 0 });
    expect([...p.changedSubjects]).toEqual([LAPTOP]);
  });

  it("only touches an open finding the evaluation found unchanged: no row, no event, no summary", () => {
    const p = plan([stored(LAPTOP, "thumbprint-mismatch")], [subject(LAPTOP, [finding("thumbprint-mismatch")])]);
    expect(p.touchIds).toEqual(["row-thumbprint-mismatch"]);
    expect([...p.created, ...p.changed, ...p.reopened, ...p.events]).toEqual([]);
    expect(p.changedSubjects.size).toBe(0);
    expect(p.counts.unchanged).toBe(1);
  });

  it("updates an open finding whose text changed, keeping its id and writing no event", () => {
    const p = plan(
      [stored(LAPTOP, "thumbprint-mismatch")],
      [subject(LAPTOP, [finding("thumbprint-mismatch", { fingerprint: "fp-new", title: "Another thumbprint" })])],
    );
    expect(p.changed).toEqual([expect.objectContaining({ id: "row-thumbprint-mismatch", title: "Another thumbprint", fingerprint: "fp-new" })]);
    expect(p.events).toEqual([]);
    expect(p.counts.updated).toBe(1);
    expect([...p.changedSubjects]).toEqual([LAPTOP]);
  });

  it("resolves an open finding the evaluation no longer found, and leaves a resolved one alone", () => {
    const p = plan([stored(STALE, "stale-device"), stored(STALE, "object-disabled", { id: "row-disabled", status: "resolved" })], [subject(STALE, [])]);
    expect(p.resolvedIds).toEqual(["row-stale-device"]);
    expect(p.events).toEqual([
      { id: "new-1", tenantRef: TENANT, findingRef: "row-stale-device", subjectKey: STALE, kind: "resolved", at: AT, detail: "The condition cleared" },
    ]);
    expect(p.counts).toEqual({ opened: 0, reopened: 0, resolved: 1, updated: 0, unchanged: 0 });
  });

  it("reopens the same row when a resolved finding returns, even with the same fingerprint", () => {
    const p = plan(
      [stored(STALE, "stale-device", { status: "resolved" })],
      [subject(STALE, [finding("stale-device", { severity: "low", rankSeverity: "low" })])],
    );
    expect(p.reopened).toEqual([expect.objectContaining({ id: "row-stale-device", status: "open", severity: "low" })]);
    expect(p.events).toEqual([expect.objectContaining({ findingRef: "row-stale-device", kind: "reopened", detail: "stale-device title" })]);
    expect(p.touchIds).toEqual([]);
    expect(p.counts.reopened).toBe(1);
  });

  it("rewrites findings whose place under the primary changed while their text did not (isPrimary, explainedBy, rankSeverity)", () => {
    // Before: prt-missing stood alone. Now thumbprint-mismatch appeared and is the primary cause that explains it.
    const p = plan(
      [stored(LAPTOP, "prt-missing", { rankSeverity: "medium" })],
      [
        subject(LAPTOP, [
          finding("thumbprint-mismatch", { primary: true, rankSeverity: "high" }),
          finding("prt-missing", { explainedBy: "thumbprint-mismatch", rankSeverity: "medium" }),
        ]),
      ],
    );
    expect(p.created.map((r) => [r.rule, r.isPrimary])).toEqual([["thumbprint-mismatch", true]]);
    expect(p.changed).toEqual([expect.objectContaining({ id: "row-prt-missing", explainedBy: "thumbprint-mismatch", isPrimary: false })]);
    expect(p.counts).toEqual({ opened: 1, reopened: 0, resolved: 0, updated: 1, unchanged: 0 });

    // Later the primary cause clears: thumbprint-mismatch resolves, and prt-missing stops pointing to it.
    const after = plan(
      [
        stored(LAPTOP, "thumbprint-mismatch", { isPrimary: true }),
        stored(LAPTOP, "prt-missing", { explainedBy: "thumbprint-mismatch", rankSeverity: "medium" }),
      ],
      [subject(LAPTOP, [finding("prt-missing", { rankSeverity: "medium" })])],
    );
    expect(after.changed).toEqual([expect.objectContaining({ id: "row-prt-missing", explainedBy: null })]);
    expect(after.resolvedIds).toEqual(["row-thumbprint-mismatch"]);
  });

  it("reopens a resolved finding that returns exactly as it was stored, instead of touching it", () => {
    const p = plan([stored(STALE, "stale-device", { status: "resolved" })], [subject(STALE, [finding("stale-device")])]);
    expect(p.reopened).toEqual([
      {
        id: "row-stale-device",
        tenantRef: TENANT,
        subjectKey: STALE,
        deviceId: null,
        objectId: STALE.slice(2),
        hostname: "LT-0042",
        rule: "stale-device",
        severity: "high",
        title: "stale-device title",
        explanation: "stale-device explanation",
        evidence: finding("stale-device").evidence,
        remediation: finding("stale-device").remediation,
        fingerprint: "fp-stale-device",
        isPrimary: false,
        explainedBy: null,
        rankSeverity: "high",
        status: "open",
        firstSeenAt: AT,
        lastSeenAt: AT,
      },
    ]);
    expect(p.events).toEqual([
      { id: "new-1", tenantRef: TENANT, findingRef: "row-stale-device", subjectKey: STALE, kind: "reopened", at: AT, detail: "stale-device title" },
    ]);
    expect(p.touchIds).toEqual([]);
    expect(p.counts).toEqual({ opened: 0, reopened: 1, resolved: 0, updated: 0, unchanged: 0 });
    expect([...p.changedSubjects]).toEqual([STALE]);
  });

  it("names the device of a resolved finding among the changed subjects, and resolves only the cleared rule of a device", () => {
    const p = plan(
      [stored(LAPTOP, "thumbprint-mismatch", { id: "row-tm" }), stored(LAPTOP, "prt-missing", { id: "row-prt" }), stored(STALE, "stale-device")],
      [subject(LAPTOP, [finding("prt-missing")]), subject(STALE, [finding("stale-device")])],
    );
    expect(p.resolvedIds).toEqual(["row-tm"]);
    expect(p.touchIds).toEqual(["row-prt", "row-stale-device"]);
    expect([...p.changedSubjects]).toEqual([LAPTOP]);
    expect(p.counts).toEqual({ opened: 0, reopened: 0, resolved: 1, updated: 0, unchanged: 2 });
  });

  it("keeps one device's findings apart from another's with the same rule", () => {
    const other = "d:9a8b7c6d-5e4f-4a3b-9c2d-1e0f9a8b7c6d";
    const p = plan([stored(LAPTOP, "prt-missing", { id: "row-laptop" })], [subject(other, [finding("prt-missing")])]);
    expect(p.created.map((r) => [r.id, r.subjectKey, r.deviceId])).toEqual([["new-1", other, other.slice(2)]]);
    expect(p.resolvedIds).toEqual(["row-laptop"]);
    expect([...p.changedSubjects]).toEqual([other, LAPTOP]);
  });

  it("rewrites a finding whose rank alone changed (a consequence of it became more severe)", () => {
    const p = plan(
      [stored(LAPTOP, "object-disabled", { isPrimary: true, rankSeverity: "high" })],
      [subject(LAPTOP, [finding("object-disabled", { primary: true, rankSeverity: "critical" })])],
    );
    expect(p.changed.map((r) => [r.id, r.rankSeverity, r.severity])).toEqual([["row-object-disabled", "critical", "high"]]);
    expect(p.counts).toEqual({ opened: 0, reopened: 0, resolved: 0, updated: 1, unchanged: 0 });
  });

  it("flags a primary flip alone as a change (isPrimary true → false with the same text)", () => {
    const p = plan([stored(LAPTOP, "thumbprint-mismatch", { isPrimary: true })], [subject(LAPTOP, [finding("thumbprint-mismatch", { primary: false })])]);
    expect(p.changed.map((r) => [r.id, r.isPrimary])).toEqual([["row-thumbprint-mismatch", false]]);
    expect(p.touchIds).toEqual([]);
  });
});
