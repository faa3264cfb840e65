import { describe, expect, it } from "vitest";
import { ByteOutput, CopyCells } from "./copy-cells";
import type { ExportColumn, ExportRow } from "./export-source";
import { JsonLineWriter, jsonLinesFromCopy, type JsonCellKind } from "./jsonl-from-copy";
import { writeJsonl } from "./write-jsonl";

/**
 * A row as PostgreSQL's COPY writes it with COPY_CELLS_OPTIONS: NULL as nothing, an empty text quoted, a cell quoted
 * when it holds the delimiter, the quote, a CR or a LF, with its quotes doubled; booleans as t/f; a list as stored
 * (its items joined by commas).
 */
function copyLine(row: readonly (string | number | boolean | null)[]): string {
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

/** The row as the device source hands it to writeJsonl: a list column's stored text as its items. */
const asExportRow = (kinds: readonly JsonCellKind[], row: readonly (string | number | boolean | null)[]): ExportRow =>
  row.map((v, i) => (kinds[i] === "list" ? (typeof v === "string" && v ? v.split(",") : []) : v));

async function writerText(kinds: readonly JsonCellKind[], keys: string[], rows: readonly (string | number | boolean | null)[][]): Promise<string> {
  const columns: ExportColumn[] = keys.map((key) => ({ key }));
  async function* one() {
    yield rows.map((r) => asExportRow(kinds, r));
  }
  const out: Buffer[] = [];
  for await (const b of writeJsonl(columns, one())) out.push(Buffer.from(b));
  return Buffer.concat(out).toString("utf8");
}

function fromCopy(kinds: readonly JsonCellKind[], keys: string[], rows: readonly (string | number | boolean | null)[][], sizes: readonly number[]): string {
  const bytes = Buffer.from(rows.map(copyLine).join(""), "utf8");
  const text = new ByteOutput(16);
  const writer = new JsonLineWriter(kinds, keys);
  const reader = new CopyCells(kinds.length, (row) => writer.write(row, text));
  const out: Buffer[] = [];
  for (let at = 0, k = 0; at < bytes.length; k++) {
    const size = sizes[k % sizes.length]!;
    reader.push(bytes.subarray(at, at + size));
    at += size;
    if (k % 3 === 0) out.push(text.take());
  }
  reader.end();
  out.push(text.take());
  return Buffer.concat(out).toString("utf8");
}

function random(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Pieces a directory or an agent can send, and the ones JSON and COPY treat specially. */
const PIECES = [
  "PC-0042",
  " ",
  "\t",
  "\n",
  "\r",
  "\b",
  "\f",
  '"',
  "\\",
  "\\u0041",
  "/",
  "\x01",
  "\x02",
  "\x1f",
  "\x7f",
  "Zürich",
  "東京",
  "😀",
  "\u2028",
  ",",
  ",,",
  "prt-missing",
];

describe("JsonLineWriter: COPY's bytes to JSON Lines, byte for byte what writeJsonl writes", () => {
  it("random values of every kind, null and empty text told apart, in chunks of every size", async () => {
    for (let seed = 1; seed <= 40; seed++) {
      const next = random(seed);
      const pick = <T>(xs: readonly T[]) => xs[Math.floor(next() * xs.length)]!;
      const kinds: JsonCellKind[] = Array.from({ length: 1 + Math.floor(next() * 6) }, () => pick(["text", "text", "number", "bool", "list"] as const));
      const keys = kinds.map((k, i) => (i === 1 ? `quo"te ${k}` : `${k}${i}`));
      const rows = Array.from({ length: 1 + Math.floor(next() * 40) }, () =>
        kinds.map((kind) => {
          if (next() < 0.15) return null;
          if (kind === "number") return Math.floor((next() - 0.3) * 100_000);
          if (kind === "bool") return next() < 0.5;
          if (next() < 0.1) return "";
          return Array.from({ length: Math.floor(next() * 6) }, () => pick(PIECES)).join("");
        }),
      );
      const expected = await writerText(kinds, keys, rows);
      for (const line of expected.trimEnd().split("\n")) JSON.parse(line);
      for (const sizes of [[1], [2, 3, 5], [7, 1, 64], [1 << 20]]) {
        expect(fromCopy(kinds, keys, rows, sizes), `seed ${seed}, chunks ${sizes.join(",")}`).toBe(expected);
      }
    }
  });

  it("a list: its items as strings, an empty item kept, nothing or an empty text as []", async () => {
    const kinds: JsonCellKind[] = ["list", "text"];
    const rows = [
      ["prt-missing,object-deleted,,x", "a"],
      [null, null],
      ["", ""],
      ['say "hi"', "\x02"],
    ];
    const text = fromCopy(kinds, ["openRules", "name"], rows, [3]);
    expect(text).toBe(await writerText(kinds, ["openRules", "name"], rows));
    expect(text.split("\n")[0]).toBe('{"openRules":["prt-missing","object-deleted","","x"],"name":"a"}');
    expect(text.split("\n")[1]).toBe('{"openRules":[],"name":null}');
    expect(text.split("\n")[2]).toBe('{"openRules":[],"name":""}');
    expect(text.split("\n")[3]).toBe('{"openRules":["say \\"hi\\""],"name":"\\u0002"}');
  });

  it("hands on new Buffers of whole lines of about the batch size", async () => {
    const line = Buffer.from(copyLine(["PC-0001", 3, true]));
    async function* chunks() {
      for (let i = 0; i < 1000; i++) yield line;
    }
    const batches: Buffer[] = [];
    for await (const b of jsonLinesFromCopy(["text", "number", "bool"], ["name", "openFindings", "azureAdPrt"], chunks(), 4096)) batches.push(b);
    expect(batches.length).toBeGreaterThan(5);
    expect(new Set(batches.map((b) => b.buffer)).size).toBe(batches.length); // none shares memory with another
    const text = Buffer.concat(batches).toString("utf8");
    expect(text.split("\n").filter(Boolean)).toEqual(Array(1000).fill('{"name":"PC-0001","openFindings":3,"azureAdPrt":true}'));
    expect(() => new JsonLineWriter(["text"], [])).toThrow();
  });
});
