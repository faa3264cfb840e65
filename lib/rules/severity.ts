/**
 * Severity and its order, defined once: the rules sort their findings by it, a device's primary finding ranks by the
 * worst it explains, uploads store their worst rank, the device summaries rank in SQL, the pages sort and colour by it.
 */

export type Severity = "critical" | "high" | "medium" | "low" | "info";

/** Most severe first. */
export const SEVERITIES: readonly Severity[] = ["critical", "high", "medium", "low", "info"];

/** Each severity's rank, 0 the most severe (stored as DeviceReport.worstSeverityRank and DeviceSummary.worstRank; 9 for none). */
export const SEVERITY_ORDER: Record<Severity, number> = {
  critical: 0,
  high: 1,
  medium: 2,
  low: 3,
  info: 4,
};

/** The rank stored for "no finding". */
export const NO_SEVERITY_RANK = 9;

/** One of the five (own keys only: "toString" or "constructor" in a stored finding is not a severity). */
export function isSeverity(value: unknown): value is Severity {
  return typeof value === "string" && Object.hasOwn(SEVERITY_ORDER, value);
}

/** The comparator: negative when `a` is more severe than `b` (sorts most severe first). */
export function compareSeverity(a: Severity, b: Severity): number {
  return SEVERITY_ORDER[a] - SEVERITY_ORDER[b];
}

/** The more severe of two. */
export function moreSevere(a: Severity, b: Severity): Severity {
  return compareSeverity(b, a) < 0 ? b : a;
}

/** The most severe of the findings, or null for none; values that are not a severity are skipped. */
export function worstSeverity(findings: readonly { severity: string }[]): Severity | null {
  let worst: Severity | null = null;
  for (const f of findings) {
    if (!isSeverity(f.severity)) continue;
    if (worst === null || compareSeverity(f.severity, worst) < 0) worst = f.severity;
  }
  return worst;
}

/** The rank of the worst of the findings, NO_SEVERITY_RANK for none. */
export function worstSeverityRank(findings: readonly { severity: Severity }[]): number {
  return Math.min(NO_SEVERITY_RANK, ...findings.map((f) => SEVERITY_ORDER[f.severity]));
}

/** SQL: the rank of the severity in column `column` (an unknown value ranks as info). */
export function severityRankSql(column: string): string {
  return `CASE ${column} ${SEVERITIES.filter((s) => s !== "info")
    .map((s) => `WHEN '${s}' THEN ${SEVERITY_ORDER[s]}`)
    .join(" ")} ELSE ${SEVERITY_ORDER.info} END`;
}
