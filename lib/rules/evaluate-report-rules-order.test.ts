import { describe, expect, it, vi } from "vitest";
import type { ReportRule, ReportRuleId } from "@/lib/rules/report-rule";
import type { Finding, Severity } from "@/lib/rules/types";

// The real rule list gives each severity's findings in rule-id order already (every finding of a rule but two has the
// rule's own severity), which hides the sort's tie-breaks; these rules come in the worst order instead.
const rules = vi.hoisted(() => ({ list: [] as ReportRule[] }));
vi.mock("@/lib/rules/report-rule-list", () => ({
  get reportRules() {
    return rules.list;
  },
}));

const { evaluateReportRules } = await import("@/lib/rules/evaluate-report-rules");
const { makeInput } = await import("@/lib/rules/testing/make-report");

const finding = (rule: string, severity: Severity, title: string): Finding => ({ rule, severity, title, explanation: title, evidence: [], remediation: [] });
/** A rule (any id: only its findings count) that gives `findings` in this order. */
const rule = (id: ReportRuleId, findings: Finding[]): ReportRule => ({ id, severity: "info", title: id, description: id, evaluate: () => findings });

describe("evaluateReportRules' order whatever the rule list's", () => {
  const zRule = rule("cert-expired", [finding("z-rule", "info", "B"), finding("z-rule", "info", "A"), finding("z-rule", "critical", "C")]);
  const aRule = rule("tpm-not-protected", [finding("a-rule", "info", "C"), finding("a-rule", "low", "Z")]);

  it.each([
    ["z-rule first", [zRule, aRule]],
    ["a-rule first", [aRule, zRule]],
  ])("sorts by severity, then rule id, then title: %s", (_name, list) => {
    rules.list = list;
    expect(evaluateReportRules(makeInput()).map((f) => `${f.severity}:${f.rule}:${f.title}`)).toEqual([
      "critical:z-rule:C",
      "low:a-rule:Z",
      "info:a-rule:C",
      "info:z-rule:A",
      "info:z-rule:B",
    ]);
  });
});
