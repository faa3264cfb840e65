import type { ParsedDsregcmd } from "@/lib/reports/types";
import type { DirectoryObject } from "@/lib/rules/device-subject";

/**
 * The inputs of the sign-in rules: one Entra ID sign-in event (Microsoft Graph `signIn`,
 * https://learn.microsoft.com/graph/api/resources/signin) and what JoinScope knows about the device around it, as plain
 * data (dates are ISO 8601 strings) so the rules stay pure. lib/signins/map-graph-sign-in.ts builds a SignInEvent from
 * Graph's JSON; the CLI and the fleet path (lib/signins) build the rest.
 */

/** One `appliedConditionalAccessPolicy` (https://learn.microsoft.com/graph/api/resources/appliedconditionalaccesspolicy). */
export interface SignInPolicy {
  id: string | null;
  displayName: string | null;
  /** As the log writes them: `RequireCompliantDevice`, `RequireDomainJoinedDevice`, `Mfa`, `Block`… */
  enforcedGrantControls: string[];
  /** success | failure | notApplied | notEnabled | reportOnly… */
  result: string | null;
}

/** `deviceDetail` (https://learn.microsoft.com/graph/api/resources/devicedetail): filled only for a device the client presented. */
export interface SignInDeviceDetail {
  /** Lower-case GUID, or null when Graph sent none (it sends `""`). */
  deviceId: string | null;
  displayName: string | null;
  /** "Windows 10", "Windows", "Ios", "MacOs"… */
  operatingSystem: string | null;
  /** "Chrome 122.0.0", "Edge 121.0.2277", "Firefox 123.0", "Rich Client 4.59.0.0"… */
  browser: string | null;
  isCompliant: boolean | null;
  isManaged: boolean | null;
  /** As the log writes it: "Hybrid Azure AD joined", "Azure AD joined", "Azure AD registered" (or the Entra names). */
  trustType: string | null;
}

export interface SignInEvent {
  id: string;
  createdDateTime: string;
  userPrincipalName: string | null;
  userDisplayName: string | null;
  userId: string | null;
  appId: string | null;
  appDisplayName: string | null;
  resourceDisplayName: string | null;
  /** "Browser", "Mobile Apps and Desktop clients", "Exchange ActiveSync", "Other clients"… */
  clientAppUsed: string | null;
  isInteractive: boolean | null;
  ipAddress: string | null;
  correlationId: string | null;
  /** success | failure | notApplied | unknownFutureValue */
  conditionalAccessStatus: string | null;
  /** status.errorCode: 0 on success, 53000 DeviceNotCompliant… */
  errorCode: number;
  failureReason: string | null;
  additionalDetails: string | null;
  device: SignInDeviceDetail;
  /** Empty when the app may not read Conditional Access data (the log then leaves the policies out). */
  policies: SignInPolicy[];
}

/** How JoinScope tied a machine to the sign-in. */
export type MachineLink =
  /** Its report prints the deviceId the sign-in presented. */
  | "presented-device"
  /** Its reports show the sign-in's user signed in on it around the sign-in's time (executing account, User Identity). */
  | "user-and-time"
  /** The admin gave its report with the sign-in (`joinscope signin-diagnose SIGNIN.json REPORT.txt`). */
  | "given";

/** A Windows machine of the sign-in's user, with the report of it nearest the sign-in. */
export interface SignInMachine {
  hostname: string;
  /** The DeviceId its report prints, or null when it is not joined or registered. */
  deviceId: string | null;
  report: ParsedDsregcmd;
  /** When dsregcmd ran, or null when unknown (a pasted report without Client Time). */
  capturedAt: string | null;
  /**
   * The object with the report's deviceId as JoinScope holds it (deleted included); null when there is none; undefined
   * when JoinScope did not look (the command line without a directory object for it).
   */
  directory?: DirectoryObject | null;
  linkedBy: MachineLink;
  /** The device's key in JoinScope (`d:<deviceId>`), to link its page and findings; null in the command line. */
  subjectKey: string | null;
}

export interface SignInSubject {
  signIn: SignInEvent;
  /**
   * The directory object whose deviceId is the one the sign-in presented (deleted ones included); null when JoinScope
   * holds none (or Graph answered "not found" for it); undefined when nobody looked (no deviceId, or the command line
   * without DEVICE.json).
   */
  presentedObject?: DirectoryObject | null;
  /** The user's machines around the sign-in's time: the one that presented the device, or those the user was on. */
  machines: SignInMachine[];
}
