import { BatchBuffer } from "./batch-buffer";
import type { ExportColumn, ExportRow } from "./export-source";

/** The characters JSON.stringify escapes in a string (quote, backslash, controls) and any surrogate (lone ones are). */
const NEEDS_ESCAPE = /["\\\u0000-\u001f\ud800-\udfff]/;

/** A value's JSON text, as JSON.stringify writes it: most strings (ids, names, timestamps) need no escaping at all. */
export function jsonValue(value: ExportRow[number] | undefined): string {
  if (value === null || value === undefined) return "null";
  if (typeof value === "string") return NEEDS_ESCAPE.test(value) ? JSON.stringify(value) : `"${value}"`;
  if (typeof value === "number") return Number.isFinite(value) ? String(value) : "null";
  if (typeof value === "boolean") return value ? "true" : "false";
  return JSON.stringify(value);
}

/**
 * JSON Lines (https://jsonlines.org): one JSON object per row and line, keys in the columns' order, values typed
 * (numbers, booleans, null, lists kept as lists). Nothing is neutralised: JSON is not read by a spreadsheet. Each line
 * is the text JSON.stringify gives the row as an object, put together from the keys' text (computed once) and each
 * value's, without making the object; each line written to the batch's Buffer as it is made.
 */
export async function* writeJsonl(columns: readonly ExportColumn[], batches: AsyncIterable<readonly ExportRow[]>): AsyncGenerator<Uint8Array> {
  const prefixes = columns.map((c, i) => `${i === 0 ? "{" : ","}${JSON.stringify(c.key)}:`);
  const n = prefixes.length;
  const stored = columns.map((c) => c.stored?.json);
  const out = new BatchBuffer();
  for await (const rows of batches) {
    if (rows.length === 0) continue;
    for (const row of rows) {
      let text = "";
      for (let i = 0; i < n; i++) {
        const value = row[i];
        const json = stored[i];
        text += prefixes[i]! + (json && value !== null && value !== undefined ? json(value) : jsonValue(value));
      }
      out.write(text + "}\n");
    }
    yield out.take();
  }
}
