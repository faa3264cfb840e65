import { describe, expect, it } from "vitest";
import { evaluateReportRules } from "@/lib/rules/evaluate-report-rules";
import { REPORT_RULES, reportRules } from "@/lib/rules/index";
import { makeEntraReport, makeEvent, makeInput, makeRegisteredReport, makeReport } from "@/lib/rules/testing/make-report";
import { SEVERITY_ORDER, type Finding } from "@/lib/rules/types";

const aboveInfo = (findings: Finding[]) => findings.filter((finding) => finding.severity !== "info");
const TOKEN_TENANT = "aaaabbbb-0000-cccc-1111-dddd2222eeee";

describe("evaluateReportRules on healthy reports", () => {
  it.each([
    ["hybrid", makeReport()],
    ["Entra joined", makeEntraReport()],
    ["registered", makeRegisteredReport()],
    ["registered, pre-Executing-Account build", makeRegisteredReport({ executingAccount: null })],
  ])("%s: nothing above info", (_name, report) => {
    const findings = evaluateReportRules(makeInput({ report, expectedTenantId: TOKEN_TENANT }));
    expect(aboveInfo(findings)).toEqual([]);
  });

  it("hybrid and Entra joined produce no finding at all", () => {
    expect(evaluateReportRules(makeInput({ expectedTenantId: TOKEN_TENANT }))).toEqual([]);
    expect(evaluateReportRules(makeInput({ report: makeEntraReport(), expectedTenantId: TOKEN_TENANT }))).toEqual([]);
  });

  // AzureAdPrt is the joined device's PRT; a registered device's SSO State says nothing about its work account.
  it("registered produces no finding: its AzureAdPrt : NO is not a fault", () => {
    expect(evaluateReportRules(makeInput({ report: makeRegisteredReport(), expectedTenantId: TOKEN_TENANT }))).toEqual([]);
  });
});

/** The healthy hybrid report (make-report.ts) after its object was deleted, with a software key, a certificate near its end, and the wrong tenant. */
function brokenInput() {
  return makeInput({
    report: makeReport({
      deviceAuthStatus: "FAILED",
      azureAdPrt: false,
      prtUpdateTime: null,
      prtExpiryTime: null,
      tpmProtected: false,
      certValidTo: "2025-04-01T00:00:00.000Z",
      aadsts: "AADSTS50155",
      extra: { "SSO State": { "Server Error Description": "AADSTS50155: Device authentication failed" } },
    }),
    expectedTenantId: "11112222-3333-4444-5555-666677778888",
    events: [
      makeEvent({ id: 1081, time: "2025-03-09T12:00:00.000Z", message: "AADSTS50155: Device authentication failed" }),
      makeEvent({ id: 1098, time: "2025-03-09T12:01:00.000Z", message: "Error: 0xCAA5001C Token broker operation failed" }),
      makeEvent({ id: 1084, time: "2025-03-09T11:59:00.000Z", message: "Network sub-error 0x80072ee2" }),
    ],
  });
}

describe("evaluateReportRules ordering and determinism", () => {
  it("sorts by severity, then rule id", () => {
    const findings = evaluateReportRules(brokenInput());
    expect(findings.map((finding) => `${finding.severity}:${finding.rule}`)).toEqual([
      "critical:device-auth-failed",
      "critical:tenant-mismatch",
      "high:prt-missing",
      "medium:cert-expiring",
      "info:tpm-not-protected",
    ]);
    expect(findings.find((finding) => finding.rule === "prt-missing")?.title).toBe("No Primary Refresh Token: device authentication failed");
  });

  it("gives deep-equal output for the same input twice and for any event order", () => {
    const input = brokenInput();
    const first = evaluateReportRules(input);
    expect(evaluateReportRules(input)).toEqual(first);
    expect(evaluateReportRules(brokenInput())).toEqual(first);
    expect(evaluateReportRules({ ...input, events: [...(input.events ?? [])].reverse() })).toEqual(first);
    expect(evaluateReportRules({ ...input, events: [input.events![1]!, input.events![2]!, input.events![0]!] })).toEqual(first);
  });

  it("does not mutate its input", () => {
    const input = brokenInput();
    const copy = structuredClone(input);
    evaluateReportRules(input);
    expect(input).toEqual(copy);
  });

  it("replaces prt-missing by user-context-not-captured for a SYSTEM capture", () => {
    const report = makeReport({ azureAdPrt: false, prtUpdateTime: null, prtExpiryTime: null, executingAccount: "NT AUTHORITY\\SYSTEM" });
    const findings = evaluateReportRules(makeInput({ report }));
    expect(findings.map((finding) => finding.rule)).toEqual(["user-context-not-captured"]);
  });

  it("every finding has evidence, an explanation and remediation", () => {
    for (const finding of evaluateReportRules(brokenInput())) {
      expect(finding.evidence.length).toBeGreaterThan(0);
      expect(finding.explanation.length).toBeGreaterThan(40);
      expect(finding.remediation.length).toBeGreaterThan(0);
    }
  });
});

describe("REPORT_RULES catalogue", () => {
  it("lists exactly the report-only rule ids, sorted by severity then id", () => {
    expect(REPORT_RULES.map((rule) => rule.id)).toEqual([
      "cert-expired",
      "device-auth-failed",
      "tenant-mismatch",
      "device-key-recovery",
      "not-joined",
      "prt-expired",
      "prt-missing",
      "cert-expiring",
      "prt-stale",
      "user-context-not-captured",
      "tpm-not-protected",
    ]);
    const severities = REPORT_RULES.map((rule) => SEVERITY_ORDER[rule.severity]);
    expect(severities).toEqual([...severities].sort((a, b) => a - b));
  });

  it("is serialisable metadata that matches the rule objects", () => {
    expect(JSON.parse(JSON.stringify(REPORT_RULES))).toEqual(REPORT_RULES);
    for (const [index, rule] of reportRules.entries()) {
      expect(REPORT_RULES[index]).toEqual({ id: rule.id, severity: rule.severity, title: rule.title, description: rule.description });
      expect(rule.id).toMatch(/^[a-z]+(-[a-z]+)*$/);
    }
  });
});
