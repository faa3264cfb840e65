/**
 * The parsed form of `dsregcmd /status` output. This is a public contract: the CLI's
 * `joinscope parse --format json` prints exactly these fields (issue 3), and stored reports
 * keep them. Fields absent from the input are `null`, never guessed.
 */

export type JoinType = "hybrid" | "entra" | "registered" | "domain" | "none";

/** One `Key : Value` line as printed, in order. Unkeyed continuation lines are appended to the previous value. */
export interface DsregField {
  key: string;
  value: string;
}

/** One boxed section (`| Device State |`), or the flat pre-1803 layout's single block. */
export interface DsregSection {
  name: string;
  fields: DsregField[];
}

export interface ParsedDsregcmd {
  joinType: JoinType;
  /** Registration id as dsregcmd prints it (lower-case GUID). */
  deviceId: string | null;
  tenantId: string | null;
  tenantName: string | null;
  deviceName: string | null;
  domainName: string | null;
  /** 40 upper-case hex characters. */
  thumbprint: string | null;
  /** ISO 8601 UTC with milliseconds, e.g. 2019-04-03T17:25:24.000Z */
  certValidFrom: string | null;
  certValidTo: string | null;
  prtUpdateTime: string | null;
  prtExpiryTime: string | null;
  tpmProtected: boolean | null;
  azureAdPrt: boolean | null;
  azureAdJoined: boolean | null;
  domainJoined: boolean | null;
  workplaceJoined: boolean | null;
  enterpriseJoined: boolean | null;
  /** First word of DeviceAuthStatus only. */
  deviceAuthStatus: "SUCCESS" | "FAILED" | null;
  /** Lower-case hex, e.g. 0xc000006d (from "Attempt Status"). */
  prtAttemptStatus: string | null;
  /** e.g. invalid_grant */
  prtServerErrorCode: string | null;
  /** First AADSTSnnnn code in the server error description, e.g. "AADSTS50155". */
  aadsts: string | null;
  executingAccount: string | null;
  sections: DsregSection[];
}

export type ParseErrorCode = "empty" | "binary" | "not-dsregcmd" | "too-large" | "too-many-lines" | "too-many-fields" | "too-many-sections";

export type ParseResult =
  | { ok: true; report: ParsedDsregcmd; warnings: string[] }
  | { ok: false; error: { code: ParseErrorCode; message: string; /** The limit passed, for the too-* codes. */ limit?: number } };

/** One AAD Operational / User Device Registration event as an agent uploads it. */
export interface AgentEvent {
  id: number;
  time: string;
  level: string;
  task?: string | null;
  message: string;
  log?: string | null;
}
