/**
 * "Broken device", defined once (issue 23 item 2): what Conditional Access makes of a device, from its open findings
 * and whether its directory object is live. The device page's banner, the device summaries (DeviceSummary.outlook and
 * .cause, kept by lib/device-summary in JavaScript and in SQL from these same lists), the Devices list's filter, the
 * Overview's headline and the Findings list's filter all read it, so they count the same devices.
 *
 * - `now`: Conditional Access treats the device as unregistered today: an open critical or high finding of a rule in
 *   UNREGISTERED_NOW (device authentication fails or no PRT is issued: docs/domain.md, "How a device proves itself"),
 *   or a computer out of Entra Connect's sync scope whose object is no longer live.
 * - `next`: at risk: the computer is out of Entra Connect's sync scope while its object is still live; Connect deletes
 *   the object at its next sync cycle and the device is unregistered from then on.
 * - neither (null): nothing makes Conditional Access call it unregistered.
 *
 * The cause is the finding to fix: the device's primary finding when it is critical or high (the root cause its
 * symptoms point to), else the most severe UNREGISTERED_NOW finding (ties by rule id), else out-of-sync-scope.
 */
import { SEVERITY_ORDER, isSeverity } from "@/lib/rules/severity";

export type Outlook = "now" | "next";

/** Rules that, at critical or high, mean Entra ID refuses the device or issues it no PRT now. */
export const UNREGISTERED_NOW_RULES = [
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
] as const;
const UNREGISTERED_NOW = new Set<string>(UNREGISTERED_NOW_RULES);

/** The rule that is "now" only once the object is gone, "next" while it is live. */
export const OUT_OF_SCOPE_RULE = "out-of-sync-scope";

/** The ranks that count: critical (0) and high (1). */
export const SERIOUS_RANK = SEVERITY_ORDER.high;

export interface OutlookFacts {
  /** The primary finding's rule when it is critical or high. */
  seriousPrimary: string | null;
  /** The most severe UNREGISTERED_NOW finding at critical or high, as "<rank>:<rule>" (the smallest such string). */
  firstNow: string | null;
  /** An open critical or high out-of-sync-scope finding. */
  outOfScope: boolean;
}

/**
 * The facts of a device's open findings the outlook needs, without its directory state: the findings pass computes
 * them here and the summary SQL (lib/device-summary/summary-statements.ts) as aggregates of the same shape.
 */
export function outlookFacts(open: readonly { rule: string; severity: string; primary: boolean }[]): OutlookFacts {
  let seriousPrimary: string | null = null;
  let firstNow: string | null = null;
  let outOfScope = false;
  for (const f of open) {
    const rank = isSeverity(f.severity) ? SEVERITY_ORDER[f.severity] : SEVERITY_ORDER.info;
    if (rank > SERIOUS_RANK) continue;
    if (f.primary && (seriousPrimary === null || f.rule > seriousPrimary)) seriousPrimary = f.rule;
    if (UNREGISTERED_NOW.has(f.rule)) {
      const key = `${rank}:${f.rule}`;
      if (firstNow === null || key < firstNow) firstNow = key;
    }
    if (f.rule === OUT_OF_SCOPE_RULE) outOfScope = true;
  }
  return { seriousPrimary, firstNow, outOfScope };
}

/** The outlook and its cause from the facts and whether the device's directory object is live (not deleted, pending or disabled). */
export function classifyOutlook(facts: OutlookFacts, objectLive: boolean): { outlook: Outlook; cause: string } | null {
  const nowRule = facts.firstNow === null ? null : facts.firstNow.slice(facts.firstNow.indexOf(":") + 1);
  if (nowRule !== null || (facts.outOfScope && !objectLive)) return { outlook: "now", cause: facts.seriousPrimary ?? nowRule ?? OUT_OF_SCOPE_RULE };
  if (facts.outOfScope) return { outlook: "next", cause: OUT_OF_SCOPE_RULE };
  return null;
}

export const OUTLOOK_LABEL: Record<Outlook, string> = {
  now: "Unregistered now",
  next: "At risk: unregistered at the next Entra Connect sync cycle",
};
