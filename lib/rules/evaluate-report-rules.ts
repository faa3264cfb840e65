import { reportRules } from "@/lib/rules/report-rule-list";
import type { ReportRuleInput } from "@/lib/rules/report-rule-input";
import { compareSeverity } from "@/lib/rules/severity";
import type { Finding } from "@/lib/rules/types";

function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * Runs every report-only rule. Pure and deterministic: the same input gives deep-equal findings,
 * sorted by severity, then rule id, then title; event upload order does not matter.
 */
export function evaluateReportRules(input: ReportRuleInput): Finding[] {
  return reportRules
    .flatMap((rule) => rule.evaluate(input))
    .sort((a, b) => compareSeverity(a.severity, b.severity) || compareText(a.rule, b.rule) || compareText(a.title, b.title));
}
