import { OUT_OF_SCOPE_RULE, UNREGISTERED_NOW_RULES } from "@/lib/rules/broken-device";
import { causeWords } from "@/lib/rules/cause-words";

/** The causes a broken device can have (lib/rules/broken-device.ts), in the order of their words: the cause filters' options. */
export const CAUSE_RULES: readonly string[] = [...UNREGISTERED_NOW_RULES, OUT_OF_SCOPE_RULE].sort((a, b) =>
  causeWords(a).cause.localeCompare(causeWords(b).cause),
);
