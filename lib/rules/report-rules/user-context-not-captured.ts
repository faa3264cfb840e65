import { prtVisibility, type PrtUnknownReason } from "@/lib/rules/capture-context";
import type { ReportRule } from "@/lib/rules/report-rule";
import type { Finding } from "@/lib/rules/types";

const TITLES: Record<PrtUnknownReason, string> = {
  system: "Report captured as SYSTEM: the user's PRT state is unknown",
  "other-account": "Report captured by another account: the device user's PRT state is unknown",
  "local-account": "Report captured under a local account: no work user's PRT state",
};

const WHY: Record<PrtUnknownReason, string> = {
  system:
    "This capture ran as SYSTEM. The PRT and Workplace registrations are per user, so SYSTEM always sees `AzureAdPrt : NO` and `WorkplaceJoined : NO`, even when the signed-in user is healthy.",
  "other-account":
    "This capture ran elevated under one account while the PRT attempt diagnostics name another user. The PRT is per user: the lines show the executing account's PRT, not the device user's. (Elevation by the user alone would not matter; Microsoft needs it only for KeySignTest and WamDefaultSet.)",
  "local-account":
    "This capture ran under a local (or personal Microsoft) account on a joined device. Only work accounts get a PRT, so the capture says nothing about the users who sign in with one.",
};

/**
 * Severity `low`: nothing is wrong with the device because of this, and the device-level rules
 * (join state, DeviceAuthStatus, certificate, tenant) still run. But the PRT rules are skipped, so
 * the admin should know the report cannot confirm the user's state. It ranks below every real
 * fault (prt-stale and cert-expiring are medium) and above purely informational findings.
 * Raised only when the PRT state truly cannot be known (capture-context.ts prtVisibility; docs/domain.md).
 */
export const userContextNotCapturedRule: ReportRule = {
  id: "user-context-not-captured",
  severity: "low",
  title: "Report not captured in the user's session",
  description:
    "dsregcmd ran as SYSTEM, under another account than the device's user, or under a local account on a joined device, so the user's PRT state is unknown. The PRT rules (prt-missing, prt-expired, prt-stale) are skipped for such a report. An elevated capture by the user is judged normally.",
  evaluate({ report }): Finding[] {
    const visibility = prtVisibility(report);
    if (visibility.known) return [];
    return [
      {
        rule: "user-context-not-captured",
        severity: "low",
        title: TITLES[visibility.reason],
        explanation: `${WHY[visibility.reason]} This does not by itself make Conditional Access show "Device State: Unregistered"; JoinScope just cannot judge the PRT from this report, so it reports no PRT findings.`,
        evidence: visibility.evidence,
        remediation: [
          "Have the JoinScope agent run `dsregcmd /status` in the signed-in user's session, and keep sending the SYSTEM capture separately as the system report.",
          "For a one-off check, ask the user to open a command prompt in their own session and run `dsregcmd /status`, then paste the output.",
        ],
      },
    ];
  },
};
