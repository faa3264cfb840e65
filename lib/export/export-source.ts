/**
 * What an export reads: its columns and its rows in batches. A source reads one batch at a time, by keyset from the
 * row it stopped at (never OFFSET, never the whole result), and only when the writer asks for the next one: the
 * consumer's pace (a browser's download, a file on disk) is the pace of the reads (docs/decisions/014-exports.md).
 */
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
   * A structured value's JSON Lines text, when it is not JSON.stringify's text of the value as it is in the row: a
   * source may hand on a value as stored and let the column read it defensively while it is written (the findings'
   * evidence), instead of making a normalised copy of it first.
   */
  json?: (value: ExportValue) => string;
}

export interface ExportSource {
  /** Names the download: "devices", "findings" or "change-board". */
  name: string;
  columns: readonly ExportColumn[];
  /** How many rows the export will hold (the CLI's progress bar); a count by the same filter. */
  count(): Promise<number>;
  /** The rows, a batch at a time, in the list's order. */
  batches(): AsyncGenerator<readonly ExportRow[]>;
}

/** Batches of this many rows: large enough that the per-query cost vanishes, small enough to stay a few MB. */
export const EXPORT_BATCH_ROWS = 1000;

/** At most this many `subject=` keys in one export (the selected rows of a list). */
export const MAX_EXPORT_SUBJECTS = 500;

/** A column's CSV and XLSX header. */
export const columnHeader = (column: ExportColumn) => column.label ?? column.key;

/** A cell as text: null is empty, lists through the column's flatten, else String(). */
export function cellText(column: ExportColumn, value: ExportValue): string {
  if (value === null) return "";
  if (typeof value === "object") return column.flatten ? column.flatten(value) : JSON.stringify(value);
  return String(value);
}
