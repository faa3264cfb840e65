/**
 * PostgreSQL SELECTs whose rows a `COPY … TO STDOUT` writes as an export's CSV or JSON Lines text (decision 049, which
 * follows decision 036): the database writes the bytes, the server only passes them on. Each gives, byte for byte,
 * what the JavaScript writers (write-csv.ts, write-jsonl.ts) write for the value the row mapping would hand them;
 * tests/integration/export.test.ts compares the two on PostgreSQL.
 *
 * The value expressions are SQL over one table's columns, without parameters (`?` is the placeholder of the direct
 * path, so none appears here).
 */
import type { SheetCellKind } from "./sheet-rows-from-copy";

/** A cell's value as the row mapping hands it to the writers. */
export type RowTextValue =
  /** Text (null: an empty CSV cell, JSON null). */
  | { kind: "text"; sql: string }
  /** A boolean column (JSON true/false, CSV "true"/"false"). */
  | { kind: "bool"; sql: string }
  /** An integer column. */
  | { kind: "int"; sql: string }
  /** A `timestamp(3)` holding UTC, as readIsoTimestamp reads it: `2026-12-06T10:49:46.680Z`. */
  | { kind: "timestamp"; sql: string }
  /**
   * A comma-separated list stored as text: a JSON array of its items (`[]` when null or empty), and in CSV the items
   * joined by ", " (a column's `flatten`).
   */
  | { kind: "list"; sql: string };

/** The ISO text of a timestamp(3) without time zone (UTC), as Date.prototype.toISOString writes it. */
const iso = (sql: string) => `to_char(${sql}, 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`;

/** A value's text as String() gives it in the writers, or NULL. */
function textOf(value: RowTextValue): string {
  switch (value.kind) {
    case "text":
      return value.sql;
    case "bool":
      return `CASE WHEN ${value.sql} THEN 'true' WHEN NOT ${value.sql} THEN 'false' END`;
    case "int":
      return `(${value.sql})::text`;
    case "timestamp":
      return iso(value.sql);
    case "list":
      return `replace(COALESCE(${value.sql}, ''), ',', ', ')`;
  }
}

/**
 * A value as writeXlsx's cell holds it, for SheetRowsFromCopy (sheet-rows-from-copy.ts; decision 053): a boolean as COPY
 * writes it (t/f) and an integer as its digits, read as such; every other kind as the text the writers' cell shows.
 */
export function sheetValueSql(value: RowTextValue): string {
  return value.kind === "bool" || value.kind === "int" ? value.sql : textOf(value);
}

/** How SheetRowsFromCopy writes a value of sheetValueSql: a boolean cell, a number cell, else a text cell. */
export function sheetCellKind(value: RowTextValue): SheetCellKind {
  return value.kind === "bool" ? "bool" : value.kind === "int" ? "number" : "text";
}

/** A SELECT whose rows COPY writes with SHEET_COPY_OPTIONS for SheetRowsFromCopy: each value once, in order. */
export function sheetCopySelect(values: readonly RowTextValue[], from: string): string {
  return `SELECT ${values.map((v, i) => `${sheetValueSql(v)} AS "c${i}"`).join(", ")} ${from}`;
}

/** jsonValue (write-jsonl.ts) of a value: `to_json` escapes as JSON.stringify does (quote, backslash, controls). */
export function jsonValueSql(value: RowTextValue): string {
  switch (value.kind) {
    case "text":
      return `COALESCE(to_json(${value.sql})::text, 'null')`;
    case "bool":
      return `CASE WHEN ${value.sql} THEN 'true' WHEN NOT ${value.sql} THEN 'false' ELSE 'null' END`;
    case "int":
      return `COALESCE((${value.sql})::text, 'null')`;
    case "timestamp":
      return `COALESCE('"' || ${iso(value.sql)} || '"', 'null')`;
    case "list":
      return `CASE WHEN COALESCE(${value.sql}, '') = '' THEN '[]' ELSE array_to_json(string_to_array(${value.sql}, ','))::text END`;
  }
}

/** One JSON Lines row (without its line feed): `{"key":value,…}` with the keys in the columns' order. */
export function jsonLineSql(columns: readonly { key: string; value: RowTextValue }[]): string {
  const parts = columns.map((c, i) => `'${(i === 0 ? "{" : ",") + JSON.stringify(c.key).replaceAll("'", "''")}:' || ${jsonValueSql(c.value)}`);
  return `${parts.join(" || ")} || '}'`;
}

/** The first characters a spreadsheet runs as a formula (neutralizeCsvCell): tab, CR, + - = @, as code points. */
const FORMULA_STARTS = "9, 13, 43, 45, 61, 64";

/**
 * A SELECT whose rows COPY's CSV format writes as the export's CSV rows. `from` (the FROM, WHERE and ORDER BY of the
 * rows) is read in a subquery that computes each value's text once (OFFSET 0 keeps PostgreSQL from folding it into
 * the outer SELECT, which would compute a value again for each place it is named); outside it each cell is
 * neutralised as neutralizeCsvCell does (a leading tab, CR, + - = or @ gets a `'`). COPY then quotes a cell as
 * csvField does (a quote, a comma, a LF or a CR; quotes doubled). It would also quote an empty string, so an empty
 * text is NULL here: both are written as nothing, as the writer writes an empty cell. The outer SELECT only computes
 * each row's cells from the subquery's rows, in their order.
 */
export function csvCopySelect(values: readonly RowTextValue[], from: string): string {
  const inner = values.map((v, i) => `${v.kind === "text" || v.kind === "list" ? `NULLIF(${textOf(v)}, '')` : textOf(v)} AS "c${i}"`);
  const outer = values.map((v, i) =>
    v.kind === "timestamp" || v.kind === "bool" ? `"c${i}"` : `CASE WHEN ascii("c${i}") IN (${FORMULA_STARTS}) THEN '''' || "c${i}" ELSE "c${i}" END`,
  );
  return `SELECT ${outer.join(", ")} FROM (SELECT ${inner.join(", ")} ${from} OFFSET 0) AS "cells"`;
}

/** COPY's options for the CSV rows of csvCopySelect: RFC 4180 as the writer writes it (`,`, `"`, LF line ends). */
export const CSV_COPY_OPTIONS = "FORMAT csv";

/**
 * COPY's options for JSON Lines (one column, each row's JSON text): the CSV format with a delimiter and a quote that
 * JSON text never holds (to_json writes every control character as a \u escape), so that COPY writes the text as it
 * is, each line ended by a LF. The text format would double every backslash of the JSON escapes.
 */
export const JSONL_COPY_OPTIONS = "FORMAT csv, DELIMITER E'\\x01', QUOTE E'\\x02'";
