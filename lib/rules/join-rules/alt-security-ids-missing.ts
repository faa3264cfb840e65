import { isLive, objectEvidence } from "@/lib/rules/join-rules/directory-evidence";
import type { JoinRule } from "@/lib/rules/join-rules/join-rule";
import { buildJoinRejoinSteps } from "@/lib/rules/join-rules/join-rejoin-steps";
import { reportThumbprint, thumbprintEvidence } from "@/lib/rules/join-rules/subject-facts";
import type { Evidence, Finding } from "@/lib/rules/types";

/** Profile types that are not Windows registrations with a device certificate. */
const NO_CERTIFICATE_PROFILES = new Set(["printer", "iot"]);

export const altSecurityIdsMissingRule: JoinRule = {
  id: "alt-security-ids-missing",
  severity: "high",
  title: "Device object holds no certificate",
  description:
    "The live directory object has no `X509:` alternativeSecurityId and is not Pending (it has a registrationDateTime, or is not ServerAd): Microsoft Entra ID holds no key to check the device's signature against, so device authentication fails and the device shows as unregistered.",
  evaluate(input): Finding[] {
    const { subject } = input;
    const object = subject.directory;
    if (!isLive(object) || object.hasX509 || object.isPending) return [];
    if (NO_CERTIFICATE_PROFILES.has(object.profileType?.toLowerCase() ?? "")) return [];

    const thumbprint = reportThumbprint(input);
    const parsed = subject.report?.parsed ?? null;
    const evidence: Evidence[] = [
      objectEvidence(object, "alternativeSecurityIds", "no X509: key", { expected: thumbprint ? `X509 key for ${thumbprint}` : undefined }),
      objectEvidence(object, "trustType", object.trustType),
      objectEvidence(object, "registrationDateTime", object.registrationDateTime),
      ...(parsed?.thumbprint ? [thumbprintEvidence(parsed)] : []),
    ];
    return [
      {
        rule: "alt-security-ids-missing",
        severity: "high",
        title: "Device object holds no certificate (no X509 alternativeSecurityId)",
        explanation: `The device object has no \`X509:\` entry in alternativeSecurityIds, although it is not a Pending hybrid object${object.registrationDateTime ? " (it has a registrationDateTime)" : ""}. Microsoft Entra ID checks the device's signed requests against that key, so without it device authentication fails, no PRT is issued and Conditional Access shows "Device State: Unregistered". The registration has to be redone to put a certificate back.`,
        evidence,
        remediation: buildJoinRejoinSteps({ report: parsed, object }),
      },
    ];
  },
};
