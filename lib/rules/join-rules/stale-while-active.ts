import { AGENT_SOURCE, DAY_MS, EVALUATION_SOURCE, isLive, objectEvidence } from "@/lib/rules/join-rules/directory-evidence";
import type { JoinRule } from "@/lib/rules/join-rules/join-rule";
import { lastReportMs, reportedRecently } from "@/lib/rules/join-rules/subject-facts";
import { formatDuration, formatTime, parseTime } from "@/lib/rules/report-fields";
import type { Evidence, Finding } from "@/lib/rules/types";

/**
 * A machine that reports to JoinScope within the stale threshold while its object's approximateLastSignInDateTime is
 * older than the threshold contradicts itself: an active device authenticates and refreshes that timestamp every
 * 14 days (±5) (https://learn.microsoft.com/entra/identity/devices/manage-stale-devices, "How is the value of the
 * activity timestamp managed?"). Either the machine authenticates as another object (a duplicate, a cloned image), or
 * its device authentication does not reach Microsoft Entra ID; and a 90-day stale clean-up would disable a device in
 * use (docs/domain.md, "Active but stale").
 */
export const staleWhileActiveRule: JoinRule = {
  id: "stale-while-active",
  severity: "medium",
  title: "Active device looks stale in Entra ID",
  description:
    "The machine reported within staleThresholdDays, but its object's approximateLastSignInDateTime is older than that: active devices refresh it every 14 (±5) days. It may authenticate as another object (duplicate, cloned image) or its device authentication may not reach Entra ID; a stale-device clean-up would disable a device in use.",
  evaluate(input): Finding[] {
    const { subject, settings } = input;
    const object = subject.directory;
    if (!subject.report || !isLive(object) || object.isPending || !reportedRecently(input)) return [];
    const signInMs = parseTime(object.approximateLastSignInDateTime);
    if (signInMs === null || settings.nowMs - signInMs <= settings.staleThresholdDays * DAY_MS) return [];

    const lastReport = lastReportMs(input);
    const evidence: Evidence[] = [
      objectEvidence(object, "approximateLastSignInDateTime", object.approximateLastSignInDateTime),
      { source: AGENT_SOURCE, field: "last report", value: lastReport === null ? null : new Date(lastReport).toISOString() },
      { source: EVALUATION_SOURCE, field: "staleThresholdDays", value: String(settings.staleThresholdDays) },
    ];
    return [
      {
        rule: "stale-while-active",
        severity: "medium",
        title: `Active device looks stale in Entra ID: no sign-in since ${formatTime(signInMs).slice(0, 10)}`,
        explanation: `The machine reported to JoinScope ${lastReport === null ? "recently" : `on ${formatTime(lastReport)}`}, but its device object last signed in around ${formatTime(signInMs)}, ${formatDuration(settings.nowMs - signInMs)} ago, beyond the ${settings.staleThresholdDays}-day threshold. An active joined device refreshes that timestamp every 14 days (±5), so this machine is either authenticating as another device object (a duplicate, or a clone of an image that was not generalised) or its device authentication is not reaching Microsoft Entra ID. Any clean-up of devices inactive for ${settings.staleThresholdDays} days would disable this one while it is in use.`,
        evidence,
        remediation: [
          "Exclude this device from stale-device clean-up until the contradiction is explained.",
          "Compare the report's DeviceId and Thumbprint with this object and look for other objects with the same name or [HWID] (duplicate-device): a cloned image authenticates as the original's object.",
          "On the device, check that device authentication succeeds (`dsregcmd /status` as SYSTEM: DeviceAuthStatus SUCCESS) and that AzureAdPrtUpdateTime moves after a sign-in; if not, follow the device's other findings (network path, device-auth-failed).",
        ],
      },
    ];
  },
};
