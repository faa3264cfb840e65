/**
 * JSON Lines made from the bytes of PostgreSQL's COPY (lib/export/copy-cells.ts) without turning a cell into a
 * JavaScript string (decision 053): each value is copied from COPY's bytes into its JSON text, escaped on the way. Byte
 * for byte what writeJsonl (write-jsonl.ts) writes for the same values: tests compare the two.
 *
 * Unlike a sheet, JSON tells NULL (`null`) from an empty text (`""`): COPY writes the one unquoted and the other quoted.
 */
import { asciiBytes, type ByteOutput, COPY_QUOTE, rowsFromCopy, type CopyRow } from "./copy-cells";

/**
 * How a column's COPY text becomes a JSON value: a string, a number or a boolean (`t`/`f`, as COPY writes one) as
 * such, or a comma-separated list as an array of its items (`[]` when NULL or empty).
 */
export type JsonCellKind = "text" | "number" | "bool" | "list";

const HEX = asciiBytes("0123456789abcdef");
const NULL = asciiBytes("null");
const TRUE = asciiBytes("true");
const FALSE = asciiBytes("false");
const EMPTY_LIST = asciiBytes("[]");
const LINE_END = asciiBytes("}\n");

/**
 * Per byte, what JSON.stringify writes for it inside a string: 0 the byte itself, 1 a `\u00XX` escape, else the
 * character after a backslash (`\"`, `\\`, `\b`, `\t`, `\n`, `\f`, `\r`).
 */
const ESCAPE = new Uint8Array(256);
for (let b = 0; b < 0x20; b++) ESCAPE[b] = 1;
ESCAPE[0x22] = 0x22;
ESCAPE[0x5c] = 0x5c;
ESCAPE[0x08] = 0x62;
ESCAPE[0x09] = 0x74;
ESCAPE[0x0a] = 0x6e;
ESCAPE[0x0c] = 0x66;
ESCAPE[0x0d] = 0x72;

/** Writes each row COPY hands over as one JSON Lines line, keys in the columns' order. */
export class JsonLineWriter {
  private readonly prefixes: Uint8Array[];

  constructor(
    private readonly kinds: readonly JsonCellKind[],
    keys: readonly string[],
  ) {
    if (kinds.length === 0 || kinds.length !== keys.length) throw new Error("JsonLineWriter: one kind and one key per column");
    this.prefixes = keys.map((key, i) => new Uint8Array(Buffer.from(`${i === 0 ? "{" : ","}${JSON.stringify(key)}:`, "utf8")));
  }

  readonly write = (row: CopyRow, out: ByteOutput): void => {
    for (let column = 0; column < this.kinds.length; column++) {
      out.write(this.prefixes[column]!);
      const from = row.from[column]!;
      const end = row.end[column]!;
      const quoted = row.quoted[column] === 1;
      const kind = this.kinds[column]!;
      if (kind === "list") {
        if (end === from) out.write(EMPTY_LIST);
        else list(out, row.input, from, end, quoted);
      } else if (end === from && !quoted) out.write(NULL);
      else if (kind === "text") jsonString(out, row.input, from, end, quoted);
      else if (kind === "number") out.copy(row.input, from, end);
      else out.write(row.input[from] === 0x74 /* t */ ? TRUE : FALSE);
    }
    out.write(LINE_END);
  };
}

/** `["a","b"]` from `a,b`: the items between commas, each a string (an empty one included, as split(",") gives). */
function list(out: ByteOutput, input: Uint8Array, from: number, end: number, quoted: boolean): void {
  out.ensure(1);
  out.out[out.length++] = 0x5b; // [
  let start = from;
  for (let i = from; i <= end; i++) {
    if (i === end || input[i] === 0x2c /* , */) {
      if (start > from) {
        out.ensure(1);
        out.out[out.length++] = 0x2c;
      }
      jsonString(out, input, start, i, quoted);
      start = i + 1;
    }
  }
  out.ensure(1);
  out.out[out.length++] = 0x5d; // ]
}

/** `"…"`: input[from, end) as JSON.stringify writes a string; in a quoted cell, COPY's doubled quote is one \x02. */
function jsonString(target: ByteOutput, input: Uint8Array, from: number, end: number, quoted: boolean): void {
  // An escape is at most 6 bytes for 1 (`\u0002`), and 2 for the quotes around.
  target.ensure((end - from) * 6 + 2);
  const out = target.out;
  let o = target.length;
  out[o++] = 0x22;
  for (let i = from; i < end; i++) {
    const b = input[i]!;
    const e = ESCAPE[b]!;
    if (e === 0) {
      out[o++] = b;
      continue;
    }
    if (quoted && b === COPY_QUOTE) i++; // the doubled quote's second half
    out[o++] = 0x5c; // \
    if (e === 1) {
      out[o++] = 0x75; // u
      out[o++] = 0x30;
      out[o++] = 0x30;
      out[o++] = HEX[b >> 4]!;
      out[o++] = HEX[b & 15]!;
    } else out[o++] = e;
  }
  out[o++] = 0x22;
  target.length = o;
}

/** The JSON Lines handed on at a time. */
const JSONL_BATCH_BYTES = 256 * 1024;

/** COPY's chunks as Buffers of whole JSON Lines lines (a new Buffer each: a download's stream may still hold the last). */
export function jsonLinesFromCopy(
  kinds: readonly JsonCellKind[],
  keys: readonly string[],
  chunks: AsyncIterable<Uint8Array>,
  batchBytes = JSONL_BATCH_BYTES,
): AsyncGenerator<Buffer> {
  return rowsFromCopy(kinds.length, chunks, new JsonLineWriter(kinds, keys).write, batchBytes);
}
