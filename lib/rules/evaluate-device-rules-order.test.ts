import { describe, expect, it, vi } from "vitest";
import type { JoinRule, JoinRuleId } from "@/lib/rules/join-rules/join-rule";
import type { Finding, Severity } from "@/lib/rules/types";

// The real join rules never give two findings of one rule, severity and title, and come in severity and id order;
// these come in the worst order, so that each tie-break of the device's order shows.
const rules = vi.hoisted(() => ({ list: [] as JoinRule[] }));
vi.mock("@/lib/rules/join-rules/join-rule-list", () => ({
  get joinRules() {
    return rules.list;
  },
}));

const { evaluateDevice } = await import("@/lib/rules/evaluate-device-rules");
const { makeDeviceSettings, makeDeviceSubject } = await import("@/lib/rules/testing/make-directory-object");

const finding = (rule: string, severity: Severity, title: string, explanation = title): Finding => ({
  rule,
  severity,
  title,
  explanation,
  evidence: [],
  remediation: ["Do it."],
});
/** A rule (any id: only its findings count) that gives `findings` in this order. */
const rule = (id: JoinRuleId, findings: Finding[]): JoinRule => ({ id, severity: "info", title: id, description: id, evaluate: () => findings });

describe("evaluateDevice's order whatever the rules'", () => {
  // A medium root cause that explains a critical device-authentication failure comes first all the same.
  const cause = rule("object-disabled", [finding("object-disabled", "medium", "Device object disabled")]);
  const consequence = rule("silent-device", [finding("device-auth-failed", "critical", "Device authentication failed")]);
  const z = rule("alt-security-ids-missing", [finding("z-rule", "high", "B"), finding("z-rule", "high", "A")]);
  const a = rule("thumbprint-mismatch", [
    finding("a-rule", "low", "Same", "second"),
    finding("a-rule", "high", "Z"),
    finding("a-rule", "low", "Same", "first"),
  ]);

  it.each([
    ["in one order", [z, consequence, a, cause]],
    ["in the other", [cause, a, consequence, z]],
  ])("the primary finding, then severity, rule id, title and the rest: %s", (_name, list) => {
    rules.list = list;
    const result = evaluateDevice(makeDeviceSubject({ report: null }), makeDeviceSettings());
    expect(result.primaryRule).toBe("object-disabled");
    expect(result.findings.map((f) => `${f.severity}:${f.rule}:${f.title}:${f.explanation}`)).toEqual([
      "medium:object-disabled:Device object disabled:Device object disabled",
      "critical:device-auth-failed:Device authentication failed:Device authentication failed",
      "high:a-rule:Z:Z",
      "high:z-rule:A:A",
      "high:z-rule:B:B",
      "low:a-rule:Same:first",
      "low:a-rule:Same:second",
    ]);
  });

  it("sorts by severity alone when no root cause explains another finding", () => {
    rules.list = [z, consequence];
    const result = evaluateDevice(makeDeviceSubject({ report: null }), makeDeviceSettings());
    expect(result.primaryRule).toBeNull();
    expect(result.findings.map((f) => `${f.rule}:${f.title}`)).toEqual(["device-auth-failed:Device authentication failed", "z-rule:A", "z-rule:B"]);
  });
});
