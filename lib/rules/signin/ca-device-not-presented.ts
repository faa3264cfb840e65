import { dedupeEvidence } from "@/lib/rules/dedupe-evidence";
import { formatIso } from "@/lib/rules/join-rules/directory-evidence";
import { describeRequirement } from "@/lib/rules/signin/device-requirement";
import { machineLabel, readMachinePrtState } from "@/lib/rules/signin/machine-state";
import type { SignInRule } from "@/lib/rules/signin/sign-in-rule";
import type { Evidence } from "@/lib/rules/types";

/**
 * The sign-in presented no device although the user's machine is joined (and, as far as its reports tell, held a
 * valid PRT): the browser or app did not pass the device to Entra ID. Which clients can, on Windows, is Microsoft's
 * list of supported browsers and the Windows broker (describe-client.ts;
 * https://learn.microsoft.com/entra/identity/conditional-access/concept-conditional-access-conditions).
 */
export const caDeviceNotPresentedRule: SignInRule = {
  id: "ca-device-not-presented",
  severity: "medium",
  title: "The browser or app did not present the device",
  description:
    "No deviceId in the sign-in although the user's machine is joined: the client did not present it (Chrome without the Microsoft Single Sign On extension, Firefox without Windows single sign-on, Edge not signed in to the work profile, a private window, an app that does not use the Windows broker, legacy authentication), or the sign-in came from another platform. Named from deviceDetail.browser, clientAppUsed and the operating system.",
  evaluate({ subject, requirement, client, explainedBy }) {
    const { signIn } = subject;
    if (signIn.device.deviceId || !requirement.deviceRelated) return null;
    if (explainedBy.has("ca-device-no-prt") || explainedBy.has("ca-device-not-joined")) return null;
    const states = subject.machines.map((machine) => ({ machine, prt: readMachinePrtState(machine, signIn) }));
    const joined = states.filter((s) => s.prt.state === "usable" || s.prt.state === "unknown");
    const otherPlatform = client.kind === "other-platform";
    const evidence: Evidence[] = dedupeEvidence([
      ...client.evidence,
      ...requirement.evidence,
      ...joined.flatMap(({ machine, prt }) => [
        ...prt.evidence.map((e) => ({ ...e, source: `${machineLabel(machine)} · ${e.source}` })),
        ...(machine.subjectKey ? [{ source: `JoinScope device ${machineLabel(machine)}`, field: "subjectKey", value: machine.subjectKey }] : []),
      ]),
    ]);
    const machineNote = (() => {
      if (otherPlatform) return "";
      if (joined.length === 0) {
        return subject.machines.length === 0
          ? " JoinScope has no report of the user's Windows machine around the sign-in to confirm it was joined; if it was, the client is why."
          : "";
      }
      const usable = joined.filter((s) => s.prt.state === "usable");
      const names = joined.map(
        (s) => `${machineLabel(s.machine)}${s.machine.capturedAt ? ` (report of ${formatIso(s.machine.capturedAt) ?? s.machine.capturedAt})` : ""}`,
      );
      if (usable.length === joined.length)
        return ` ${names.join(", ")} ${joined.length === 1 ? "was" : "were"} joined with a valid PRT at the time, so the device could have been presented.`;
      const unknown = joined.find((s) => s.prt.state === "unknown");
      return ` ${names.join(", ")} ${joined.length === 1 ? "is" : "are"} joined; whether the PRT was valid is unknown (${unknown && unknown.prt.state === "unknown" ? unknown.prt.why : "no PRT line"}).`;
    })();
    return {
      causeLabel: client.causeLabel,
      finding: {
        rule: "ca-device-not-presented",
        severity: otherPlatform || (joined.length === 0 && subject.machines.length === 0) ? "low" : "medium",
        title: otherPlatform ? `${client.causeLabel}: no Windows device involved` : `No device presented: ${client.causeLabel}`,
        explanation: `The sign-in (${client.label}) presented no device, and the policy requires ${describeRequirement(requirement)}, so Conditional Access saw an unregistered device. ${client.why}${machineNote}`,
        evidence,
        remediation: client.remediation,
      },
    };
  },
};
