/**
 * TypeScript twins of the payload steps in public/agent/Invoke-JoinScopeAgent.ps1, used to build the
 * recorded fixtures in ./fixtures and to test the redaction rules without Windows. Keep each function
 * in step with the PowerShell function named in its comment.
 */
import { createHmac } from "node:crypto";
import type { ReportUpload } from "@/lib/ingest/upload-schema";

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

export const AGENT_VERSION = "1.0.0";

/** `Invoke-Dsregcmd`: output lines joined with CRLF plus a final CRLF. */
export function inProcessCapture(text: string): string {
  const lines = text.replace(/\r\n?/g, "\n").replace(/\n+$/, "").split("\n");
  return lines.join("\r\n") + "\r\n";
}

/** `Get-UserToken`: HMAC-SHA256(salt, lower-cased name), first three bytes in hex. */
export function userToken(name: string, salt: string): string {
  return "user-" + createHmac("sha256", Buffer.from(salt, "utf8")).update(name.toLowerCase(), "utf8").digest("hex").slice(0, 6);
}

// .NET's \w matches Unicode letters and digits; JavaScript's needs the u flag and \p{…}.
const W = String.raw`\p{L}\p{Mn}\p{Nd}\p{Pc}`;
const UPN = new RegExp(String.raw`(?<![${W}.%+'\-])([${W}.%+'\-]+)@((?:[A-Za-z0-9\-]+\.)+[A-Za-z]{2,})`, "gu");
const TOKEN = /^user-[0-9a-f]{6}$/;
const escapeRegExp = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

/** `Get-AccountNames`: `DOMAIN\name` from every `Executing Account Name` line. */
export function accountNames(texts: (string | null | undefined)[]): string[] {
  const accounts: string[] = [];
  for (const text of texts) {
    if (!text) continue;
    for (const m of text.matchAll(/^\s*Executing Account Name\s*:\s*([^,\r\n]+)/gm)) accounts.push(m[1]!.trim());
  }
  return accounts;
}

/** `Protect-UserNames`: `DOMAIN\name` → `DOMAIN\user-xxxxxx` for known accounts, `name@domain` →
 * `user-xxxxxx@domain` for every UPN-shaped string. The domain part is kept. */
export function protectUserNames(text: string, accounts: string[], salt: string): string {
  for (const account of accounts) {
    const slash = account.indexOf("\\");
    if (slash < 0) continue;
    const name = account.slice(slash + 1);
    if (name.toUpperCase() === "SYSTEM" || name.endsWith("$") || TOKEN.test(name)) continue;
    const pattern = new RegExp(String.raw`(?<=\\)${escapeRegExp(name)}(?![${W}.\-])`, "giu");
    text = text.replace(pattern, userToken(name, salt));
  }
  const names = [...new Set([...text.matchAll(UPN)].map((m) => m[1]!))].sort();
  for (const name of names) {
    if (TOKEN.test(name)) continue;
    const pattern = new RegExp(String.raw`(?<![${W}.%+'\-])${escapeRegExp(name)}(?=@(?:[A-Za-z0-9\-]+\.)+[A-Za-z]{2,})`, "giu");
    text = text.replace(pattern, userToken(name, salt));
  }
  return text;
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
