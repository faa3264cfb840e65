/**
 * User-name redaction, shared by the Windows agent's -RedactUserNames (public/agent/Invoke-JoinScopeAgent.ps1,
 * mirrored step by step here) and by the server for tenants with "Redact user names" on: `DOMAIN\name` and
 * `name@domain` become `user-xxxxxx` (an HMAC of the name), so reports of one user still group together
 * while the name itself is never stored.
 */
import { createHmac } from "node:crypto";

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
