/**
 * TypeScript twins of the payload steps in public/agent/Invoke-JoinScopeAgent.ps1, used to build the
 * recorded fixtures in ./fixtures and to test the redaction rules without Windows. Keep each function
 * in step with the PowerShell function named in its comment.
 */
import { accountNames, protectUserNames } from "@/lib/ingest/redact-user-names";
import type { ReportUpload } from "@/lib/ingest/upload-schema";

export { accountNames, protectUserNames, userToken } from "@/lib/ingest/redact-user-names";

export type AgentEvent = NonNullable<ReportUpload["events"]>[number];

/** Key order of `$payload` in the script (an `[ordered]` hashtable), optional keys omitted when empty. */
export interface AgentPayload {
  hostname: string;
  capturedAt: string;
  agentVersion: string;
  dsregcmd: string;
  dsregcmdSystem?: string;
  events: AgentEvent[];
  computerDn?: string;
  objectGuid?: string;
  osBuild: string;
}

export const AGENT_VERSION = "2.1.0";

/** `Invoke-Dsregcmd`: output lines joined with CRLF plus a final CRLF. */
export function inProcessCapture(text: string): string {
  const lines = text.replace(/\r\n?/g, "\n").replace(/\n+$/, "").split("\n");
  return lines.join("\r\n") + "\r\n";
}

/** `-RedactUserNames` applied to a whole payload, as the script's main block does. */
export function redactPayload(payload: AgentPayload, salt: string, signedInUser?: string): AgentPayload {
  const accounts = accountNames([payload.dsregcmd, payload.dsregcmdSystem]);
  if (signedInUser) accounts.push(signedInUser);
  return {
    ...payload,
    dsregcmd: protectUserNames(payload.dsregcmd, accounts, salt),
    ...(payload.dsregcmdSystem ? { dsregcmdSystem: protectUserNames(payload.dsregcmdSystem, accounts, salt) } : {}),
    events: payload.events.map((e) => ({ ...e, message: protectUserNames(e.message, accounts, salt) })),
  };
}

/**
 * `ConvertTo-Json -Compress` then UTF-8 bytes without a BOM. PowerShell 7 (Newtonsoft) escapes like
 * JSON.stringify; Windows PowerShell 5.1 (JavaScriptSerializer) also escapes `<`, `>`, `&` and `'`.
 */
export function serializePayload(payload: AgentPayload, edition: "5.1" | "7"): Buffer {
  let json = JSON.stringify(payload);
  if (edition === "5.1") {
    json = json.replace(/[<>&']/g, (c) => "\\u" + c.charCodeAt(0).toString(16).padStart(4, "0"));
  }
  return Buffer.from(json, "utf8");
}
