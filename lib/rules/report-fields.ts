import type { ParsedDsregcmd } from "@/lib/reports/types";
import type { Evidence } from "@/lib/rules/types";

/** Which capture a value came from: the user's session, or the agent's SYSTEM capture. */
export type Capture = "user" | "system";

export interface FoundField {
  section: string;
  key: string;
  value: string;
}

function normalizeKey(key: string): string {
  // Pre-1803 output has oddities such as `KeySignTest: : MUST Run elevated to test.`
  return key.trim().replace(/[\s:]+$/, "").toLowerCase();
}

/**
 * The first `key` line as printed, preferring the named section and falling back to any section
 * (the pre-1803 layout puts everything in one Device State block).
 */
export function findField(report: ParsedDsregcmd, key: string, sectionName?: string): FoundField | null {
  const wanted = normalizeKey(key);
  const sections = sectionName
    ? [
        ...report.sections.filter((section) => section.name.trim().toLowerCase() === sectionName.toLowerCase()),
        ...report.sections.filter((section) => section.name.trim().toLowerCase() !== sectionName.toLowerCase()),
      ]
    : report.sections;
  for (const section of sections) {
    const field = section.fields.find((candidate) => normalizeKey(candidate.key) === wanted);
    if (field) return { section: section.name.trim(), key: field.key.trim(), value: field.value.trim() };
  }
  return null;
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
