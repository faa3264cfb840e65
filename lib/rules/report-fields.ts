import type { ParsedDsregcmd } from "@/lib/reports/types";
import type { Evidence } from "@/lib/rules/types";

/** Which capture a value came from: the user's session, or the agent's SYSTEM capture. */
export type Capture = "user" | "system";

export interface FoundField {
  section: string;
  key: string;
  value: string;
}

const normalizedKeys = new Map<string, string>();

function normalizeKey(key: string): string {
  let normalized = normalizedKeys.get(key);
  if (normalized === undefined) {
    // Pre-1803 output has oddities such as `KeySignTest: : MUST Run elevated to test.`
    normalized = key.trim().replace(/[\s:]+$/, "").toLowerCase();
    // dsregcmd prints a few hundred distinct keys; the bound only guards against unusual input.
    if (normalizedKeys.size > 10_000) normalizedKeys.clear();
    normalizedKeys.set(key, normalized);
  }
  return normalized;
}

/**
 * Where each normalized key is printed: `first` holds the first line of each key; `more` the first line in each
 * later section, only for the few keys printed in more than one section. Positions are section << 16 | line.
 */
interface FieldIndex {
  first: Map<string, number>;
  more: Map<string, number[]> | null;
  lowerNames: string[];
}

/**
 * Every rule looks up lines of the same report (a report has ~70 of them, and the rules ask ~30 times), so each
 * report's lines are indexed once. Reports are read-only inputs, so the index never goes stale; it is dropped
 * with the report.
 */
const fieldIndexes = new WeakMap<ParsedDsregcmd, FieldIndex>();

function indexFields(report: ParsedDsregcmd): FieldIndex {
  let index = fieldIndexes.get(report);
  if (index) return index;
  index = { first: new Map(), more: null, lowerNames: [] };
  const sections = report.sections;
  for (let s = 0; s < sections.length; s++) {
    const section = sections[s]!;
    index.lowerNames.push(section.name.trim().toLowerCase());
    const fields = section.fields;
    for (let f = 0; f < fields.length; f++) {
      const key = normalizeKey(fields[f]!.key);
      const first = index.first.get(key);
      if (first === undefined) {
        index.first.set(key, (s << 16) | f);
      } else if (first >>> 16 !== s) {
        index.more ??= new Map();
        const list = index.more.get(key);
        if (!list) index.more.set(key, [first, (s << 16) | f]);
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
  const wanted = normalizeKey(key);
  const index = indexFields(report);
  const first = index.first.get(wanted);
  if (first === undefined) return null;
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
export function fieldEvidence(
  report: ParsedDsregcmd,
  capture: Capture,
  key: string,
  defaultSection: string,
  fallback: string | null,
): Evidence {
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
  const ms = Date.parse(iso);
  return Number.isNaN(ms) ? null : ms;
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
