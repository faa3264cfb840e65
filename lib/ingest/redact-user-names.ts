/**
 * User-name redaction, shared by the Windows agent's -RedactUserNames (public/agent/Invoke-JoinScopeAgent.ps1,
 * mirrored step by step here) and by the server for tenants with "Redact user names" on: `DOMAIN\name` and
 * `name@domain` become `user-xxxxxx` (an HMAC of the name), so reports of one user still group together
 * while the name itself is never stored.
 *
 * The script replaces one name at a time over the whole text (one regular expression per name). That costs
 * names × text: an upload of tens of thousands of distinct UPN-shaped strings would hold the server's event loop
 * for minutes (bench/RESULTS.md, "Figures behind choices in the code"). Here each text is walked once per step,
 * the tokens are kept in a Map, and the number of names one upload may make us hash is bounded. The output is the script's for every input where the script's
 * patterns cannot overlap (a Windows account name never holds a backslash; see `redactableAccount`).
 */
import { createHmac } from "node:crypto";

/** `Get-UserToken`: HMAC-SHA256(salt, lower-cased name), first three bytes in hex. */
export function userToken(name: string, salt: string): string {
  return "user-" + createHmac("sha256", Buffer.from(salt, "utf8")).update(name.toLowerCase(), "utf8").digest("hex").slice(0, 6);
}

// .NET's \w matches Unicode letters and digits; JavaScript's needs the u flag and \p{…}.
const W = String.raw`\p{L}\p{Mn}\p{Nd}\p{Pc}`;
/** Linear: a name may not start right after a name character (the lookbehind), so each run is tried from one place. */
const UPN = new RegExp(String.raw`(?<![${W}.%+'\-])([${W}.%+'\-]+)@((?:[A-Za-z0-9\-]+\.)+[A-Za-z]{2,})`, "gu");
/** `(?![\w.\-])` after an account name. */
const ACCOUNT_NAME_CHAR = new RegExp(String.raw`[${W}.\-]`, "u");
const TOKEN = /^user-[0-9a-f]{6}$/;

/**
 * `Get-AccountNames`: `DOMAIN\name` from every `Executing Account Name` line. `[ \t]*`, not `\s*`: with the m flag
 * `^\s*` crosses line breaks, so on n blank lines every line start walks all the blank lines after it (n²: seconds
 * for an upload's worth of blank lines).
 */
export function accountNames(texts: (string | null | undefined)[]): string[] {
  const accounts: string[] = [];
  for (const text of texts) {
    if (!text) continue;
    for (const m of text.matchAll(/^[ \t]*Executing Account Name[ \t]*:[ \t]*([^,\r\n]+)/gm)) accounts.push(m[1]!.trim());
  }
  return accounts;
}

export interface RedactionLimits {
  /** Distinct `DOMAIN\name` accounts to look for (each costs a comparison at every backslash). */
  maxAccounts: number;
  /** Distinct names hashed into tokens (each costs an HMAC). */
  maxNames: number;
}

/**
 * The server's bounds. A real report names one or two accounts (the user's, SYSTEM's) and a handful of UPNs; these
 * are far above that and keep one upload's redaction to a few milliseconds.
 */
export const REDACTION_LIMITS: RedactionLimits = { maxAccounts: 16, maxNames: 1000 };

export type RedactionError = { code: "too-many-accounts" | "too-many-user-names"; message: string; limit: number };

/**
 * One upload's redaction: the accounts to look for, and the tokens made so far (the same name in the report and
 * its events is hashed once). `protect` returns null once a limit is passed; the caller refuses the upload.
 */
export class UserNameRedactor {
  private readonly accounts: { lower: string; token: string }[] = [];
  private readonly tokens = new Map<string, string>();
  /** Set when `protect` returned null. */
  error: RedactionError | null = null;

  constructor(
    accounts: string[],
    private readonly salt: string,
    private readonly limits: RedactionLimits = { maxAccounts: Infinity, maxNames: Infinity },
  ) {
    const seen = new Set<string>();
    for (const account of accounts) {
      const name = redactableAccount(account);
      if (name === null) continue;
      const lower = lowerChars(name);
      if (seen.has(lower)) continue;
      seen.add(lower);
      this.accounts.push({ lower, token: this.tokenFor(name) });
    }
    if (this.accounts.length > limits.maxAccounts) {
      this.error = {
        code: "too-many-accounts",
        message: `The report names ${this.accounts.length} different Executing Account Name accounts; at most ${limits.maxAccounts} are accepted`,
        limit: limits.maxAccounts,
      };
    }
  }

  /** `Protect-UserNames` on one text, or null when this upload passes a limit (see `error`). */
  protect(text: string): string | null {
    if (this.error) return null;
    if (this.accounts.length > 0) text = this.protectAccounts(text);
    let out = "";
    let copied = 0;
    UPN.lastIndex = 0;
    for (let m = UPN.exec(text); m !== null; m = UPN.exec(text)) {
      const name = m[1]!;
      if (TOKEN.test(name)) continue;
      const token = this.tokenFor(name);
      if (this.tokens.size > this.limits.maxNames) {
        this.error = {
          code: "too-many-user-names",
          message: `The report names more than ${this.limits.maxNames} different users (name@domain); a device's report names a few`,
          limit: this.limits.maxNames,
        };
        return null;
      }
      out += text.slice(copied, m.index) + token;
      copied = m.index + name.length;
    }
    return copied === 0 ? text : out + text.slice(copied);
  }

  /**
   * `DOMAIN\name` → `DOMAIN\user-xxxxxx`: the script's `(?<=\\)name(?![\w.\-])` for each account in turn, as one
   * walk over the backslashes where the first account (in the script's order) that matches wins, as it does there.
   * A comparison stops at the first differing character, and an account name holds no backslash, so the
   * comparisons started at one backslash never read past the next one: the walk costs at most accounts × text.
   */
  private protectAccounts(text: string): string {
    let out = "";
    let copied = 0;
    for (let slash = text.indexOf("\\"); slash !== -1; slash = text.indexOf("\\", slash + 1)) {
      const start = slash + 1;
      for (const account of this.accounts) {
        const end = matchLower(text, start, account.lower);
        if (end === -1 || (end < text.length && ACCOUNT_NAME_CHAR.test(charAt(text, end)))) continue;
        out += text.slice(copied, start) + account.token;
        copied = end;
        slash = end - 1;
        break;
      }
    }
    return copied === 0 ? text : out + text.slice(copied);
  }

  private tokenFor(name: string): string {
    const key = name.toLowerCase();
    let token = this.tokens.get(key);
    if (token === undefined) {
      token = userToken(name, this.salt);
      this.tokens.set(key, token);
    }
    return token;
  }
}

/** `Protect-UserNames` with no limit, as the agent runs it (tests/agent/agent-payload.ts builds its fixtures with it). */
export function protectUserNames(text: string, accounts: string[], salt: string): string {
  return new UserNameRedactor(accounts, salt).protect(text)!;
}

/**
 * The name part of an account the script would redact, or null: SYSTEM, machine accounts (`PC$`) and existing
 * tokens are kept. A name with a backslash is not an account: Windows user and group names cannot contain
 * `\ / [ ] : ; | = , + * ? < > "` (https://learn.microsoft.com/previous-versions/windows/it-pro/windows-server-2003/cc783323(v=ws.10)),
 * and skipping them is what keeps the walk in protectAccounts linear.
 */
function redactableAccount(account: string): string | null {
  const slash = account.indexOf("\\");
  if (slash < 0) return null;
  const name = account.slice(slash + 1);
  if (name === "" || name.includes("\\")) return null;
  if (name.toUpperCase() === "SYSTEM" || name.endsWith("$") || TOKEN.test(name)) return null;
  return name;
}

/** Lower-cases one UTF-16 unit at a time, so that positions in the text and in the name stay aligned. */
function lowerChars(s: string): string {
  let out = "";
  for (let i = 0; i < s.length; i++) out += lowerUnit(s.charCodeAt(i));
  return out;
}

function lowerUnit(c: number): string {
  if (c >= 0x41 && c <= 0x5a) return String.fromCharCode(c + 0x20);
  if (c < 0x80) return String.fromCharCode(c);
  const lower = String.fromCharCode(c).toLowerCase();
  return lower.length === 1 ? lower : String.fromCharCode(c);
}

/** The end of `lower` in `text` at `start`, compared without case, or -1. Stops at the first difference. */
function matchLower(text: string, start: number, lower: string): number {
  if (start + lower.length > text.length) return -1;
  for (let i = 0; i < lower.length; i++) {
    if (lowerUnit(text.charCodeAt(start + i)) !== lower[i]) return -1;
  }
  return start + lower.length;
}

/** The code point at `i` (a surrogate pair whole), for the lookahead test. */
function charAt(text: string, i: number): string {
  return String.fromCodePoint(text.codePointAt(i)!);
}
