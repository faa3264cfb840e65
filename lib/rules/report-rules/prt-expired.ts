import { prtVisibility } from "@/lib/rules/capture-context";
import { captureTimeEvidence } from "@/lib/rules/capture-time";
import { classifyPrtFailure } from "@/lib/rules/classify-prt-failure";
import { dedupeEvidence } from "@/lib/rules/dedupe-evidence";
import { buildPrtRemediation, describeCodes, PRT_CAUSE_EXPLANATIONS } from "@/lib/rules/prt-remediation";
import { readPrtTimes, type PrtTimes } from "@/lib/rules/prt-times";
import type { ParsedDsregcmd } from "@/lib/reports/types";
import type { ReportRule } from "@/lib/rules/report-rule";
import { formatDuration, formatTime, parseTime } from "@/lib/rules/report-fields";
import type { Evidence, Finding } from "@/lib/rules/types";

/**
 * The PRT lasts 14 days and renews every 4 h (https://learn.microsoft.com/entra/identity/devices/concept-primary-refresh-token),
 * judged at the report's own capture time, and stated as info when that is unknown (docs/domain.md, "When the report
 * was captured").
 */
export const prtExpiredRule: ReportRule = {
  id: "prt-expired",
  severity: "high",
  title: "Primary Refresh Token expired",
  description:
    "AzureAdPrtExpiryTime is before the time the report was captured: the PRT (valid 14 days, renewed every 4 h) has not renewed for days, so Conditional Access shows the device as unregistered.",
  evaluate({ report, systemReport, events, capturedAt, capturedAtEvidence, now }): Finding[] {
    const capturedMs = parseTime(capturedAt);
    // Only a joined device's PRT is AzureAdPrt (prt-missing.ts).
    if (report.azureAdJoined !== true) return [];
    const times = readPrtTimes(report);
    if (times.expiryMs === null) return [];
    if (capturedMs === null) return expiryWithoutCaptureTime(report, times, parseTime(now));
    if (times.expiryMs >= capturedMs) return [];
    if (!prtVisibility(report).known) return [];

    const classification = classifyPrtFailure({ report, systemReport, events });
    const known = classification.cause !== "unknown" && classification.cause !== "local-account";
    const update = times.evidence.update();
    const evidence: Evidence[] = dedupeEvidence([
      times.evidence.expiry()!,
      ...(update ? [update] : []),
      captureTimeEvidence(capturedAt, capturedAtEvidence),
      ...(known ? classification.evidence : []),
    ]);
    const explanation = [
      `The PRT expired on ${formatTime(times.expiryMs)}, ${formatDuration(capturedMs - times.expiryMs)} before this report was captured. A PRT lasts 14 days and renews every 4 h, so renewals have been failing for days; apps get no token with the deviceid claim and Conditional Access shows "Device State: Unregistered".`,
      known ? `Likely cause: ${classification.label}. ${PRT_CAUSE_EXPLANATIONS[classification.cause]}` : "",
      known ? describeCodes(classification.codes) : "",
    ]
      .filter((part) => part !== "")
      .join(" ");

    return [
      {
        rule: "prt-expired",
        severity: "high",
        title: known ? `Primary Refresh Token expired: ${classification.label}` : "Primary Refresh Token expired",
        explanation,
        evidence,
        remediation: known
          ? buildPrtRemediation(classification, report)
          : [
              "Lock and unlock the session (or sign out and in) as the user to force a renewal, then capture `dsregcmd /status` again in the user's session, unelevated.",
              "If it still does not renew, check the device's network path in the SYSTEM context (`netsh winhttp show proxy`, firewall, TLS inspection) and the device clock.",
              "Collect AAD Operational events 1097, 1081, 1084 and 1088 from the device for the renewal error.",
            ],
      },
    ];
  },
};

/**
 * A report whose capture time is unknown (a paste without `Client Time`, no time given) cannot prove an expired PRT:
 * it may be weeks old. When the expiry has passed by now, say what the times mean, as info.
 */
function expiryWithoutCaptureTime(report: ParsedDsregcmd, times: PrtTimes, nowMs: number | null): Finding[] {
  if (nowMs === null || times.expiryMs === null || times.expiryMs >= nowMs || !prtVisibility(report).known) return [];
  const update = times.evidence.update();
  return [
    {
      rule: "prt-expired",
      severity: "info",
      title: "PRT expiry time has passed; when the report was captured is unknown",
      explanation: `This report's PRT ${times.updateMs === null ? "" : `was last renewed on ${formatTime(times.updateMs)} and `}expires on ${formatTime(times.expiryMs)}. Nothing says when the report was captured (no \`Client Time\` line, no capture time given): captured after that expiry, the PRT had expired and Conditional Access would show "Device State: Unregistered"; captured before it, the PRT was still valid then.`,
      evidence: [times.evidence.expiry()!, ...(update ? [update] : [])],
      remediation: [
        "Give the capture time (the paste box's \"Captured at\", or `--captured-at` in the CLI) to have the PRT judged, or capture `dsregcmd /status` again now in the user's session.",
      ],
    },
  ];
}
