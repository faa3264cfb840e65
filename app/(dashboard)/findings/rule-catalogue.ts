import { JOIN_RULES } from "@/lib/rules/join-rules/join-rule-list";
import { REPORT_RULES } from "@/lib/rules/report-rule-list";

/** Every rule id the findings can carry, for the rule filter: report-only and join rules, A→Z. */
export const RULE_CATALOGUE: readonly { id: string; title: string }[] = [...REPORT_RULES, ...JOIN_RULES]
  .map(({ id, title }) => ({ id: id as string, title }))
  .sort((a, b) => a.id.localeCompare(b.id));
