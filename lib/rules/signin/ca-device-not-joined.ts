import type { ParsedDsregcmd } from "@/lib/reports/types";
import { describeObject, objectEvidence } from "@/lib/rules/join-rules/directory-evidence";
import { fieldEvidence, yesNo } from "@/lib/rules/report-fields";
import { describeRequirement, normalizeTrustType, SIGN_IN_SOURCE, TRUST_TYPE_NAMES, type DeviceRequirement } from "@/lib/rules/signin/device-requirement";
import { machineLabel } from "@/lib/rules/signin/machine-state";
import type { SignInRule } from "@/lib/rules/signin/sign-in-rule";
import type { Evidence } from "@/lib/rules/types";
import { deviceSubjectKey } from "@/lib/rules/subject-key";

/**
 * "Require Microsoft Entra hybrid joined device" is met only by a hybrid joined device (trustType ServerAd): an Entra
 * joined or a registered device does not satisfy it, and a domain-joined computer that is only registered is not
 * hybrid joined (https://learn.microsoft.com/entra/identity/conditional-access/concept-conditional-access-grant,
 * "Require Microsoft Entra hybrid joined device"; https://learn.microsoft.com/entra/identity/devices/hybrid-join-plan).
 * 53001 DeviceNotDomainJoined is the sign-in's own word for it, 50129 DeviceIsNotWorkplaceJoined for a device that is
 * not registered at all (https://learn.microsoft.com/entra/identity-platform/reference-error-codes).
 */
export const caDeviceNotJoinedRule: SignInRule = {
  id: "ca-device-not-joined",
  severity: "high",
  title: "The device's join type does not satisfy the policy",
  description:
    "The policy requires a hybrid joined device (53001, RequireDomainJoinedDevice) and the presented device is Entra joined or registered, or the user's machine is not joined the way the policy needs (domain joined only with the hybrid join pending, registered only, not joined): a join problem, not a browser or compliance one.",
  evaluate({ subject, requirement, explainedBy }) {
    if (!requirement.deviceRelated || !(requirement.hybrid || requirement.registered)) return null;
    if (explainedBy.has("ca-device-object-gone") || explainedBy.has("ca-device-object-mismatch")) return null;
    const { signIn } = subject;
    const presented = signIn.device.deviceId;
    const need = describeRequirement(requirement);
    if (presented) {
      // With a compliant device as the alternative (Microsoft's "compliant or hybrid joined" template) and 53000, the
      // device failed compliance, which any registered device can pass: ca-device-not-compliant says so.
      if (!requirement.hybrid || (requirement.compliant && signIn.errorCode !== 53001)) return null;
      const object = subject.presentedObject ?? null;
      const trust = normalizeTrustType(signIn.device.trustType) ?? normalizeTrustType(object?.trustType);
      if (trust === null || trust === "ServerAd") return null;
      const evidence: Evidence[] = [
        { source: `${SIGN_IN_SOURCE} · deviceDetail`, field: "deviceId", value: presented },
        ...(signIn.device.trustType ? [{ source: `${SIGN_IN_SOURCE} · deviceDetail`, field: "trustType", value: signIn.device.trustType }] : []),
        ...(object ? [objectEvidence(object, "trustType", object.trustType, { expected: "ServerAd" })] : []),
        ...requirement.evidence,
        { source: "JoinScope device", field: "subjectKey", value: deviceSubjectKey(presented) },
      ];
      const name = signIn.device.displayName ?? object?.displayName ?? presented;
      return {
        causeLabel: `${TRUST_TYPE_NAMES[trust]} where hybrid join is required`,
        finding: {
          rule: "ca-device-not-joined",
          severity: "high",
          title: `${name} is ${TRUST_TYPE_NAMES[trust]}, and the policy requires hybrid join`,
          explanation: `The policy requires ${need}. The sign-in presented ${name} (deviceId ${presented}${object ? `, ${describeObject(object)}` : ""}), which is ${TRUST_TYPE_NAMES[trust]}: only a Microsoft Entra hybrid joined device (trustType ServerAd) satisfies "Require Microsoft Entra hybrid joined device". This is the device's join type, not its browser or compliance.`,
          evidence,
          remediation:
            trust === "Workplace"
              ? [
                  `If ${name} is a domain-joined corporate computer, complete its hybrid join (its computer account in Entra Connect's sync scope, the Service Connection Point, a restart and sign-in) and remove the registration it signed in with; set BlockAADWorkplaceJoin so it does not come back.`,
                  `If ${name} is a personal or non-domain device, the policy blocks it by design: let such devices in with "Require device to be marked as compliant" instead (Intune enrolment), or keep them out.`,
                ]
              : [
                  `${name} is cloud-only joined, which a hybrid-join requirement never accepts: add "Require device to be marked as compliant" to the policy's grant (require one of the selected controls) and enrol the device in Intune, or scope the policy to domain-joined computers.`,
                ],
        },
      };
    }
    const machine = subject.machines.find((m) => !joinedEnough(m.report, requirement));
    if (!machine) return null;
    const report = machine.report;
    const name = machineLabel(machine);
    const state =
      report.azureAdJoined === true
        ? "Microsoft Entra joined, not hybrid joined"
        : report.domainJoined === true && report.workplaceJoined === true
          ? "domain joined and only registered (not hybrid joined)"
          : report.domainJoined === true
            ? "domain joined only: its hybrid join has not completed"
            : report.workplaceJoined === true
              ? "Microsoft Entra registered only"
              : "not joined to Microsoft Entra ID";
    const evidence: Evidence[] = [
      ...requirement.evidence,
      fieldEvidence(report, "user", "AzureAdJoined", "Device State", yesNo(report.azureAdJoined)),
      fieldEvidence(report, "user", "DomainJoined", "Device State", yesNo(report.domainJoined)),
      ...(report.workplaceJoined !== null ? [fieldEvidence(report, "user", "WorkplaceJoined", "User State", yesNo(report.workplaceJoined))] : []),
      ...(machine.subjectKey ? [{ source: "JoinScope device", field: "subjectKey", value: machine.subjectKey }] : []),
    ];
    const domainOnly = report.domainJoined === true && report.azureAdJoined !== true;
    return {
      causeLabel: domainOnly ? "Hybrid join not completed" : "Machine not joined as the policy requires",
      finding: {
        rule: "ca-device-not-joined",
        severity: "high",
        title: `${name} is ${state}`,
        explanation: `The policy requires ${need}, and ${name}, where ${signIn.userPrincipalName ?? "the user"} signed in around then, is ${state}. No browser or app can present a join the machine does not have; its own findings in JoinScope say why the join is missing.`,
        evidence,
        remediation: domainOnly
          ? [
              `Complete ${name}'s hybrid join: its computer account must be in Entra Connect's sync scope, the Service Connection Point must name the tenant, and the machine must restart and sign in (Automatic-Device-Join task); \`dsregcmd /status\` then shows AzureAdJoined : YES.`,
              "Follow the device's not-joined finding in JoinScope for the pre-join diagnostics of its last attempt.",
            ]
          : [
              `Join ${name} the way the policy requires (hybrid join for a domain computer, Entra join with Intune enrolment for a cloud-managed one), or let the policy accept a compliant device as an alternative.`,
            ],
      },
    };
  },
};

/**
 * Whether a machine's join could satisfy the policy at all: any registration can be marked compliant (so a compliant
 * alternative accepts Entra joined and registered machines), while a hybrid-join requirement alone needs AzureAdJoined
 * and DomainJoined both.
 */
function joinedEnough(report: ParsedDsregcmd, requirement: DeviceRequirement): boolean {
  const registered = report.azureAdJoined === true || report.workplaceJoined === true;
  if (requirement.compliant) return registered;
  if (requirement.hybrid) return report.azureAdJoined === true && report.domainJoined === true;
  return registered;
}
