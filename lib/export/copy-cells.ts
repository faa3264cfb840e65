/**
 * The rows of PostgreSQL's `COPY … TO STDOUT (FORMAT csv, DELIMITER E'\x01', QUOTE E'\x02')`, read chunk by chunk as
 * byte ranges, one per cell, for writers that make an export's text from the bytes themselves (decision 053) instead
 * of from a JavaScript string per cell.
 *
 * COPY's CSV, as PostgreSQL writes it with those options: one line per row ended by a LF; cells separated by \x01; a
 * cell quoted with \x02 when it holds \x01, \x02, a CR or a LF, with each \x02 in it doubled; NULL as nothing and an
 * empty text as a quoted nothing. A device's text almost never holds those two control characters, so a cell is
 * almost never quoted.
 */

/** The COPY options whose output CopyCells reads. */
export const COPY_CELLS_OPTIONS = "FORMAT csv, DELIMITER E'\\x01', QUOTE E'\\x02'";

const DELIMITER = 0x01;
/** COPY's quote: inside a quoted cell each one is doubled. */
export const COPY_QUOTE = 0x02;
const LF = 0x0a;

/**
 * One row's cells: cell i is `input[from[i], end[i])`, `quoted[i]` 1 when COPY quoted it (its \x02 are doubled). An
 * empty cell is NULL when not quoted, an empty text when quoted. Valid only during the call that hands it over.
 */
export interface CopyRow {
  readonly input: Uint8Array;
  readonly from: Int32Array;
  readonly end: Int32Array;
  readonly quoted: Uint8Array;
}

/**
 * Finds each complete row in COPY's chunks and hands its cells to `onRow`. A row split across chunks is kept and
 * finished with the next chunk: what is held is at most one row's bytes.
 */
export class CopyCells {
  private carry: Buffer | null = null;
  private count = 0;
  private readonly row: { input: Uint8Array; from: Int32Array; end: Int32Array; quoted: Uint8Array };

  constructor(
    private readonly columns: number,
    private readonly onRow: (row: CopyRow) => void,
  ) {
    if (columns < 1) throw new Error("CopyCells: at least one column");
    this.row = { input: new Uint8Array(0), from: new Int32Array(columns), end: new Int32Array(columns), quoted: new Uint8Array(columns) };
  }

  /** Rows handed over so far. */
  get rows(): number {
    return this.count;
  }

  /** Reads one chunk of COPY's output: each complete row in it (and in what was carried) goes to onRow. */
  push(chunk: Uint8Array): void {
    const input = this.carry ? Buffer.concat([this.carry, chunk]) : chunk;
    this.carry = null;
    this.row.input = input;
    let at = 0;
    while (at < input.length) {
      const next = this.cells(input, at);
      if (next === -1) {
        this.carry = Buffer.from(input.subarray(at)); // a copy: the chunk's memory is COPY's, not ours to hold
        return;
      }
      this.count++;
      this.onRow(this.row);
      at = next;
    }
  }

  /** After the last chunk: COPY ends each row with a LF, so anything carried is a row cut short. */
  end(): void {
    if (this.carry) throw new Error(`COPY's output ended inside a row (${this.carry.length} bytes after the last line feed)`);
  }

  /** Finds the cells of the row starting at `start`: where the next row starts, or -1 if the row is not all here. */
  private cells(input: Uint8Array, start: number): number {
    const { from, end, quoted } = this.row;
    const last = this.columns - 1;
    let at = start;
    for (let column = 0; column <= last; column++) {
      let after: number; // the byte after the cell: a delimiter or the row's LF
      if (at < input.length && input[at] === COPY_QUOTE) {
        let i = at + 1;
        for (;;) {
          while (i < input.length && input[i] !== COPY_QUOTE) i++;
          if (i + 1 >= input.length) return -1; // the closing quote, or what follows it, is in a later chunk
          if (input[i + 1] === COPY_QUOTE) i += 2;
          else break;
        }
        from[column] = at + 1;
        end[column] = i;
        quoted[column] = 1;
        after = i + 1;
      } else {
        let i = at;
        while (i < input.length && input[i] !== DELIMITER && input[i] !== LF) i++;
        if (i >= input.length) return -1;
        from[column] = at;
        end[column] = i;
        quoted[column] = 0;
        after = i;
      }
      if (input[after] !== (column === last ? LF : DELIMITER)) {
        throw new Error(`COPY's row ${this.count + 1} does not have ${this.columns} cells (byte ${after - start} of the row)`);
      }
      at = after + 1;
    }
    return at;
  }
}

/**
 * The bytes a writer makes. With `reuse`, in one of two buffers in turn: `take()`'s memory is used again two takes
 * later, so the caller must be done with a Buffer before it takes the next but one. zipSheet is (it waits for a
 * batch's compression before it asks for the batch after next); a download's or a file's stream is not bound to be,
 * so the other writers take a new buffer each time. Each new half-megabyte ArrayBuffer counts towards V8's external
 * memory: in the Devices XLSX export they brought a full collection every few dozen batches (decision 053).
 */
export class ByteOutput {
  out: Uint8Array;
  length = 0;
  private spare: Uint8Array | null = null;

  constructor(
    private readonly initial: number,
    private readonly reuse = false,
  ) {
    this.out = Buffer.allocUnsafe(initial);
  }

  /** Room for `more` bytes after `length`; `out` may be a new array after it. */
  ensure(more: number): void {
    if (this.length + more <= this.out.length) return;
    const next = Buffer.allocUnsafe(Math.max(this.length + more, this.out.length * 2));
    next.set(this.out.subarray(0, this.length));
    this.out = next;
  }

  /** Appends a short constant (a loop: cheaper than `set` for a few bytes). */
  write(bytes: Uint8Array): void {
    this.ensure(bytes.length);
    const out = this.out;
    let o = this.length;
    for (let k = 0; k < bytes.length; k++) out[o++] = bytes[k]!;
    this.length = o;
  }

  /** Appends input[from, end) as it is. */
  copy(input: Uint8Array, from: number, end: number): void {
    this.ensure(end - from);
    const out = this.out;
    let o = this.length;
    for (let i = from; i < end; i++) out[o++] = input[i]!;
    this.length = o;
  }

  /** The bytes written since the last take (with `reuse`, valid until the take after next). */
  take(): Buffer {
    const bytes = Buffer.from(this.out.buffer, this.out.byteOffset, this.length);
    const used = this.out;
    this.out = this.spare && this.spare.length >= this.initial ? this.spare : Buffer.allocUnsafe(this.initial);
    this.spare = this.reuse ? used : null;
    this.length = 0;
    return bytes;
  }
}

/** ASCII text as bytes (markup, keys). */
export const asciiBytes = (text: string): Uint8Array => new Uint8Array(Buffer.from(text, "latin1"));

/**
 * COPY's chunks as Buffers of whole rows written by `write`, about `batchBytes` at a time. `write` writes one row into
 * the output; with `reuse` the Buffers follow ByteOutput's rule (valid until the take after next).
 */
export async function* rowsFromCopy(
  columns: number,
  chunks: AsyncIterable<Uint8Array>,
  write: (row: CopyRow, out: ByteOutput) => void,
  batchBytes: number,
  reuse = false,
): AsyncGenerator<Buffer> {
  const out = new ByteOutput(batchBytes + batchBytes / 4, reuse);
  const cells = new CopyCells(columns, (row) => write(row, out));
  for await (const chunk of chunks) {
    cells.push(chunk);
    if (out.length >= batchBytes) yield out.take();
  }
  cells.end();
  if (out.length > 0) yield out.take();
}

/** How a COPY cell becomes a row value: text (NULL as null) or a boolean (`t`/`f`). */
export type CopyValueKind = "text" | "bool";

const COPY_QUOTE_TWICE = String.fromCharCode(COPY_QUOTE, COPY_QUOTE);
const COPY_QUOTE_ONCE = String.fromCharCode(COPY_QUOTE);

/** A cell as a string: its bytes as UTF-8, a quoted cell's doubled quotes made single again; NULL (unquoted nothing) as null. */
export function copyCellText(row: CopyRow, column: number): string | null {
  const from = row.from[column]!;
  const end = row.end[column]!;
  if (row.quoted[column] === 0) return end === from ? null : Buffer.from(row.input.buffer, row.input.byteOffset + from, end - from).toString("utf8");
  const text = Buffer.from(row.input.buffer, row.input.byteOffset + from, end - from).toString("utf8");
  return text.includes(COPY_QUOTE_TWICE) ? text.replaceAll(COPY_QUOTE_TWICE, COPY_QUOTE_ONCE) : text;
}

/**
 * COPY's rows (COPY_CELLS_OPTIONS) as batches of `batchRows` arrays of values, one per column by `kinds`: the rows of
 * one ordered statement instead of a keyset query per batch (decision 054), read only as fast as the batches are
 * taken (COPY's stream is paused while a batch is written). A batch holds strings of its own, never COPY's memory.
 */
export async function* copyRowBatches(
  kinds: readonly CopyValueKind[],
  chunks: AsyncIterable<Uint8Array>,
  batchRows: number,
): AsyncGenerator<(string | boolean | null)[][]> {
  let batch: (string | boolean | null)[][] = [];
  const cells = new CopyCells(kinds.length, (row) => {
    const values: (string | boolean | null)[] = new Array(kinds.length);
    for (let c = 0; c < kinds.length; c++) {
      if (kinds[c] === "bool") values[c] = row.end[c] === row.from[c] ? null : row.input[row.from[c]!] === 0x74; /* t */
      else values[c] = copyCellText(row, c);
    }
    batch.push(values);
  });
  for await (const chunk of chunks) {
    cells.push(chunk);
    while (batch.length >= batchRows) {
      const full = batch.length === batchRows ? batch : batch.slice(0, batchRows);
      batch = batch.length === batchRows ? [] : batch.slice(batchRows);
      yield full;
    }
  }
  cells.end();
  if (batch.length > 0) yield batch;
}
