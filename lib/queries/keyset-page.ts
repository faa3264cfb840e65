import "server-only";
import type { DirectDb, Row } from "@/lib/db/direct";

/**
 * Keyset paging over one table for orders that an index serves, including orders whose columns run in different
 * directions (severity first, then most open findings first, then the name). A page after (or before) a row is read
 * as the few index ranges that follow that row in the order, each one a seek and a short scan, never as an OFFSET
 * over everything before it.
 *
 * An order is a list of segments, read one after the other (rows whose last report is unknown come after the others,
 * whichever the direction). A segment's keys end with a unique column. A segment may be `bucketed`: its first key runs
 * in the direction opposite to the index's (the index serves the rest), so the segment is read one value of that key
 * at a time, the next value found by an index seek.
 */
export type Direction = "asc" | "desc";
export interface SortKey {
  column: string;
  dir: Direction;
}
export interface Segment {
  /** SQL that selects the segment's rows (no parameters), or null for all rows. */
  where: string | null;
  keys: SortKey[];
  bucketed?: boolean;
  /**
   * SQLite only: the index this segment reads instead of the query's `indexedBy` (a sort whose index is partial holds
   * only the rows with a value; its segment of the rows without one reads another index).
   */
  indexedBy?: string;
  /** Whether a row (as read, with every key column) belongs to this segment. */
  holds(row: Row): boolean;
}
export type Ordering = Segment[];

export interface KeysetQuery {
  direct: DirectDb;
  table: string;
  /** SQLite only: the index to read (its planner has no statistics to tell a rare filter value from a common one). */
  indexedBy?: string;
  /** The columns to read (each key column included). */
  columns: readonly string[];
  /** An expression to read a column by instead of the column itself, by name and dialect (read under the column's name). */
  expressions?: Readonly<Record<string, Partial<Record<"sqlite" | "postgresql", string>>>>;
  /** Conditions every row of the page meets (the tenant, the filters), with their parameters. */
  filter: { sql: string; params: unknown[] };
  ordering: Ordering;
}

const q = (column: string) => `"${column}"`;
const from = (query: KeysetQuery, segment: Segment) => {
  const index = segment.indexedBy ?? query.indexedBy;
  return index && query.direct.dialect === "sqlite" ? `${q(query.table)} INDEXED BY ${q(index)}` : q(query.table);
};
const flip = (dir: Direction): Direction => (dir === "asc" ? "desc" : "asc");
/** Keys as an ORDER BY list, each column through `wrap` (as it is unless given). */
const orderBy = (keys: readonly SortKey[], wrap = (column: string) => column) =>
  keys.map((k) => `${wrap(q(k.column))} ${k.dir === "asc" ? "ASC" : "DESC"}`).join(", ");

/** The same order read backwards: for the page before a row. */
export function reverseOrdering(ordering: Ordering): Ordering {
  return [...ordering].reverse().map((s) => ({ ...s, keys: s.keys.map((k) => ({ column: k.column, dir: flip(k.dir) })) }));
}

/** Up to `limit` rows after `cursor` (a row as read, or null: from the start) in `ordering`. */
export function readAfter(query: KeysetQuery, cursor: Row | null, limit: number): Promise<Row[]> {
  return readWith(query, cursor, limit, (sql, params) => query.direct.query(sql, params));
}

/**
 * The same rows as readAfter, each as an array of `query.columns`' values in their order (no object per row: for
 * reads of many rows, the exports). The cursor is still a row object: the last row read, by column name.
 */
export function readArraysAfter(query: KeysetQuery, cursor: Row | null, limit: number): Promise<unknown[][]> {
  return readWith(query, cursor, limit, (sql, params) => query.direct.queryArrays(sql, params));
}

/**
 * Every row of the query, `batchRows` at a time as arrays (readArraysAfter), each batch read from where the one before
 * ended, and only when the caller asks for it: the caller's pace is the pace of the reads.
 */
export async function* keysetBatches(query: KeysetQuery, batchRows: number): AsyncGenerator<unknown[][]> {
  let cursor: Row | null = null;
  for (;;) {
    const rows = await readArraysAfter(query, cursor, batchRows);
    if (rows.length === 0) return;
    yield rows;
    if (rows.length < batchRows) return;
    const last = rows[rows.length - 1]!;
    cursor = Object.fromEntries(query.columns.map((c, i) => [c, last[i]]));
  }
}

type Read<R> = (sql: string, params: readonly unknown[]) => Promise<R[]>;

async function readWith<R>(query: KeysetQuery, cursor: Row | null, limit: number, read: Read<R>): Promise<R[]> {
  const rows: R[] = [];
  const start = cursor ? query.ordering.findIndex((s) => s.holds(cursor)) : 0;
  if (start < 0) return rows;
  for (let i = start; i < query.ordering.length && rows.length < limit; i++) {
    const segment = query.ordering[i]!;
    const from = i === start ? cursor : null;
    const more = segment.bucketed
      ? await readBuckets(query, segment, from, limit - rows.length, read)
      : await readRanges(query, segment, segment.keys, [], from, limit - rows.length, read);
    for (const r of more) rows.push(r);
  }
  return rows;
}

/** Up to `limit` rows before `cursor`, in the order's own direction. */
export async function readBefore(query: KeysetQuery, cursor: Row, limit: number): Promise<Row[]> {
  return (await readAfter({ ...query, ordering: reverseOrdering(query.ordering) }, cursor, limit)).reverse();
}

function select(query: KeysetQuery, segment: Segment, conditions: string[], keys: SortKey[], limit: number): string {
  const where = [query.filter.sql, ...(segment.where ? [segment.where] : []), ...conditions].join(" AND ");
  const order = orderBy(keys);
  const column = (c: string) => {
    const expression = query.expressions?.[c]?.[query.direct.dialect];
    return expression ? `${expression} AS ${q(c)}` : q(c);
  };
  return `SELECT ${query.columns.map(column).join(", ")} FROM ${from(query, segment)} WHERE ${where} ORDER BY ${order} LIMIT ${limit}`;
}

/**
 * The rows after `cursor` in `keys` (all of them when null), with `fixed` equalities: the keys grouped in runs of one
 * direction, then one range per run from the last to the first: equal on the runs before it, after the cursor's
 * values on its own (a row-value comparison), in key order from it on. Ranges are read until the page is full.
 */
async function readRanges<R>(
  query: KeysetQuery,
  segment: Segment,
  keys: SortKey[],
  fixed: { column: string; value: unknown }[],
  cursor: Row | null,
  limit: number,
  read: Read<R>,
): Promise<R[]> {
  const equal = fixed.map((f) => `${q(f.column)} = ?`);
  const equalParams = fixed.map((f) => f.value);
  if (!cursor) return read(select(query, segment, equal, keys, limit), [...query.filter.params, ...equalParams]);
  const runs: SortKey[][] = [];
  for (const k of keys) {
    const last = runs[runs.length - 1];
    if (last && last[0]!.dir === k.dir) last.push(k);
    else runs.push([k]);
  }
  const rows: R[] = [];
  for (let r = runs.length - 1; r >= 0 && rows.length < limit; r--) {
    const before = runs.slice(0, r).flat();
    const run = runs[r]!;
    const op = run[0]!.dir === "asc" ? ">" : "<";
    const conditions = [
      ...equal,
      ...before.map((k) => `${q(k.column)} = ?`),
      run.length === 1 ? `${q(run[0]!.column)} ${op} ?` : `(${run.map((k) => q(k.column)).join(", ")}) ${op} (${run.map(() => "?").join(", ")})`,
    ];
    const params = [...query.filter.params, ...equalParams, ...before.map((k) => cursor[k.column]), ...run.map((k) => cursor[k.column])];
    for (const row of await read(select(query, segment, conditions, keys.slice(before.length), limit - rows.length), params)) rows.push(row);
  }
  return rows;
}

/** A bucketed segment: one value of its first key at a time, from the cursor's (or the first) on. */
async function readBuckets<R>(query: KeysetQuery, segment: Segment, cursor: Row | null, limit: number, read: Read<R>): Promise<R[]> {
  const [lead, ...inner] = segment.keys as [SortKey, ...SortKey[]];
  const rows: R[] = [];
  let value: unknown = cursor ? cursor[lead.column] : await nextValue(query, segment, lead, undefined);
  let from = cursor;
  while (value !== undefined && rows.length < limit) {
    for (const r of await readRanges(query, segment, inner, [{ column: lead.column, value }], from, limit - rows.length, read)) rows.push(r);
    from = null;
    if (rows.length < limit) value = await nextValue(query, segment, lead, value);
  }
  return rows;
}

/** The next value of a bucketed key after `after` (the first one when undefined), or undefined when there is none. */
async function nextValue(query: KeysetQuery, segment: Segment, lead: SortKey, after: unknown): Promise<unknown> {
  const conditions = after === undefined ? [] : [`${q(lead.column)} ${lead.dir === "asc" ? ">" : "<"} ?`];
  const where = [query.filter.sql, ...(segment.where ? [segment.where] : []), ...conditions].join(" AND ");
  const rows = await query.direct.query(
    `SELECT ${q(lead.column)} AS "v" FROM ${from(query, segment)} WHERE ${where} ORDER BY ${q(lead.column)} ${lead.dir === "asc" ? "ASC" : "DESC"} LIMIT 1`,
    after === undefined ? query.filter.params : [...query.filter.params, after],
  );
  return rows.length ? rows[0]!.v : undefined;
}

/**
 * The whole order as one statement's rows without a sort: each segment's rows in its own keys' order (the ORDER BY an
 * index serves), the segments one after the other by UNION ALL, `select(where, orderBy)` giving each segment's
 * parenthesised SELECT. PostgreSQL's Append reads its branches in turn, each in its own order, when the statement runs
 * without parallel workers (copyOut's transaction): an export's rows then start at once instead of after a sort of all
 * of them (decision 054). A filter's parameters in `select` are needed once per segment.
 */
export function segmentsUnionSql(ordering: Ordering, select: (where: string | null, orderBy: string) => string): string {
  return ordering.map((s) => select(s.where, orderBy(s.keys))).join(" UNION ALL ");
}

/**
 * The whole order as one ORDER BY, with the condition that keeps only rows of its segments: for a statement that reads
 * every row at once (an export's COPY, decision 049) rather than page by page. Segments come in their order (a CASE
 * numbers them), each by its own keys (a key of another segment is NULL, so it ties). An order of one segment of all
 * rows is its keys as they are, which an index can serve.
 */
export function orderingSql(ordering: Ordering): { where: string | null; orderBy: string } {
  const keys = (s: Segment, wrap: (column: string) => string) => s.keys.map((k) => `${wrap(q(k.column))} ${k.dir === "asc" ? "ASC" : "DESC"}`);
  if (ordering.length === 1 && ordering[0]!.where === null) return { where: null, orderBy: keys(ordering[0]!, (c) => c).join(", ") };
  const conditions = ordering.map((s) => `(${s.where ?? "TRUE"})`);
  const number = `CASE ${conditions.map((c, i) => `WHEN ${c} THEN ${i}`).join(" ")} END`;
  return {
    where: `(${conditions.join(" OR ")})`,
    orderBy: [`${number} ASC`, ...ordering.flatMap((s, i) => keys(s, (c) => `CASE WHEN ${conditions[i]} THEN ${c} END`))].join(", "),
  };
}
