/**
 * Parses `dsregcmd /status` output into the `ParsedDsregcmd` contract (./types.ts).
 *
 * Format (docs/domain.md, *Reading `dsregcmd /status`*; https://learn.microsoft.com/entra/identity/devices/troubleshoot-device-dsregcmd):
 * boxed section headers (`+----+` / `| Name |` / `+----+`), then `Key : Value` lines with keys
 * right-aligned near column 26. Builds before 1803 print one flat block with `Key: Value`.
 * Values hold colons (URLs, times, `FAIL [0x801c0021/0x80072ee2]`), so a line splits on its first
 * colon that is followed by a space or the end of the line.
 *
 * One pass over the lines, no regular expression runs over the whole text.
 */
import { checkControlCharacters, decodeReportTextKeepingLineEndings } from "./decode-report-text";
import { checkLineCount, REPORT_LIMITS, tooMany, type ReportLimitError } from "./report-limits";
import type { DsregField, DsregSection, JoinType, ParsedDsregcmd, ParseResult } from "./types";

/** Real reports are 2–15 KiB; anything near this limit is not a single dsregcmd capture. */
export const DEFAULT_MAX_BYTES = 512 * 1024;

export interface ParseDsregcmdOptions {
  /** Reject inputs larger than this many bytes (UTF-8 bytes for strings). Default 512 KiB. */
  maxBytes?: number;
  /** Reject inputs with more lines, fields or sections than these (./report-limits.ts). */
  limits?: { maxLines: number; maxFields: number; maxSections: number };
}

const DEVICE_STATE = "device state";
/** The last line of every capture since 1803; never part of a value even without a blank line before it. */
const FOOTER = "For more information, please visit";

/** Section names dsregcmd prints; used only to word the error for partial pastes. */
const KNOWN_SECTIONS = new Set([
  "device state",
  "device details",
  "tenant details",
  "user state",
  "sso state",
  "diagnostic data",
  "ie proxy config for current user",
  "ie proxy config for system account",
  "url specific proxy config",
  "winhttp default proxy config",
  "ngc prerequisite check",
]);

/** Keys whose first occurrence feeds a contract field. */
const DERIVED_FROM = new Set([
  "DomainJoined",
  "EnterpriseJoined",
  "WorkplaceJoined",
  "WorkplaceDeviceId",
  "DeviceId",
  "TenantId",
  "TenantName",
  "DomainName",
  "AzureAdPrt",
  "DeviceAuthStatus",
  "Executing Account Name",
]);

/** Fields printed under `AzureAdPrt` (21H1+) when the last PRT attempt failed. */
const PRT_DIAGNOSTIC_KEYS = new Set(["Attempt Status", "Server Error Code", "Server Error Description"]);

export function parseDsregcmd(input: Uint8Array | string, options: ParseDsregcmdOptions = {}): ParseResult {
  const maxBytes = options.maxBytes ?? DEFAULT_MAX_BYTES;
  const size = typeof input === "string" ? utf8Length(input, maxBytes) : input.byteLength;
  if (size > maxBytes) {
    return {
      ok: false,
      error: {
        code: "too-large",
        message: `The report is larger than ${formatBytes(maxBytes)}. A dsregcmd /status capture is a few KiB; upload the output of a single run.`,
      },
    };
  }

  // Control characters are counted only if the text turns out not to be dsregcmd output: a report
  // with a Device State box is accepted even with a stray escape sequence, and clean text skips a pass.
  const decoded = decodeReportTextKeepingLineEndings(input, { checkControlCharacters: false });
  if (!decoded.ok) return { ok: false, error: decoded.error };
  const text = decoded.text;
  const limits = options.limits ?? REPORT_LIMITS;
  const tooManyLines = checkLineCount(text, limits.maxLines);
  if (tooManyLines) return { ok: false, error: tooManyLines };

  const scan = scanSections(text, limits);
  if ("code" in scan) return { ok: false, error: scan };
  const deviceState = findDeviceState(scan.sections);
  if (!deviceState) {
    const binary = checkControlCharacters(text);
    if (binary !== null && !binary.ok) return { ok: false, error: binary.error };
    return { ok: false, error: { code: "not-dsregcmd", message: explainNotDsregcmd(text, scan.sections) } };
  }

  const warnings = scan.warnings;
  const report = deriveReport(scan.sections, deviceState, warnings);
  return { ok: true, report, warnings };
}

/** The Device State box with its AzureAdJoined line: what makes text dsregcmd output. */
function findDeviceState(sections: DsregSection[]): DsregSection | undefined {
  for (const section of sections) {
    if (section.name.toLowerCase() === DEVICE_STATE && valueOf(section, "AzureAdJoined") !== undefined) return section;
  }
  return undefined;
}

// ---------------------------------------------------------------------------------------------
// Pass 1: lines → sections and fields. Works on positions in the text so that only keys and
// values are copied out; `\r` before `\n` is treated as part of the line break.

interface Scan {
  sections: DsregSection[];
  warnings: string[];
}

class LineScanner {
  /** Current line is text[start, end); `next` is where the following line starts. */
  start = 0;
  end = 0;
  next = 0;
  /** Cached positions of the next ":" and "\r" at or after the current line, -1 when none. */
  private colon: number;
  private cr: number;

  constructor(private readonly text: string) {
    this.colon = text.indexOf(":");
    this.cr = text.indexOf("\r");
  }

  /** Moves to the line starting at `from`; false at the end of the text. Takes LF, CRLF and lone CR. */
  moveTo(from: number): boolean {
    const text = this.text;
    if (from >= text.length) return false;
    let nl = text.indexOf("\n", from);
    if (nl === -1) nl = text.length;
    if (this.cr !== -1 && this.cr < from) this.cr = text.indexOf("\r", from);
    this.start = from;
    const cr = this.cr;
    if (cr !== -1 && cr < nl) {
      // CRLF; CR CR LF (CRLF text written again through a text-mode stream); or a lone CR (old Mac
      // editors, some paste boxes) that ends the line by itself.
      this.end = cr;
      this.next = cr + 1 === nl || (cr + 2 === nl && text.charCodeAt(cr + 1) === 0x0d) ? nl + 1 : cr + 1;
    } else {
      this.end = nl;
      this.next = nl + 1;
    }
    return true;
  }

  /** The first ":" on the current line at or after `from`, or -1. Amortised O(1): positions only grow. */
  colonFrom(from: number): number {
    if (this.colon !== -1 && this.colon < from) this.colon = this.text.indexOf(":", from);
    return this.colon !== -1 && this.colon < this.end ? this.colon : -1;
  }
}

function scanSections(text: string, limits: { maxFields: number; maxSections: number }): Scan | ReportLimitError {
  let fieldCount = 0;
  const sections: DsregSection[] = [];
  const warnings: string[] = [];
  let current: DsregSection | null = null;
  // Field lines before the first box: a paste that starts below the Device State header, or the
  // prompt and banner of the console the output was copied from.
  let preamble: DsregSection | null = null;
  // null until AzureAdJoined tells which layout this is: `Key: Value` (pre-1803) or `Key : Value`.
  let flatLayout: boolean | null = null;
  let last: DsregField | null = null;
  let lastEndsWithSpace = false;

  const line = new LineScanner(text);
  let from = 0;
  while (line.moveTo(from)) {
    from = line.next;
    const { end } = line;
    const start = skipSpaces(text, line.start, end);
    if (start === end) {
      last = null;
      continue;
    }

    const first = text.charCodeAt(start);
    if (first === 0x2b /* + */ && isRule(text, start, end)) {
      last = null;
      // A rule with a `| Name |` line below opens a section; a lone rule closes a box in some copies.
      if (!line.moveTo(from)) break;
      const name = headerName(text, line.start, line.end);
      if (name === null) continue; // the line below is processed normally on the next turn
      if (current === null && preamble !== null) keepPreamble(preamble, sections, warnings);
      preamble = null;
      current = { name, fields: [] };
      if (sections.push(current) > limits.maxSections) return tooMany("too-many-sections", "sections", limits.maxSections);
      from = line.next;
      if (line.moveTo(from) && isRule(text, skipSpaces(text, line.start, line.end), line.end)) from = line.next;
      continue;
    }

    const field = first === 0x7c /* | */ ? null : readField(text, line, start, flatLayout);
    if (field !== null) {
      if (flatLayout === null && field.key === "AzureAdJoined") flatLayout = !fieldWasSpaced;
      const target = current ?? (preamble ??= { name: "Device State", fields: [] });
      target.fields.push(field);
      if (++fieldCount > limits.maxFields) return tooMany("too-many-fields", "fields", limits.maxFields);
      last = field;
      lastEndsWithSpace = isSpace(text.charCodeAt(end - 1));
      continue;
    }

    if (last !== null && !text.startsWith(FOOTER, start)) {
      // An unkeyed line right below a field continues its value. At column 0 it is a console hard
      // wrap that can split a word or GUID, so it joins directly; indented, it is a new word.
      const piece = text.slice(start, trimEnd(text, start, end));
      const joiner = start > line.start || lastEndsWithSpace ? " " : "";
      last.value = last.value === "" ? piece : last.value + joiner + piece;
      lastEndsWithSpace = isSpace(text.charCodeAt(end - 1));
    }
    // Otherwise: "Waiting for Diagnostics Task…", the aadjerrors footer, prompts. Not data.
  }
  if (current === null && preamble !== null) keepPreamble(preamble, sections, warnings);
  return { sections, warnings };
}

/** Keeps header-less leading fields only when they are the Device State block itself. */
function keepPreamble(preamble: DsregSection, sections: DsregSection[], warnings: string[]): void {
  if (preamble.fields.some((f) => f.key === "AzureAdJoined")) {
    sections.unshift(preamble);
    warnings.push("The report has no Device State header; the lines before the first box were read as Device State.");
  }
}

/** Set by readField: true for `Key : Value`, false for the pre-1803 `Key: Value`. */
let fieldWasSpaced = true;

function readField(text: string, line: LineScanner, start: number, flatLayout: boolean | null): DsregField | null {
  const colon = line.colonFrom(start);
  if (colon <= start) return null;
  const end = line.end;
  // `https://…`, `12:30`: this colon is inside a value, so the line has no key.
  if (colon + 1 < end && !isSpace(text.charCodeAt(colon + 1))) return null;
  const spaced = isSpace(text.charCodeAt(colon - 1));
  // In the spaced layout a `Word: …` line at column 0 is a wrapped value ("…Correlation ID: …").
  if (!spaced && start === line.start && flatLayout === false) return null;

  let keyEnd = colon;
  while (keyEnd > start && isSpace(text.charCodeAt(keyEnd - 1))) keyEnd--;
  if (!isKeyLike(text, start, keyEnd)) return null;

  let valueStart = skipSpaces(text, colon + 1, end);
  // Pre-1803 prints `KeySignTest: : MUST Run elevated to test.`: drop the doubled separator.
  if (!spaced && text.charCodeAt(valueStart) === 0x3a && (valueStart + 1 === end || isSpace(text.charCodeAt(valueStart + 1)))) {
    valueStart = skipSpaces(text, valueStart + 1, end);
  }
  fieldWasSpaced = spaced;
  return { key: text.slice(start, keyEnd), value: text.slice(valueStart, trimEnd(text, valueStart, end)) };
}

/** ASCII characters allowed in a key: 1 = may start it (letter, digit), 2 = inside only. */
const KEY_CHARS = (() => {
  const table = new Uint8Array(128);
  for (let c = 0x30; c <= 0x39; c++) table[c] = 1;
  for (let c = 0x41; c <= 0x5a; c++) table[c] = 1;
  for (let c = 0x61; c <= 0x7a; c++) table[c] = 1;
  for (const ch of " '()-./\\_") table[ch.charCodeAt(0)] = 2;
  return table;
})();

/** Keys are short labels: letters, digits, spaces and a little punctuation (`Auto-Configuration URL`). */
function isKeyLike(text: string, start: number, end: number): boolean {
  const length = end - start;
  if (length < 1 || length > 64) return false;
  const first = text.charCodeAt(start);
  if (first < 128 ? KEY_CHARS[first] !== 1 : first < 0xc0) return false;
  for (let i = start + 1; i < end; i++) {
    const c = text.charCodeAt(i);
    // Non-ASCII letters are allowed in case a build localises its keys.
    if (c < 128 ? KEY_CHARS[c] === 0 : c < 0xc0) return false;
  }
  return true;
}

function isSpace(c: number): boolean {
  return c === 0x20 || c === 0x09;
}

function skipSpaces(text: string, from: number, end: number): number {
  while (from < end && isSpace(text.charCodeAt(from))) from++;
  return from;
}

function trimEnd(text: string, start: number, end: number): number {
  while (end > start && isSpace(text.charCodeAt(end - 1))) end--;
  return end;
}

/** `+------…------+`, possibly indented or with trailing spaces. */
function isRule(text: string, start: number, end: number): boolean {
  end = trimEnd(text, start, end);
  return end - start >= 12 && text.startsWith("+----------", start) && text.startsWith("-+", end - 2);
}

/** `| Device State        |` → "Device State". */
function headerName(text: string, start: number, end: number): string | null {
  start = skipSpaces(text, start, end);
  end = trimEnd(text, start, end);
  if (text.charCodeAt(start) !== 0x7c) return null;
  if (end - start > 1 && text.charCodeAt(end - 1) === 0x7c) end--;
  start = skipSpaces(text, start + 1, end);
  end = trimEnd(text, start, end);
  return end > start ? text.slice(start, end) : null;
}

// ---------------------------------------------------------------------------------------------
// Pass 2: sections → contract fields

function deriveReport(sections: DsregSection[], deviceState: DsregSection, warnings: string[]): ParsedDsregcmd {
  // First occurrence of each key wins: Device Details comes before Work Account N, and the
  // Diagnostic Data's Executing Account Name before the proxy sections' copy.
  const firstField = new Map<string, { value: string; section: DsregSection }>();
  for (const section of sections) {
    for (const field of section.fields) {
      if (DERIVED_FROM.has(field.key) && !firstField.has(field.key)) firstField.set(field.key, { value: field.value, section });
    }
  }
  const firstValue = (key: string) => firstField.get(key)?.value;
  const inDeviceState = (key: string) => valueOf(deviceState, key);

  const azureAdJoined = readYesNo("AzureAdJoined", inDeviceState("AzureAdJoined"), warnings);
  const domainJoined = readYesNo("DomainJoined", firstValue("DomainJoined"), warnings);
  const enterpriseJoined = readYesNo("EnterpriseJoined", firstValue("EnterpriseJoined"), warnings);
  const workplaceJoined = readYesNo("WorkplaceJoined", firstValue("WorkplaceJoined"), warnings);

  // Registered devices (Work Account N, or User State on old builds) hold Workplace* fields instead.
  const workAccount = firstField.get("WorkplaceDeviceId")?.section;

  const joinType = decideJoinType(azureAdJoined, domainJoined, enterpriseJoined, workplaceJoined, workAccount !== undefined);

  // Device Details on 1803+, the flat Device State block before that.
  const registration = firstField.get("DeviceId")?.section;
  const useWorkplace = registration === undefined && joinType === "registered" && workAccount !== undefined;
  const reg = (key: string, workplaceKey: string) =>
    registration !== undefined ? valueOf(registration, key) : useWorkplace ? valueOf(workAccount!, workplaceKey) : undefined;

  const deviceId = readGuid("DeviceId", reg("DeviceId", "WorkplaceDeviceId"), warnings);
  const thumbprint = readThumbprint(reg("Thumbprint", "WorkplaceThumbprint"), warnings);
  const validity = readValidity(reg("DeviceCertificateValidity", "DeviceCertificateValidity"), warnings);
  const tpmProtected = readYesNo("TpmProtected", reg("TpmProtected", "TpmProtected"), warnings);

  const tenantId = readGuid("TenantId", firstValue("TenantId") ?? (useWorkplace ? valueOf(workAccount!, "WorkplaceTenantId") : undefined), warnings);
  const tenantName = nonEmpty(firstValue("TenantName") ?? (useWorkplace ? valueOf(workAccount!, "WorkplaceTenantName") : undefined));

  const prt = readPrt(firstField.get("AzureAdPrt")?.section, warnings);

  return {
    joinType,
    deviceId,
    tenantId,
    tenantName,
    deviceName: nonEmpty(inDeviceState("Device Name")),
    domainName: nonEmpty(firstValue("DomainName")),
    thumbprint,
    certValidFrom: validity.from,
    certValidTo: validity.to,
    prtUpdateTime: prt.updateTime,
    prtExpiryTime: prt.expiryTime,
    tpmProtected,
    azureAdPrt: prt.azureAdPrt,
    azureAdJoined,
    domainJoined,
    workplaceJoined,
    enterpriseJoined,
    deviceAuthStatus: readDeviceAuthStatus(firstValue("DeviceAuthStatus"), warnings),
    prtAttemptStatus: prt.attemptStatus,
    prtServerErrorCode: prt.serverErrorCode,
    aadsts: prt.aadsts,
    executingAccount: nonEmpty(firstValue("Executing Account Name")),
    sections,
  };
}

/** docs/domain.md, *Join states*. Domain-side state wins over a work account registered by a user on the same PC. */
function decideJoinType(
  azureAdJoined: boolean | null,
  domainJoined: boolean | null,
  enterpriseJoined: boolean | null,
  workplaceJoined: boolean | null,
  hasWorkAccount: boolean,
): JoinType {
  if (azureAdJoined === true) return domainJoined === true ? "hybrid" : "entra";
  if (domainJoined === true || enterpriseJoined === true) return "domain";
  if (workplaceJoined === true || (workplaceJoined === null && hasWorkAccount)) return "registered";
  return "none";
}

interface PrtState {
  azureAdPrt: boolean | null;
  updateTime: string | null;
  expiryTime: string | null;
  attemptStatus: string | null;
  serverErrorCode: string | null;
  aadsts: string | null;
}

/**
 * SSO State (User State before 1803). Diagnostics under `AzureAdPrt` describe the Entra PRT; the
 * ones printed after `EnterprisePrt` belong to the AD FS PRT and are not ours.
 */
function readPrt(section: DsregSection | undefined, warnings: string[]): PrtState {
  const state: PrtState = { azureAdPrt: null, updateTime: null, expiryTime: null, attemptStatus: null, serverErrorCode: null, aadsts: null };
  if (section === undefined) return state;

  let inEnterprise = false;
  let description: string | undefined;
  let attempt: string | undefined;
  let serverError: string | undefined;
  for (const { key, value } of section.fields) {
    if (key === "EnterprisePrt") inEnterprise = true;
    if (inEnterprise) continue;
    if (key === "AzureAdPrt" && state.azureAdPrt === null) state.azureAdPrt = readYesNo(key, value, warnings);
    else if (key === "AzureAdPrtUpdateTime" && state.updateTime === null) state.updateTime = readTime(key, value, warnings);
    else if (key === "AzureAdPrtExpiryTime" && state.expiryTime === null) state.expiryTime = readTime(key, value, warnings);
    else if (PRT_DIAGNOSTIC_KEYS.has(key)) {
      if (key === "Attempt Status") attempt ??= value;
      else if (key === "Server Error Code") serverError ??= value;
      else description ??= value;
    }
  }
  state.attemptStatus = readHexStatus(attempt, warnings);
  state.serverErrorCode = nonEmpty(serverError);
  state.aadsts = findAadsts(description);
  if (state.aadsts === null) {
    for (const field of section.fields) {
      state.aadsts = findAadsts(field.value);
      if (state.aadsts !== null) break;
    }
  }
  return state;
}

// ---------------------------------------------------------------------------------------------
// Value readers. Each returns null for absent or empty input, and null plus a warning for a value
// that is present but malformed: fields are never guessed.

function valueOf(section: DsregSection, key: string): string | undefined {
  for (const field of section.fields) if (field.key === key) return field.value;
  return undefined;
}

function nonEmpty(value: string | undefined): string | null {
  return value === undefined || value === "" ? null : value;
}

function readYesNo(key: string, value: string | undefined, warnings: string[]): boolean | null {
  if (value === undefined || value === "") return null;
  const upper = value.toUpperCase();
  if (upper === "YES") return true;
  if (upper === "NO") return false;
  warnings.push(`${key} is "${value}", not YES or NO; left empty.`);
  return null;
}

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

function readGuid(key: string, value: string | undefined, warnings: string[]): string | null {
  if (value === undefined || value === "") return null;
  let v = value.toLowerCase();
  if (v.charCodeAt(0) === 0x7b && v.charCodeAt(v.length - 1) === 0x7d) v = v.slice(1, -1).trim();
  if (GUID.test(v)) return v;
  warnings.push(`${key} "${value}" is not a GUID; left empty.`);
  return null;
}

const THUMBPRINT = /^[0-9A-F]{40}$/;

function readThumbprint(value: string | undefined, warnings: string[]): string | null {
  if (value === undefined || value === "") return null;
  const v = value.toUpperCase();
  if (THUMBPRINT.test(v)) return v;
  warnings.push(`Thumbprint "${value}" is not 40 hexadecimal characters; left empty.`);
  return null;
}

const DSREG_TIME = /^(\d{4})-(\d{2})-(\d{2})[ T](\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,3}))?(?: ?UTC|Z)?$/;

/** `2019-04-03 17:25:24.000 UTC` → `2019-04-03T17:25:24.000Z`. */
export function toIsoTime(value: string): string | null {
  const m = DSREG_TIME.exec(value.trim());
  if (m === null) return null;
  const [, y = "", mo = "", d = "", h = "", mi = "", s = "", ms = "0"] = m;
  // Rejects 2019-02-30 and 25:00, which Date would silently roll over.
  const year = +y;
  const month = +mo;
  const day = +d;
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month) || +h > 23 || +mi > 59 || +s > 59) return null;
  return `${y}-${mo}-${d}T${h}:${mi}:${s}.${ms.padEnd(3, "0")}Z`;
}

function daysInMonth(year: number, month: number): number {
  if (month === 2) return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0 ? 29 : 28;
  return month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31;
}

function readTime(key: string, value: string, warnings: string[]): string | null {
  if (value === "") return null;
  const iso = toIsoTime(value);
  if (iso === null) warnings.push(`${key} "${value}" is not a dsregcmd UTC time; left empty.`);
  return iso;
}

/** `[ 2019-01-11 21:02:50.000 UTC -- 2029-01-11 21:32:50.000 UTC ]`. */
function readValidity(value: string | undefined, warnings: string[]): { from: string | null; to: string | null } {
  if (value === undefined || value === "") return { from: null, to: null };
  let inner = value.trim();
  if (inner.charCodeAt(0) === 0x5b) inner = inner.slice(1);
  if (inner.charCodeAt(inner.length - 1) === 0x5d) inner = inner.slice(0, -1);
  let sep = inner.indexOf(" -- ");
  let sepLength = 4;
  if (sep === -1) {
    sep = inner.indexOf(" - ");
    sepLength = 3;
  }
  const from = sep === -1 ? null : toIsoTime(inner.slice(0, sep));
  const to = sep === -1 ? null : toIsoTime(inner.slice(sep + sepLength));
  if (from === null || to === null) {
    warnings.push(`DeviceCertificateValidity "${value}" is not "[ start -- end ]"; left empty.`);
    return { from: null, to: null };
  }
  return { from, to };
}

function readDeviceAuthStatus(value: string | undefined, warnings: string[]): "SUCCESS" | "FAILED" | null {
  if (value === undefined || value === "") return null;
  // `SUCCESS`, `FAILED. Device is either disabled or deleted`, `FAILED. ERROR`.
  let end = 0;
  while (end < value.length && isAsciiLetter(value.charCodeAt(end))) end++;
  const word = value.slice(0, end).toUpperCase();
  if (word === "SUCCESS" || word === "FAILED") return word;
  warnings.push(`DeviceAuthStatus "${value}" is neither SUCCESS nor FAILED; left empty.`);
  return null;
}

function isAsciiLetter(c: number): boolean {
  return (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a);
}

const HEX_STATUS = /^0x[0-9a-f]{1,8}$/;

function readHexStatus(value: string | undefined, warnings: string[]): string | null {
  if (value === undefined || value === "") return null;
  const v = value.toLowerCase();
  if (HEX_STATUS.test(v)) return v;
  warnings.push(`Attempt Status "${value}" is not a hexadecimal status code; left empty.`);
  return null;
}

const AADSTS = /AADSTS\d+/;

function findAadsts(value: string | undefined): string | null {
  if (value === undefined || value.indexOf("AADSTS") === -1) return null;
  return AADSTS.exec(value)?.[0] ?? null;
}

// ---------------------------------------------------------------------------------------------
// Rejection messages

function explainNotDsregcmd(text: string, sections: DsregSection[]): string {
  const known = sections.filter((s) => KNOWN_SECTIONS.has(s.name.toLowerCase())).map((s) => s.name);
  if (known.length > 0) {
    return `The text has dsregcmd sections (${known.slice(0, 4).join(", ")}) but no Device State section with AzureAdJoined. Paste the complete output of dsregcmd /status, from the first box to the end.`;
  }
  const head = text.slice(0, 4096);
  const trimmed = head.trimStart();
  if (head.includes("Windows IP Configuration")) {
    return "This is ipconfig /all output, not dsregcmd /status. Run dsregcmd /status in the user's session and upload its output.";
  }
  if (trimmed.startsWith("{") || trimmed.startsWith("[")) {
    return "This looks like JSON, not dsregcmd /status output. Upload the text that dsregcmd /status prints.";
  }
  return "This is not dsregcmd /status output: there is no Device State section with an AzureAdJoined line. Run dsregcmd /status in the user's session (not elevated) and upload its complete output.";
}

// ---------------------------------------------------------------------------------------------

/** UTF-8 length of a string, counted only as far as needed to compare with `limit`. */
function utf8Length(text: string, limit: number): number {
  if (text.length * 3 <= limit) return text.length;
  let bytes = 0;
  for (let i = 0; i < text.length && bytes <= limit; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x80) bytes += 1;
    else if (c < 0x800) bytes += 2;
    else if (c >= 0xd800 && c <= 0xdbff) {
      bytes += 4;
      i++;
    } else bytes += 3;
  }
  return bytes;
}

function formatBytes(bytes: number): string {
  if (bytes >= 1024 * 1024) return `${+(bytes / (1024 * 1024)).toFixed(1)} MiB`;
  if (bytes >= 1024) return `${+(bytes / 1024).toFixed(1)} KiB`;
  return `${bytes} bytes`;
}
