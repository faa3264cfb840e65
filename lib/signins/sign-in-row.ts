import { timeOrderedId } from "@/lib/db/time-ordered-id";
import { readDate, type ColumnKind, type Row } from "@/lib/db/direct";
import type { SignInEvaluation } from "@/lib/rules/signin/evaluate-sign-in";
import type { SignInEvent, SignInPolicy } from "@/lib/rules/signin/sign-in-subject";
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
  causeTitle: "text",
  severity: "text",
  findings: "text",
  signIn: "text",
  evaluatedAt: "datetime",
};

/**
 * The part of a sign-in (lib/rules/signin SignInEvent) that no column of its row holds, stored as the row's `signIn`
 * JSON: nothing is stored twice. `upn` is the user principal name as Graph wrote it, only when it is not the
 * lower-case one of the column.
 */
export interface SignInRest {
  upn?: string;
  userId: string | null;
  appId: string | null;
  resourceDisplayName: string | null;
  isInteractive: boolean | null;
  ipAddress: string | null;
  correlationId: string | null;
  failureReason: string | null;
  additionalDetails: string | null;
  isCompliant: boolean | null;
  isManaged: boolean | null;
  policies: SignInPolicy[];
}

/** The `signIn` JSON of a row: the sign-in's fields its columns do not hold. */
export function signInRest(signIn: SignInEvent): string {
  const rest: SignInRest = {
    userId: signIn.userId,
    appId: signIn.appId,
    resourceDisplayName: signIn.resourceDisplayName,
    isInteractive: signIn.isInteractive,
    ipAddress: signIn.ipAddress,
    correlationId: signIn.correlationId,
    failureReason: signIn.failureReason,
    additionalDetails: signIn.additionalDetails,
    isCompliant: signIn.device.isCompliant,
    isManaged: signIn.device.isManaged,
    policies: signIn.policies,
  };
  if (signIn.userPrincipalName !== null && signIn.userPrincipalName !== signIn.userPrincipalName.toLowerCase()) rest.upn = signIn.userPrincipalName;
  return JSON.stringify(rest);
}

/** The columns of a stored row that hold a sign-in's fields (the rest is its `signIn` JSON). */
export const SIGN_IN_FIELD_COLUMNS = [
  "signInId",
  "createdDateTime",
  "userPrincipalName",
  "userDisplayName",
  "appDisplayName",
  "clientAppUsed",
  "browser",
  "operatingSystem",
  "errorCode",
  "conditionalAccessStatus",
  "deviceId",
  "deviceDisplayName",
  "trustType",
  "signIn",
] as const;

export type StoredSignInFields = Record<(typeof SIGN_IN_FIELD_COLUMNS)[number], unknown>;

/**
 * The sign-in a stored row holds, as the rules read it: its columns and its `signIn` JSON. Rows stored before the
 * JSON was cut to the rest (a whole SignInEvent, until the backfill rewrites them) read the same.
 */
export function signInFromRow(row: StoredSignInFields): SignInEvent {
  const text = (v: unknown) => (v === null || v === undefined ? null : String(v));
  const json = JSON.parse(String(row.signIn ?? "{}")) as Partial<SignInRest> & Partial<SignInEvent>;
  const whole = json.device !== undefined;
  const rest = json as Partial<SignInRest>;
  const upn = text(row.userPrincipalName);
  return {
    id: String(row.signInId),
    createdDateTime: readDate(row.createdDateTime)!.toISOString(),
    userPrincipalName: whole ? (json.userPrincipalName ?? null) : (rest.upn ?? upn),
    userDisplayName: text(row.userDisplayName),
    userId: json.userId ?? null,
    appId: json.appId ?? null,
    appDisplayName: text(row.appDisplayName),
    resourceDisplayName: json.resourceDisplayName ?? null,
    clientAppUsed: text(row.clientAppUsed),
    isInteractive: json.isInteractive ?? null,
    ipAddress: json.ipAddress ?? null,
    correlationId: json.correlationId ?? null,
    conditionalAccessStatus: text(row.conditionalAccessStatus),
    errorCode: Number(row.errorCode),
    failureReason: json.failureReason ?? null,
    additionalDetails: json.additionalDetails ?? null,
    device: {
      deviceId: text(row.deviceId),
      displayName: text(row.deviceDisplayName),
      operatingSystem: text(row.operatingSystem),
      browser: text(row.browser),
      isCompliant: (whole ? json.device!.isCompliant : rest.isCompliant) ?? null,
      isManaged: (whole ? json.device!.isManaged : rest.isManaged) ?? null,
      trustType: text(row.trustType),
    },
    policies: json.policies ?? [],
  };
}

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
    // What the list shows of the explanation ("Why, and the fix: <title>"), so it never reads the findings' JSON.
    causeTitle: evaluation.findings[0]?.title ?? null,
    severity: evaluation.findings[0]?.severity ?? "info",
    findings: JSON.stringify(evaluation.findings),
    signIn: signInRest(signIn),
    evaluatedAt: at,
  };
}
