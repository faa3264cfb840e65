/**
 * Test support for the writers that read PostgreSQL's COPY cells (lib/export/copy-cells.ts): COPY's text for a row,
 * a seeded random generator, and rows read through CopyCells in chunks.
 */
import { ByteOutput, CopyCells, type CopyRow } from "../copy-cells";

/**
 * A row as PostgreSQL's COPY writes it with COPY_CELLS_OPTIONS (`FORMAT csv, DELIMITER E'\x01', QUOTE E'\x02'`):
 * NULL as nothing, an empty text quoted, a cell quoted when it holds the delimiter, the quote, a CR or a LF, with its
 * quotes doubled; booleans as t/f; anything else as its text (a list as stored: its items joined by commas).
 */
export function copyLine(row: readonly unknown[]): string {
  return (
    row
      .map((v) => {
        if (v === null) return "";
        if (typeof v === "boolean") return v ? "t" : "f";
        const text = String(v);
        return text === "" || /[\x01\x02\r\n]/.test(text) ? `\x02${text.replaceAll("\x02", "\x02\x02")}\x02` : text;
      })
      .join("\x01") + "\n"
  );
}

/** A deterministic generator (mulberry32), so a failure names its seed. */
export function seededRandom(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * The rows as COPY's text, cut into chunks of the given sizes (cycled) and read by CopyCells into a writer of the
 * output's bytes, taking the output every third chunk (copied: a reusing output overwrites it two takes later).
 */
export function throughCopyCells(
  columns: number,
  rows: readonly (readonly unknown[])[],
  sizes: readonly number[],
  write: (row: CopyRow, out: ByteOutput) => void,
  reuse: boolean,
): string {
  const bytes = Buffer.from(rows.map(copyLine).join(""), "utf8");
  const output = new ByteOutput(16, reuse);
  const reader = new CopyCells(columns, (row) => write(row, output));
  const out: Buffer[] = [];
  for (let at = 0, k = 0; at < bytes.length; k++) {
    const size = sizes[k % sizes.length]!;
    reader.push(bytes.subarray(at, at + size));
    at += size;
    if (k % 3 === 0) out.push(Buffer.from(output.take()));
  }
  reader.end();
  out.push(Buffer.from(output.take()));
  return Buffer.concat(out).toString("utf8");
}

/** The chunk sizes the writers are tested with: a byte at a time, odd sizes, and all at once. */
export const CHUNK_SIZES: readonly (readonly number[])[] = [[1], [2, 3, 5], [7, 1, 64], [1 << 20]];

/**
 * Up to 40 random rows for the column kinds: a sixth of the values null, numbers (some negative), booleans, an empty
 * text now and then, and texts made of up to 5 of `pieces`.
 */
export function randomRows(next: () => number, kinds: readonly string[], pieces: readonly string[]): (string | number | boolean | null)[][] {
  const pick = <T>(xs: readonly T[]) => xs[Math.floor(next() * xs.length)]!;
  return Array.from({ length: 1 + Math.floor(next() * 40) }, () =>
    kinds.map((kind) => {
      if (next() < 0.15) return null;
      if (kind === "number") return Math.floor((next() - 0.3) * 100_000);
      if (kind === "bool") return next() < 0.5;
      if (next() < 0.1) return "";
      return Array.from({ length: Math.floor(next() * 6) }, () => pick(pieces)).join("");
    }),
  );
}
