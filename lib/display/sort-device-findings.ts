import { SEVERITY_ORDER, type Severity } from "@/lib/rules/types";

interface Ranked {
  rule: string;
  severity: Severity;
  primary: boolean;
  explainedBy: string | null;
}

/**
 * One device's stored findings in the order its page reads: the primary cause first (the flag the findings pass
 * stored, never the pointer text), then the findings it explains, then the rest by severity, rule id.
 */
export function sortDeviceFindings<T extends Ranked>(findings: readonly T[]): T[] {
  const rank = (f: T) => (f.primary ? 0 : f.explainedBy !== null ? 1 : 2);
  return [...findings].sort(
    (a, b) => rank(a) - rank(b) || (SEVERITY_ORDER[a.severity] ?? 9) - (SEVERITY_ORDER[b.severity] ?? 9) || (a.rule < b.rule ? -1 : a.rule > b.rule ? 1 : 0),
  );
}

/** The device's findings split for its page: the primary cause, the findings it explains, and the others. */
export function groupDeviceFindings<T extends Ranked>(findings: readonly T[]): { primary: T | null; explained: T[]; others: T[] } {
  const sorted = sortDeviceFindings(findings);
  const primary = sorted.find((f) => f.primary) ?? null;
  const explained = primary ? sorted.filter((f) => !f.primary && f.explainedBy === primary.rule) : [];
  const others = sorted.filter((f) => f !== primary && !explained.includes(f));
  return { primary, explained, others };
}
