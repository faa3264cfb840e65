import { describe, expect, it } from "vitest";
import { diagnoseOneReport } from "@/lib/rules/diagnose-one-report";
import { makeDirectoryObject } from "@/lib/rules/testing/make-directory-object";
import { CAPTURED_AT, makeReport, NOW, toDsregTime } from "@/lib/rules/testing/make-report";

const OTHER_TENANT = "11112222-3333-4444-5555-666677778888";

// A paste of the healthy hybrid sample whose PRT was last renewed at 02:00 on the day it was captured: 10.5 hours
// before the capture, so stale then (over 5 hours), and expired by NOW.
const stalePrtReport = () => makeReport({ prtUpdateTime: "2025-03-09T02:00:00.000Z", prtExpiryTime: "2025-03-09T20:00:00.000Z" });
const rules = (result: ReturnType<typeof diagnoseOneReport>) => result.findings.map((f) => `${f.rule}/${f.severity}`);

describe("diagnoseOneReport", () => {
  it("judges the PRT at the capture time the admin gives, normalised, and says where it came from", () => {
    const result = diagnoseOneReport({ report: stalePrtReport(), expectedTenantId: null, capturedAt: "2025-03-09T13:30:00+01:00", now: NOW });
    expect(result.captureTime).toEqual({
      at: CAPTURED_AT,
      source: "admin",
      evidence: { source: "Entered by the admin", field: "Captured at", value: CAPTURED_AT },
    });
    expect(rules(result)).toEqual(["prt-stale/medium"]);
    expect(result.findings[0]!.evidence).toContainEqual({ source: "Entered by the admin", field: "Captured at", value: CAPTURED_AT });
  });

  it("falls back to the report's own Client Time, and to unknown when there is none or the admin's time is empty", () => {
    const clocked = makeReport({
      prtUpdateTime: "2025-03-09T02:00:00.000Z",
      prtExpiryTime: "2025-03-09T20:00:00.000Z",
      extra: { "Diagnostic Data": { "Client Time": toDsregTime(CAPTURED_AT) } },
    });
    const fromClock = diagnoseOneReport({ report: clocked, expectedTenantId: null, capturedAt: "", now: NOW });
    expect(fromClock.captureTime.source).toBe("report-clock");
    expect(fromClock.captureTime.at).toBe(CAPTURED_AT);
    expect(rules(fromClock)).toEqual(["prt-stale/medium"]);

    const unknown = diagnoseOneReport({ report: stalePrtReport(), expectedTenantId: null, capturedAt: null, now: NOW });
    expect(unknown.captureTime).toEqual({ at: null, source: "unknown", evidence: null });
    expect(unknown.findings.every((f) => f.severity === "info")).toBe(true);
  });

  it("runs only the report rules without a directory object, and the join rules too when Graph answered", () => {
    const report = makeReport();
    expect(diagnoseOneReport({ report, expectedTenantId: null, capturedAt: CAPTURED_AT, now: NOW }).findings).toEqual([]);
    expect(rules(diagnoseOneReport({ report, directory: null, expectedTenantId: null, capturedAt: CAPTURED_AT, now: NOW }))).toEqual([
      "object-deleted/critical",
    ]);
    expect(diagnoseOneReport({ report, directory: makeDirectoryObject(), expectedTenantId: null, capturedAt: CAPTURED_AT, now: NOW }).findings).toEqual([]);
  });

  it("judges the directory object against the capture time, or against now when it is unknown", () => {
    // The join rules run whether the capture time is known or not; the PRT is judged only against a known one.
    const directory = makeDirectoryObject({ accountEnabled: false });
    const known = diagnoseOneReport({ report: stalePrtReport(), directory, expectedTenantId: null, capturedAt: CAPTURED_AT, now: NOW });
    const unknown = diagnoseOneReport({ report: stalePrtReport(), directory, expectedTenantId: null, now: NOW });
    expect(rules(known)).toContain("prt-stale/medium");
    expect(rules(known)).toContain("object-disabled/high");
    expect(rules(unknown)).not.toContain("prt-stale/medium");
    expect(rules(unknown)).toContain("object-disabled/high");
  });

  it("compares the report's tenant with the expected one, or with its own when none is expected", () => {
    const report = makeReport();
    for (const directory of [undefined, makeDirectoryObject()]) {
      expect(rules(diagnoseOneReport({ report, directory, expectedTenantId: OTHER_TENANT, capturedAt: CAPTURED_AT, now: NOW }))).toEqual([
        "tenant-mismatch/critical",
      ]);
      expect(diagnoseOneReport({ report, directory, expectedTenantId: null, capturedAt: CAPTURED_AT, now: NOW }).findings).toEqual([]);
    }
    // A report of this tenant whose object is gone is object-deleted; one of another tenant is not this tenant's to judge.
    expect(rules(diagnoseOneReport({ report, directory: null, expectedTenantId: null, capturedAt: CAPTURED_AT, now: NOW }))).toEqual([
      "object-deleted/critical",
    ]);
    expect(rules(diagnoseOneReport({ report, directory: null, expectedTenantId: OTHER_TENANT, capturedAt: CAPTURED_AT, now: NOW }))).toEqual([
      "tenant-mismatch/critical",
    ]);
  });

  it("names the computer in the re-enable command by the report's Device Name, else by the object's name, never a made-up one", () => {
    const directory = makeDirectoryObject({ accountEnabled: false });
    const enableStep = (report: ReturnType<typeof makeReport>, object = directory) =>
      diagnoseOneReport({ report, directory: object, expectedTenantId: null, capturedAt: CAPTURED_AT, now: NOW })
        .findings.find((f) => f.rule === "object-disabled")!
        .remediation.find((step) => step.startsWith("Enable the computer account"));
    expect(enableStep(makeReport())).toContain("Get-ADComputer -Identity 'PC-0142')");
    // A paste without the Device Name line (cut short, or an old build's layout).
    expect(enableStep(makeReport({ deviceName: null }))).toContain("Get-ADComputer -Identity 'PC-0142')");
    expect(enableStep(makeReport({ deviceName: null }), makeDirectoryObject({ accountEnabled: false, displayName: null }))).toBe(
      "Enable the computer account in Active Directory (Entra Connect syncs accountEnabled from it; a cloud-side change is overwritten), then on the Entra Connect server run `Start-ADSyncSyncCycle -PolicyType Delta`.",
    );
  });
});
