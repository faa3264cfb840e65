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
 * value's, without making the object; one Buffer per batch.
 */
export async function* writeJsonl(columns: readonly ExportColumn[], batches: AsyncIterable<readonly ExportRow[]>): AsyncGenerator<Uint8Array> {
  const prefixes = columns.map((c, i) => `${i === 0 ? "{" : ","}${JSON.stringify(c.key)}:`);
  const n = prefixes.length;
  const custom = columns.map((c) => c.json);
  for await (const rows of batches) {
    if (rows.length === 0) continue;
    let text = "";
    for (const row of rows) {
      for (let i = 0; i < n; i++) {
        const value = row[i];
        const json = custom[i];
        text += prefixes[i]! + (json && value !== null && typeof value === "object" ? json(value) : jsonValue(value));
      }
      text += "}\n";
    }
    yield Buffer.from(text, "utf8");
  }
}
