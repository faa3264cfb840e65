/**
 * A worksheet's rows as XML bytes, made from the bytes of PostgreSQL's COPY (lib/export/copy-cells.ts) without turning
 * a cell into a JavaScript string (decision 053): each cell is copied from COPY's bytes into the XML, escaped on the
 * way. Byte for byte what writeXlsx (write-xlsx.ts) writes for the same values: tests compare the two.
 *
 * NULL and an empty text are both no cell in the sheet, as the writer leaves out null and "". COPY's two control
 * characters never reach the XML: XML 1.0 cannot carry them and the writer drops them, so a doubled quote inside a
 * quoted cell is dropped with them.
 */
import { asciiBytes, type ByteOutput, COPY_QUOTE, rowsFromCopy, type CopyRow } from "./copy-cells";

/** How a column's COPY text becomes a cell: a text cell, a number (`<v>`), or a boolean (`t`/`f`, as COPY writes one). */
export type SheetCellKind = "text" | "number" | "bool";

/** Excel's limit on the characters (UTF-16 code units) of one cell, as writeXlsx truncates. */
const MAX_CELL_UNITS = 32_767;

const ROW_OPEN = asciiBytes('<row r="');
const ROW_OPEN_END = asciiBytes('">');
const ROW_CLOSE = asciiBytes("</row>");
const TEXT_OPEN = asciiBytes('" t="inlineStr"><is><t>');
const TEXT_OPEN_PRESERVE = asciiBytes('" t="inlineStr"><is><t xml:space="preserve">');
const TEXT_CLOSE = asciiBytes("</t></is></c>");
const NUMBER_OPEN = asciiBytes('"><v>');
const BOOL_OPEN = asciiBytes('" t="b"><v>');
const VALUE_CLOSE = asciiBytes("</v></c>");
const AMP = asciiBytes("&amp;");
const LT = asciiBytes("&lt;");
const GT = asciiBytes("&gt;");
const CR_REF = asciiBytes("&#13;");
const UNDERSCORE_ESCAPE = asciiBytes("_x005F");

/** Per byte: 0 copied as it is; 1 needs a look (markup, CR, a control XML drops, `_`, a lead byte of U+FFFE/U+FFFF). */
const SPECIAL = new Uint8Array(256);
for (let b = 0; b < 0x20; b++) if (b !== 0x09 && b !== 0x0a) SPECIAL[b] = 1;
for (const b of [0x26, 0x3c, 0x3e, 0x5f, 0xef]) SPECIAL[b] = 1;

const isHex = (b: number) => (b >= 0x30 && b <= 0x39) || (b >= 0x41 && b <= 0x46) || (b >= 0x61 && b <= 0x66);
/** Tab, LF, CR or space: an edge that needs xml:space="preserve" (write-xlsx.ts's edgeSpace). */
const isEdgeSpace = (b: number) => b === 0x20 || b === 0x09 || b === 0x0a || b === 0x0d;

/** Writes each row COPY hands over as a sheet row, numbered from `firstRow`. */
export class SheetRowWriter {
  private readonly opens: Uint8Array[];
  /** The row number's digits (ASCII), kept in step with the rows without making a string per row. */
  private readonly digits = new Uint8Array(16);
  private digitCount = 0;

  /** `cellOpens[i]`: column i's `<c r="B` (its reference's letters). */
  constructor(
    private readonly kinds: readonly SheetCellKind[],
    cellOpens: readonly string[],
    firstRow: number,
  ) {
    if (kinds.length === 0 || kinds.length !== cellOpens.length) throw new Error("SheetRowWriter: one cell kind and one reference per column");
    this.opens = cellOpens.map(asciiBytes);
    const text = String(firstRow);
    for (let k = 0; k < text.length; k++) this.digits[k] = text.charCodeAt(k);
    this.digitCount = text.length;
  }

  readonly write = (row: CopyRow, out: ByteOutput): void => {
    out.write(ROW_OPEN);
    this.writeDigits(out);
    out.write(ROW_OPEN_END);
    for (let column = 0; column < this.kinds.length; column++) {
      const from = row.from[column]!;
      const end = row.end[column]!;
      if (end > from) this.cell(out, column, row.input, from, end, row.quoted[column] === 1);
    }
    out.write(ROW_CLOSE);
    this.nextDigits();
  };

  private cell(out: ByteOutput, column: number, input: Uint8Array, from: number, end: number, quoted: boolean): void {
    out.write(this.opens[column]!);
    this.writeDigits(out);
    const kind = this.kinds[column]!;
    if (kind === "number") {
      out.write(NUMBER_OPEN);
      out.copy(input, from, end);
      out.write(VALUE_CLOSE);
      return;
    }
    if (kind === "bool") {
      out.write(BOOL_OPEN);
      out.ensure(1);
      out.out[out.length++] = input[from] === 0x74 /* t */ ? 0x31 : 0x30;
      out.write(VALUE_CLOSE);
      return;
    }
    // Text: at most MAX_CELL_UNITS UTF-16 code units, as writeXlsx's slice. A UTF-16 unit takes at least one byte, so
    // a cell of fewer bytes needs no count. A slice that splits a surrogate pair keeps its first half, which the
    // writer's escape then drops: so the cut drops the whole character, and the cell's last character is that half,
    // not a space.
    let cut = end;
    let cutInsidePair = false;
    if (end - from > MAX_CELL_UNITS) {
      let units = 0;
      let i = from;
      while (i < end) {
        const b = input[i]!;
        const width = quoted && b === COPY_QUOTE ? 2 : b < 0x80 ? 1 : b >= 0xf0 ? 4 : b >= 0xe0 ? 3 : 2;
        const adds = b >= 0xf0 ? 2 : 1;
        if (units + adds > MAX_CELL_UNITS) {
          cutInsidePair = units + 1 === MAX_CELL_UNITS && adds === 2;
          break;
        }
        units += adds;
        i += width;
      }
      cut = i;
    }
    const preserve = isEdgeSpace(input[from]!) || (!cutInsidePair && isEdgeSpace(input[cut - 1]!));
    out.write(preserve ? TEXT_OPEN_PRESERVE : TEXT_OPEN);
    escapeXml(out, input, from, cut);
    out.write(TEXT_CLOSE);
  }

  /** The next row's number: the digits plus one, carried as on paper. */
  private nextDigits(): void {
    const d = this.digits;
    let k = this.digitCount - 1;
    while (k >= 0 && d[k] === 0x39) d[k--] = 0x30;
    if (k >= 0) d[k]!++;
    else {
      d.copyWithin(1, 0, this.digitCount);
      d[0] = 0x31;
      this.digitCount++;
    }
  }

  private writeDigits(out: ByteOutput): void {
    out.copy(this.digits, 0, this.digitCount);
  }
}

/** Copies [from, end) as XML text content: xmlText (write-xlsx.ts) on bytes. */
function escapeXml(target: ByteOutput, input: Uint8Array, from: number, end: number): void {
  // Escapes are at most 7 bytes for 1 (`_` becomes `_x005F_`, 6 more); most cells have none.
  target.ensure((end - from) * 7);
  const out = target.out;
  let o = target.length;
  for (let i = from; i < end; i++) {
    const b = input[i]!;
    if (SPECIAL[b] === 0) {
      out[o++] = b;
      continue;
    }
    if (b === 0x26) o = put(out, o, AMP);
    else if (b === 0x3c) o = put(out, o, LT);
    else if (b === 0x3e) o = put(out, o, GT);
    else if (b === 0x0d) o = put(out, o, CR_REF);
    else if (b === 0x5f) {
      // `_xHHHH_` would be read by Excel as the character it names: its underscore is written as `_x005F_`.
      if (
        i + 6 < end &&
        input[i + 1] === 0x78 &&
        isHex(input[i + 2]!) &&
        isHex(input[i + 3]!) &&
        isHex(input[i + 4]!) &&
        isHex(input[i + 5]!) &&
        input[i + 6] === 0x5f
      ) {
        o = put(out, o, UNDERSCORE_ESCAPE);
      }
      out[o++] = b;
    } else if (b === 0xef) {
      // U+FFFE and U+FFFF (EF BF BE, EF BF BF) are not XML characters: dropped.
      if (i + 2 < end && input[i + 1] === 0xbf && (input[i + 2] === 0xbe || input[i + 2] === 0xbf)) i += 2;
      else out[o++] = b;
    }
    // Any other control character (and COPY's quote, doubled inside a quoted cell) is dropped.
  }
  target.length = o;
}

function put(out: Uint8Array, o: number, bytes: Uint8Array): number {
  for (let k = 0; k < bytes.length; k++) out[o + k] = bytes[k]!;
  return o + bytes.length;
}

/** The XML handed on at a time: a deflate flush per 512 KB of rows (a few hundred device rows). */
const SHEET_BATCH_BYTES = 512 * 1024;

/**
 * COPY's chunks as Buffers of whole sheet rows from row 2 on, for zipSheet (write-xlsx.ts). Two buffers in turn
 * (ByteOutput's `reuse`): zipSheet is done with a batch before it asks for the one after next.
 */
export function sheetRowsFromCopy(
  kinds: readonly SheetCellKind[],
  cellOpens: readonly string[],
  chunks: AsyncIterable<Uint8Array>,
  batchBytes = SHEET_BATCH_BYTES,
): AsyncGenerator<Buffer> {
  return rowsFromCopy(kinds.length, chunks, new SheetRowWriter(kinds, cellOpens, 2).write, batchBytes, true);
}
