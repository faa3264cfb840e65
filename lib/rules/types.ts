/**
 * Findings are what the rules produce: plain data, stable ids, evidence an admin can check.
 * Rule ids are kebab-case and never renamed: they appear in exports, URLs and the database.
 */

import type { Severity } from "./severity";

/** Severity and its order live in severity.ts; re-exported for the modules that take them with the finding types. */
export { SEVERITY_ORDER, type Severity } from "./severity";

/** One fact that triggered a rule: the field as the admin would find it, and its value(s). */
export interface Evidence {
  /** Where the value comes from, e.g. "dsregcmd · SSO State" or "Entra ID device object". */
  source: string;
  field: string;
  value: string | null;
  /** For comparisons: the value on the other side (e.g. the directory's thumbprint). */
  expected?: string | null;
}

export interface Finding {
  rule: string;
  severity: Severity;
  title: string;
  /** One or two sentences: why this makes Conditional Access call the device unregistered (or not). */
  explanation: string;
  evidence: Evidence[];
  /** Steps in order of safety, each an imperative sentence. */
  remediation: string[];
}
