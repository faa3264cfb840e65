import { AGENT_SOURCE, EVALUATION_SOURCE, formatIso, isAutopilot, isLive, isSynced, objectEvidence } from "@/lib/rules/join-rules/directory-evidence";
import type { JoinRule } from "@/lib/rules/join-rules/join-rule";
import { buildKeyBackupStep } from "@/lib/rules/join-rules/key-backup";
import { isStaleObject, lastReportMs } from "@/lib/rules/join-rules/subject-facts";
import { formatDuration, formatTime, parseTime } from "@/lib/rules/report-fields";
import type { Evidence, Finding } from "@/lib/rules/types";

const GRANULARITY =
  "approximateLastSignInDateTime is only rewritten when it is more than 14 days (±5) old, so it is a coarse signal: JoinScope never calls a device stale under 21 days.";

export const staleDeviceRule: JoinRule = {
  id: "stale-device",
  severity: "low",
  title: "Stale device",
  description: `The live object's approximateLastSignInDateTime is older than staleThresholdDays (default 90, never below 21), or null on an object registered before that with no report: the machine looks out of use. ${GRANULARITY} Not raised while the machine still reports to JoinScope, nor for a Pending object (pending-registration).`,
  evaluate(input): Finding[] {
    const { subject, settings } = input;
    const object = subject.directory;
    if (!isLive(object) || !isStaleObject(object, input)) return [];

    const signInMs = parseTime(object.approximateLastSignInDateTime);
    const lastReport = lastReportMs(input);
    const evidence: Evidence[] = [
      objectEvidence(object, "approximateLastSignInDateTime", object.approximateLastSignInDateTime),
      ...(signInMs === null ? [objectEvidence(object, "registrationDateTime", object.registrationDateTime)] : []),
      { source: AGENT_SOURCE, field: "last report", value: lastReport === null ? null : new Date(lastReport).toISOString() },
      { source: EVALUATION_SOURCE, field: "staleThresholdDays", value: String(settings.staleThresholdDays) },
      ...(object.accountEnabled === false ? [objectEvidence(object, "accountEnabled", "false")] : []),
      ...(isAutopilot(object) ? [objectEvidence(object, "physicalIds", (object.physicalIds ?? []).find((id) => /^\[ZTDID\]/i.test(id)) ?? null)] : []),
    ];
    const since =
      signInMs === null
        ? `has no sign-in recorded${object.registrationDateTime ? ` since its registration on ${formatIso(object.registrationDateTime)}` : ""}`
        : `last signed in around ${formatTime(signInMs)}, ${formatDuration(settings.nowMs - signInMs)} ago`;
    const backup = buildKeyBackupStep(object);
    const disable = isSynced(object)
      ? "Disable (or delete) the computer account in Active Directory rather than the cloud object: Entra Connect syncs the change, and a cloud-side delete of a synced object is recreated at the next sync."
      : object.accountEnabled === false
        ? "The object is already disabled: keep it disabled for the grace period."
        : "Disable the device object (accountEnabled = false), which is reversible.";
    const remediation = [
      "Confirm the machine is really out of use (asset inventory, Intune, Active Directory): a device that is off for a long holiday also looks stale.",
      ...(object.isManaged ? ["Retire or delete it in Intune first, so the MDM record does not linger."] : []),
      ...(backup ? [backup] : []),
      disable,
      "Wait a grace period (for example another 30 days) for anyone who still needs it to complain.",
      isAutopilot(object)
        ? "Do not delete it: it is an Autopilot registration ([ZTDID]). Deregister the device from Windows Autopilot first if it is truly gone."
        : isSynced(object)
          ? "Delete the computer object in Active Directory (or move it out of the sync scope); Entra Connect then removes the cloud object. Deleting is irreversible."
          : "Then delete the object (irreversible; hybrid and registered objects are hard-deleted at once).",
    ];

    return [
      {
        rule: "stale-device",
        severity: "low",
        title: signInMs === null ? "Stale device: no sign-in recorded" : `Stale device: inactive since ${formatTime(signInMs).slice(0, 10)}`,
        explanation: `The device ${since}, beyond the ${settings.staleThresholdDays}-day threshold, and has not reported to JoinScope within it. ${GRANULARITY} A stale object does not make an active device unregistered; it is clutter (and a target for clean-up that must spare devices still in use).`,
        evidence,
        remediation,
      },
    ];
  },
};
