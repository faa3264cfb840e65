import type { Writable } from "node:stream";
import { acceptsGzip, CONTENT_ENCODING_MARK, GZIP_FORMATS, gzipChunks, SERVER_ENCODES_HEADER } from "./export-encoding";
import { EXPORT_CONTENT_TYPE, type ExportFormat } from "./export-format";
import type { ExportSource } from "./export-source";
import { writeCsv, writeCsvCopied } from "./write-csv";
import { writeJsonl } from "./write-jsonl";
import { cellOpens, writeXlsx, zipSheet } from "./write-xlsx";
import { sheetRowsFromCopy } from "./sheet-rows-from-copy";

export interface ExportProgress {
  /** Rows read so far. */
  onRows?(rows: number): void;
}

/**
 * A source's rows in a format, as byte chunks, produced only as fast as they are consumed: each chunk is made when
 * the consumer asks for it, and a batch is read from the database only when the writer needs it. Nothing holds more
 * than a batch.
 */
export function exportChunks(source: ExportSource, format: ExportFormat, progress: ExportProgress = {}): AsyncGenerator<Uint8Array> {
  // Rows copied as bytes are counted by their line feeds: exact for JSON Lines; for CSV a quoted cell may hold a line
  // feed, so the count may run ahead of the rows (the CLI's progress bar stops at its total).
  async function* countedLines(chunks: AsyncIterable<Uint8Array>): AsyncGenerator<Uint8Array> {
    let rows = 0;
    for await (const chunk of chunks) {
      if (progress.onRows) {
        for (let at = chunk.indexOf(10); at !== -1; at = chunk.indexOf(10, at + 1)) rows++;
        yield chunk;
        progress.onRows(rows);
      } else yield chunk;
    }
  }
  async function* counted<T>(batches: AsyncIterable<readonly T[]>): AsyncGenerator<readonly T[]> {
    let rows = 0;
    for await (const batch of batches) {
      rows += batch.length;
      yield batch;
      progress.onRows?.(rows);
    }
  }
  // The rows' text as the database's COPY writes it, when the source can (decision 049); else the writer formats each row.
  const copied = format === "xlsx" ? null : (source.textRows?.(format) ?? null);
  switch (format) {
    case "csv":
      return copied ? writeCsvCopied(source.columns, countedLines(copied)) : writeCsv(source.columns, counted(source.batches()));
    case "jsonl":
      return copied ? countedLines(copied) : writeJsonl(source.columns, counted(source.batches()));
    case "xlsx": {
      // The sheet's rows from COPY's bytes when the source can (decision 053), else from the rows.
      const cells = source.sheetCells?.() ?? null;
      return cells
        ? zipSheet(source.columns, sheetRowsFromCopy(cells.kinds, cellOpens(source.columns), countedLines(cells.chunks)), source.name)
        : writeXlsx(source.columns, counted(source.batches()), source.name);
    }
  }
}

/** For an HTTP response: a pull stream (the runtime pulls as the client reads); a cancelled download stops the reads. */
export function exportReadableStream(source: ExportSource, format: ExportFormat, options: { gzip?: boolean } = {}): ReadableStream<Uint8Array> {
  const chunks = exportChunks(source, format);
  const iterator = options.gzip ? gzipChunks(chunks) : chunks;
  return new ReadableStream<Uint8Array>(
    {
      async pull(controller) {
        const next = await iterator.next();
        if (next.done) controller.close();
        else controller.enqueue(next.value);
      },
      async cancel() {
        await iterator.return(undefined);
      },
    },
    // One chunk ahead at most: a slow client holds back the reads.
    { highWaterMark: 1 },
  );
}

/** For a file or stdout: each chunk written, waiting for 'drain' whenever the stream's buffer is full. */
export async function writeExport(source: ExportSource, format: ExportFormat, target: Writable, progress: ExportProgress = {}): Promise<void> {
  for await (const chunk of exportChunks(source, format, progress)) {
    if (!target.write(chunk)) {
      await new Promise<void>((resolve, reject) => {
        const done = (error?: Error) => {
          target.off("drain", onDrain);
          target.off("error", done);
          if (error) reject(error);
          else resolve();
        };
        const onDrain = () => done();
        target.once("drain", onDrain);
        target.once("error", done);
      });
    }
  }
}

/**
 * An export route's response (decision 036): CSV and JSON Lines gzipped by the route itself at zlib's quickest level
 * when the request accepts gzip and the server sends the route's encoding (SERVER_ENCODES_HEADER: Next.js 16 drops a
 * route handler's `content-encoding`, so the encoding is named in CONTENT_ENCODING_MARK and the production server
 * sends it as `content-encoding`, which Next.js's own compression then leaves alone); as they are otherwise. XLSX
 * never (a ZIP already). `vary: accept-encoding` on the formats whose bytes depend on it.
 */
export function exportResponse(request: Request, source: ExportSource, format: ExportFormat, tenantName: string): Response {
  const gzip = GZIP_FORMATS[format] && request.headers.get(SERVER_ENCODES_HEADER) === "1" && acceptsGzip(request.headers.get("accept-encoding"));
  const headers = exportHeaders(source, format, tenantName);
  if (GZIP_FORMATS[format]) headers.vary = "accept-encoding";
  if (gzip) headers[CONTENT_ENCODING_MARK] = "gzip";
  return new Response(exportReadableStream(source, format, { gzip }), { headers });
}

/** The download's headers: type, a file name with the tenant and the date, never cached. */
export function exportHeaders(source: Pick<ExportSource, "name">, format: ExportFormat, tenantName: string, now = new Date()): Record<string, string> {
  const slug =
    tenantName
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, "-")
      .replace(/^-|-$/g, "") || "tenant";
  return {
    "content-type": EXPORT_CONTENT_TYPE[format],
    "content-disposition": `attachment; filename="joinscope-${source.name}-${slug}-${now.toISOString().slice(0, 10)}.${format}"`,
    "cache-control": "no-store",
    "x-content-type-options": "nosniff",
  };
}
