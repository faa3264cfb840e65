import { primaryRuleOf } from "@/lib/rules/consolidate-remediation";
import { SEVERITY_ORDER, type Finding, type Severity } from "@/lib/rules/types";

export const SEVERITIES: readonly Severity[] = ["critical", "high", "medium", "low", "info"];

export const SEVERITY_LABEL: Record<Severity, string> = {
  critical: "Critical",
  high: "High",
  medium: "Medium",
  low: "Low",
  info: "Info",
};

export function isSeverity(value: unknown): value is Severity {
  return typeof value === "string" && value in SEVERITY_ORDER;
}

/** The most severe of the findings, or null for none. */
export function worstSeverity(findings: readonly Pick<Finding, "severity">[]): Severity | null {
  let worst: Severity | null = null;
  for (const f of findings) {
    if (!isSeverity(f.severity)) continue;
    if (worst === null || SEVERITY_ORDER[f.severity] < SEVERITY_ORDER[worst]) worst = f.severity;
  }
  return worst;
}

/** What the dashboard calls a problem report: at least one critical or high finding. */
export function isProblemSeverity(severity: Severity | null): boolean {
  return severity === "critical" || severity === "high";
}

/** One device's findings: its primary finding first (the one the others point to), then by severity. */
export function sortFindings<T extends Pick<Finding, "severity" | "rule" | "remediation">>(findings: readonly T[]): T[] {
  const primary = primaryRuleOf(findings);
  return [...findings].sort(
    (a, b) => Number(b.rule === primary) - Number(a.rule === primary) || (SEVERITY_ORDER[a.severity] ?? 9) - (SEVERITY_ORDER[b.severity] ?? 9),
  );
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
