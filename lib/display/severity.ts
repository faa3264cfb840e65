import { primaryRuleOf } from "@/lib/rules/consolidate-remediation";
import { compareSeverity, isSeverity } from "@/lib/rules/severity";
import type { Finding, Severity } from "@/lib/rules/types";

/** The order and its helpers are the rules' (lib/rules/severity.ts); the pages take them from here with the labels. */
export { isSeverity, SEVERITIES, worstSeverity } from "@/lib/rules/severity";

export const SEVERITY_LABEL: Record<Severity, string> = {
  critical: "Critical",
  high: "High",
  medium: "Medium",
  low: "Low",
  info: "Info",
};

/** What the dashboard calls a problem report: at least one critical or high finding. */
export function isProblemSeverity(severity: Severity | null): boolean {
  return severity === "critical" || severity === "high";
}

/** A stored severity's rank; one that is not a severity (an older rules version's) sorts last. */
const severityRankOr9 = (severity: string) => (isSeverity(severity) ? compareSeverity(severity, "critical") : 9);

/** One device's findings: its primary finding first (the one the others point to), then by severity. */
export function sortFindings<T extends Pick<Finding, "severity" | "rule" | "remediation">>(findings: readonly T[]): T[] {
  const primary = primaryRuleOf(findings);
  return [...findings].sort((a, b) => Number(b.rule === primary) - Number(a.rule === primary) || severityRankOr9(a.severity) - severityRankOr9(b.severity));
}

/**
 * findingsSnapshot is JSON written at ingestion. Read it defensively: a row written by an older rules
 * version must not break a page.
 */
export function readFindingsSnapshot(stored: unknown): Finding[] {
  let json = stored;
  if (typeof stored === "string") {
    try {
      json = JSON.parse(stored);
    } catch {
      return [];
    }
  }
  if (!Array.isArray(json)) return [];
  const out: Finding[] = [];
  for (const item of json) {
    if (typeof item !== "object" || item === null) continue;
    const f = item as Partial<Finding>;
    if (typeof f.rule !== "string" || typeof f.title !== "string" || !isSeverity(f.severity)) continue;
    out.push({
      rule: f.rule,
      severity: f.severity,
      title: f.title,
      explanation: typeof f.explanation === "string" ? f.explanation : "",
      evidence: Array.isArray(f.evidence)
        ? f.evidence
            .filter((e): e is Finding["evidence"][number] => typeof e === "object" && e !== null && typeof e.field === "string")
            .map((e) => ({ source: String(e.source ?? ""), field: e.field, value: e.value ?? null, expected: e.expected }))
        : [],
      remediation: Array.isArray(f.remediation) ? f.remediation.filter((s): s is string => typeof s === "string") : [],
    });
  }
  return out;
}
