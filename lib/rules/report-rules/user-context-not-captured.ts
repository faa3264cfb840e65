import { detectCaptureContext, type CaptureContextKind } from "@/lib/rules/capture-context";
import type { ReportRule } from "@/lib/rules/report-rule";
import type { Finding } from "@/lib/rules/types";

const TITLES: Record<Exclude<CaptureContextKind, "user">, string> = {
  system: "Report captured as SYSTEM: the user's PRT state is unknown",
  elevated: "Report captured elevated: the user's PRT state is unknown",
  "local-account": "Report captured under a local account: no work user's PRT state",
};

const WHY: Record<Exclude<CaptureContextKind, "user">, string> = {
  system:
    "This capture ran as SYSTEM. The PRT and Workplace registrations are per user, so SYSTEM always sees `AzureAdPrt : NO` and `WorkplaceJoined : NO`, even when the signed-in user is healthy.",
  elevated:
    "This capture ran elevated (as administrator). The PRT is per user and should be read in the user's own unelevated session; an elevated or other admin's session can show `AzureAdPrt : NO` for a healthy user.",
  "local-account":
    "This capture ran under a local (or personal Microsoft) account on a joined device. Only work accounts get a PRT, so the capture says nothing about the users who sign in with one.",
};

/**
 * Severity `low`: nothing is wrong with the device because of this, and the device-level rules
 * (join state, DeviceAuthStatus, certificate, tenant) still run. But the PRT rules are skipped, so
 * the admin should know the report cannot confirm the user's state. It ranks below every real
 * fault (prt-stale and cert-expiring are medium) and above purely informational findings.
 */
export const userContextNotCapturedRule: ReportRule = {
  id: "user-context-not-captured",
  severity: "low",
  title: "Report not captured in the user's session",
  description:
    "dsregcmd ran as SYSTEM, elevated, or under a local account on a joined device, so the user's PRT state is unknown. The PRT rules (prt-missing, prt-expired, prt-stale) are skipped for such a report.",
  evaluate({ report }): Finding[] {
    const context = detectCaptureContext(report);
    if (context.kind === "user") return [];
    return [
      {
        rule: "user-context-not-captured",
        severity: "low",
        title: TITLES[context.kind],
        explanation: `${WHY[context.kind]} This does not by itself make Conditional Access show "Device State: Unregistered"; JoinScope just cannot judge the PRT from this report, so it reports no PRT findings.`,
        evidence: context.evidence,
        remediation: [
          "Have the JoinScope agent run `dsregcmd /status` in the signed-in user's session, unelevated, and keep sending the SYSTEM capture separately as the system report.",
          "For a one-off check, ask the user to open a command prompt without “Run as administrator”, run `dsregcmd /status` and paste the output.",
        ],
      },
    ];
  },
};
