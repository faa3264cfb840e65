import type { Severity } from "@/lib/rules/types";
import { classifyOutlook, outlookFacts } from "@/lib/rules/broken-device";
import { worstSeverity } from "@/lib/display/severity";

/**
 * What Conditional Access makes of the device, in words an admin reads first on its page (the one definition of a
 * broken device: lib/rules/broken-device.ts):
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
  const classified = classifyOutlook(outlookFacts(findings), objectLive);
  if (classified) {
    const title = findings.find((f) => f.rule === classified.cause)?.title ?? classified.cause;
    const cause = { rule: classified.cause, title };
    return classified.outlook === "now" ? { kind: "unregistered-now", cause } : { kind: "next-connect-cycle", cause };
  }
  const worst = worstSeverity(findings);
  return worst === null || worst === "info" ? { kind: "healthy" } : { kind: "attention", worst };
}
