/**
 * What an export reads: its columns and its rows in batches. A source reads one batch at a time, by keyset from the
 * row it stopped at (never OFFSET, never the whole result), and only when the writer asks for the next one: the
 * consumer's pace (a browser's download, a file on disk) is the pace of the reads (docs/decisions/014-exports.md).
 */
import type { SheetCellKind } from "./sheet-rows-from-copy";

export type ExportValue = string | number | boolean | null | readonly string[] | readonly Record<string, unknown>[];
/** One row: its values in the columns' order (an array, not an object per row: an export reads 100,000 of them). */
export type ExportRow = readonly ExportValue[];

export interface ExportColumn {
  key: string;
  /** The CSV and XLSX header when it is not the key (a human column name); JSON Lines keeps the key. */
  label?: string;
  /** The XLSX column's width in characters, when set. */
  width?: number;
  /** How a structured value (a list) reads in one CSV or XLSX cell; JSON Lines keeps the structure. */
  flatten?: (value: ExportValue) => string;
  /**
   * A column whose rows hold a value as stored, read while it is written: its CSV and XLSX text and its JSON Lines
   * text, applied to every value but null. The findings' evidence is handed on as the stored JSON text and parsed cell
   * by cell here, so that a batch's parsed objects never live beyond the cell that needs them (decision 033).
   */
  stored?: { text: (value: ExportValue) => string; json: (value: ExportValue) => string };
}

export interface ExportSource {
  /** Names the download: "devices", "findings" or "change-board". */
  name: string;
  columns: readonly ExportColumn[];
  /** How many rows the export will hold (the CLI's progress bar); a count by the same filter. */
  count(): Promise<number>;
  /** The rows, a batch at a time, in the list's order. */
  batches(): AsyncGenerator<readonly ExportRow[]>;
  /**
   * The same rows as their CSV or JSON Lines text (after the CSV's BOM and header), written by the database's COPY when the
   * source can (PostgreSQL, decision 049), byte for byte what the writer makes of `batches()`. Undefined (or null for a format) when it cannot: the writer formats the rows itself.
   */
  textRows?(format: "csv" | "jsonl"): AsyncGenerator<Uint8Array> | null;
  /**
   * The same rows as COPY's bytes for the XLSX sheet (decision 053: PostgreSQL; sheet-rows-from-copy.ts reads them), with
   * each column's cell kind; the sheet is byte for byte what writeXlsx makes of `batches()`. Undefined or null: the
   * writer formats the rows itself.
   */
  sheetCells?(): { kinds: readonly SheetCellKind[]; chunks: AsyncGenerator<Uint8Array> } | null;
}

/**
 * Batches of this many rows: large enough that the per-query cost stays small, small enough that a batch is collected
 * young. A batch lives while it is written; at 1,000 findings (~1.5 MB of stored text) it outlived two young-generation
 * collections and was promoted, and the old generation grew by ~100 MB before a full collection (bench/RESULTS.md,
 * branch exportspeed: the findings CSV export's RSS growth in process 106 MB at 1,000 rows, 49 MB at 500, 35–42 MB
 * at 250; through the server at 500 still 102–108 MB for the findings exports).
 */
export const EXPORT_BATCH_ROWS = 250;

/** The findings export's batch: EXPORT_BATCH_ROWS (a finding carries up to kilobytes of evidence and steps). */
export const FINDING_EXPORT_BATCH_ROWS = EXPORT_BATCH_ROWS;

/**
 * The Devices export's batch: a summary row is ~250 bytes of short strings, so 1,000 rows stay young as 250 findings
 * do, at a quarter of the keyset queries (PostgreSQL: round trips). In process on PostgreSQL the devices JSON Lines
 * export took 743 ms of CPU at 1,000 rows against 873 at 250, the RSS growing by 38 MB either way (bench/RESULTS.md,
 * branch exportpg; decision 036).
 */
export const DEVICE_EXPORT_BATCH_ROWS = 1_000;

/** At most this many `subject=` keys in one export (the selected rows of a list). */
export const MAX_EXPORT_SUBJECTS = 500;

/** A column's CSV and XLSX header. */
export const columnHeader = (column: ExportColumn) => column.label ?? column.key;

/** A cell as text: null is empty, a stored value through the column's reader, lists through its flatten, else String(). */
export function cellText(column: ExportColumn, value: ExportValue): string {
  if (value === null) return "";
  if (column.stored) return column.stored.text(value);
  if (typeof value === "object") return column.flatten ? column.flatten(value) : JSON.stringify(value);
  return String(value);
}
