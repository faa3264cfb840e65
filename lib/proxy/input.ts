/**
 * The bytes of one uploaded or named file, read as a stream: the parsers never hold a whole file, only the current
 * chunk and the entry being read, and stop at the size limit.
 */
import { createReadStream } from "node:fs";
import { stat } from "node:fs/promises";
import { basename } from "node:path";
import { StringDecoder } from "node:string_decoder";
import { ProxyInputError } from "./types";

/** Files up to this size are read (issue 21: connector traces and sessions of up to 100 MB). */
export const PROXY_FILE_MAX_BYTES = 100 * 1024 * 1024;
/** A trace line or CSV record longer than this is not a log line. */
export const PROXY_MAX_LINE_CHARS = 1024 * 1024;
/**
 * Bytes read and decoded at a time. 64 KB keeps each decoded chunk (and a line batch's strings) a small object that V8
 * frees in its young generation: 1 MB chunks made 2 MB strings outside it that only a full collection frees, and
 * RSS grew by 70–140 MB over a 100 MB file before one ran (bench/RESULTS.md, issue 21).
 */
export const PROXY_READ_CHUNK_BYTES = 64 * 1024;

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
  return { name: basename(path), size: info.size, path, chunks: () => createReadStream(path, { highWaterMark: PROXY_READ_CHUNK_BYTES }) };
}

export function sourceFromBytes(name: string, bytes: Uint8Array): ProxySource {
  return {
    name,
    size: bytes.byteLength,
    async *chunks() {
      for (let i = 0; i < bytes.byteLength; i += PROXY_READ_CHUNK_BYTES) yield bytes.subarray(i, Math.min(bytes.byteLength, i + PROXY_READ_CHUNK_BYTES));
    },
  };
}

/**
 * A stream read once, as it comes (standard input): its size is unknown, so the readers' byte bound applies as the
 * bytes arrive instead of after the last one.
 */
export function sourceFromStream(name: string, stream: AsyncIterable<Uint8Array>): ProxySource {
  let taken = false;
  return {
    name,
    size: null,
    chunks() {
      if (taken) throw new Error(`${name} can be read only once`);
      taken = true;
      return stream;
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

/**
 * The whole source in one buffer (a zip's directory is at its end), copied in as the chunks come: the chunks and a
 * concatenation of them are never held together. Sized from `source.size` when it is known (an upload's
 * Content-Length), grown by doubling otherwise; fails past `maxBytes` as boundedChunks does.
 */
export async function readAllBytes(source: ProxySource, maxBytes: number): Promise<Buffer> {
  let buffer = Buffer.allocUnsafe(Math.min(maxBytes, Math.max(source.size ?? 0, PROXY_READ_CHUNK_BYTES)));
  let used = 0;
  for await (const chunk of boundedChunks(source, maxBytes)) {
    if (used + chunk.byteLength > buffer.byteLength) {
      const grown = Buffer.allocUnsafe(Math.min(maxBytes, Math.max(used + chunk.byteLength, buffer.byteLength * 2)));
      buffer.copy(grown, 0, 0, used);
      buffer = grown;
    }
    buffer.set(chunk, used);
    used += chunk.byteLength;
  }
  return buffer.subarray(0, used);
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

/**
 * Decoded text chunks of the source, in its encoding (BOM removed), each from at most PROXY_READ_CHUNK_BYTES bytes
 * whatever size the source's chunks are (an upload's stream, a whole buffer). Node's StringDecoder, not TextDecoder:
 * TextDecoder's streaming mode decodes through ICU to UTF-16 and hands back chunks of more than ~500 KB as external
 * two-byte strings (2 bytes a character of an ASCII file); StringDecoder makes one-byte strings of ASCII and Latin-1
 * text, ~3× faster. Malformed bytes become U+FFFD as with TextDecoder.
 */
export async function* textChunks(source: ProxySource, encoding: TextEncoding, maxBytes: number): AsyncGenerator<string> {
  const decoder = new StringDecoder(encoding === "utf-8" ? "utf8" : "utf16le");
  // UTF-16BE: StringDecoder has no big-endian form, so each even run of bytes is swapped into UTF-16LE (a copy: the
  // source's buffer is not ours to change); an odd byte waits for the next chunk.
  let oddByte: number | null = null;
  let first = true;
  let total = 0;
  for await (const chunk of boundedChunks(source, maxBytes)) {
    total += chunk.byteLength;
    for (let at = 0; at < chunk.byteLength; at += PROXY_READ_CHUNK_BYTES) {
      let piece: Uint8Array = chunk.subarray(at, Math.min(chunk.byteLength, at + PROXY_READ_CHUNK_BYTES));
      if (encoding === "utf-16be") {
        const joined: Buffer = oddByte === null ? Buffer.from(piece) : Buffer.concat([Uint8Array.of(oddByte), piece]);
        const even: number = joined.byteLength & ~1;
        oddByte = even < joined.byteLength ? joined[even]! : null;
        piece = joined.subarray(0, even).swap16();
      }
      let text = decoder.write(piece as Buffer);
      if (first && text) {
        first = false;
        if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
      }
      if (text) yield text;
    }
  }
  // A UTF-16 file cut after an odd byte ends in U+FFFD, as TextDecoder ends it (StringDecoder drops the byte).
  let rest = decoder.end() + (encoding !== "utf-8" && total % 2 === 1 ? "\ufffd" : "");
  if (first && rest.charCodeAt(0) === 0xfeff) rest = rest.slice(1);
  if (rest) yield rest;
}

/**
 * Lines with their 1-based numbers, a chunk's worth at a time (one await per chunk, not per line); CRLF and LF. A
 * line longer than PROXY_MAX_LINE_CHARS is an error. Each chunk is split as it is: only the line it continues is
 * joined with the previous chunk's unfinished one, never the whole chunk (which would copy every chunk once more).
 */
export async function* lineBatches(name: string, chunks: AsyncIterable<string>): AsyncGenerator<{ lines: string[]; first: number }> {
  let carry = "";
  let n = 0;
  for await (const chunk of chunks) {
    const lines = chunk.split("\n");
    if (carry) lines[0] = carry + lines[0]!;
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
