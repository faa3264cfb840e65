import type { DeviceSubject, ResolvedDeviceRuleSettings } from "@/lib/rules/device-subject";
import type { ScopeDecision } from "@/lib/rules/sync-scope";
import type { Finding, Severity } from "@/lib/rules/types";

/** Stable ids of the rules that join a report with its directory object; each is described, with its Microsoft source, in docs/domain.md. */
export type JoinRuleId =
  | "object-deleted"
  | "object-disabled"
  | "out-of-sync-scope"
  | "alt-security-ids-missing"
  | "thumbprint-mismatch"
  | "cert-validity-vs-registered"
  | "pending-registration"
  | "stale-device"
  | "stale-while-active"
  | "duplicate-device"
  | "silent-device";

/** What a docs or UI "rules" page shows about a join rule. */
export interface JoinRuleMetadata {
  id: JoinRuleId;
  /** The rule's usual (highest) severity; a finding may be lower, e.g. pending-registration by age. */
  severity: Severity;
  title: string;
  description: string;
}

/** A subject whose arrays are in canonical order, with the settings resolved and shared facts computed once. */
export interface JoinRuleInput {
  subject: DeviceSubject;
  settings: ResolvedDeviceRuleSettings;
  /** The scope decision for report.computerDn, when a scope is configured and the report has a DN. */
  scopeDecision: ScopeDecision | null;
}

export interface JoinRule extends JoinRuleMetadata {
  /** Pure: same input, same findings. */
  evaluate(input: JoinRuleInput): Finding[];
}
