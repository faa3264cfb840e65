/**
 * PostgreSQL SELECTs whose rows a `COPY … TO STDOUT` writes for an export: the CSV rows' text itself (decision 049,
 * which follows decision 036: the database writes the bytes, the server only passes them on), or each cell's value for
 * the JSON Lines and the XLSX sheet, which the server makes from COPY's bytes (decision 053). Each gives, byte for
 * byte, what the JavaScript writers (write-csv.ts, write-jsonl.ts, write-xlsx.ts) write for the value the row mapping
 * would hand them; tests/integration/export.test.ts compares the two on PostgreSQL.
 *
 * The value expressions are SQL over one table's columns, without parameters (`?` is the placeholder of the direct
 * path, so none appears here).
 */
import type { JsonCellKind } from "./jsonl-from-copy";
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
export const iso = (sql: string) => `to_char(${sql}, 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`;

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
 * A value as writeXlsx's cell holds it, for the sheet rows made from COPY's cells (sheet-rows-from-copy.ts; decision
 * 053): a boolean as COPY writes it (t/f) and an integer as its digits, read as such; every other kind as the text the
 * writers' cell shows.
 */
export function sheetValueSql(value: RowTextValue): string {
  return value.kind === "bool" || value.kind === "int" ? value.sql : textOf(value);
}

/** How the sheet rows write a value of sheetValueSql: a boolean cell, a number cell, else a text cell. */
export function sheetCellKind(value: RowTextValue): SheetCellKind {
  return value.kind === "bool" ? "bool" : value.kind === "int" ? "number" : "text";
}

/**
 * A value as jsonValue reads it, for the JSON Lines made from COPY's cells (jsonl-from-copy.ts; decision 053): NULL
 * kept (JSON's null), a timestamp as its ISO text, a list as stored (split into items there).
 */
export function jsonCellSql(value: RowTextValue): string {
  return value.kind === "timestamp" ? iso(value.sql) : value.sql;
}

/** How the JSON Lines write a value of jsonCellSql. */
export function jsonCellKind(value: RowTextValue): JsonCellKind {
  return value.kind === "bool" ? "bool" : value.kind === "int" ? "number" : value.kind === "list" ? "list" : "text";
}

/** A SELECT whose rows COPY writes with COPY_CELLS_OPTIONS (copy-cells.ts): each value's expression once, in order. */
export function cellsCopySelect(expressions: readonly string[], from: string): string {
  return `SELECT ${expressions.map((sql, i) => `${sql} AS "c${i}"`).join(", ")} ${from}`;
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
