import { dedupeEvidence } from "@/lib/rules/dedupe-evidence";
import { formatIso } from "@/lib/rules/join-rules/directory-evidence";
import { describeRequirement } from "@/lib/rules/signin/device-requirement";
import { machineLabel, readMachinePrtState, type MachinePrtState } from "@/lib/rules/signin/machine-state";
import type { SignInRule } from "@/lib/rules/signin/sign-in-rule";
import type { SignInMachine } from "@/lib/rules/signin/sign-in-subject";
import type { Evidence } from "@/lib/rules/types";

type NoPrt = Extract<MachinePrtState, { state: "missing" | "expired" }>;

/**
 * A joined machine proves itself to Conditional Access through the Primary Refresh Token: without a valid PRT no
 * token of the session carries the deviceid claim, whatever the browser, and the sign-in shows no device
 * (https://learn.microsoft.com/entra/identity/devices/concept-primary-refresh-token;
 * https://learn.microsoft.com/entra/identity/devices/troubleshoot-primary-refresh-token). The machine's own finding
 * (prt-missing, prt-expired) names the PRT's cause and its fix. docs/domain.md, "The PRT rules".
 */
export const caDeviceNoPrtRule: SignInRule = {
  id: "ca-device-no-prt",
  severity: "high",
  title: "The user's machine had no usable PRT",
  description:
    "The sign-in presented no device, and the report of the user's machine nearest the sign-in shows AzureAdPrt : NO, or a PRT that had expired by then: without a PRT no browser or app can present the device. The machine's prt-missing or prt-expired finding carries the cause and the fix.",
  evaluate({ subject, requirement, client, explainedBy }) {
    const { signIn } = subject;
    if (signIn.device.deviceId || !requirement.deviceRelated) return null;
    if (client.platform !== null && client.platform !== "windows") return null;
    if (explainedBy.has("ca-device-not-joined")) return null;
    const without: { machine: SignInMachine; prt: NoPrt }[] = [];
    let usable = 0;
    for (const machine of subject.machines) {
      const prt = readMachinePrtState(machine, signIn);
      if (prt.state === "missing" || prt.state === "expired") without.push({ machine, prt });
      else if (prt.state === "usable") usable++;
    }
    if (without.length === 0) return null;
    const first = without[0]!;
    const cause = first.prt.classification.cause !== "unknown" ? first.prt.classification.label : null;
    const findingRule = first.prt.state === "missing" ? "prt-missing" : "prt-expired";
    const names = without.map((w) => machineLabel(w.machine));
    const describe = (w: (typeof without)[number]) =>
      `${machineLabel(w.machine)}${w.machine.capturedAt ? ` (report of ${formatIso(w.machine.capturedAt) ?? w.machine.capturedAt})` : ""} ${
        w.prt.state === "missing" ? "shows AzureAdPrt : NO" : `shows a PRT that expired on ${w.prt.expiredAt}, before the sign-in`
      }${w.prt.classification.cause !== "unknown" ? ` (likely cause: ${w.prt.classification.label})` : ""}`;
    const evidence: Evidence[] = dedupeEvidence([
      ...client.evidence.slice(0, 1),
      ...requirement.evidence,
      ...without.flatMap((w) => [
        ...w.prt.evidence.map((e) => ({ ...e, source: `${machineLabel(w.machine)} · ${e.source}` })),
        ...(w.machine.subjectKey ? [{ source: `JoinScope device ${machineLabel(w.machine)}`, field: "subjectKey", value: w.machine.subjectKey }] : []),
        { source: `JoinScope finding on ${machineLabel(w.machine)}`, field: "rule", value: w.prt.state === "missing" ? "prt-missing" : "prt-expired" },
      ]),
    ]);
    const others =
      usable > 0
        ? ` ${usable === 1 ? "Another machine of the user had" : `${usable} other machines of the user had`} a valid PRT then; the sign-in came from a machine without one, or from a browser that presents no device.`
        : "";
    return {
      causeLabel: cause ? `No PRT: ${cause}` : "No PRT on the user's machine",
      finding: {
        rule: "ca-device-no-prt",
        severity: "high",
        title: `No usable PRT on ${names.join(", ")}${cause ? `: ${cause}` : ""}`,
        explanation: `The sign-in presented no device, and the policy requires ${describeRequirement(requirement)}. ${without.map(describe).join("; ")}. Without a Primary Refresh Token no token of the session carries the device's claim, so no browser or app could present the device: Conditional Access saw it as unregistered. The machine's ${findingRule} finding in JoinScope says why the PRT is missing and how to get it back.${others}`,
        evidence,
        remediation: [
          `Fix the PRT on ${names.join(", ")} first: follow its ${findingRule} finding in JoinScope${cause ? ` (${cause})` : ""}.`,
          "Then have the user lock and unlock the session (or sign out and in), check `dsregcmd /status` shows AzureAdPrt : YES, and sign in again.",
        ],
      },
    };
  },
};
