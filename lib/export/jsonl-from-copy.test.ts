import { describe, expect, it } from "vitest";

import type { ExportColumn, ExportRow } from "./export-source";
import { CHUNK_SIZES, copyLine, randomRows, seededRandom, throughCopyCells } from "./testing/copy-lines";
import { JsonLineWriter, jsonLinesFromCopy, type JsonCellKind } from "./jsonl-from-copy";
import { writeJsonl } from "./write-jsonl";

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
  return throughCopyCells(kinds.length, rows, sizes, new JsonLineWriter(kinds, keys).write, false);
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
      const next = seededRandom(seed);
      const pick = <T>(xs: readonly T[]) => xs[Math.floor(next() * xs.length)]!;
      const kinds: JsonCellKind[] = Array.from({ length: 1 + Math.floor(next() * 6) }, () => pick(["text", "text", "number", "bool", "list"] as const));
      const keys = kinds.map((k, i) => (i === 1 ? `quo"te ${k}` : `${k}${i}`));
      const rows = randomRows(next, kinds, PIECES);
      const expected = await writerText(kinds, keys, rows);
      for (const line of expected.trimEnd().split("\n")) JSON.parse(line);
      for (const sizes of CHUNK_SIZES) {
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
