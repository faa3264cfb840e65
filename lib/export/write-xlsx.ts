import { PassThrough } from "node:stream";
import ExcelJS from "exceljs";
import { cellText, columnHeader, type ExportColumn, type ExportRow } from "./export-source";

/** Excel's limit on the characters of one cell. */
const MAX_CELL_CHARS = 32_767;

/**
 * Uncompressed sheet XML that may wait for the zip before the next batch is read. exceljs's streaming writer takes
 * every committed row at once: its sheet stream (a StreamBuf) writes into the zip's deflate stream without waiting
 * for it (measured: 200,000 rows committed back to back left 36 MB waiting in buffers, the process grew by 160 MB).
 * So the wait for the deflate stream to catch up is here.
 */
const MAX_PENDING_BYTES = 1 << 20;

/** The parts of exceljs's StreamBuf (lib/utils/stream-buf.js) that tell how much it holds, and what it writes into. */
interface StreamBufInternals {
  buffers?: { length: number }[];
  /** archiver's PassThrough (readable-stream 2, hence the states, not writableLength) in front of the deflate stream. */
  pipes?: { _writableState?: { length?: number }; _readableState?: { length?: number } }[];
}

/**
 * One worksheet through exceljs's streaming WorkbookWriter (rows committed as they come, inline strings instead of a
 * shared-strings table that would grow with the rows, no styles), zipped at deflate level 1. Values keep their type
 * (numbers and booleans as such); a string is always a text cell, never a formula, so a hostname starting with "="
 * stays text without being rewritten.
 *
 * Backpressure: exceljs accepts rows without ever pushing back, so the writer paces itself. After committing a batch
 * it waits until the deflate stream has taken in all but MAX_PENDING_BYTES of the sheet's XML, hands on every
 * compressed chunk produced so far, and reads the next batch only when its consumer asks for more. What sits in
 * memory is therefore about one batch of rows and its compressed bytes.
 */
export async function* writeXlsx(
  columns: readonly ExportColumn[],
  batches: AsyncIterable<readonly ExportRow[]>,
  sheetName: string,
): AsyncGenerator<Uint8Array> {
  const out = new PassThrough();
  const chunks: Buffer[] = [];
  let ended = false;
  let failure: unknown = null;
  let wake: (() => void) | null = null;
  const signal = () => {
    wake?.();
    wake = null;
  };
  out.on("data", (chunk: Buffer) => {
    chunks.push(chunk);
    signal();
  });
  out.on("end", () => {
    ended = true;
    signal();
  });
  out.on("error", (error) => {
    failure = error;
    signal();
  });
  const workbook = new ExcelJS.stream.xlsx.WorkbookWriter({ stream: out, useStyles: false, useSharedStrings: false, zip: { zlib: { level: 1 } } });
  const sheet = workbook.addWorksheet(sheetName);
  // Widths, when the columns have them (readable as Excel opens it); no header here: it is the first row below.
  if (columns.some((c) => c.width)) sheet.columns = columns.map((c) => ({ key: c.key, width: c.width ?? 12 }));
  sheet.addRow(columns.map(columnHeader)).commit();

  const take = function* (): Generator<Uint8Array> {
    while (chunks.length) yield new Uint8Array(chunks.shift()!);
  };
  /** Sheet XML committed but not yet taken in by the deflate stream. */
  const pending = () => {
    const stream = (sheet as unknown as { stream?: StreamBufInternals }).stream;
    let bytes = 0;
    for (const b of stream?.buffers ?? []) bytes += b.length;
    for (const p of stream?.pipes ?? []) bytes += (p._writableState?.length ?? 0) + (p._readableState?.length ?? 0);
    return bytes;
  };
  /** Waits until the zip has compressed all but MAX_PENDING_BYTES of what was committed (compression runs off the main thread). */
  const settle = async () => {
    for (let waited = 0; pending() > MAX_PENDING_BYTES && !failure && waited < 1_000_000; waited++) await new Promise<void>((resolve) => setImmediate(resolve));
  };

  try {
    for await (const rows of batches) {
      for (const row of rows) sheet.addRow(columns.map((c, i) => cellValue(c, row[i] ?? null))).commit();
      await settle();
      if (failure) throw failure;
      yield* take();
    }
    sheet.commit();
    const committed = workbook.commit();
    while (!ended) {
      if (failure) throw failure;
      if (chunks.length) yield* take();
      else await new Promise<void>((resolve) => (wake = resolve));
    }
    await committed;
    if (failure) throw failure;
    yield* take();
  } finally {
    if (!ended) out.destroy();
  }
}

function cellValue(column: ExportColumn, value: ExportRow[number]): string | number | boolean | null {
  if (value === null || typeof value === "number" || typeof value === "boolean") return value;
  const text = cellText(column, value);
  return text.length > MAX_CELL_CHARS ? text.slice(0, MAX_CELL_CHARS) : text;
}
