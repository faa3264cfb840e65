import type { ExportColumn, ExportRow } from "./export-source";

const encoder = new TextEncoder();

/**
 * JSON Lines (https://jsonlines.org): one JSON object per row and line, keys in the columns' order, values typed
 * (numbers, booleans, null, lists kept as lists). Nothing is neutralised: JSON is not read by a spreadsheet. Each line
 * is the text JSON.stringify gives the row as an object, put together from the keys' text and each value's, without
 * making the object.
 */
export async function* writeJsonl(columns: readonly ExportColumn[], batches: AsyncIterable<readonly ExportRow[]>): AsyncGenerator<Uint8Array> {
  const prefixes = columns.map((c, i) => `${i === 0 ? "{" : ","}${JSON.stringify(c.key)}:`);
  for await (const rows of batches) {
    if (rows.length === 0) continue;
    let text = "";
    for (const row of rows) {
      for (let i = 0; i < prefixes.length; i++) text += prefixes[i]! + JSON.stringify(row[i] ?? null);
      text += "}\n";
    }
    yield encoder.encode(text);
  }
}
