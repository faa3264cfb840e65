import { describe, expect, it } from "vitest";
import { evaluateDevice } from "@/lib/rules/evaluate-device-rules";
import { makeDeviceSettings, makeDeviceSubject, makeDirectoryObject, makeSubjectReport } from "@/lib/rules/testing/make-directory-object";
import { HEALTHY_HYBRID, makeReport } from "@/lib/rules/testing/make-report";
import { evaluateRawSubjects, evaluateSubject } from "./evaluate-subject";
import { fingerprintFinding } from "./fingerprint-finding";
import type { LoadedSubject } from "./loaded-subject";
import type { RawSubject } from "./raw-subject";

/**
 * PC-0142, hybrid joined, whose computer account an admin disabled: the Entra ID object is disabled and dsregcmd says
 * `DeviceAuthStatus : FAILED. Device is either disabled or deleted`. object-disabled (high) is the primary cause and
 * explains device-auth-failed (critical), so lists rank the primary as critical.
 */
const DEVICE_ID = HEALTHY_HYBRID.deviceId!;
const OBJECT_ID = "f1e2d3c4-b5a6-4798-8a9b-0c1d2e3f4a5b";
const settings = makeDeviceSettings();

function disabledPc(): LoadedSubject {
  return {
    key: `d:${DEVICE_ID}`,
    deviceId: DEVICE_ID,
    objectId: OBJECT_ID,
    hostname: "PC-0142",
    subject: makeDeviceSubject({
      report: makeSubjectReport({ parsed: makeReport({ deviceAuthStatus: "FAILED" }) }),
      directory: makeDirectoryObject({ accountEnabled: false }),
    }),
  };
}

describe("evaluateSubject", () => {
  it("keeps the subject's ids and, per finding, what the write stores: JSON evidence and remediation and their fingerprint", () => {
    const loaded = disabledPc();
    const evaluated = evaluateSubject(loaded, settings);
    expect(evaluated).toMatchObject({ key: `d:${DEVICE_ID}`, deviceId: DEVICE_ID, objectId: OBJECT_ID, hostname: "PC-0142" });
    const rules = evaluateDevice(loaded.subject, settings).findings;
    expect(evaluated.findings.map((f) => f.rule)).toEqual(rules.map((f) => f.rule));
    for (const [i, f] of evaluated.findings.entries()) {
      const rule = rules[i]!;
      expect(f).toMatchObject({ severity: rule.severity, title: rule.title, explanation: rule.explanation });
      expect(JSON.parse(f.evidence)).toEqual(rule.evidence);
      expect(JSON.parse(f.remediation)).toEqual(rule.remediation);
      expect(f.fingerprint).toBe(fingerprintFinding(rule));
      expect(f.fingerprint).toMatch(/^[0-9a-f]{64}$/);
    }
  });

  it("marks the primary cause, ranks it as its worst consequence, and points the consequences to it", () => {
    const byRule = new Map(evaluateSubject(disabledPc(), settings).findings.map((f) => [f.rule, f]));
    expect(byRule.get("object-disabled")).toMatchObject({ severity: "high", primary: true, explainedBy: null, rankSeverity: "critical" });
    expect(byRule.get("device-auth-failed")).toMatchObject({ severity: "critical", primary: false, explainedBy: "object-disabled", rankSeverity: "critical" });
    expect(JSON.parse(byRule.get("device-auth-failed")!.remediation)).toEqual([
      expect.stringMatching(/^Fix the primary cause first: "[^"]+" \(object-disabled\)\./),
    ]);
  });

  it("without a primary cause, every finding stands alone, ranked by its own severity", () => {
    // The object is enabled and the device authenticates; Entra Connect's scope leaves its OU out: out-of-sync-scope
    // alone explains nothing else.
    const loaded = disabledPc();
    const subject = makeDeviceSubject({
      report: makeSubjectReport({ computerDn: "CN=PC-0142,OU=Disabled Computers,OU=Workstations,OU=Corp,DC=corp,DC=contoso,DC=com" }),
    });
    const evaluated = evaluateSubject({ ...loaded, subject }, settings);
    expect(evaluated.findings.length).toBeGreaterThan(0);
    for (const f of evaluated.findings) expect(f).toMatchObject({ primary: false, explainedBy: null, rankSeverity: f.severity });
  });
});

describe("evaluateRawSubjects", () => {
  it("parses each subject's stored report body, then evaluates it, in order", () => {
    const loaded = disabledPc();
    const healthy = { ...loaded, key: "h:pc-0143", hostname: "PC-0143", subject: makeDeviceSubject() };
    const raw = (s: LoadedSubject): RawSubject => ({
      ...s,
      subject: { ...s.subject, report: { ...s.subject.report!, parsed: { json: JSON.stringify(s.subject.report!.parsed), text: null }, systemParsed: null } },
    });
    expect(evaluateRawSubjects([raw(loaded), raw(healthy)], settings)).toEqual([evaluateSubject(loaded, settings), evaluateSubject(healthy, settings)]);
  });
});
