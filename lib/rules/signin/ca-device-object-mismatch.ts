import { describeObject, objectEvidence, shortName } from "@/lib/rules/join-rules/directory-evidence";
import { deviceIdEvidence } from "@/lib/rules/join-rules/subject-facts";
import { fieldEvidence, yesNo } from "@/lib/rules/report-fields";
import { normalizeTrustType, SIGN_IN_SOURCE, TRUST_TYPE_NAMES } from "@/lib/rules/signin/device-requirement";
import { machineLabel } from "@/lib/rules/signin/machine-state";
import type { SignInRule } from "@/lib/rules/signin/sign-in-rule";
import type { SignInMachine, SignInSubject } from "@/lib/rules/signin/sign-in-subject";
import type { Evidence } from "@/lib/rules/types";
import { deviceSubjectKey } from "@/lib/rules/subject-key";

/**
 * The sign-in presented a device id that is not the one the user's machine reports: another object of that machine
 * was presented. The usual ones are a registration (Workplace) left from before the machine was hybrid joined, which
 * Windows 10 1803 and later remove by themselves and BlockAADWorkplaceJoin keeps from coming back
 * (https://learn.microsoft.com/entra/identity/devices/hybrid-join-plan, "Handling devices with Microsoft Entra registered
 * state"), and a machine cloned from an image that was joined before it was generalised. docs/domain.md, "Sign-ins
 * blocked for their device".
 */
export const caDeviceObjectMismatchRule: SignInRule = {
  id: "ca-device-object-mismatch",
  severity: "high",
  title: "The sign-in presented another device object than the machine's",
  description:
    "deviceDetail.deviceId differs from the DeviceId the user's machine reports (the same machine by name or hardware id, or the report the admin gave): a leftover registration or a cloned image's object was presented, and the policy judged that object instead of the machine's own.",
  evaluate({ subject, requirement, explainedBy }) {
    const presented = subject.signIn.device.deviceId;
    if (!presented || !requirement.deviceRelated || explainedBy.has("ca-device-object-gone")) return null;
    const machine = subject.machines.find((m) => m.deviceId !== null && m.deviceId.toLowerCase() !== presented.toLowerCase() && isSameMachine(m, subject));
    if (!machine) return null;
    const object = subject.presentedObject ?? null;
    const presentedTrust = normalizeTrustType(object?.trustType ?? subject.signIn.device.trustType);
    const machineJoined = machine.report.azureAdJoined === true;
    const leftoverRegistration = presentedTrust === "Workplace" && machineJoined;
    const name = machineLabel(machine);
    const evidence: Evidence[] = [
      { source: `${SIGN_IN_SOURCE} · deviceDetail`, field: "deviceId", value: presented, expected: machine.deviceId },
      ...(subject.signIn.device.displayName
        ? [{ source: `${SIGN_IN_SOURCE} · deviceDetail`, field: "displayName", value: subject.signIn.device.displayName }]
        : []),
      ...(subject.signIn.device.trustType ? [{ source: `${SIGN_IN_SOURCE} · deviceDetail`, field: "trustType", value: subject.signIn.device.trustType }] : []),
      deviceIdEvidence(machine.report),
      fieldEvidence(machine.report, "user", "AzureAdJoined", "Device State", yesNo(machine.report.azureAdJoined)),
      ...(machine.report.workplaceJoined === true ? [fieldEvidence(machine.report, "user", "WorkplaceJoined", "User State", "YES")] : []),
      ...(object ? [objectEvidence(object, "objectId", `${object.objectId} · ${describeObject(object)}`, { own: false })] : []),
      ...(machine.directory
        ? [objectEvidence(machine.directory, "objectId", `${machine.directory.objectId} · ${describeObject(machine.directory)}`, { own: false })]
        : []),
      { source: "JoinScope device", field: "subjectKey", value: deviceSubjectKey(presented) },
      ...(machine.subjectKey ? [{ source: "JoinScope device", field: "subjectKey", value: machine.subjectKey }] : []),
      ...requirement.evidence,
    ];
    const kind = leftoverRegistration ? TRUST_TYPE_NAMES.Workplace : presentedTrust ? TRUST_TYPE_NAMES[presentedTrust] : "another";
    return {
      causeLabel: leftoverRegistration ? "Leftover registration presented instead of the join" : "Another device object presented",
      finding: {
        rule: "ca-device-object-mismatch",
        severity: "high",
        title: leftoverRegistration ? `${name} presented its leftover registration, not its join` : `The sign-in presented another object than ${name}'s`,
        explanation: leftoverRegistration
          ? `The sign-in presented deviceId ${presented}, a ${kind} object, while ${name} reports DeviceId ${machine.deviceId} (${machine.report.domainJoined ? "hybrid joined" : "Entra joined"}). The work account added before the join still has its own registration on the machine, and the browser or app used it: Conditional Access judged that registration, which is neither hybrid joined nor (usually) compliant.`
          : `The sign-in presented deviceId ${presented}${object ? ` (${describeObject(object)})` : ""}, but ${name} reports DeviceId ${machine.deviceId}. Two objects answer for one machine: an old registration of it, or a copy of another machine's registration (an image cloned after it was joined). Conditional Access judged the presented object, not the machine's own.`,
        evidence,
        remediation: leftoverRegistration
          ? [
              `On ${name}, remove the registration, not the join: Settings › Accounts › Access work or school › the work account that is not "Connected to … Azure AD" › Disconnect (Windows 10 1803 and later remove it after a hybrid join completes).`,
              "Stop domain-joined computers from registering again: set the BlockAADWorkplaceJoin policy value (Computer Configuration › Administrative Templates › Windows Components › Workplace Join).",
              `Then disable and delete the leftover object${object ? ` ${object.objectId}` : ""} in Entra ID (it holds no BitLocker key of the machine's join; check first), and sign in again: the sign-in log should show deviceId ${machine.deviceId}.`,
            ]
          : [
              `Compare the two objects' hardware ids ([HWID] in physicalIds) and registration times: the one ${name} does not report is the leftover.`,
              `If ${name} is a clone, make it register on its own: back up its BitLocker recovery keys, run \`dsregcmd /leave\` elevated, restart and sign in (hybrid), or leave and join again (Entra joined); generalise images (sysprep) before they are joined in the future.`,
              "Disable and then delete the object the machine no longer uses, once its BitLocker keys and LAPS password are not needed.",
            ],
      },
    };
  },
};

/** The machine the sign-in came from: the report the admin gave, or one with the presented device's name or hardware id. */
function isSameMachine(machine: SignInMachine, subject: SignInSubject): boolean {
  if (machine.linkedBy === "given") return true;
  const presentedName = shortName(subject.signIn.device.displayName ?? subject.presentedObject?.displayName);
  if (presentedName && (presentedName === shortName(machine.hostname) || presentedName === shortName(machine.report.deviceName))) return true;
  const a = subject.presentedObject?.hardwareId;
  const b = machine.directory?.hardwareId;
  return !!a && !!b && a.toLowerCase() === b.toLowerCase();
}
