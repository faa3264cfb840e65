import yauzl from "yauzl";
import { describe, expect, it } from "vitest";
import type { ExportColumn, ExportRow } from "./export-source";
import { CHUNK_SIZES, copyLine, randomRows, seededRandom, throughCopyCells } from "./testing/copy-lines";
import { CopyCells } from "./copy-cells";
import { SheetRowWriter, sheetRowsFromCopy, type SheetCellKind } from "./sheet-rows-from-copy";
import { cellOpens, rowsXml, writeXlsx, zipSheet } from "./write-xlsx";

const columnsOf = (kinds: readonly SheetCellKind[]): ExportColumn[] => kinds.map((_, i) => ({ key: `k${i}` }));

async function writerXml(kinds: readonly SheetCellKind[], rows: readonly ExportRow[]): Promise<string> {
  async function* one() {
    yield rows;
  }
  const out: Buffer[] = [];
  for await (const b of rowsXml(columnsOf(kinds), one())) out.push(b);
  return Buffer.concat(out).toString("utf8");
}

/** The rows through COPY's bytes, cut into chunks of the given sizes (cycled). */
function fromCopy(kinds: readonly SheetCellKind[], rows: readonly ExportRow[], sizes: readonly number[]): string {
  return throughCopyCells(kinds.length, rows, sizes, new SheetRowWriter(kinds, cellOpens(columnsOf(kinds)), 2).write, true);
}

/** Pieces a directory or an agent can send, and the ones XML, CSV and Excel treat specially. */
const PIECES = [
  "PC-0042",
  " ",
  "\t",
  "\n",
  "\r",
  "\r\n",
  "&",
  "<",
  ">",
  '"',
  "'",
  "=1+1",
  "_x0041_",
  "_x12_",
  "_xZZZZ_",
  "_",
  "x",
  "00A0",
  "\x01",
  "\x02",
  "\x02\x02",
  "\x00".slice(1), // PostgreSQL text never holds NUL
  "\x1f",
  "\x0b",
  "Zürich",
  "東京",
  "😀",
  "\ufffe",
  "\uffff",
  "\ufffd",
  "\uefbf",
  ",",
];

describe("SheetRowsFromCopy: COPY's bytes to sheet rows, byte for byte what writeXlsx writes", () => {
  it("random cells of every kind, in chunks of every size", async () => {
    for (let seed = 1; seed <= 40; seed++) {
      const next = seededRandom(seed);
      const pick = <T>(xs: readonly T[]) => xs[Math.floor(next() * xs.length)]!;
      const kinds: SheetCellKind[] = Array.from({ length: 1 + Math.floor(next() * 6) }, () => pick(["text", "text", "number", "bool"] as const));
      const rows: ExportRow[] = randomRows(next, kinds, PIECES);
      const expected = await writerXml(kinds, rows);
      for (const sizes of CHUNK_SIZES) {
        expect(fromCopy(kinds, rows, sizes), `seed ${seed}, chunks ${sizes.join(",")}`).toBe(expected);
      }
    }
  });

  it("a cell beyond Excel's 32,767 characters is cut where the writer cuts it, a surrogate pair cut in half included", async () => {
    const kinds: SheetCellKind[] = ["text", "number"];
    const long = (head: string, body: string) => head + body.repeat(40_000);
    const rows: ExportRow[] = [
      [long("", "a"), 1],
      [long(" ", "é"), 2], // two bytes a character: cut by characters, not bytes
      ["x".repeat(32_766) + "😀 tail", 3], // the pair starts at the last place: the writer keeps half, then drops it
      ["x".repeat(32_765) + "😀 tail", 4], // the pair fits
      ["x".repeat(32_766) + " tail", 5], // the last character kept is a space: xml:space="preserve"
      ["x".repeat(32_765) + " 😀", 6], // a space, then half a pair: not an edge space in the writer's eyes
      [long("\x02", "\x02"), 7], // COPY's own quote, doubled in the cell, counted as one character each
      [long("_x0041_", "&"), 8],
    ];
    const expected = await writerXml(kinds, rows);
    expect(expected).toContain('xml:space="preserve"');
    expect(fromCopy(kinds, rows, [4096, 1, 33_000])).toBe(expected);
  });

  it("refuses a row with the wrong number of cells, and output that ends inside a row", () => {
    const cells = (rows: string[][]) =>
      new CopyCells(2, (row) => rows.push([0, 1].map((i) => Buffer.from(row.input.subarray(row.from[i], row.end[i])).toString())));
    expect(() => cells([]).push(Buffer.from("a\x01b\x01c\n"))).toThrow(/row 1 does not have 2 cells/);
    expect(() => cells([]).push(Buffer.from("a\n"))).toThrow(/does not have 2 cells/);
    expect(() => cells([]).push(Buffer.from("\x02a\x02b\x01c\n"))).toThrow(/does not have 2 cells/);
    const seen: string[][] = [];
    const cut = cells(seen);
    cut.push(Buffer.from("a\x01b\nc\x01"));
    expect(cut.rows).toBe(1);
    expect(seen).toEqual([["a", "b"]]);
    expect(() => cut.end()).toThrow(/ended inside a row/);
    cut.push(Buffer.from("\x02d\x02\x02\x02\n"));
    expect(seen).toEqual([
      ["a", "b"],
      ["c", "d\x02\x02"],
    ]);
    cut.end();
    expect(() => new CopyCells(0, () => {})).toThrow();
    expect(() => new SheetRowWriter(["text"], [], 2)).toThrow();
  });

  it("hands on Buffers of whole rows of about the batch size, numbered from row 2", async () => {
    const kinds: SheetCellKind[] = ["text", "number"];
    const line = Buffer.from(copyLine(["PC-0001", 3]));
    async function* chunks() {
      for (let i = 0; i < 1000; i++) yield line;
    }
    const batches: string[] = [];
    for await (const b of sheetRowsFromCopy(kinds, cellOpens(columnsOf(kinds)), chunks(), 4096)) batches.push(b.toString("utf8"));
    expect(batches.length).toBeGreaterThan(5);
    for (const b of batches) expect(b).toMatch(/^<row r="\d+">.*<\/row>$/);
    expect(batches[0]!.startsWith('<row r="2"><c r="A2" t="inlineStr"><is><t>PC-0001</t></is></c><c r="B2"><v>3</v></c></row>')).toBe(true);
    expect(batches.at(-1)!.endsWith('<row r="1001"><c r="A1001" t="inlineStr"><is><t>PC-0001</t></is></c><c r="B1001"><v>3</v></c></row>')).toBe(true);
  });
});

/** The inflated bytes of one ZIP entry. */
function entry(zip: Buffer, name: string): Promise<string> {
  return new Promise((resolve, reject) => {
    yauzl.fromBuffer(zip, { lazyEntries: true, validateEntrySizes: true }, (error, file) => {
      if (error) return reject(error);
      file.on("entry", (e: yauzl.Entry) => {
        if (e.fileName !== name) return file.readEntry();
        file.openReadStream(e, (err, stream) => {
          if (err) return reject(err);
          const parts: Buffer[] = [];
          stream.on("data", (d: Buffer) => parts.push(d));
          stream.on("end", () => resolve(Buffer.concat(parts).toString("utf8")));
          stream.on("error", reject);
        });
      });
      file.on("end", () => reject(new Error(`no ${name}`)));
      file.readEntry();
    });
  });
}

describe("zipSheet over SheetRowsFromCopy", () => {
  it("is the workbook writeXlsx makes of the same rows, across many batches of reused memory", async () => {
    const kinds: SheetCellKind[] = ["text", "number", "bool", "text"];
    const rows: ExportRow[] = Array.from({ length: 3000 }, (_, i) => [`PC-${i} <${i % 7}>`, i, i % 2 === 0, i % 5 ? `rule-${i % 11}` : null]);
    const now = new Date("2026-12-07T08:00:00Z");
    async function* copyChunks() {
      const bytes = Buffer.from(rows.map(copyLine).join(""));
      for (let at = 0; at < bytes.length; at += 1000) yield bytes.subarray(at, at + 1000);
    }
    async function* batches() {
      for (let i = 0; i < rows.length; i += 250) yield rows.slice(i, i + 250);
    }
    const collect = async (chunks: AsyncIterable<Uint8Array>) => {
      const out: Buffer[] = [];
      for await (const c of chunks) out.push(Buffer.from(c));
      return Buffer.concat(out);
    };
    const columns = columnsOf(kinds);
    const copied = await collect(zipSheet(columns, sheetRowsFromCopy(kinds, cellOpens(columns), copyChunks(), 2048), "devices", now));
    const written = await collect(writeXlsx(columns, batches(), "devices", now));
    const sheet = await entry(copied, "xl/worksheets/sheet1.xml");
    expect(sheet).toContain('<row r="3001">');
    expect(sheet).toBe(await entry(written, "xl/worksheets/sheet1.xml"));
  });
});
