import { describeObject, objectEvidence } from "@/lib/rules/join-rules/directory-evidence";
import { describeRequirement, SIGN_IN_SOURCE } from "@/lib/rules/signin/device-requirement";
import type { SignInRule } from "@/lib/rules/signin/sign-in-rule";
import type { Evidence } from "@/lib/rules/types";
import { deviceSubjectKey } from "@/lib/rules/subject-key";

/**
 * "Require device to be marked as compliant" is met only by a device its MDM (Intune) marks compliant; an unmanaged
 * device never is (https://learn.microsoft.com/entra/identity/conditional-access/concept-conditional-access-grant,
 * "Require device to be marked as compliant"). 53000 DeviceNotCompliant is the sign-in's word for it
 * (https://learn.microsoft.com/entra/identity-platform/reference-error-codes). The device was presented and known, so
 * the join is not the problem: Intune enrolment or compliance is.
 */
export const caDeviceNotCompliantRule: SignInRule = {
  id: "ca-device-not-compliant",
  severity: "medium",
  title: "The device is not compliant (or not managed)",
  description:
    "The policy requires a compliant device (53000, RequireCompliantDevice) and the presented device has isCompliant false or isManaged false: Intune enrolment or a compliance policy, not the join state.",
  evaluate({ subject, requirement, explainedBy }) {
    if (!requirement.deviceRelated || !requirement.compliant) return null;
    if (explainedBy.has("ca-device-object-gone") || explainedBy.has("ca-device-object-mismatch")) return null;
    const { signIn } = subject;
    const presented = signIn.device.deviceId;
    if (!presented) return null;
    const object = subject.presentedObject ?? null;
    const isManaged = signIn.device.isManaged ?? object?.isManaged ?? null;
    const isCompliant = signIn.device.isCompliant ?? object?.isCompliant ?? null;
    if (isManaged !== false && isCompliant !== false) return null;
    const unmanaged = isManaged === false;
    const name = signIn.device.displayName ?? object?.displayName ?? presented;
    const evidence: Evidence[] = [
      { source: `${SIGN_IN_SOURCE} · deviceDetail`, field: "deviceId", value: presented },
      ...(signIn.device.isManaged !== null ? [{ source: `${SIGN_IN_SOURCE} · deviceDetail`, field: "isManaged", value: String(signIn.device.isManaged) }] : []),
      ...(signIn.device.isCompliant !== null
        ? [{ source: `${SIGN_IN_SOURCE} · deviceDetail`, field: "isCompliant", value: String(signIn.device.isCompliant) }]
        : []),
      ...(signIn.device.trustType ? [{ source: `${SIGN_IN_SOURCE} · deviceDetail`, field: "trustType", value: signIn.device.trustType }] : []),
      ...(object
        ? [
            objectEvidence(object, "isCompliant", object.isCompliant === null ? null : String(object.isCompliant)),
            objectEvidence(object, "mdmAppId", object.mdmAppId),
          ]
        : []),
      ...requirement.evidence,
      { source: "JoinScope device", field: "subjectKey", value: deviceSubjectKey(presented) },
    ];
    return {
      causeLabel: unmanaged ? "Device not enrolled in Intune" : "Device not compliant",
      finding: {
        rule: "ca-device-not-compliant",
        severity: "medium",
        title: unmanaged ? `${name} is not managed by Intune` : `${name} is not compliant`,
        explanation: `The policy requires ${describeRequirement(requirement)}. The sign-in presented ${name} (deviceId ${presented}${object ? `, ${describeObject(object)}` : ""}) and Entra ID knew it, so the join worked; ${
          unmanaged
            ? "but the device is not enrolled in an MDM (isManaged false), and an unmanaged device is never marked compliant."
            : "but Intune has not marked it compliant (isCompliant false): a compliance policy setting fails, or the device has not checked in since it changed."
        }`,
        evidence,
        remediation: unmanaged
          ? [
              `Enrol ${name} in Intune: automatic MDM enrolment for hybrid or Entra joined computers (Group Policy "Enable automatic MDM enrollment using default Azure AD credentials" or the MDM user scope), or Company Portal for a registered device.`,
              "Once enrolled, let it check in and evaluate compliance (Settings › Accounts › Access work or school › Info › Sync), then sign in again.",
            ]
          : [
              `In Intune (Devices › ${name} › Device compliance) find the setting that fails, fix it on the device, and sync it (Company Portal or Settings › Accounts › Access work or school › Info › Sync).`,
              "A device that was just restored or re-registered stays non-compliant until it checks in with Intune again.",
            ],
      },
    };
  },
};
