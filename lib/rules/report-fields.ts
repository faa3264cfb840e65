import type { ParsedDsregcmd } from "@/lib/reports/types";
import type { Evidence } from "@/lib/rules/types";

/** Which capture a value came from: the user's session, or the agent's SYSTEM capture. */
export type Capture = "user" | "system";

export interface FoundField {
  section: string;
  key: string;
  value: string;
}

/**
 * Every normalized key seen gets a slot number, and each raw key (as printed) remembers its slot: dsregcmd prints
 * a few hundred distinct keys, so both maps stay small. A report's index is then one typed array by slot, not a
 * Map of its ~70 keys, whose growth was the largest allocation of a findings pass after the parsed reports
 * themselves (bench/RESULTS.md, "Figures behind choices in the code"). The bound only guards against unusual
 * input: past it the slots start over before the next report is indexed, and indexes built before (an older
 * generation) are rebuilt on their next use.
 */
const slotOfRawKey = new Map<string, number>();
const slotOfKey = new Map<string, number>();
let generation = 0;

function normalizeKey(key: string): string {
  // Pre-1803 output has oddities such as `KeySignTest: : MUST Run elevated to test.`
  return key
    .trim()
    .replace(/[\s:]+$/, "")
    .toLowerCase();
}

function slotOf(rawKey: string): number {
  let slot = slotOfRawKey.get(rawKey);
  if (slot === undefined) {
    const key = normalizeKey(rawKey);
    slot = slotOfKey.get(key);
    if (slot === undefined) {
      slot = slotOfKey.size;
      slotOfKey.set(key, slot);
    }
    slotOfRawKey.set(rawKey, slot);
  }
  return slot;
}

/**
 * Where each key is printed: `first[slot]` is the first line of that key, or -1 (and keys whose slot is past the
 * end are not in the report); `more` holds the first line in each later section, only for the few keys printed in
 * more than one section. Positions are section << 16 | line.
 */
interface FieldIndex {
  generation: number;
  first: Int32Array;
  more: Map<number, number[]> | null;
  lowerNames: string[];
}

/**
 * Every rule looks up lines of the same report (a report has ~70 of them, and the rules ask ~30 times), so each
 * report's lines are indexed once. Reports are read-only inputs, so the index never goes stale; it is dropped
 * with the report.
 */
const fieldIndexes = new WeakMap<ParsedDsregcmd, FieldIndex>();

function indexFields(report: ParsedDsregcmd): FieldIndex {
  const cached = fieldIndexes.get(report);
  if (cached && cached.generation === generation) return cached;
  // Only here, between reports: a report's slots and the lookups in it then always share one generation.
  if (slotOfRawKey.size >= 10_000) {
    slotOfRawKey.clear();
    slotOfKey.clear();
    generation++;
  }
  const sections = report.sections;
  const slots: number[] = [];
  let size = 0;
  for (let s = 0; s < sections.length; s++) {
    const fields = sections[s]!.fields;
    for (let f = 0; f < fields.length; f++) {
      const slot = slotOf(fields[f]!.key);
      slots.push(slot);
      if (slot >= size) size = slot + 1;
    }
  }
  const index: FieldIndex = { generation, first: new Int32Array(size).fill(-1), more: null, lowerNames: [] };
  let n = 0;
  for (let s = 0; s < sections.length; s++) {
    const section = sections[s]!;
    index.lowerNames.push(section.name.trim().toLowerCase());
    const fields = section.fields;
    for (let f = 0; f < fields.length; f++) {
      const slot = slots[n++]!;
      const first = index.first[slot]!;
      if (first === -1) {
        index.first[slot] = (s << 16) | f;
      } else if (first >>> 16 !== s) {
        index.more ??= new Map();
        const list = index.more.get(slot);
        if (!list) index.more.set(slot, [first, (s << 16) | f]);
        else if (list[list.length - 1]! >>> 16 !== s) list.push((s << 16) | f);
      }
    }
  }
  fieldIndexes.set(report, index);
  return index;
}

function fieldAt(report: ParsedDsregcmd, position: number): FoundField {
  const section = report.sections[position >>> 16]!;
  const field = section.fields[position & 0xffff]!;
  return { section: section.name.trim(), key: field.key.trim(), value: field.value.trim() };
}

/**
 * The first `key` line as printed, preferring the named section and falling back to any section
 * (the pre-1803 layout puts everything in one Device State block).
 */
export function findField(report: ParsedDsregcmd, key: string, sectionName?: string): FoundField | null {
  const index = indexFields(report);
  const wanted = slotOf(key);
  if (wanted >= index.first.length) return null;
  const first = index.first[wanted]!;
  if (first === -1) return null;
  const all = index.more?.get(wanted);
  if (sectionName && all) {
    const preferred = sectionName.toLowerCase();
    for (const position of all) if (index.lowerNames[position >>> 16] === preferred) return fieldAt(report, position);
  }
  return fieldAt(report, first);
}

/** The trimmed value of a field, or null when absent or empty. */
export function fieldValue(report: ParsedDsregcmd, key: string, sectionName?: string): string | null {
  const value = findField(report, key, sectionName)?.value ?? "";
  return value === "" ? null : value;
}

export function sourceLabel(capture: Capture, section: string): string {
  return capture === "system" ? `dsregcmd /status (SYSTEM capture) · ${section}` : `dsregcmd /status · ${section}`;
}

/**
 * Evidence for one dsregcmd line: the value exactly as printed when the line is in the sections,
 * otherwise the parsed value (`fallback`) under the section dsregcmd normally prints it in.
 */
export function fieldEvidence(report: ParsedDsregcmd, capture: Capture, key: string, defaultSection: string, fallback: string | null): Evidence {
  const found = findField(report, key, defaultSection);
  if (found) return { source: sourceLabel(capture, found.section), field: found.key, value: found.value };
  return { source: sourceLabel(capture, defaultSection), field: key, value: fallback };
}

export function yesNo(value: boolean | null): string | null {
  return value === null ? null : value ? "YES" : "NO";
}

/** Milliseconds since the epoch, or null for a missing or unparsable time. */
export function parseTime(iso: string | null | undefined): number | null {
  if (!iso) return null;
  const ms = iso.length === 24 ? parseIsoUtc(iso) : Number.NaN;
  if (!Number.isNaN(ms)) return ms;
  const parsed = Date.parse(iso);
  return Number.isNaN(parsed) ? null : parsed;
}

/**
 * `YYYY-MM-DDTHH:MM:SS.mmmZ` (what toISOString writes, and every time the rules compare) read from its digits:
 * the rules parse ~20 times per device, and Date.parse cost ~190 ns a call. Only values Date.parse reads the same
 * way are taken (year ≥ 100, day ≤ 28, hour ≤ 23, …); anything else is NaN here and goes to Date.parse.
 */
function parseIsoUtc(s: string): number {
  if (
    s.charCodeAt(4) !== 45 ||
    s.charCodeAt(7) !== 45 ||
    s.charCodeAt(10) !== 84 ||
    s.charCodeAt(13) !== 58 ||
    s.charCodeAt(16) !== 58 ||
    s.charCodeAt(19) !== 46 ||
    s.charCodeAt(23) !== 90
  ) {
    return Number.NaN;
  }
  const year = digits(s, 0, 4);
  const month = digits(s, 5, 2);
  const day = digits(s, 8, 2);
  const hour = digits(s, 11, 2);
  const minute = digits(s, 14, 2);
  const second = digits(s, 17, 2);
  const milli = digits(s, 20, 3);
  if (year < 100 || month < 1 || month > 12 || day < 1 || day > 28 || hour > 23 || minute > 59 || second > 59) return Number.NaN;
  // Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's days_from_civil), in integer arithmetic.
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yoe = y - era * 400;
  const doy = Math.floor((153 * (month + (month > 2 ? -3 : 9)) + 2) / 5) + day - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  const days = era * 146_097 + doe - 719_468;
  return days * 86_400_000 + hour * 3_600_000 + minute * 60_000 + second * 1_000 + milli;
}

/** The decimal number in s[start, start + count), or NaN if any of those characters is not a digit. */
function digits(s: string, start: number, count: number): number {
  let n = 0;
  for (let i = start; i < start + count; i++) {
    const d = s.charCodeAt(i) - 48;
    if (d < 0 || d > 9) return Number.NaN;
    n = n * 10 + d;
  }
  return n;
}

/** Stable, readable ISO for explanations (`2025-03-23 11:01 UTC`). */
export function formatTime(ms: number): string {
  return `${new Date(ms).toISOString().slice(0, 16).replace("T", " ")} UTC`;
}

/** "3 h", "2 d 4 h", "45 min": for explanations. */
export function formatDuration(ms: number): string {
  const minutes = Math.floor(Math.abs(ms) / 60_000);
  if (minutes < 60) return `${minutes} min`;
  const hours = Math.floor(minutes / 60);
  if (hours < 48) return `${hours} h`;
  const days = Math.floor(hours / 24);
  const rest = hours % 24;
  return rest === 0 ? `${days} d` : `${days} d ${rest} h`;
}

/** True when the device holds a registration the PRT can be issued for. */
export function isJoinedOrRegistered(report: ParsedDsregcmd): boolean {
  return report.azureAdJoined === true || report.workplaceJoined === true;
}
