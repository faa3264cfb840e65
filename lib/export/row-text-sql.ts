/**
 * PostgreSQL expressions that put an export row's CSV or JSON Lines text together in the database (decision 036):
 * the driver then makes one string per row instead of one per cell, which was most of the export's CPU. Each
 * expression gives, byte for byte, what the JavaScript writers (write-csv.ts, write-jsonl.ts) write for the value the
 * row mapping would hand them; lib/export/row-text-sql.test.ts and tests/integration/export.test.ts compare the two.
 *
 * The value expressions are SQL over one table's columns, without parameters (`?` is the placeholder of the direct
 * path, so none appears here).
 */

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
 * csvCell (write-csv.ts) of a text expression, '' for NULL: a leading = + - @ tab or CR gets a `'`
 * (neutralizeCsvCell), then the cell is quoted when it holds a quote, a comma or a line feed, its quotes doubled.
 * The `'` added never changes whether it needs quotes, so the test reads the value itself.
 */
export function csvCellSql(text: string): string {
  const neutral = `CASE WHEN left(${text}, 1) IN ('=', '+', '-', '@', chr(9), chr(13)) THEN '''' || ${text} ELSE ${text} END`;
  return `COALESCE(CASE WHEN strpos(${text}, '"') > 0 THEN '"' || replace(${neutral}, '"', '""') || '"' WHEN strpos(${text}, ',') > 0 OR strpos(${text}, chr(10)) > 0 THEN '"' || ${neutral} || '"' ELSE ${neutral} END, '')`;
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

/**
 * One CSV row (without its line feed): each value's csvCell, comma-separated. A timestamp's ISO text (it starts with a
 * digit and holds no quote, comma or line feed) and a boolean's `true`/`false` are cells as they are, so they skip
 * csvCellSql's tests: PostgreSQL evaluates an expression once for each place it appears, and csvCellSql names its
 * text up to eight times (each a `to_char` for a timestamp).
 */
export function csvLineSql(values: readonly RowTextValue[]): string {
  return values.map((v) => (v.kind === "timestamp" || v.kind === "bool" ? `COALESCE(${textOf(v)}, '')` : csvCellSql(textOf(v)))).join(` || ',' || `);
}

/** One JSON Lines row (without its line feed): `{"key":value,…}` with the keys in the columns' order. */
export function jsonLineSql(columns: readonly { key: string; value: RowTextValue }[]): string {
  const parts = columns.map((c, i) => `'${(i === 0 ? "{" : ",") + JSON.stringify(c.key).replaceAll("'", "''")}:' || ${jsonValueSql(c.value)}`);
  return `${parts.join(" || ")} || '}'`;
}
