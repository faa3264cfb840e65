import type { ParsedDsregcmd } from "@/lib/reports/types";

/**
 * The parsed captures of the reports this process has just stored, handed from the upload to the findings pass that
 * the upload queues (decision 035). The upload parsed its text; without this the pass, a second later, read the same
 * text back, inflated it and parsed it again (~0.1 ms an upload).
 *
 * An entry is keyed by the report's id and holds the compressed bytes the upload stored (`textZ`, `systemTextZ`): the
 * pass uses the parsed form only when the row it read holds exactly those bytes, so a row another upload changed
 * meanwhile (the in-place update of an unchanged state, decision 013), a row of another process, or anything written
 * otherwise is parsed from its text as before. Equal bytes are equal texts, and the parsed form is a pure function of
 * the text (parseDsregcmd, the same call with the same options), so the pass sees what parsing the row would give.
 * The rules only read a parsed report (lib/findings/recent-captures.test.ts evaluates them on frozen ones), so one
 * object can serve the upload's rules and the pass's.
 *
 * Bounded: each entry is taken (removed) by the pass that reads its report, and past MAX_RECENT_CAPTURES entries or
 * MAX_RECENT_CAPTURE_CHARS characters of text the oldest go first (a pass that fell behind, a report whose pass runs
 * in another instance, just costs a parse later). The characters bound what uploads of the largest reports the API
 * takes (512 KB each) can hold here: ~60 of them, not 2,048; a typical fleet's reports (~6 KB) fill the count first.
 * An entry is also dropped when a later upload of the same device stores its report (decision 045): the pass reads
 * only a device's latest report, so the earlier entry could only wait for the bound, keeping its parsed objects alive
 * through the collector's young generation into the old one (up to the 2,048 of a device uploading every second).
 */
export interface RecentCapture {
  textZ: Uint8Array;
  report: ParsedDsregcmd;
  systemTextZ: Uint8Array | null;
  system: ParsedDsregcmd | null;
  /** The captures' text length (both texts), what the parsed form's size grows with. */
  textChars: number;
}

export const MAX_RECENT_CAPTURES = 2_048;
export const MAX_RECENT_CAPTURE_CHARS = 32 * 1024 * 1024;

const recent = new Map<string, { capture: RecentCapture; device: string | undefined }>();
/** The report each device's entry is for (the one stored last). */
const byDevice = new Map<string, string>();
let heldChars = 0;

function forget(reportId: string): void {
  const entry = recent.get(reportId);
  if (!entry) return;
  recent.delete(reportId);
  if (entry.device !== undefined && byDevice.get(entry.device) === reportId) byDevice.delete(entry.device);
  heldChars -= entry.capture.textChars;
}

/**
 * After the upload's transaction committed: what it stored under `reportId`, and the parsed captures of that text.
 * `device` (the report's subject key): the entry of the report this device stored before is dropped.
 */
export function rememberCapture(reportId: string, capture: RecentCapture, device?: string): void {
  forget(reportId);
  if (device !== undefined) {
    const earlier = byDevice.get(device);
    if (earlier !== undefined) forget(earlier);
    byDevice.set(device, reportId);
  }
  recent.set(reportId, { capture, device });
  heldChars += capture.textChars;
  while (recent.size > MAX_RECENT_CAPTURES || heldChars > MAX_RECENT_CAPTURE_CHARS) forget(recent.keys().next().value!);
}

/**
 * The parsed captures of a stored row, when this process stored exactly these bytes in it, else null; removed either
 * way (a row is evaluated once per pass, and a later upload remembers its own).
 */
export function takeCapture(reportId: string, row: { textZ: Uint8Array | null; systemTextZ: Uint8Array | null }): RecentCapture | null {
  const entry = recent.get(reportId)?.capture;
  if (!entry) return null;
  forget(reportId);
  if (!row.textZ || !sameBytes(entry.textZ, row.textZ)) return null;
  if (
    entry.systemTextZ === null ? row.systemTextZ !== null && row.systemTextZ.byteLength > 0 : !row.systemTextZ || !sameBytes(entry.systemTextZ, row.systemTextZ)
  )
    return null;
  return entry;
}

/** How many entries and characters of text are held (tests). */
export function recentCaptureCount(): number {
  return recent.size;
}

export function recentCaptureChars(): number {
  return heldChars;
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  return Buffer.from(a.buffer, a.byteOffset, a.byteLength).equals(b);
}
