import type { ParsedDsregcmd } from "@/lib/reports/types";
import { resolveCaptureTime } from "@/lib/rules/capture-time";
import type { DirectoryObject } from "@/lib/rules/device-subject";
import { evaluateSignIn, type SignInEvaluation } from "@/lib/rules/signin/evaluate-sign-in";
import type { SignInEvent, SignInMachine } from "@/lib/rules/signin/sign-in-subject";
import type { Finding } from "@/lib/rules/types";
import type { GraphSignIn } from "./graph-sign-in-schema";
import { mapGraphSignIn } from "./map-graph-sign-in";

/** What `joinscope signin-diagnose --format json` prints about the sign-in itself. */
export interface SignInSummary {
  id: string;
  createdDateTime: string;
  userPrincipalName: string | null;
  appDisplayName: string | null;
  errorCode: number;
  deviceId: string | null;
}

export interface DiagnoseSignInInput {
  signIn: GraphSignIn;
  /** `dsregcmd /status` of the user's machine, when the admin has it. */
  report?: ParsedDsregcmd | null;
  /** The directory object the admin saved for the presented device (or the report's), null for Graph's "not found". */
  directory?: DirectoryObject | null;
}

export interface DiagnoseSignInResult {
  signIn: SignInSummary;
  findings: Finding[];
  evaluation: SignInEvaluation;
}

export function summarizeSignIn(event: SignInEvent): SignInSummary {
  return {
    id: event.id,
    createdDateTime: event.createdDateTime,
    userPrincipalName: event.userPrincipalName,
    appDisplayName: event.appDisplayName,
    errorCode: event.errorCode,
    deviceId: event.device.deviceId,
  };
}

/**
 * One sign-in, with what the admin gave about the device, judged by the same rules as the fleet path
 * (lib/rules/signin). A directory object is the presented device's when its deviceId is the sign-in's, else the
 * report's machine's (the caller checks it is one of the two).
 */
export function diagnoseSignIn(input: DiagnoseSignInInput): DiagnoseSignInResult {
  const event = mapGraphSignIn(input.signIn);
  const presented = event.device.deviceId;
  const report = input.report ?? null;
  const directory = input.directory;
  const objectIsPresented = directory !== undefined && presented !== null && (directory === null || directory.deviceId?.toLowerCase() === presented);
  const machines: SignInMachine[] = report
    ? [
        {
          hostname: report.deviceName?.split(".")[0] ?? "the user's machine",
          deviceId: report.deviceId?.toLowerCase() ?? null,
          report,
          capturedAt: resolveCaptureTime(report).at,
          ...(directory !== undefined && !objectIsPresented ? { directory } : {}),
          linkedBy: "given",
          subjectKey: null,
        },
      ]
    : [];
  const evaluation = evaluateSignIn({
    signIn: event,
    ...(objectIsPresented ? { presentedObject: directory } : {}),
    machines,
  });
  return { signIn: summarizeSignIn(event), findings: evaluation.findings, evaluation };
}
