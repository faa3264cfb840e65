import { prtVisibility } from "@/lib/rules/capture-context";
import { captureTimeEvidence } from "@/lib/rules/capture-time";
import { readPrtTimes } from "@/lib/rules/prt-times";
import type { ReportRule } from "@/lib/rules/report-rule";
import { DEFAULT_PRT_STALE_HOURS } from "@/lib/rules/report-rule-input";
import { formatDuration, formatTime, parseTime } from "@/lib/rules/report-fields";
import type { Evidence, Finding } from "@/lib/rules/types";

const HOUR_MS = 3_600_000;

export const prtStaleRule: ReportRule = {
  id: "prt-stale",
  severity: "medium",
  title: "Primary Refresh Token not renewing",
  description: `AzureAdPrtUpdateTime is more than prtStaleHours (default ${DEFAULT_PRT_STALE_HOURS} h) before the capture while the PRT has not expired yet. The PRT renews every 4 h; until it expires Conditional Access still works.`,
  evaluate({ report, capturedAt, capturedAtEvidence, prtStaleHours }): Finding[] {
    // With no capture time there is no "before capture": prt-expired states the times as info (docs/domain.md).
    const capturedMs = parseTime(capturedAt);
    // Only a joined device's PRT is AzureAdPrt (prt-missing.ts).
    if (report.azureAdJoined !== true) return [];
    const times = readPrtTimes(report);
    const hours = prtStaleHours !== undefined && Number.isFinite(prtStaleHours) && prtStaleHours > 0 ? prtStaleHours : DEFAULT_PRT_STALE_HOURS;
    if (capturedMs === null || times.updateMs === null) return [];
    if (times.expiryMs !== null && times.expiryMs < capturedMs) return []; // prt-expired covers it
    if (capturedMs - times.updateMs <= hours * HOUR_MS) return [];
    if (!prtVisibility(report).known) return [];

    const expiry = times.evidence.expiry();
    const evidence: Evidence[] = [
      times.evidence.update()!,
      ...(expiry ? [expiry] : []),
      captureTimeEvidence(capturedAt, capturedAtEvidence),
      { source: "JoinScope evaluation", field: "prtStaleHours", value: String(hours) },
    ];
    const until =
      times.expiryMs === null
        ? ""
        : ` It is still valid until ${formatTime(times.expiryMs)}, so Conditional Access still sees the device as registered; if renewal keeps failing it will expire and the device will show "Device State: Unregistered".`;
    return [
      {
        rule: "prt-stale",
        severity: "medium",
        title: `Primary Refresh Token last renewed ${formatDuration(capturedMs - times.updateMs)} before capture`,
        explanation: `The PRT was last updated on ${formatTime(times.updateMs)}, ${formatDuration(capturedMs - times.updateMs)} before this report was captured, although it renews every 4 h while the user is active.${until} A device that was asleep or offline renews at the next unlock, so a single stale report matters less than a trend.`,
        evidence,
        remediation: [
          "Lock and unlock the session (or sign out and in) as the user, then capture `dsregcmd /status` again in the user's session, unelevated, and compare AzureAdPrtUpdateTime.",
          "If it does not move, check the device's network path in the SYSTEM context (`netsh winhttp show proxy`, firewall, TLS inspection) and the device clock.",
          "Collect AAD Operational events 1097, 1081, 1084 and 1088 from the device for the renewal error.",
        ],
      },
    ];
  },
};
