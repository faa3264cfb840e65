import { timeOrderedId } from "@/lib/db/time-ordered-id";
import type { ColumnKind, Row } from "@/lib/db/direct";
import type { SignInEvaluation } from "@/lib/rules/signin/evaluate-sign-in";
import type { LoadedSignIn } from "./load-sign-in-context";

/** A device-related sign-in nothing explained: it is kept and counted, so the view does not hide a gap in the rules. */
export const UNEXPLAINED = { cause: "unexplained", label: "No explanation found" } as const;

export const SIGN_IN_EVENT_COLUMNS: Readonly<Record<string, ColumnKind>> = {
  id: "text",
  tenantRef: "text",
  signInId: "text",
  createdDateTime: "datetime",
  userPrincipalName: "text",
  userDisplayName: "text",
  appDisplayName: "text",
  clientAppUsed: "text",
  browser: "text",
  operatingSystem: "text",
  errorCode: "int",
  conditionalAccessStatus: "text",
  deviceId: "text",
  deviceDisplayName: "text",
  trustType: "text",
  machineDeviceId: "text",
  machineHostname: "text",
  linkedBy: "text",
  cause: "text",
  causeLabel: "text",
  severity: "text",
  findings: "text",
  signIn: "text",
  evaluatedAt: "datetime",
};

/** The SignInEvent row of one evaluated sign-in. */
export function signInRow(tenantRef: string, loaded: LoadedSignIn, evaluation: SignInEvaluation, at: Date): Row {
  const { signIn } = loaded.subject;
  const machine = loaded.machine;
  return {
    id: timeOrderedId(),
    tenantRef,
    signInId: signIn.id,
    createdDateTime: new Date(signIn.createdDateTime),
    userPrincipalName: signIn.userPrincipalName?.toLowerCase() ?? null,
    userDisplayName: signIn.userDisplayName,
    appDisplayName: signIn.appDisplayName,
    clientAppUsed: signIn.clientAppUsed,
    browser: signIn.device.browser,
    operatingSystem: signIn.device.operatingSystem,
    errorCode: signIn.errorCode,
    conditionalAccessStatus: signIn.conditionalAccessStatus,
    deviceId: signIn.device.deviceId,
    deviceDisplayName: signIn.device.displayName,
    trustType: signIn.device.trustType,
    machineDeviceId: machine?.deviceId ?? null,
    machineHostname: machine?.hostname ?? null,
    linkedBy: machine?.linkedBy ?? "none",
    cause: evaluation.cause ?? UNEXPLAINED.cause,
    causeLabel: evaluation.causeLabel ?? UNEXPLAINED.label,
    severity: evaluation.findings[0]?.severity ?? "info",
    findings: JSON.stringify(evaluation.findings),
    signIn: JSON.stringify(signIn),
    evaluatedAt: at,
  };
}
