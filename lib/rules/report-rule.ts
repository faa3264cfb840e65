import type { ReportRuleInput } from "@/lib/rules/report-rule-input";
import type { Finding, Severity } from "@/lib/rules/types";

export type ReportRuleId =
  | "not-joined"
  | "device-auth-failed"
  | "device-key-recovery"
  | "prt-missing"
  | "prt-expired"
  | "prt-stale"
  | "cert-expired"
  | "cert-expiring"
  | "tpm-not-protected"
  | "user-context-not-captured"
  | "tenant-mismatch";

/** What a docs or UI "rules" page shows about a rule. */
export interface ReportRuleMetadata {
  id: ReportRuleId;
  /** The rule's usual severity; a finding may be lower when the cause makes it expected (see prt-missing). */
  severity: Severity;
  title: string;
  description: string;
}

export interface ReportRule extends ReportRuleMetadata {
  /** Pure: same input, same findings. */
  evaluate(input: ReportRuleInput): Finding[];
}
