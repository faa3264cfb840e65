/**
 * The bytes of one uploaded or named file, read as a stream: the parsers never hold a whole file, only the current
 * chunk and the entry being read, and stop at the size limit.
 */
import { createReadStream } from "node:fs";
import { stat } from "node:fs/promises";
import { basename } from "node:path";
import { ProxyInputError } from "./types";

/** Files up to this size are read (issue 21: connector traces and sessions of up to 100 MB). */
export const PROXY_FILE_MAX_BYTES = 100 * 1024 * 1024;
/** A trace line or CSV record longer than this is not a log line. */
export const PROXY_MAX_LINE_CHARS = 1024 * 1024;

export interface ProxySource {
  /** The name shown in errors and evidence (the upload's file name, or the path's base name). */
  name: string;
  /** Size in bytes when known in advance. */
  size: number | null;
  /** A path on disk, for the zip reader's random access (SAZ). */
  path?: string;
  chunks(): AsyncIterable<Uint8Array>;
}

export async function sourceFromPath(path: string): Promise<ProxySource> {
  const info = await stat(path);
  return { name: basename(path), size: info.size, path, chunks: () => createReadStream(path, { highWaterMark: 1024 * 1024 }) };
}

export function sourceFromBytes(name: string, bytes: Uint8Array): ProxySource {
  return {
    name,
    size: bytes.byteLength,
    async *chunks() {
      for (let i = 0; i < bytes.byteLength; i += 1024 * 1024) yield bytes.subarray(i, Math.min(bytes.byteLength, i + 1024 * 1024));
    },
  };
}

/** The source's chunks, failing once more than `maxBytes` have come (a stream's size is not always known). */
export async function* boundedChunks(source: ProxySource, maxBytes: number): AsyncGenerator<Uint8Array> {
  let total = 0;
  for await (const chunk of source.chunks()) {
    total += chunk.byteLength;
    if (total > maxBytes) throw new ProxyInputError(source.name, `larger than ${formatMb(maxBytes)}; split it or capture a shorter window`);
    yield chunk;
  }
}

export function formatMb(bytes: number): string {
  return `${Math.round(bytes / (1024 * 1024))} MB`;
}

export type TextEncoding = "utf-8" | "utf-16le" | "utf-16be";

/** The text encoding from a byte-order mark (Windows writes event exports and some traces as UTF-16). */
export function detectEncoding(head: Uint8Array): TextEncoding {
  if (head[0] === 0xff && head[1] === 0xfe) return "utf-16le";
  if (head[0] === 0xfe && head[1] === 0xff) return "utf-16be";
  // UTF-16LE without a BOM: ASCII text has a zero in every odd byte.
  if (head.length >= 8 && head[1] === 0 && head[3] === 0 && head[5] === 0 && head[0] !== 0) return "utf-16le";
  return "utf-8";
}

/** True when the bytes cannot be a text file in the encoding: NUL or control bytes that text never holds. */
export function looksBinary(head: Uint8Array, encoding: TextEncoding): boolean {
  if (encoding !== "utf-8") return false;
  let control = 0;
  const n = Math.min(head.length, 4096);
  for (let i = 0; i < n; i++) {
    const b = head[i]!;
    if (b === 0) return true;
    if (b < 9 || (b > 13 && b < 32)) control++;
  }
  return control > n / 100;
}

/** Decoded text chunks of the source, in its encoding (BOM removed). */
export async function* textChunks(source: ProxySource, encoding: TextEncoding, maxBytes: number): AsyncGenerator<string> {
  const decoder = new TextDecoder(encoding, { fatal: false, ignoreBOM: false });
  for await (const chunk of boundedChunks(source, maxBytes)) {
    const text = decoder.decode(chunk, { stream: true });
    if (text) yield text;
  }
  const rest = decoder.decode();
  if (rest) yield rest;
}

/**
 * Lines with their 1-based numbers, a chunk's worth at a time (one await per chunk, not per line); CRLF and LF. A
 * line longer than PROXY_MAX_LINE_CHARS is an error.
 */
export async function* lineBatches(name: string, chunks: AsyncIterable<string>): AsyncGenerator<{ lines: string[]; first: number }> {
  let carry = "";
  let n = 0;
  for await (const chunk of chunks) {
    const text = carry ? carry + chunk : chunk;
    const lines = text.split("\n");
    carry = lines.pop()!;
    if (carry.length > PROXY_MAX_LINE_CHARS) throw new ProxyInputError(name, `line ${n + lines.length + 1} is longer than 1 MB: not a text log`);
    if (lines.length === 0) continue;
    for (let i = 0; i < lines.length; i++) {
      const l = lines[i]!;
      if (l.charCodeAt(l.length - 1) === 13) lines[i] = l.slice(0, -1);
    }
    yield { lines, first: n + 1 };
    n += lines.length;
  }
  if (carry) yield { lines: [carry.endsWith("\r") ? carry.slice(0, -1) : carry], first: n + 1 };
}

/** The first bytes of the source without consuming it: the head, and a source that yields everything again. */
export async function peek(source: ProxySource, bytes = 4096): Promise<{ head: Uint8Array; source: ProxySource }> {
  const iterator = source.chunks()[Symbol.asyncIterator]();
  const first: Uint8Array[] = [];
  let have = 0;
  let done = false;
  while (have < bytes) {
    const r = await iterator.next();
    if (r.done) {
      done = true;
      break;
    }
    first.push(r.value);
    have += r.value.byteLength;
  }
  const head = Buffer.concat(first).subarray(0, bytes);
  let used = false;
  const replay: ProxySource = {
    ...source,
    async *chunks() {
      if (used) {
        yield* source.chunks();
        return;
      }
      used = true;
      for (const c of first) yield c;
      if (done) return;
      for (;;) {
        const r = await iterator.next();
        if (r.done) return;
        yield r.value;
      }
    },
  };
  return { head, source: replay };
}
