import { AGENT_SOURCE, EVALUATION_SOURCE, isLive, MINUTE_MS, objectEvidence } from "@/lib/rules/join-rules/directory-evidence";
import type { JoinRule } from "@/lib/rules/join-rules/join-rule";
import { isStaleObject, lastReportMs } from "@/lib/rules/join-rules/subject-facts";
import { formatDuration, formatTime } from "@/lib/rules/report-fields";
import type { Finding } from "@/lib/rules/types";

export const SILENT_AGENT_INTERVALS = 3;
const JOINED_TRUST_TYPES = new Set(["serverad", "azuread"]);

export const silentDeviceRule: JoinRule = {
  id: "silent-device",
  severity: "low",
  title: "No recent report from the device",
  description:
    "A live, enabled, joined (ServerAd or AzureAd) object whose machine has not reported for more than 3 agent intervals, or never, in a tenant where agents do report. Registered (Workplace) devices are personal and carry no agent. Not raised for a stale object (stale-device).",
  evaluate(input): Finding[] {
    const { subject, settings } = input;
    const object = subject.directory;
    if (!settings.tenantHasAgents || !isLive(object) || object.accountEnabled === false) return [];
    if (!JOINED_TRUST_TYPES.has(object.trustType?.toLowerCase() ?? "")) return [];
    if (isStaleObject(object, input)) return [];
    const last = lastReportMs(input);
    const limitMs = SILENT_AGENT_INTERVALS * settings.agentIntervalMinutes * MINUTE_MS;
    if (last !== null && settings.nowMs - last <= limitMs) return [];

    return [
      {
        rule: "silent-device",
        severity: "low",
        title: last === null ? "No report from this device yet" : `No report for ${formatDuration(settings.nowMs - last)}`,
        explanation: `${last === null ? "The JoinScope agent has never reported from this machine" : `The machine last reported on ${formatTime(last)}`}, although it is expected every ${settings.agentIntervalMinutes} minutes and other machines of the tenant do report. JoinScope cannot check it against its dsregcmd output; this alone says nothing about Conditional Access.`,
        evidence: [
          { source: AGENT_SOURCE, field: "last report", value: last === null ? null : new Date(last).toISOString() },
          { source: EVALUATION_SOURCE, field: "agentIntervalMinutes", value: String(settings.agentIntervalMinutes) },
          objectEvidence(object, "approximateLastSignInDateTime", object.approximateLastSignInDateTime),
          objectEvidence(object, "trustType", object.trustType),
        ],
        remediation: [
          "Check the machine is on and connected (its last sign-in time above, Intune's last check-in).",
          "Check the JoinScope agent is installed and its scheduled task runs (Task Scheduler, last run result), and that the machine can reach JoinScope's URL through its proxy.",
          "If the agent's token was revoked or rotated, reinstall the agent with a current token.",
        ],
      },
    ];
  },
};
