import { PRT_FAILURE_CAUSE_LABELS } from "@/lib/rules/classify-prt-failure";
import { moreSevere, type Severity } from "@/lib/rules/severity";
import type { Finding } from "@/lib/rules/types";

/**
 * Root causes, most fundamental first. When a device has several findings that one of these explains, that one is
 * the device's primary finding: it alone carries the fix, and the findings it explains point to it instead of
 * repeating a re-join sequence of their own (docs/domain.md, "Re-joining safely"). A deleted hybrid device, say, is
 * object-deleted (primary), device-auth-failed and prt-missing (both consequences).
 */
const ROOT_CAUSES = [
  "object-deleted",
  "out-of-sync-scope",
  "object-disabled",
  "thumbprint-mismatch",
  "alt-security-ids-missing",
  "cert-validity-vs-registered",
  "device-key-recovery",
  "device-auth-failed",
] as const;

/** Findings that are consequences of a failed device authentication, whatever made it fail. */
function isDeviceAuthConsequence(finding: Finding): boolean {
  if (finding.rule === "device-auth-failed") return true;
  return (finding.rule === "prt-missing" || finding.rule === "prt-expired") && finding.title.includes(PRT_FAILURE_CAUSE_LABELS["device-auth-failed"]);
}

/** The severities a root cause must have to be primary: an info-level finding explains nothing away. */
const ACTIONABLE = new Set(["critical", "high", "medium"]);

export interface ConsolidatedFindings {
  findings: Finding[];
  /** The rule of the primary finding, or null when no root cause explains another finding. */
  primaryRule: string | null;
  /** The rules of the findings the primary finding explains (their remediation points to it); empty without one. */
  explainedRules: string[];
  /**
   * The most severe of the primary finding and the findings it explains, or null without a primary: a list sorted by
   * severity ranks the primary finding there, so that no consequence is listed before its cause (a disabled object is
   * high, the device authentication failure it causes critical).
   */
  primaryRank: Severity | null;
}

/**
 * Picks the primary finding among `findings` (one device's) and replaces the remediation of each finding it explains
 * with one step that names it. Findings it does not explain keep their own steps. Pure; the input is not changed.
 */
export function consolidateRemediation(findings: readonly Finding[]): ConsolidatedFindings {
  const primary = ROOT_CAUSES.map((rule) => findings.find((f) => f.rule === rule && ACTIONABLE.has(f.severity))).find((f) => f !== undefined);
  if (!primary) return none(findings);
  // Every root cause above makes device authentication fail, so the findings of a failed device authentication are its.
  const explained = (f: Finding) => f !== primary && isDeviceAuthConsequence(f);
  const consequences = findings.filter(explained);
  if (consequences.length === 0) return none(findings);
  const pointer = `${POINTER_PREFIX}"${primary.title}" (${primary.rule}). Its steps resolve this finding too; nothing else is needed for it.`;
  return {
    findings: findings.map((f) => (explained(f) ? { ...f, remediation: [pointer] } : f)),
    primaryRule: primary.rule,
    explainedRules: consequences.map((f) => f.rule),
    primaryRank: consequences.reduce<Severity>((worst, f) => moreSevere(worst, f.severity), primary.severity),
  };
}

function none(findings: readonly Finding[]): ConsolidatedFindings {
  return { findings: [...findings], primaryRule: null, explainedRules: [], primaryRank: null };
}

const POINTER_PREFIX = "Fix the primary cause first: ";
const POINTER = /^Fix the primary cause first: ".*" \(([a-z0-9-]+)\)\. /;

/**
 * The rule of the primary finding among one device's stored findings: the rule their pointers name, or null. Stored
 * findings carry only their text, so this reads the pointer consolidateRemediation wrote.
 */
export function primaryRuleOf(findings: readonly Pick<Finding, "remediation">[]): string | null {
  for (const f of findings) {
    const match = f.remediation.length === 1 ? POINTER.exec(f.remediation[0] ?? "") : null;
    if (match) return match[1]!;
  }
  return null;
}
