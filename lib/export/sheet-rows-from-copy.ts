/**
 * A worksheet's rows as XML bytes, made from the bytes of PostgreSQL's `COPY … TO STDOUT (FORMAT csv, DELIMITER E'\x01',
 * QUOTE E'\x02')` without turning a cell into a JavaScript string (decision 053): each cell is copied from COPY's
 * bytes into the XML, escaped on the way. Byte for byte what writeXlsx (write-xlsx.ts) writes for the same values:
 * tests compare the two.
 *
 * COPY's CSV, as PostgreSQL writes it with those options: one line per row ended by a LF; cells separated by \x01; a
 * cell quoted with \x02 when it holds \x01, \x02, a CR or a LF, with each \x02 in it doubled; NULL as nothing and an
 * empty text as a quoted nothing. Both of those are no cell in the sheet, as the writer leaves out null and "". The
 * two control characters never reach the XML: XML 1.0 cannot carry them and the writer drops them, so a doubled quote
 * inside a quoted cell is dropped with them.
 */

/** How a column's COPY text becomes a cell: a text cell, a number (`<v>`), or a boolean (`t`/`f`, as COPY writes one). */
export type SheetCellKind = "text" | "number" | "bool";

/** The COPY options whose output SheetRowsFromCopy reads. */
export const SHEET_COPY_OPTIONS = "FORMAT csv, DELIMITER E'\\x01', QUOTE E'\\x02'";

const DELIMITER = 0x01;
const QUOTE = 0x02;
const LF = 0x0a;
/** Excel's limit on the characters (UTF-16 code units) of one cell, as writeXlsx truncates. */
const MAX_CELL_UNITS = 32_767;

const ascii = (text: string) => new Uint8Array(Buffer.from(text, "latin1"));
const ROW_OPEN = ascii('<row r="');
const ROW_OPEN_END = ascii('">');
const ROW_CLOSE = ascii("</row>");
const TEXT_OPEN = ascii('" t="inlineStr"><is><t>');
const TEXT_OPEN_PRESERVE = ascii('" t="inlineStr"><is><t xml:space="preserve">');
const TEXT_CLOSE = ascii("</t></is></c>");
const NUMBER_OPEN = ascii('"><v>');
const BOOL_OPEN = ascii('" t="b"><v>');
const VALUE_CLOSE = ascii("</v></c>");
const AMP = ascii("&amp;");
const LT = ascii("&lt;");
const GT = ascii("&gt;");
const CR_REF = ascii("&#13;");
const UNDERSCORE_ESCAPE = ascii("_x005F");

/** Per byte: 0 copied as it is; 1 needs a look (markup, CR, a control XML drops, `_`, a lead byte of U+FFFE/U+FFFF). */
const SPECIAL = new Uint8Array(256);
for (let b = 0; b < 0x20; b++) if (b !== 0x09 && b !== 0x0a) SPECIAL[b] = 1;
for (const b of [0x26, 0x3c, 0x3e, 0x5f, 0xef]) SPECIAL[b] = 1;

const isHex = (b: number) => (b >= 0x30 && b <= 0x39) || (b >= 0x41 && b <= 0x46) || (b >= 0x61 && b <= 0x66);
/** Tab, LF, CR or space: an edge that needs xml:space="preserve" (write-xlsx.ts's edgeSpace). */
const isEdgeSpace = (b: number) => b === 0x20 || b === 0x09 || b === 0x0a || b === 0x0d;

/**
 * Reads COPY's bytes chunk by chunk and writes the sheet rows they hold. A row split across chunks is kept and
 * finished with the next chunk (what is held is at most one row's bytes).
 */
export class SheetRowsFromCopy {
  private out: Uint8Array;
  private spare: Uint8Array | null = null;
  private length = 0;
  private carry: Buffer | null = null;
  private rowNumber: number;
  private readonly opens: Uint8Array[];
  /** The row number's digits (ASCII), kept in step with rowNumber without making a string per row. */
  private readonly digits = new Uint8Array(16);
  private digitCount = 0;

  /** `cellOpens[i]`: column i's `<c r="B` (its reference's letters); `firstRow`: the first data row's number. */
  constructor(
    private readonly kinds: readonly SheetCellKind[],
    cellOpens: readonly string[],
    firstRow: number,
    private readonly initial = 256 * 1024,
  ) {
    if (kinds.length === 0 || kinds.length !== cellOpens.length) throw new Error("SheetRowsFromCopy: one cell kind and one reference per column");
    this.opens = cellOpens.map(ascii);
    this.rowNumber = firstRow - 1;
    this.setDigits(firstRow);
    this.out = new Uint8Array(initial);
  }

  /** Rows written so far. */
  get rows(): number {
    return this.rowNumber;
  }

  /** Bytes of XML waiting to be taken. */
  get size(): number {
    return this.length;
  }

  /** Reads one chunk of COPY's output: the complete rows in it (and in what was carried) become XML. */
  push(chunk: Uint8Array): void {
    const input = this.carry ? Buffer.concat([this.carry, chunk]) : chunk;
    this.carry = null;
    let at = 0;
    while (at < input.length) {
      const next = this.row(input, at);
      if (next === -1) {
        this.carry = Buffer.from(input.subarray(at)); // a copy: the chunk's memory is COPY's, not ours to hold
        return;
      }
      at = next;
    }
  }

  /**
   * The XML written since the last take. Its memory is used again two takes later: the caller is done with a Buffer
   * before it takes the next but one (zipSheet is: it waits for a batch's compression before it asks for the batch after
   * next). Two Buffers in turn instead of a new one per take: each new ArrayBuffer of half a megabyte counted towards
   * V8's external memory and brought a full collection every few dozen batches (decision 053).
   */
  take(): Buffer {
    const bytes = Buffer.from(this.out.buffer, this.out.byteOffset, this.length);
    const used = this.out;
    this.out = this.spare && this.spare.length >= this.initial ? this.spare : new Uint8Array(this.initial);
    this.spare = used;
    this.length = 0;
    return bytes;
  }

  /** After the last chunk: COPY ends each row with a LF, so anything carried is a row cut short. */
  end(): void {
    if (this.carry) throw new Error(`COPY's output ended inside a row (${this.carry.length} bytes after the last line feed)`);
  }

  /** Writes the row starting at `start`; returns where the next one starts, or -1 (nothing written) if it is not all here. */
  private row(input: Uint8Array, start: number): number {
    const mark = this.length;
    this.write(ROW_OPEN);
    this.writeDigits();
    this.write(ROW_OPEN_END);
    let at = start;
    const last = this.kinds.length - 1;
    for (let column = 0; column <= last; column++) {
      let end: number; // the cell's content is [from, end)
      let from: number;
      let after: number; // the byte after the cell: a delimiter or the row's LF
      let quoted = false;
      if (at < input.length && input[at] === QUOTE) {
        quoted = true;
        from = at + 1;
        let i = from;
        for (;;) {
          while (i < input.length && input[i] !== QUOTE) i++;
          if (i + 1 >= input.length) return this.rollback(mark); // the closing quote, or what follows it, is in a later chunk
          if (input[i + 1] === QUOTE) i += 2;
          else break;
        }
        end = i;
        after = i + 1;
      } else {
        from = at;
        let i = at;
        while (i < input.length && input[i] !== DELIMITER && input[i] !== LF) i++;
        if (i >= input.length) return this.rollback(mark);
        end = i;
        after = i;
      }
      const separator = input[after];
      if (separator !== (column === last ? LF : DELIMITER)) {
        throw new Error(`COPY's row ${this.rowNumber + 1} does not have ${this.kinds.length} cells (byte ${after - start} of the row)`);
      }
      if (end > from) this.cell(column, input, from, end, quoted);
      at = after + 1;
    }
    this.write(ROW_CLOSE);
    this.rowNumber++;
    this.nextDigits();
    return at;
  }

  private rollback(mark: number): number {
    this.length = mark;
    return -1;
  }

  private cell(column: number, input: Uint8Array, from: number, end: number, quoted: boolean): void {
    this.write(this.opens[column]!);
    this.writeDigits();
    const kind = this.kinds[column]!;
    if (kind === "number") {
      this.write(NUMBER_OPEN);
      this.copy(input, from, end);
      this.write(VALUE_CLOSE);
      return;
    }
    if (kind === "bool") {
      this.write(BOOL_OPEN);
      this.ensure(1);
      this.out[this.length++] = input[from] === 0x74 /* t */ ? 0x31 : 0x30;
      this.write(VALUE_CLOSE);
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
        const width = quoted && b === QUOTE ? 2 : b < 0x80 ? 1 : b >= 0xf0 ? 4 : b >= 0xe0 ? 3 : 2;
        const adds = b >= 0xf0 && b !== QUOTE ? 2 : 1;
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
    this.write(preserve ? TEXT_OPEN_PRESERVE : TEXT_OPEN);
    this.escape(input, from, cut);
    this.write(TEXT_CLOSE);
  }

  /** Copies [from, end) as XML text content: xmlText (write-xlsx.ts) on bytes. */
  private escape(input: Uint8Array, from: number, end: number): void {
    // Escapes are at most 7 bytes for 1 (`_` becomes `_x005F_`, 6 more); most cells have none.
    this.ensure((end - from) * 7);
    const out = this.out;
    let o = this.length;
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
    this.length = o;
  }

  private copy(input: Uint8Array, from: number, end: number): void {
    this.ensure(end - from);
    const out = this.out;
    let o = this.length;
    for (let i = from; i < end; i++) out[o++] = input[i]!;
    this.length = o;
  }

  private setDigits(n: number): void {
    const text = String(n);
    for (let k = 0; k < text.length; k++) this.digits[k] = text.charCodeAt(k);
    this.digitCount = text.length;
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

  private writeDigits(): void {
    this.ensure(this.digitCount);
    const out = this.out;
    let o = this.length;
    for (let k = 0; k < this.digitCount; k++) out[o++] = this.digits[k]!;
    this.length = o;
  }

  private write(bytes: Uint8Array): void {
    this.ensure(bytes.length);
    this.length = put(this.out, this.length, bytes);
  }

  private ensure(more: number): void {
    if (this.length + more <= this.out.length) return;
    const next = new Uint8Array(Math.max(this.length + more, this.out.length * 2));
    next.set(this.out.subarray(0, this.length));
    this.out = next;
  }
}

/** Copies a short constant into `out` at `o` (a loop: cheaper than `set` for a few bytes); returns the end. */
function put(out: Uint8Array, o: number, bytes: Uint8Array): number {
  for (let k = 0; k < bytes.length; k++) out[o + k] = bytes[k]!;
  return o + bytes.length;
}

/** The XML handed on at a time: a deflate flush per 512 KB of rows (a few hundred device rows). */
const SHEET_BATCH_BYTES = 512 * 1024;

/** COPY's chunks as Buffers of whole sheet rows from row 2 on, for zipSheet (write-xlsx.ts). */
export async function* sheetRowsFromCopy(
  kinds: readonly SheetCellKind[],
  cellOpens: readonly string[],
  chunks: AsyncIterable<Uint8Array>,
  batchBytes = SHEET_BATCH_BYTES,
): AsyncGenerator<Buffer> {
  const rows = new SheetRowsFromCopy(kinds, cellOpens, 2, batchBytes + batchBytes / 4);
  for await (const chunk of chunks) {
    rows.push(chunk);
    if (rows.size >= batchBytes) yield rows.take();
  }
  rows.end();
  if (rows.size > 0) yield rows.take();
}
