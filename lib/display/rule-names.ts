import { JOIN_RULES } from "@/lib/rules/join-rules/join-rule-list";
import { REPORT_RULES } from "@/lib/rules/report-rule-list";

/** Every rule id the findings can carry, with its title, for the rule filters: report-only and join rules, by title. */
export const RULE_CATALOGUE: readonly { id: string; title: string }[] = [...REPORT_RULES, ...JOIN_RULES]
  .map(({ id, title }) => ({ id: id as string, title }))
  .sort((a, b) => a.title.localeCompare(b.title));

/** The catalogue as a filter's options: [rule id, title]. */
export const RULE_OPTIONS: readonly (readonly [string, string])[] = RULE_CATALOGUE.map((r) => [r.id, r.title] as const);

const TITLE = new Map(RULE_CATALOGUE.map((r) => [r.id, r.title]));

/**
 * A rule's name as the pages show it: its title ("Device object deleted"); the id itself only for a rule this
 * version does not know (a finding stored by an older rules version).
 */
export function ruleTitle(rule: string): string {
  return TITLE.get(rule) ?? rule;
}
