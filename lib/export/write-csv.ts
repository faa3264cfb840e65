import { BatchBuffer } from "./batch-buffer";
import { cellText, columnHeader, type ExportColumn, type ExportRow } from "./export-source";
import { neutralizeCsvCell } from "./neutralize-csv-cell";

/**
 * A cell's characters that make it quoted: a quote, a comma, a line feed or a carriage return (RFC 4180's line break is
 * CR LF; a lone CR also ends a line for some readers, and PostgreSQL's COPY quotes it too, decision 049).
 */
const NEEDS_QUOTES = /[",\n\r]/;

/**
 * One CSV field as csv-stringify 6 writes it with its defaults (delimiter ",", quote and escape '"', record delimiter
 * "\n") and `quoted_match: "\r"`: quoted when it holds a quote, a comma, a line feed or a carriage return, its quotes
 * doubled; as it is otherwise. Written here rather than through csv-stringify because that library re-reads its
 * options for every field, which cost more than the database read of the row; lib/export/write-csv.test.ts checks the
 * two agree byte for byte.
 */
export function csvField(value: string): string {
  if (!NEEDS_QUOTES.test(value)) return value;
  return value.includes('"') ? `"${value.replaceAll('"', '""')}"` : `"${value}"`;
}

/**
 * A cell as the export writes it: neutralised against formula injection (a leading = + - @ tab or CR gets a `'`, as
 * lib/export/neutralize-csv-cell.ts says), then as csvField. One test of the first character and one scan for the
 * characters that need quotes: most cells (ids, names, timestamps) pass both and are written as they are.
 */
export function csvCell(value: string): string {
  return csvField(neutralizeCsvCell(value));
}

/** A UTF-8 BOM first (Excel reads the file as UTF-8 only with it), then the column headers (a label, else the key). */
function csvHead(columns: readonly ExportColumn[]): Buffer {
  return Buffer.from("\uFEFF" + columns.map((c) => csvField(columnHeader(c))).join(",") + "\n", "utf8");
}

/**
 * RFC 4180 CSV, one Buffer per batch: a UTF-8 BOM first (Excel reads the file as UTF-8 only with it), the column
 * headers (a label, else the key), then each row with every cell neutralised against formula injection. Each row's text
 * is written to the batch's Buffer as soon as it is made (lib/export/batch-buffer.ts).
 */
export async function* writeCsv(columns: readonly ExportColumn[], batches: AsyncIterable<readonly ExportRow[]>): AsyncGenerator<Uint8Array> {
  yield csvHead(columns);
  const last = columns.length - 1;
  // A plain string is written as it is unless its column reads stored values (cellText does that and the rest).
  const plain = columns.map((c) => !c.stored);
  const out = new BatchBuffer();
  for await (const rows of batches) {
    if (rows.length === 0) continue;
    for (const row of rows) {
      let line = "";
      for (let i = 0; i < last; i++) {
        const value = row[i] ?? null;
        line += (value === null ? "" : csvCell(typeof value === "string" && plain[i] ? value : cellText(columns[i]!, value))) + ",";
      }
      const value = row[last] ?? null;
      out.write(line + (value === null ? "" : csvCell(typeof value === "string" && plain[last] ? value : cellText(columns[last]!, value))) + "\n");
    }
    yield out.take();
  }
}

/** The same file from rows the database wrote as CSV (ExportSource.textRows): the BOM and header, then its bytes. */
export async function* writeCsvCopied(columns: readonly ExportColumn[], rows: AsyncIterable<Uint8Array>): AsyncGenerator<Uint8Array> {
  yield csvHead(columns);
  yield* rows;
}
