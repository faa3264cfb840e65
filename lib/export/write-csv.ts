import { stringify } from "csv-stringify/sync";
import { cellText, columnHeader, type ExportColumn, type ExportRow } from "./export-source";
import { neutralizeCsvCell } from "./neutralize-csv-cell";

const encoder = new TextEncoder();

/**
 * RFC 4180 CSV, one chunk per batch: a UTF-8 BOM first (Excel reads the file as UTF-8 only with it), the column headers (a label, else the key),
 * then each row with every cell neutralised against formula injection.
 */
export async function* writeCsv(columns: readonly ExportColumn[], batches: AsyncIterable<ExportRow[]>): AsyncGenerator<Uint8Array> {
  yield encoder.encode("\uFEFF" + stringify([columns.map(columnHeader)]));
  for await (const rows of batches) {
    if (rows.length === 0) continue;
    yield encoder.encode(stringify(rows.map((row) => columns.map((c) => neutralizeCsvCell(cellText(c, row[c.key] ?? null))))));
  }
}
