import type { ExportColumn, ExportRow } from "./export-source";

const encoder = new TextEncoder();

/**
 * JSON Lines (https://jsonlines.org): one JSON object per row and line, keys in the columns' order, values typed
 * (numbers, booleans, null, lists kept as lists). Nothing is neutralised: JSON is not read by a spreadsheet.
 */
export async function* writeJsonl(columns: readonly ExportColumn[], batches: AsyncIterable<ExportRow[]>): AsyncGenerator<Uint8Array> {
  for await (const rows of batches) {
    if (rows.length === 0) continue;
    let text = "";
    for (const row of rows) {
      const ordered: Record<string, unknown> = {};
      for (const c of columns) ordered[c.key] = row[c.key] ?? null;
      text += JSON.stringify(ordered) + "\n";
    }
    yield encoder.encode(text);
  }
}
