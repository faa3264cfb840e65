import type { Writable } from "node:stream";
import { EXPORT_CONTENT_TYPE, type ExportFormat } from "./export-format";
import type { ExportRow, ExportSource } from "./export-source";
import { writeCsv } from "./write-csv";
import { writeJsonl } from "./write-jsonl";
import { writeXlsx } from "./write-xlsx";

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
  async function* counted(): AsyncGenerator<readonly ExportRow[]> {
    let rows = 0;
    for await (const batch of source.batches()) {
      rows += batch.length;
      yield batch;
      progress.onRows?.(rows);
    }
  }
  switch (format) {
    case "csv":
      return writeCsv(source.columns, counted());
    case "jsonl":
      return writeJsonl(source.columns, counted());
    case "xlsx":
      return writeXlsx(source.columns, counted(), source.name);
  }
}

/** For an HTTP response: a pull stream (the runtime pulls as the client reads); a cancelled download stops the reads. */
export function exportReadableStream(source: ExportSource, format: ExportFormat): ReadableStream<Uint8Array> {
  const iterator = exportChunks(source, format);
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
