import { constants, createDeflateRaw } from "node:zlib";
import { cellText, columnHeader, type ExportColumn, type ExportRow } from "./export-source";
import { crc32, ZipWriter } from "./zip-writer";
import { BatchBuffer } from "./batch-buffer";

/** Excel's limit on the characters of one cell. */
const MAX_CELL_CHARS = 32_767;

const XML_HEAD = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n';
const MAIN_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main";
const REL_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships";

/** A–Z, AA–ZZ, …: a column's letters in a cell reference. */
export function columnLetters(index: number): string {
  let n = index + 1;
  let letters = "";
  while (n > 0) {
    const r = (n - 1) % 26;
    letters = String.fromCharCode(65 + r) + letters;
    n = Math.floor((n - 1) / 26);
  }
  return letters;
}

/** Characters that need work in an XML text node: markup, CR, characters XML 1.0 forbids, any surrogate, `_xHHHH_`. */
const NEEDS_ESCAPE = /[&<>\r\u0000-\u0008\u000b\u000c\u000e-\u001f\ud800-\udfff\ufffe\uffff]|_x[0-9a-fA-F]{4}_/;
const ESCAPES = /[&<>\r\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]|[\ud800-\udbff][\udc00-\udfff]|[\ud800-\udfff]|_(?=x[0-9a-fA-F]{4}_)/g;

/**
 * Text as the content of an XLSX `<t>` element: & < > escaped; CR kept as a character reference (a parser turns a
 * raw one into a line feed); characters XML 1.0 cannot carry (controls other than tab, LF and CR, lone surrogates,
 * U+FFFE, U+FFFF) dropped, as exceljs did; and an underscore that starts `_xHHHH_` written as `_x005F_`, so that
 * Excel does not read the text as the character that escape names (ECMA-376 Part 1, 22.9.2.19 ST_Xstring).
 */
export function xmlText(text: string): string {
  if (!NEEDS_ESCAPE.test(text)) return text;
  return text.replace(ESCAPES, (c) => {
    switch (c) {
      case "&":
        return "&amp;";
      case "<":
        return "&lt;";
      case ">":
        return "&gt;";
      case "\r":
        return "&#13;";
      case "_":
        return "_x005F_";
      default:
        return c.length === 2 ? c : ""; // a surrogate pair stays; anything else matched here is not XML
    }
  });
}

/** Whether `<t>` needs xml:space="preserve" (leading or trailing white space, which XML may otherwise drop). */
function edgeSpace(text: string): boolean {
  const first = text.charCodeAt(0);
  const last = text.charCodeAt(text.length - 1);
  return first === 32 || first === 9 || first === 10 || first === 13 || last === 32 || last === 9 || last === 10 || last === 13;
}

/** One cell's XML, `open` being `<c r="B` (the column's part of the reference, computed once per column). */
function cellXml(open: string, row: string, value: string | number | boolean | null): string {
  if (value === null || value === "") return ""; // an empty cell is no cell: the row's references place the next ones
  if (typeof value === "number") {
    return Number.isFinite(value) ? `${open}${row}"><v>${value}</v></c>` : `${open}${row}" t="inlineStr"><is><t>${value}</t></is></c>`;
  }
  if (typeof value === "boolean") return `${open}${row}" t="b"><v>${value ? 1 : 0}</v></c>`;
  const text = value.length > MAX_CELL_CHARS ? value.slice(0, MAX_CELL_CHARS) : value;
  return `${open}${row}" t="inlineStr"><is><t${text.length && edgeSpace(text) ? ' xml:space="preserve"' : ""}>${xmlText(text)}</t></is></c>`;
}

function escapeAttribute(text: string): string {
  return xmlText(text).replaceAll('"', "&quot;");
}

/** The workbook's parts other than the sheet: one worksheet, no shared strings, one default style. */
function workbookParts(sheetName: string, now: Date): [string, string][] {
  const name = escapeAttribute(sheetName.slice(0, 31));
  const created = `${now.toISOString().slice(0, 19)}Z`;
  return [
    [
      "[Content_Types].xml",
      `${XML_HEAD}<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/><Override PartName="/xl/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/><Override PartName="/docProps/core.xml" ContentType="application/vnd.openxmlformats-package.core-properties+xml"/><Override PartName="/docProps/app.xml" ContentType="application/vnd.openxmlformats-officedocument.extended-properties+xml"/></Types>`,
    ],
    [
      "_rels/.rels",
      `${XML_HEAD}<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="${REL_NS}/officeDocument" Target="xl/workbook.xml"/><Relationship Id="rId2" Type="http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties" Target="docProps/core.xml"/><Relationship Id="rId3" Type="${REL_NS}/extended-properties" Target="docProps/app.xml"/></Relationships>`,
    ],
    [
      "docProps/app.xml",
      `${XML_HEAD}<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties" xmlns:vt="http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes"><Application>JoinScope</Application><HeadingPairs><vt:vector size="2" baseType="variant"><vt:variant><vt:lpstr>Worksheets</vt:lpstr></vt:variant><vt:variant><vt:i4>1</vt:i4></vt:variant></vt:vector></HeadingPairs><TitlesOfParts><vt:vector size="1" baseType="lpstr"><vt:lpstr>${name}</vt:lpstr></vt:vector></TitlesOfParts></Properties>`,
    ],
    [
      "docProps/core.xml",
      `${XML_HEAD}<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"><dc:creator>JoinScope</dc:creator><dcterms:created xsi:type="dcterms:W3CDTF">${created}</dcterms:created><dcterms:modified xsi:type="dcterms:W3CDTF">${created}</dcterms:modified></cp:coreProperties>`,
    ],
    [
      "xl/workbook.xml",
      `${XML_HEAD}<workbook xmlns="${MAIN_NS}" xmlns:r="${REL_NS}"><sheets><sheet name="${name}" sheetId="1" r:id="rId1"/></sheets></workbook>`,
    ],
    [
      "xl/_rels/workbook.xml.rels",
      `${XML_HEAD}<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="${REL_NS}/worksheet" Target="worksheets/sheet1.xml"/><Relationship Id="rId2" Type="${REL_NS}/styles" Target="styles.xml"/></Relationships>`,
    ],
    [
      "xl/styles.xml",
      `${XML_HEAD}<styleSheet xmlns="${MAIN_NS}"><fonts count="1"><font><sz val="11"/><name val="Calibri"/><family val="2"/></font></fonts><fills count="2"><fill><patternFill patternType="none"/></fill><fill><patternFill patternType="gray125"/></fill></fills><borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders><cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs><cellXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/></cellXfs><cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles></styleSheet>`,
    ],
  ];
}

function sheetHead(columns: readonly ExportColumn[]): string {
  const widths = columns.some((c) => c.width)
    ? `<cols>${columns.map((c, i) => `<col min="${i + 1}" max="${i + 1}" width="${c.width ?? 12}" customWidth="1"/>`).join("")}</cols>`
    : "";
  return `${XML_HEAD}<worksheet xmlns="${MAIN_NS}" xmlns:r="${REL_NS}">${widths}<sheetData>`;
}

const SHEET_TAIL = "</sheetData></worksheet>";

/**
 * One worksheet as an XLSX (decision 033): the sheet's XML put together as text a batch at a time (each cell's
 * reference prefix computed once per column, strings as inline strings: no shared-strings table that grows with the
 * rows, no styles), each row's XML written to the batch's Buffer as it is made, one Buffer per batch into a raw deflate stream at level 1, framed as a ZIP by lib/export/zip-writer.ts.
 * Values keep their type (numbers and booleans as such); a string is always a text cell, never a formula, so a hostname
 * starting with "=" stays text without being rewritten.
 */
export function writeXlsx(
  columns: readonly ExportColumn[],
  batches: AsyncIterable<readonly ExportRow[]>,
  sheetName: string,
  now = new Date(),
): AsyncGenerator<Uint8Array> {
  return zipSheet(columns, rowsXml(columns, batches), sheetName, now);
}

/** The column's part of each cell's opening tag: `<c r="B` (the row's number follows). */
export const cellOpens = (columns: readonly ExportColumn[]): string[] => columns.map((_, i) => `<c r="${columnLetters(i)}`);

/** The data rows' XML (row 2 on), one Buffer per batch: what zipSheet compresses. */
export async function* rowsXml(columns: readonly ExportColumn[], batches: AsyncIterable<readonly ExportRow[]>): AsyncGenerator<Buffer> {
  const opens = cellOpens(columns);
  const last = columns.length - 1;
  const plain = columns.map((c) => !c.stored);
  const rowsXml = new BatchBuffer();
  let rowNumber = 1;
  for await (const rows of batches) {
    if (rows.length === 0) continue;
    for (const row of rows) {
      const r = String(++rowNumber);
      let xml = `<row r="${r}">`;
      for (let i = 0; i <= last; i++) {
        const value = row[i] ?? null;
        xml += cellXml(opens[i]!, r, value === null || (typeof value !== "object" && plain[i]) ? value : cellText(columns[i]!, value));
      }
      rowsXml.write(xml + "</row>");
    }
    yield rowsXml.take();
  }
}

/**
 * The same workbook from the rows' XML as made elsewhere (decision 053: PostgreSQL's COPY output turned into rows by
 * lib/export/sheet-rows-from-copy.ts), each Buffer one or more whole `<row>` elements from row 2 on.
 *
 * Backpressure and overlap: each Buffer of rows is written to the deflate stream with a sync flush, so that its
 * compressed bytes are complete when the flush returns. Compression runs on libuv's thread pool: while Buffer k is
 * compressed, the generator waits for Buffer k − 1's flush, hands on everything compressed so far as one chunk, and
 * asks for Buffer k + 1 only when its consumer asks for the next chunk. What sits in memory is at most two Buffers of
 * XML and one chunk.
 */
export async function* zipSheet(
  columns: readonly ExportColumn[],
  rows: AsyncIterable<Buffer>,
  sheetName: string,
  now = new Date(),
): AsyncGenerator<Uint8Array> {
  const zip = new ZipWriter(now);
  const opens = cellOpens(columns);

  const deflate = createDeflateRaw({ level: 1, chunkSize: 1 << 20 });
  const out: Buffer[] = [];
  let compressed = 0;
  const failed = new Promise<never>((_, reject) => deflate.once("error", reject));
  failed.catch(() => {});
  deflate.on("data", (chunk: Buffer) => {
    out.push(chunk);
    compressed += chunk.length;
  });

  let crc = 0;
  let size = 0;
  /** XML as bytes, counted into the part's CRC and size. */
  const encode = (xml: string | Buffer): Buffer => {
    const bytes = typeof xml === "string" ? Buffer.from(xml, "utf8") : xml;
    crc = crc32(bytes, crc);
    size += bytes.length;
    return bytes;
  };
  /** Writes XML to the deflate stream, flushed: the promise settles when every byte of it is compressed. */
  const feed = (xml: string | Buffer): Promise<void> => {
    deflate.write(encode(xml));
    return Promise.race([new Promise<void>((resolve) => deflate.flush(constants.Z_SYNC_FLUSH, () => resolve())), failed]);
  };
  /** The compressed bytes so far, as one chunk. */
  const take = (): Buffer => {
    const chunk = out.length === 1 ? out[0]! : Buffer.concat(out);
    out.length = 0;
    zip.streamed(chunk.length);
    return chunk;
  };

  try {
    const head: Buffer[] = workbookParts(sheetName, now).map(([name, xml]) => zip.file(name, xml));
    head.push(zip.startStreamed("xl/worksheets/sheet1.xml"));
    yield Buffer.concat(head);

    let xml = `${sheetHead(columns)}<row r="1">`;
    for (let i = 0; i < columns.length; i++) xml += cellXml(opens[i]!, "1", columnHeader(columns[i]!));
    let previous = feed(`${xml}</row>`);

    for await (const batch of rows) {
      if (batch.length === 0) continue;
      const current = feed(batch);
      await previous;
      previous = current;
      yield take();
    }
    await previous;
    const ended = new Promise<void>((resolve) => deflate.once("end", resolve));
    deflate.end(encode(SHEET_TAIL));
    await Promise.race([ended, failed]);
    const tail = Buffer.from(take()); // take() counts the bytes before the descriptor is written
    yield Buffer.concat([tail, zip.endStreamed(crc, compressed, size), zip.finish()]);
  } finally {
    deflate.destroy();
  }
}
