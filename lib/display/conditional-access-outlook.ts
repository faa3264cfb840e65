import type { Severity } from "@/lib/rules/types";
import { worstSeverity } from "@/lib/display/severity";

/**
 * What Conditional Access makes of the device, in words an admin reads first on its page:
 * - `unregistered-now`: device authentication fails or no PRT is issued today, so CA shows "Device State: Unregistered";
 * - `next-connect-cycle`: the device still works, but Entra Connect deletes its object at its next sync cycle (the
 *   computer left the sync scope while its cloud object is still live): it will be unregistered then;
 * - `attention` / `healthy`: nothing makes CA call it unregistered.
 */
export type ConditionalAccessOutlook =
  | { kind: "unregistered-now"; cause: { rule: string; title: string } }
  | { kind: "next-connect-cycle"; cause: { rule: string; title: string } }
  | { kind: "attention"; worst: Severity }
  | { kind: "healthy" };

/**
 * Rules that, at critical or high, mean Entra ID refuses the device or issues it no PRT now (docs/domain.md, "How a
 * device proves itself"). out-of-sync-scope is one only once the object is gone.
 */
const UNREGISTERED_NOW = new Set([
  "object-deleted",
  "object-disabled",
  "device-auth-failed",
  "thumbprint-mismatch",
  "alt-security-ids-missing",
  "cert-validity-vs-registered",
  "device-key-recovery",
  "not-joined",
  "pending-registration",
  "prt-missing",
  "prt-expired",
  "cert-expired",
  "tenant-mismatch",
]);

interface OutlookFinding {
  rule: string;
  severity: Severity;
  title: string;
  primary: boolean;
}

/**
 * `objectLive`: the device has a live, enabled directory object (not deleted, not Pending). Pure: the device page
 * passes the findings the last pass stored and the directory state it read.
 */
export function describeConditionalAccessOutlook(findings: readonly OutlookFinding[], objectLive: boolean): ConditionalAccessOutlook {
  const serious = findings.filter((f) => f.severity === "critical" || f.severity === "high");
  const now = serious.filter((f) => UNREGISTERED_NOW.has(f.rule) || (f.rule === "out-of-sync-scope" && !objectLive));
  if (now.length > 0) {
    const cause = now.find((f) => f.primary) ?? serious.find((f) => f.primary) ?? now[0]!;
    return { kind: "unregistered-now", cause: { rule: cause.rule, title: cause.title } };
  }
  const scope = serious.find((f) => f.rule === "out-of-sync-scope");
  if (scope) return { kind: "next-connect-cycle", cause: { rule: scope.rule, title: scope.title } };
  const worst = worstSeverity(findings);
  return worst === null || worst === "info" ? { kind: "healthy" } : { kind: "attention", worst };
}
