import { describeObject, formatIso, objectEvidence } from "@/lib/rules/join-rules/directory-evidence";
import { SIGN_IN_SOURCE } from "@/lib/rules/signin/device-requirement";
import type { SignInRule } from "@/lib/rules/signin/sign-in-rule";
import type { Evidence } from "@/lib/rules/types";
import { deviceSubjectKey } from "@/lib/rules/subject-key";

/**
 * The sign-in presented a device whose object is deleted or disabled. A deleted object cannot authenticate, and a
 * disabled one is refused (AADSTS135011): Conditional Access cannot count it as joined or compliant
 * (https://learn.microsoft.com/entra/identity/devices/manage-device-identities, "Enable or disable a device";
 * https://learn.microsoft.com/entra/identity/devices/concept-soft-delete-devices). docs/domain.md, "Deleted, disabled
 * and out-of-scope objects".
 */
export const caDeviceObjectGoneRule: SignInRule = {
  id: "ca-device-object-gone",
  severity: "high",
  title: "The sign-in presented a deleted or disabled device object",
  description:
    "deviceDetail.deviceId names an object that is deleted (or that JoinScope's synced directory does not hold at all) or disabled: the device cannot satisfy Conditional Access until the object is restored, enabled, or the device registers again.",
  evaluate({ subject, requirement }) {
    const deviceId = subject.signIn.device.deviceId;
    if (!deviceId || !requirement.deviceRelated || subject.presentedObject === undefined) return null;
    const object = subject.presentedObject;
    const evidence: Evidence[] = [
      { source: `${SIGN_IN_SOURCE} · deviceDetail`, field: "deviceId", value: deviceId },
      ...(subject.signIn.device.displayName
        ? [{ source: `${SIGN_IN_SOURCE} · deviceDetail`, field: "displayName", value: subject.signIn.device.displayName }]
        : []),
      ...requirement.evidence,
    ];
    const link = { source: "JoinScope device", field: "subjectKey", value: deviceSubjectKey(deviceId) };
    if (object === null) {
      return {
        causeLabel: "Device object not in the directory",
        finding: {
          rule: "ca-device-object-gone",
          severity: "high",
          title: "The sign-in presented a device that has no object in the directory",
          explanation: `The sign-in presented deviceId ${deviceId}, and the directory holds no object with that deviceId (deleted, or never synced to JoinScope). A device whose object is gone cannot authenticate, so Conditional Access could not count it as ${describeNeed(requirement.compliant, requirement.hybrid)}.`,
          evidence: [...evidence, { source: "Entra ID devices", field: "deviceId", value: null, expected: deviceId }, link],
          remediation: [
            "Open the device's page in JoinScope (its report's object-deleted finding carries the restore or re-join steps), or look the deviceId up in the Entra admin center and in `GET /beta/directory/deletedItems/microsoft.graph.device`.",
            "Restore a soft-deleted Entra joined object within 30 days, or re-register the device (back up the BitLocker recovery keys and LAPS password first); then sign in again.",
          ],
        },
      };
    }
    const deleted = object.deletedAt !== null;
    if (!deleted && object.accountEnabled !== false) return null;
    evidence.push(
      objectEvidence(object, "objectId", object.objectId),
      deleted ? objectEvidence(object, "deletedAt", object.deletedAt) : objectEvidence(object, "accountEnabled", "false"),
      link,
    );
    const synced = object.onPremisesSyncEnabled === true;
    return {
      causeLabel: deleted ? "Device object deleted" : "Device object disabled",
      finding: {
        rule: "ca-device-object-gone",
        severity: "high",
        title: deleted ? "The sign-in presented a deleted device object" : "The sign-in presented a disabled device object",
        explanation: deleted
          ? `The sign-in presented deviceId ${deviceId}, whose object (${describeObject(object)}) was deleted${object.deletedAt ? ` (JoinScope noticed it on ${formatIso(object.deletedAt) ?? object.deletedAt})` : ""}. A deleted object cannot authenticate, so the device cannot satisfy the policy until it is restored or registers again.`
          : `The sign-in presented deviceId ${deviceId}, whose object (${describeObject(object)}) is disabled: Entra ID refuses a disabled device (AADSTS135011), so it cannot satisfy the policy.`,
        evidence,
        remediation: deleted
          ? [
              `Open the device's page in JoinScope: its object-deleted finding says whether the object can be restored (Entra joined, soft-deleted, within 30 days: \`POST /beta/directory/deletedItems/${object.objectId}/restore\`) or the device must register again${synced || object.trustType === "ServerAd" ? " (hybrid joined objects are hard-deleted; fix the computer's sync scope in Active Directory, then `dsregcmd /leave` and restart)" : ""}.`,
              "Back up the BitLocker recovery keys and the LAPS password before any re-registration; then sign in again.",
            ]
          : [
              synced
                ? "Enable the computer account in Active Directory (Entra Connect syncs accountEnabled from it), then run `Start-ADSyncSyncCycle -PolicyType Delta`."
                : `Find out who disabled it (Entra audit log, activity "Disable device"); if the device is in use, enable it in the Entra admin center or PATCH \`/devices/${object.objectId}\` with \`{"accountEnabled": true}\`.`,
              "Lock and unlock the session on the device and sign in again: no re-join is needed.",
            ],
      },
    };
  },
};

function describeNeed(compliant: boolean, hybrid: boolean): string {
  if (compliant && hybrid) return "compliant or hybrid joined";
  if (hybrid) return "hybrid joined";
  if (compliant) return "compliant";
  return "a registered device";
}
