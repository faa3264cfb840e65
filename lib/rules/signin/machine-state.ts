import { parseExecutingAccount, prtVisibility } from "@/lib/rules/capture-context";
import { classifyPrtFailure, type PrtFailureClassification } from "@/lib/rules/classify-prt-failure";
import { readPrtTimes } from "@/lib/rules/prt-times";
import { fieldEvidence, findField, formatTime, yesNo } from "@/lib/rules/report-fields";
import type { SignInEvent, SignInMachine } from "@/lib/rules/signin/sign-in-subject";
import type { Evidence } from "@/lib/rules/types";

/**
 * What a machine's report says about its PRT at the moment of a sign-in. A PRT lasts 14 days and is renewed every
 * 4 hours while the user is active (https://learn.microsoft.com/entra/identity/devices/concept-primary-refresh-token):
 * a report that shows no PRT, or one that expired before the sign-in, means no token of that session carried the
 * deviceid claim (docs/domain.md, "How a device proves itself").
 */
export type MachinePrtState =
  /** The report's PRT was valid at the sign-in. */
  | { state: "usable"; evidence: Evidence[] }
  /** `AzureAdPrt : NO` for the sign-in's user. */
  | { state: "missing"; evidence: Evidence[]; classification: PrtFailureClassification }
  /** A PRT whose AzureAdPrtExpiryTime is before the sign-in. */
  | { state: "expired"; evidence: Evidence[]; classification: PrtFailureClassification; expiredAt: string }
  /** The machine is not Entra joined or hybrid joined: it has no device PRT at all. */
  | { state: "not-joined"; evidence: Evidence[] }
  /** The report cannot tell (SYSTEM capture, another account, a local account). */
  | { state: "unknown"; evidence: Evidence[]; why: string };

export function machineLabel(machine: SignInMachine): string {
  return machine.hostname || machine.report.deviceName || machine.deviceId || "the machine";
}

/** The report's user (the executing account's UPN, else the attempt diagnostics' User Identity), lower-case. */
export function reportUser(machine: SignInMachine): string | null {
  const upn = parseExecutingAccount(machine.report).upn;
  if (upn) return upn.toLowerCase();
  const identity = findField(machine.report, "User Identity", "SSO State")?.value.trim();
  return identity ? identity.toLowerCase() : null;
}

/** True when the report was captured by another account than the sign-in's user (its PRT lines are that account's). */
export function capturedByAnotherUser(machine: SignInMachine, signIn: SignInEvent): string | null {
  const user = reportUser(machine);
  const upn = signIn.userPrincipalName?.toLowerCase() ?? null;
  return user && upn && user !== upn && user.includes("@") ? user : null;
}

export function readMachinePrtState(machine: SignInMachine, signIn: SignInEvent): MachinePrtState {
  const report = machine.report;
  if (report.azureAdJoined !== true) {
    return {
      state: "not-joined",
      evidence: [fieldEvidence(report, "user", "AzureAdJoined", "Device State", yesNo(report.azureAdJoined))],
    };
  }
  const other = capturedByAnotherUser(machine, signIn);
  if (other) {
    return {
      state: "unknown",
      evidence: [fieldEvidence(report, "user", "Executing Account Name", "Diagnostic Data", report.executingAccount)],
      why: `the report of ${machineLabel(machine)} was captured by ${other}, not ${signIn.userPrincipalName}: its PRT lines are that account's`,
    };
  }
  const visibility = prtVisibility(report);
  if (!visibility.known) {
    return {
      state: "unknown",
      evidence: visibility.evidence,
      why: `the report of ${machineLabel(machine)} was captured ${visibility.reason === "system" ? "as SYSTEM" : visibility.reason === "local-account" ? "under a local account" : "by another account"}, so it does not show the user's PRT`,
    };
  }
  if (report.azureAdPrt === false) {
    const classification = classifyPrtFailure({ report });
    return {
      state: "missing",
      evidence: [fieldEvidence(report, "user", "AzureAdPrt", "SSO State", "NO"), ...classification.evidence],
      classification,
    };
  }
  const times = readPrtTimes(report);
  const signInMs = Date.parse(signIn.createdDateTime);
  if (report.azureAdPrt === true && times.expiryMs !== null && !Number.isNaN(signInMs) && times.expiryMs < signInMs) {
    const classification = classifyPrtFailure({ report });
    const update = times.evidence.update();
    return {
      state: "expired",
      evidence: [times.evidence.expiry()!, ...(update ? [update] : []), ...(classification.cause === "unknown" ? [] : classification.evidence)],
      classification,
      expiredAt: formatTime(times.expiryMs),
    };
  }
  if (report.azureAdPrt === true) {
    const update = times.evidence.update();
    return { state: "usable", evidence: [fieldEvidence(report, "user", "AzureAdPrt", "SSO State", "YES"), ...(update ? [update] : [])] };
  }
  return { state: "unknown", evidence: [], why: `the report of ${machineLabel(machine)} has no AzureAdPrt line` };
}
