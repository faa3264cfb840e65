import type { DirectoryObject } from "@/lib/rules/device-subject";
import { describeObject, isAutopilot, isLive, isSynced, objectEvidence, objectSource, shortName } from "@/lib/rules/join-rules/directory-evidence";
import type { JoinRule } from "@/lib/rules/join-rules/join-rule";
import { buildKeyBackupStep } from "@/lib/rules/join-rules/key-backup";
import { parseTime } from "@/lib/rules/report-fields";
import type { Evidence, Finding } from "@/lib/rules/types";

/**
 * What this rule checks and why: docs/domain.md, "Other rules" (`duplicate-device`) and "Re-joining safely".
 *
 * Same machine: same `[HWID]`, or, when either hardware id is unknown, same name for Windows objects. Two machines
 * cannot share a hardware id. A Windows computer name is unique in its domain (and a personal PC's is generated,
 * "DESKTOP-1A2B3C4"), while phones, tablets and Macs share names by the thousand ("iPhone", "Yuki's MacBook Pro"):
 * for them a name alone says nothing.
 */
export function isSameMachine(a: DirectoryObject, b: DirectoryObject): boolean {
  if (a.hardwareId && b.hardwareId) return a.hardwareId.toLowerCase() === b.hardwareId.toLowerCase();
  if (!namedLikeAComputer(a) || !namedLikeAComputer(b)) return false;
  const name = shortName(a.displayName);
  return name !== null && name === shortName(b.displayName);
}

/** Windows, or an operating system Graph did not give (a synced object before its first registration). */
function namedLikeAComputer(object: DirectoryObject): boolean {
  const os = object.operatingSystem?.trim().toLowerCase();
  return !os || os.startsWith("windows");
}

const trust = (object: DirectoryObject) => object.trustType?.toLowerCase() ?? "";

function stepFor(object: DirectoryObject): string {
  const name = `${object.objectId} (${object.trustType ?? "unknown trust type"}, deviceId ${object.deviceId ?? "none"})`;
  if (isAutopilot(object)) return `Keep ${name}: it is an Autopilot registration ([ZTDID]) and must not be deleted.`;
  if (isSynced(object)) {
    return `For ${name}, which is synced from Active Directory: delete or disable the stale computer object in Active Directory (or move it out of the sync scope) and let Entra Connect remove it; do not delete it in the cloud.`;
  }
  const backup = buildKeyBackupStep(object);
  return `For ${name}: ${backup ? `${backup} Then disable it` : "disable it"}, wait a grace period, and delete it.`;
}

export const duplicateDeviceRule: JoinRule = {
  id: "duplicate-device",
  severity: "medium",
  title: "Several device objects for one machine",
  description:
    "More than one live object carries this machine's [HWID] or name (names count only for Windows objects, and only when the hardware ids do not disagree), or the machine is both hybrid joined (ServerAd) and registered (Workplace): the dual state. The live one is the object with the report's deviceId; the others are leftovers that confuse admins, Intune and Conditional Access.",
  evaluate(input): Finding[] {
    const { subject } = input;
    const object = subject.directory;
    if (!isLive(object)) return [];
    const others = subject.otherObjects.filter((other) => isLive(other) && other.objectId !== object.objectId && isSameMachine(object, other));
    if (others.length === 0) return [];

    const all = [object, ...others];
    const dual = all.some((item) => trust(item) === "serverad") && all.some((item) => trust(item) === "workplace");
    const report = subject.report;
    const evidence: Evidence[] = [
      {
        source: objectSource(object),
        field: report ? "in use (the report's deviceId)" : "this object",
        value: `${object.deviceId ?? "(no deviceId)"} · ${describeObject(object)}`,
      },
      ...others.map((other) => ({
        source: objectSource(other, false),
        field: isSameMachineByHardware(object, other) ? "same [HWID]" : "same name",
        value: `${other.deviceId ?? "(no deviceId)"} · ${describeObject(other)}`,
      })),
      ...(object.hardwareId ? [objectEvidence(object, "hardwareId ([HWID])", object.hardwareId)] : []),
    ];

    const latest = [...all].sort(
      (a, b) => (parseTime(b.approximateLastSignInDateTime) ?? -Infinity) - (parseTime(a.approximateLastSignInDateTime) ?? -Infinity),
    )[0]!;
    const live = report
      ? `The machine reports deviceId ${report.parsed.deviceId ?? object.deviceId}, so object ${object.objectId} (${object.trustType ?? "unknown trust type"}) is the live one; the other ${others.length === 1 ? "is a leftover" : `${others.length} are leftovers`} of earlier registrations.`
      : `JoinScope has no report from this machine to tell which object it uses; the one with the latest sign-in (${latest.objectId}) is most likely current.`;
    const explanation = dual
      ? `The machine is hybrid joined (ServerAd) and also registered (Workplace) by a user: the dual state. ${live} Windows 10 1803+ (with KB4489894) removes the registered state once hybrid join completes; until then apps may pick the registered identity and Conditional Access policies that require a hybrid joined device can fail.`
      : `${all.length} live device objects belong to this machine. ${live} Duplicates do not by themselves make the device unregistered, but admins and Intune may act on the wrong one, and deleting the live one would.`;

    const remediation = dual
      ? [
          "On the device, in the user's session, disconnect the work account under Settings › Accounts › Access work or school (or update to Windows 10 1803+ with KB4489894, which removes the registered state automatically), and set the policy HKLM\\SOFTWARE\\Policies\\Microsoft\\Windows\\WorkplaceJoin BlockAADWorkplaceJoin = 1 to stop new registrations.",
          ...others.filter((other) => trust(other) === "workplace").map(stepFor),
          ...others.filter((other) => trust(other) !== "workplace").map(stepFor),
        ]
      : [
          `Keep ${report ? "the live object" : "the object the machine uses"} (${report ? object.objectId : latest.objectId}); check the others are not in use (sign-in time, Intune) before removing them.`,
          ...others.map(stepFor),
        ];
    return [
      {
        rule: "duplicate-device",
        severity: "medium",
        title: dual ? "Hybrid joined and registered (dual state)" : `${all.length} device objects for this machine`,
        explanation,
        evidence,
        remediation,
      },
    ];
  },
};

function isSameMachineByHardware(a: DirectoryObject, b: DirectoryObject): boolean {
  return !!a.hardwareId && !!b.hardwareId && a.hardwareId.toLowerCase() === b.hardwareId.toLowerCase();
}
