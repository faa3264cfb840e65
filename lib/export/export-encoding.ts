import { Readable } from "node:stream";
import { constants, createGzip } from "node:zlib";
import type { ExportFormat } from "./export-format";

/**
 * Which formats the export route gzips itself for a client that accepts it (decision 036): CSV and JSON Lines are
 * text that gzip shrinks 3–8×; XLSX is a ZIP of deflated parts already, so never.
 */
export const GZIP_FORMATS: Readonly<Record<ExportFormat, boolean>> = { csv: true, jsonl: true, xlsx: false };

/**
 * zlib's quickest level (Z_BEST_SPEED): the export is made as fast as the database reads it, and gzip at the default
 * level 6 (Next.js's `compress`) cost more server CPU than writing the rows (decision 036 has the figures).
 */
export const EXPORT_GZIP_LEVEL = constants.Z_BEST_SPEED;

/**
 * Set by the production server (scripts/serve.mjs, scripts/lib/route-encoding.mjs) on every request it hands to
 * Next.js: it sends a route's CONTENT_ENCODING_MARK as `content-encoding`, which Next.js 16 drops from a route
 * handler's own headers. Without it (`next dev`, another server) a route must not compress.
 */
export const SERVER_ENCODES_HEADER = "x-joinscope-server-encodes";
export const CONTENT_ENCODING_MARK = "x-joinscope-content-encoding";

/** zlib's output chunk: 64 KB rather than its 16 KB default, a quarter of the chunks handed to the response. */
const GZIP_CHUNK_BYTES = 64 * 1024;

/**
 * Whether an `Accept-Encoding` header (RFC 9110 §12.5.3) accepts gzip: `gzip` (or its alias `x-gzip`) with a weight
 * above 0, or `*` above 0 when gzip is not named. No header, or gzip weighted `q=0`, means no.
 */
export function acceptsGzip(header: string | null | undefined): boolean {
  if (!header) return false;
  let gzip: number | undefined;
  let any: number | undefined;
  for (const part of header.split(",")) {
    const [token, ...params] = part.split(";").map((s) => s.trim().toLowerCase());
    if (!token) continue;
    let q = 1;
    for (const p of params) {
      const m = /^q\s*=\s*([0-9.]+)$/.exec(p);
      if (m) q = Number(m[1]);
    }
    if (Number.isNaN(q)) continue;
    if (token === "gzip" || token === "x-gzip") gzip = Math.max(gzip ?? 0, q);
    else if (token === "*") any = q;
  }
  return (gzip ?? any ?? 0) > 0;
}

/**
 * The chunks gzipped as one stream, produced only as fast as they are consumed: zlib takes the next chunk only when
 * its input buffer has room, and that buffer fills only as its output is read, so a stalled download stops the
 * reads as without compression. Ending early (a cancelled download) destroys the gzip stream and returns the
 * source iterator.
 */
export async function* gzipChunks(chunks: AsyncIterable<Uint8Array>, level: number = EXPORT_GZIP_LEVEL): AsyncGenerator<Uint8Array> {
  const gzip = createGzip({ level, chunkSize: GZIP_CHUNK_BYTES });
  // One chunk (a batch's bytes) read ahead at most.
  const input = Readable.from(chunks, { objectMode: false, highWaterMark: 1 });
  input.on("error", (error) => gzip.destroy(error));
  input.pipe(gzip);
  try {
    for await (const chunk of gzip) yield chunk as Buffer;
  } finally {
    input.unpipe(gzip);
    input.destroy();
    gzip.destroy();
  }
}
