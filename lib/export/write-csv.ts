import { cellText, columnHeader, type ExportColumn, type ExportRow } from "./export-source";
import { neutralizeCsvCell } from "./neutralize-csv-cell";

const encoder = new TextEncoder();

/**
 * One CSV field as csv-stringify 6 writes it with its defaults (delimiter ",", quote and escape '"', record delimiter
 * "\n"): quoted when it holds a quote, a comma or a line feed, its quotes doubled; as it is otherwise (a lone carriage
 * return is not quoted, as there). Written here rather than through csv-stringify because that library re-reads its
 * options for every field, which cost more than the database read of the row; lib/export/write-csv.test.ts checks the
 * two agree byte for byte.
 */
export function csvField(value: string): string {
  if (value.includes('"')) return `"${value.replaceAll('"', '""')}"`;
  if (value.includes(",") || value.includes("\n")) return `"${value}"`;
  return value;
}

/**
 * RFC 4180 CSV, one chunk per batch: a UTF-8 BOM first (Excel reads the file as UTF-8 only with it), the column headers
 * (a label, else the key),
 * then each row with every cell neutralised against formula injection.
 */
export async function* writeCsv(columns: readonly ExportColumn[], batches: AsyncIterable<readonly ExportRow[]>): AsyncGenerator<Uint8Array> {
  yield encoder.encode("\uFEFF" + columns.map((c) => csvField(columnHeader(c))).join(",") + "\n");
  const last = columns.length - 1;
  for await (const rows of batches) {
    if (rows.length === 0) continue;
    let text = "";
    for (const row of rows) {
      for (let i = 0; i <= last; i++) {
        const value = row[i] ?? null;
        // Most cells are short plain strings: only they skip the general path.
        text += csvField(neutralizeCsvCell(typeof value === "string" ? value : cellText(columns[i]!, value)));
        text += i === last ? "\n" : ",";
      }
    }
    yield encoder.encode(text);
  }
}
