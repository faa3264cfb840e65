import { prtVisibility } from "@/lib/rules/capture-context";
import { classifyPrtFailure } from "@/lib/rules/classify-prt-failure";
import { dedupeEvidence } from "@/lib/rules/dedupe-evidence";
import { buildPrtRemediation, describeCodes, PRT_CAUSE_EXPLANATIONS } from "@/lib/rules/prt-remediation";
import { readPrtTimes } from "@/lib/rules/prt-times";
import type { ReportRule } from "@/lib/rules/report-rule";
import { formatDuration, formatTime, parseTime } from "@/lib/rules/report-fields";
import type { Evidence, Finding } from "@/lib/rules/types";

export const prtExpiredRule: ReportRule = {
  id: "prt-expired",
  severity: "high",
  title: "Primary Refresh Token expired",
  description:
    "AzureAdPrtExpiryTime is before the time the report was captured: the PRT (valid 14 days, renewed every 4 h) has not renewed for days, so Conditional Access shows the device as unregistered.",
  evaluate({ report, systemReport, events, capturedAt }): Finding[] {
    const capturedMs = parseTime(capturedAt);
    const times = readPrtTimes(report);
    if (capturedMs === null || times.expiryMs === null || times.expiryMs >= capturedMs) return [];
    if (!prtVisibility(report).known) return [];

    const classification = classifyPrtFailure({ report, systemReport, events });
    const known = classification.cause !== "unknown" && classification.cause !== "local-account";
    const update = times.evidence.update();
    const evidence: Evidence[] = dedupeEvidence([
      times.evidence.expiry()!,
      ...(update ? [update] : []),
      { source: "JoinScope agent", field: "capturedAt", value: capturedAt },
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
