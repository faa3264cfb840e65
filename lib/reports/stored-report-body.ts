/**
 * A stored report's body as its readers need it (decision 013). Since the report history change a report row keeps
 * its raw dsregcmd text compressed (`textZ`, lib/reports/report-text-codec.ts) and no parsed JSON: the parsed form is
 * a pure function of the text (parseDsregcmd, the same call the upload made), so it is rebuilt when read. Rows stored
 * before, and not compacted yet, still hold the text (`dsregcmdText`) and the JSON (`parsed`) as they were.
 * A text dropped by retention (an old state change) leaves only the row's columns: null here.
 */
import { parseDsregcmd } from "./parse-dsregcmd";
import { decodeReportText } from "./report-text-codec";
import type { ParsedDsregcmd } from "./types";

export interface StoredCapture {
  /** Parsed JSON of a row from before decision 013; "" or null otherwise. */
  parsed: string | null;
  /** Raw text of a row from before decision 013; "" or null otherwise. */
  text: string | null;
  /** The compressed text. */
  textZ: Uint8Array | null;
}

/** The raw text, or null when none is kept. */
export function storedText(capture: StoredCapture): string | null {
  if (capture.textZ && capture.textZ.byteLength > 0) return decodeReportText(capture.textZ);
  return capture.text ? capture.text : null;
}

/** The parsed report, or null when neither the text nor (an old row's) JSON is kept. */
export function storedParsed(capture: StoredCapture): ParsedDsregcmd | null {
  if (capture.parsed) return JSON.parse(capture.parsed) as ParsedDsregcmd;
  return parseStoredText(storedText(capture));
}

/** A stored text parsed as the upload parsed it (no size limit: it passed the upload's). */
export function parseStoredText(text: string | null): ParsedDsregcmd | null {
  if (text === null) return null;
  const parsed = parseDsregcmd(text, { maxBytes: Infinity });
  return parsed.ok ? parsed.report : null;
}

/** The user's and the SYSTEM capture of a row read with the columns of the same names. */
export function userCapture(row: { parsed?: unknown; dsregcmdText?: unknown; textZ?: unknown }): StoredCapture {
  return { parsed: (row.parsed as string | null) ?? null, text: (row.dsregcmdText as string | null) ?? null, textZ: (row.textZ as Uint8Array | null) ?? null };
}

export function systemCapture(row: { systemParsed?: unknown; systemText?: unknown; systemTextZ?: unknown }): StoredCapture {
  return {
    parsed: (row.systemParsed as string | null) ?? null,
    text: (row.systemText as string | null) ?? null,
    textZ: (row.systemTextZ as Uint8Array | null) ?? null,
  };
}
