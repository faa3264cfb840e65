import { randomBytes } from "node:crypto";
import ExcelJS from "exceljs";
import yauzl from "yauzl";
import { describe, expect, it } from "vitest";
import type { ExportColumn, ExportRow } from "./export-source";
import { columnLetters, writeXlsx, xmlText } from "./write-xlsx";
import { crc32, crc32Js } from "./zip-writer";

async function xlsx(columns: readonly ExportColumn[], batches: (readonly ExportRow[])[], name = "devices"): Promise<{ bytes: Buffer; chunks: number }> {
  async function* source() {
    for (const b of batches) yield b;
  }
  const chunks: Uint8Array[] = [];
  for await (const c of writeXlsx(columns, source(), name, new Date("2026-12-06T10:00:00Z"))) chunks.push(c);
  return { bytes: Buffer.concat(chunks), chunks: chunks.length };
}

/** Every entry of a ZIP as yauzl reads it: name, the sizes and CRC its central directory gives, the bytes inflated. */
function entries(bytes: Buffer): Promise<{ name: string; crc: number; size: number; data: Buffer }[]> {
  return new Promise((resolve, reject) => {
    yauzl.fromBuffer(bytes, { lazyEntries: true, validateEntrySizes: true }, (error, zip) => {
      if (error) return reject(error);
      const out: { name: string; crc: number; size: number; data: Buffer }[] = [];
      zip.on("entry", (entry: yauzl.Entry) => {
        zip.openReadStream(entry, (e, stream) => {
          if (e) return reject(e);
          const parts: Buffer[] = [];
          stream.on("data", (d: Buffer) => parts.push(d));
          stream.on("error", reject);
          stream.on("end", () => {
            out.push({ name: entry.fileName, crc: entry.crc32, size: entry.uncompressedSize, data: Buffer.concat(parts) });
            zip.readEntry();
          });
        });
      });
      zip.on("end", () => resolve(out));
      zip.on("error", reject);
      zip.readEntry();
    });
  });
}

describe("crc32", () => {
  it("the JavaScript table and node:zlib's agree, continued across chunks too", () => {
    const data = randomBytes(100_003);
    expect(crc32Js(data)).toBe(crc32(data));
    expect(crc32Js(data.subarray(5000), crc32Js(data.subarray(0, 5000)))).toBe(crc32(data));
    expect(crc32Js(Buffer.from("123456789"))).toBe(0xcbf43926); // the check value of CRC-32/ISO-HDLC
  });
});

describe("xmlText", () => {
  it("escapes markup, keeps CR as a reference, drops what XML cannot carry, guards _xHHHH_", () => {
    expect(xmlText("plain PC-01")).toBe("plain PC-01");
    expect(xmlText(`a&b<c>"'`)).toBe(`a&amp;b&lt;c&gt;"'`);
    expect(xmlText("l\nm\rn\tx")).toBe("l\nm&#13;n\tx");
    expect(xmlText("x\u0000\u0001\u000b\u001fy\ufffe\uffff")).toBe("xy");
    expect(xmlText("pair 🔒 lone \ud800 end \udc00")).toBe("pair 🔒 lone  end ");
    expect(xmlText("_x0041_ and _x12_ and _xZZZZ_")).toBe("_x005F_x0041_ and _x12_ and _xZZZZ_");
  });

  it("column letters run A…Z, AA…", () => {
    expect([0, 1, 25, 26, 27, 51, 52, 701, 702].map(columnLetters)).toEqual(["A", "B", "Z", "AA", "AB", "AZ", "BA", "ZZ", "AAA"]);
  });
});

describe("writeXlsx", () => {
  const columns: ExportColumn[] = [
    { key: "name", width: 30 },
    { key: "n" },
    { key: "ok" },
    { key: "empty" },
    { key: "text" },
    { key: "list", flatten: (v) => (Array.isArray(v) ? v.join(", ") : String(v)) },
  ];

  it("is a ZIP every entry of which inflates to its recorded size and CRC, the sheet streamed with a data descriptor", async () => {
    const rows: ExportRow[] = Array.from({ length: 2500 }, (_, i) => [`PC-${i}`, i, i % 2 === 0, null, "x".repeat(i % 50), ["a", "b"]]);
    const { bytes, chunks } = await xlsx(columns, [rows.slice(0, 1000), rows.slice(1000, 2000), rows.slice(2000)]);
    // The parts' head, one chunk per batch, then the end of the sheet with the central directory.
    expect(chunks).toBe(5);
    const all = await entries(bytes);
    expect(all.map((e) => e.name)).toEqual([
      "[Content_Types].xml",
      "_rels/.rels",
      "docProps/app.xml",
      "docProps/core.xml",
      "xl/workbook.xml",
      "xl/_rels/workbook.xml.rels",
      "xl/styles.xml",
      "xl/worksheets/sheet1.xml",
    ]);
    for (const e of all) {
      expect(e.data.length, e.name).toBe(e.size);
      expect(crc32(e.data), e.name).toBe(e.crc);
    }
    // The sheet's local header says "sizes follow" (bit 3) and a data descriptor follows its data.
    const sheetHeader = bytes.indexOf(Buffer.from("xl/worksheets/sheet1.xml")) - 30;
    expect(bytes.readUInt32LE(sheetHeader)).toBe(0x04034b50);
    expect(bytes.readUInt16LE(sheetHeader + 6) & 0x08).toBe(8);
    const sheet = all.at(-1)!.data.toString("utf8");
    expect(sheet).toContain('<row r="2501"><c r="A2501" t="inlineStr"><is><t>PC-2499</t></is></c><c r="B2501"><v>2499</v></c>');
    expect(sheet).not.toContain('t="str"');
    expect(sheet).not.toContain("sharedStrings");
  });

  it("opens in exceljs with every row, typed; text cells stay text (a formula-looking one too), spaces kept", async () => {
    const { bytes } = await xlsx(columns, [
      [
        ["=1+1", 3, true, null, " pad ", ["r1", "r2"]],
        ["PC-2", 4.5, false, "", "a&b<c>", []],
      ],
    ]);
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(bytes as unknown as ArrayBuffer);
    const sheet = workbook.worksheets[0]!;
    expect(sheet.name).toBe("devices");
    expect(sheet.rowCount).toBe(3);
    expect(sheet.getRow(1).values).toEqual([undefined, "name", "n", "ok", "empty", "text", "list"]);
    expect(sheet.getRow(2).values).toEqual([undefined, "=1+1", 3, true, undefined, " pad ", "r1, r2"]);
    expect(sheet.getRow(2).getCell(1).type).toBe(ExcelJS.ValueType.String);
    expect(sheet.getRow(3).values).toEqual([undefined, "PC-2", 4.5, false, undefined, "a&b<c>"]);
    expect(sheet.getColumn(1).width).toBe(30);
  });

  it("a cell longer than Excel's 32,767 characters is cut there", async () => {
    const { bytes } = await xlsx(columns, [[["y".repeat(40_000), 1, true, null, "", []]]]);
    const sheet = (await entries(bytes)).at(-1)!.data.toString("utf8");
    expect(sheet).toContain(`<t>${"y".repeat(32_767)}</t>`);
    expect(sheet).not.toContain("y".repeat(32_768));
  });
});
