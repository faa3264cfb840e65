/**
 * How a report's raw dsregcmd text is stored (decision 013): UTF-8, deflated with node's zlib against a preset
 * dictionary of a typical dsregcmd text, behind one format byte so that a later format can be read beside this one.
 * Level 1: an upload compresses its text on the hot path, and the dictionary does most of the work (level 6 saved a
 * further ~25% for three times the CPU).
 */
import { deflateRawSync, inflateRawSync } from "node:zlib";
import { REPORT_TEXT_DICTIONARY_V1 } from "./report-text-dictionary";

const FORMAT_DEFLATE_DICTIONARY_V1 = 1;
const DICTIONARY_V1 = Buffer.from(REPORT_TEXT_DICTIONARY_V1, "utf8");
/** A stored text never inflates past this (the upload limit is 1 MiB of JSON; a text is at most that). */
const MAX_TEXT_BYTES = 4 * 1024 * 1024;

export function encodeReportText(text: string): Buffer {
  const deflated = deflateRawSync(Buffer.from(text, "utf8"), { level: 1, dictionary: DICTIONARY_V1 });
  const out = Buffer.allocUnsafe(deflated.length + 1);
  out[0] = FORMAT_DEFLATE_DICTIONARY_V1;
  deflated.copy(out, 1);
  return out;
}

export function decodeReportText(stored: Uint8Array): string {
  const bytes = Buffer.isBuffer(stored) ? stored : Buffer.from(stored.buffer, stored.byteOffset, stored.byteLength);
  if (bytes.length === 0) throw new Error("stored report text is empty");
  if (bytes[0] !== FORMAT_DEFLATE_DICTIONARY_V1) throw new Error(`stored report text has unknown format ${bytes[0]}`);
  return inflateRawSync(bytes.subarray(1), { dictionary: DICTIONARY_V1, maxOutputLength: MAX_TEXT_BYTES }).toString("utf8");
}
