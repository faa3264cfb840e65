import { outlookFacts } from "@/lib/rules/broken-device";
import { SEVERITY_ORDER, type Severity } from "@/lib/rules/types";
import type { SubjectFindings } from "./summary-statements";

/**
 * A subject's summary findings columns from the findings it has open, computed as the summary SQL computes them from
 * the Finding rows (summary-statements.ts openFindings): the worst severity's rank (an unknown severity ranks as info,
 * 9 without any), the count, the rules sorted by code point and comma-separated, the primary finding's rule, and the
 * facts the outlook and cause are computed from with the row's directory state (lib/rules/broken-device.ts).
 */
export function summarizeOpenFindings(subjectKey: string, open: readonly { rule: string; severity: string; primary: boolean }[]): SubjectFindings {
  let worstRank = 9;
  let primaryRule: string | null = null;
  for (const f of open) {
    const rank = SEVERITY_ORDER[f.severity as Severity] ?? SEVERITY_ORDER.info;
    if (rank < worstRank) worstRank = rank;
    if (f.primary && (primaryRule === null || f.rule > primaryRule)) primaryRule = f.rule;
  }
  const rules = open.map((f) => f.rule).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  const facts = outlookFacts(open);
  return {
    subjectKey,
    worstRank,
    openCount: open.length,
    openRules: rules.length ? rules.join(",") : null,
    primaryRule,
    pr: facts.seriousPrimary,
    nw: facts.firstNow,
    sc: facts.outOfScope ? 1 : 0,
  };
}
