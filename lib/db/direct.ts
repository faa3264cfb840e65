import "server-only";
/**
 * The bulk data path: plain SQL through the database driver itself (better-sqlite3 or pg), for the few hot
 * loops where Prisma's client runtime costs more than the database (a 999-device Graph page, a fleet's uploads,
 * a 100,000-device findings pass). Everything else uses Prisma (lib/db/client.ts). Values are written in the
 * encodings Prisma uses, so Prisma reads these rows back unchanged (tests/integration/direct-db.test.ts):
 * SQLite DateTime as ISO-8601 text with "+00:00", Boolean as 0/1, Json as JSON text; PostgreSQL timestamp(3)
 * without time zone holding UTC, jsonb. See docs/decisions/004-prisma-write-cost.md.
 *
 * SQL is written with `?` placeholders and double-quoted identifiers; `?` becomes `$n` on PostgreSQL, so a
 * statement must not contain a literal `?` elsewhere.
 */
import { mkdirSync } from "node:fs";
import { dirname } from "node:path";
import Database from "better-sqlite3";
import pg from "pg";
import { to as copyTo } from "pg-copy-streams";
import { config, databaseProvider, sqliteFilePath } from "@/lib/config";
import { chunk } from "./in-list";
import { postgresPoolConfig } from "./postgres-session";

export type Dialect = "sqlite" | "postgresql";
export type ColumnKind = "text" | "int" | "bool" | "datetime" | "json" | "bytes";
export interface Statement {
  sql: string;
  params: readonly unknown[];
  /**
   * A bulk insert on SQLite: `sql` is a single-row statement, run once per entry with that entry as its parameters
   * (already encoded, as insertStatements makes them); `params` is then empty and the count is the sum. In process,
   * one prepared single-row INSERT run per row is quicker than multi-row VALUES lists (decision 006 has the figures).
   */
  eachRow?: readonly (readonly unknown[])[];
}
export type Row = Record<string, unknown>;

export interface DirectDb {
  readonly dialect: Dialect;
  /** A read. Dates and booleans in `params` are encoded for the dialect; rows come back raw (see the readers below). */
  query<T extends Row = Row>(sql: string, params?: readonly unknown[]): Promise<T[]>;
  /**
   * A read whose rows come back as arrays of the selected columns' values, in the SELECT's order, for reads of many
   * rows (exports): no object per row. Values are raw as in `query`, except that PostgreSQL's timestamps come back as
   * their text (`2026-12-06 10:49:46.68`, UTC; see readIsoTimestamp), not as Dates.
   */
  queryArrays(sql: string, params?: readonly unknown[]): Promise<unknown[][]>;
  /** Runs the statements in order in one transaction: all of them or none. Returns each one's affected row count. */
  batch(statements: readonly Statement[]): Promise<number[]>;
  /**
   * PostgreSQL only (undefined on SQLite): what `COPY (select) TO STDOUT WITH (options)` writes, as the byte chunks
   * the server sends, read only as fast as they are consumed (the connection's socket is paused in between). The
   * parameters are written into the statement as literals (COPY takes no bind parameters; see inlineParams). Stopping
   * early (a cancelled download) closes the connection instead of returning it to the pool mid-COPY.
   */
  copyOut?(select: string, params: readonly unknown[], options: string): AsyncGenerator<Buffer>;
  close(): Promise<void>;
}

/** Thrown when the database stayed locked or saturated for `BUSY_LIMIT_MS`: the API turns it into 503 + Retry-After. */
export class DatabaseBusyError extends Error {
  constructor() {
    super("database is locked: SQLITE_BUSY for too long");
    this.name = "DatabaseBusyError";
  }
}

const BUSY_LIMIT_MS = 10_000;

/**
 * The settings of every connection that writes in bulk (this one and lib/db/sqlite-writer.ts's thread).
 * A checkpoint (copying committed pages from the WAL into the database file, with an fsync) runs by default every
 * 1,000 pages of WAL (4–8 MB): every few hundred uploads, or every sync page. Every 10,000 pages (40 MB with 4 KB
 * pages, 80 MB with the 8 KB pages of files created since decision 006) costs about the same per checkpoint, ten
 * times less often: a bulk write takes well under half the time (bench/RESULTS.md, "Figures behind choices in the
 * code"). Durability is unchanged; the WAL file grows to about that size. Prisma's connection uses the same
 * interval (lib/db/client.ts).
 * A 32 MB page cache keeps the random-keyed index pages a transaction dirties (object ids, device ids, names;
 * findings by subject and rule) in memory instead of spilling them to the WAL mid-transaction and writing them
 * again at commit.
 */
export const SQLITE_WRITE_TUNING = { autocheckpointPages: 10_000, cacheKb: 32 * 1024 } as const;
/** SQLite allows 32,766 bound parameters since 3.32; PostgreSQL 65,535. Stay well under both. */
const MAX_PARAMS = 30_000;
const MAX_ROWS_PER_INSERT = 500;

export function createDirectDb(url: string = config.DATABASE_URL): DirectDb {
  return databaseProvider(url) === "sqlite" ? sqliteDirect(url) : postgresDirect(url);
}

const globalForDirect = globalThis as unknown as { joinscopeDirectDb?: DirectDb };
/** The process's one direct connection (SQLite) or pool (PostgreSQL), opened on first use. */
export function directDb(): DirectDb {
  globalForDirect.joinscopeDirectDb ??= createDirectDb();
  return globalForDirect.joinscopeDirectDb;
}

// ---- SQLite ----------------------------------------------------------------------------------------------------

function sqliteDirect(url: string): DirectDb {
  const file = sqliteFilePath(url);
  mkdirSync(dirname(file), { recursive: true });
  // timeout 0: never block the event loop waiting for a lock held by this process's Prisma connection (which
  // could then never release it); a busy database is retried asynchronously below.
  const conn = new Database(file, { timeout: 0 });
  conn.pragma("journal_mode = WAL");
  conn.pragma("synchronous = NORMAL");
  conn.pragma(`wal_autocheckpoint = ${SQLITE_WRITE_TUNING.autocheckpointPages}`);
  conn.pragma(`cache_size = -${SQLITE_WRITE_TUNING.cacheKb}`);
  // The group commit below gives each batch a savepoint, and SQLite keeps the original of every page a savepoint
  // changes in a sub-journal, which spills past 64 KB to a temporary file: an upload changes ~20 pages (8 KB each), so
  // every group transaction created, wrote (~170 KB an upload, more than its WAL frames) and deleted a file in
  // /var/tmp. In memory it is a copy of those pages: 0.40 → 0.17–0.19 ms of system CPU an upload (bench/RESULTS.md).
  conn.pragma("temp_store = MEMORY");
  const cache = new Map<string, Database.Statement>();
  const prepare = (sql: string) => {
    let stmt = cache.get(sql);
    if (!stmt) {
      if (cache.size > 256) cache.clear();
      stmt = conn.prepare(sql);
      cache.set(sql, stmt);
    }
    return stmt;
  };
  // Statements in raw mode (rows as arrays) are kept apart: raw() is a mode of the statement object.
  const rawCache = new Map<string, Database.Statement>();
  const prepareRaw = (sql: string) => {
    let stmt = rawCache.get(sql);
    if (!stmt) {
      if (rawCache.size > 64) rawCache.clear();
      stmt = conn.prepare(sql).raw(true);
      rawCache.set(sql, stmt);
    }
    return stmt;
  };
  const encode = (params: readonly unknown[] = []) => params.map((p) => encodeParam("sqlite", p));
  const begin = prepare("BEGIN IMMEDIATE");
  const commit = prepare("COMMIT");

  // Group commit: the batches requested in one turn of the event loop (say, the uploads of several agents that
  // arrived together) share one transaction. A commit's cost is mostly per transaction, not per row: the pages every
  // batch dirties (the tables' and indexes' last leaves, tallies) are written once.
  type Pending = { statements: readonly Statement[]; resolve(counts: number[]): void; reject(error: unknown): void };
  type Outcome = { counts: number[] } | { error: unknown };
  let pending: Pending[] = [];
  const savepoint = prepare("SAVEPOINT batch");
  const release = prepare("RELEASE batch");
  const rollbackTo = prepare("ROLLBACK TO batch");
  const run = (item: Pending) => item.statements.map((s) => runSqlite(prepare(s.sql), s, encode));
  const rollback = () => {
    if (conn.inTransaction) conn.exec("ROLLBACK");
  };
  // Optimistic: the whole group in one transaction without savepoints. A savepoint keeps a copy of every page its
  // batch changes (~20 pages of 8 KB an upload), for a rollback that almost never happens.
  const runPlain = (group: readonly Pending[]): Outcome[] => {
    begin.run();
    try {
      const outcomes = group.map((item) => ({ counts: run(item) }));
      commit.run();
      return outcomes;
    } catch (error) {
      rollback();
      throw error;
    }
  };
  // After a failure: each batch inside its own savepoint, so that the one that fails (a duplicate upload) rolls back
  // only itself and the others commit.
  const runIsolated = (group: readonly Pending[]): Outcome[] => {
    const outcomes: Outcome[] = [];
    begin.run();
    try {
      for (const item of group) {
        savepoint.run();
        try {
          outcomes.push({ counts: run(item) });
          release.run();
        } catch (error) {
          rollbackTo.run();
          release.run();
          outcomes.push({ error });
        }
      }
      commit.run();
      return outcomes;
    } catch (error) {
      rollback();
      throw error;
    }
  };
  const flush = () => {
    const group = pending;
    pending = [];
    // The whole transaction runs in one synchronous step: nothing else in this process can interleave with it,
    // and no lock is held across an await.
    retryWhileBusy(() => {
      try {
        return runPlain(group);
      } catch (error) {
        // A busy database is retried as a whole; a batch that failed is found by running the group again, each batch
        // in its savepoint (nothing of the failed attempt was committed). A group of one has its answer already.
        if (isBusy(error)) throw error;
        if (group.length === 1) return [{ error }];
        return runIsolated(group);
      }
    }).then(
      (outcomes) => outcomes.forEach((o, i) => ("error" in o ? group[i]!.reject(o.error) : group[i]!.resolve(o.counts))),
      (error: unknown) => group.forEach((item) => item.reject(error)),
    );
  };

  return {
    dialect: "sqlite",
    async query<T extends Row>(sql: string, params?: readonly unknown[]) {
      return (await retryWhileBusy(() => prepare(sql).all(...encode(params)))) as T[];
    },
    async queryArrays(sql: string, params?: readonly unknown[]) {
      return (await retryWhileBusy(() => prepareRaw(sql).all(...encode(params)))) as unknown[][];
    },
    batch(statements) {
      if (statements.length === 0) return Promise.resolve([]);
      return new Promise<number[]>((resolve, reject) => {
        pending.push({ statements, resolve, reject });
        if (pending.length === 1) setImmediate(flush);
      });
    },
    async close() {
      conn.close();
    },
  };
}

/** Runs one statement (once, or once per `eachRow` entry) and returns the rows it changed. */
function runSqlite(stmt: Database.Statement, s: Statement, encode: (params: readonly unknown[]) => unknown[]): number {
  if (!s.eachRow) return stmt.run(...encode(s.params)).changes;
  let changes = 0;
  for (const row of s.eachRow) changes += stmt.run(...row).changes;
  return changes;
}

function isBusy(error: unknown): boolean {
  return (error as { code?: string } | null)?.code === "SQLITE_BUSY";
}

async function retryWhileBusy<T>(work: () => T): Promise<T> {
  const started = Date.now();
  for (let attempt = 0; ; attempt++) {
    try {
      return work();
    } catch (error) {
      if (!isBusy(error)) throw error;
      if (Date.now() - started > BUSY_LIMIT_MS) throw new DatabaseBusyError();
      await new Promise((r) => setTimeout(r, Math.min(50, 2 + attempt * 2) * (0.5 + Math.random())));
    }
  }
}

// ---- PostgreSQL ------------------------------------------------------------------------------------------------

const TIMESTAMP_OID = 1114;
/** queryArrays' type parsers: timestamps stay text (readIsoTimestamp turns them into ISO strings without a Date). */
const ARRAY_TYPES = {
  getTypeParser: ((oid: number, format?: string) =>
    oid === TIMESTAMP_OID ? (v: string) => v : pg.types.getTypeParser(oid, format as "text")) as typeof pg.types.getTypeParser,
};

function postgresDirect(url: string): DirectDb {
  const pool = new pg.Pool(
    postgresPoolConfig({
      connectionString: url,
      max: 10,
      // timestamp(3) without time zone holds UTC (Prisma's convention): read it as UTC whatever the process's TZ.
      types: {
        getTypeParser: ((oid: number, format?: string) =>
          oid === TIMESTAMP_OID
            ? (v: string) => new Date(`${v.replace(" ", "T")}Z`)
            : pg.types.getTypeParser(oid, format as "text")) as typeof pg.types.getTypeParser,
      },
    }),
  );

  const encode = (params: readonly unknown[] = []) => params.map((p) => encodeParam("postgresql", p));
  return {
    dialect: "postgresql",
    async query<T extends Row>(sql: string, params?: readonly unknown[]) {
      return (await pool.query(toPg(sql), encode(params))).rows as T[];
    },
    async queryArrays(sql: string, params?: readonly unknown[]) {
      return (await pool.query({ text: toPg(sql), values: encode(params), rowMode: "array", types: ARRAY_TYPES })).rows as unknown[][];
    },
    async batch(statements) {
      if (statements.length === 0) return [];
      const client = await pool.connect();
      try {
        await client.query("BEGIN");
        const counts: number[] = [];
        for (const s of statements) {
          let changed = 0;
          for (const params of s.eachRow ?? [s.params]) changed += (await client.query(toPg(s.sql), encode(params))).rowCount ?? 0;
          counts.push(changed);
        }
        await client.query("COMMIT");
        return counts;
      } catch (error) {
        await client.query("ROLLBACK").catch(() => undefined);
        throw error;
      } finally {
        client.release();
      }
    },
    async *copyOut(select: string, params: readonly unknown[], options: string) {
      const client = await pool.connect();
      let finished = false;
      try {
        // A list's order read along the index that holds it, where there is one: the planner would rather sort the
        // rows, and sorting 100,000 summaries by their text keys (the database's collation compares each pair) took
        // 1.2 s against 0.5 s along the index; a parallel plan also sorted and merged the rows' computed text (0.95 s
        // against 0.47 s). Room to sort in memory where no index serves the order. SET LOCAL: this transaction only
        // (decision 049).
        await client.query("BEGIN READ ONLY");
        await client.query(`SET LOCAL work_mem = '${COPY_WORK_MEM}'`);
        await client.query("SET LOCAL max_parallel_workers_per_gather = 0");
        await client.query("SET LOCAL enable_sort = off");
        const stream = client.query(copyTo(`COPY (${inlineParams(select, encode(params))}) TO STDOUT WITH (${options})`));
        for await (const chunk of stream) yield chunk as Buffer;
        await client.query("COMMIT");
        finished = true;
      } finally {
        // A COPY left unread leaves the connection mid-protocol: close it (release(true)) rather than pool it.
        client.release(finished ? undefined : true);
      }
    },
    async close() {
      await pool.end();
    },
  };
}

/**
 * The memory a COPY's statement may sort in (SET LOCAL, its transaction only): a device list's order over 100,000
 * summaries is ~30 MB of rows, which PostgreSQL's default 4 MB would sort through temporary files.
 */
export const COPY_WORK_MEM = "64MB";

/**
 * A statement with `?` placeholders, each replaced by its value as a quoted literal (pg's escapeLiteral: quotes doubled,
 * backslashes doubled under an E'' prefix), NULL for null. A quoted literal has PostgreSQL's unknown type and takes the
 * type its context asks for, as an untyped bind parameter does, so `"openCount" > '3'` compares integers. For COPY,
 * which takes no bind parameters; never for values interpolated any other way.
 */
export function inlineParams(sql: string, params: readonly unknown[]): string {
  let n = 0;
  const out = sql.replace(/\?/g, () => {
    if (n >= params.length) throw new Error(`inlineParams: more placeholders than the ${params.length} parameters`);
    const value = params[n++];
    return value === null || value === undefined ? "NULL" : pg.escapeLiteral(String(value));
  });
  if (n !== params.length) throw new Error(`inlineParams: ${params.length} parameters for ${n} placeholders`);
  return out;
}

const pgSqlCache = new Map<string, string>();
/** A statement of this module (`?` placeholders) in PostgreSQL's form (`$1`, `$2`, …). */
export function toPg(sql: string): string {
  let out = pgSqlCache.get(sql);
  if (out === undefined) {
    let n = 0;
    out = sql.replace(/\?/g, () => `$${++n}`);
    if (pgSqlCache.size > 512) pgSqlCache.clear();
    pgSqlCache.set(sql, out);
  }
  return out;
}

/** A unique-index violation from a statement of the direct path: SQLite and PostgreSQL name it differently. */
export function isUniqueViolation(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return code === "SQLITE_CONSTRAINT_UNIQUE" || code === "23505";
}

/** A NOT NULL violation: the ingest's guarded update of a report another upload changed first (lib/ingest). */
export function isNotNullViolation(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return code === "SQLITE_CONSTRAINT_NOTNULL" || code === "23502";
}

// ---- encodings -------------------------------------------------------------------------------------------------

/** A JS value as a parameter, as Prisma would bind it for that column kind. */
export function encodeValue(dialect: Dialect, kind: ColumnKind, value: unknown): unknown {
  if (value === null || value === undefined) return null;
  switch (kind) {
    case "datetime":
      return encodeDate(dialect, value instanceof Date ? value : new Date(value as string));
    case "bool":
      return dialect === "sqlite" ? (value ? 1 : 0) : Boolean(value);
    case "json":
      return typeof value === "string" && dialect === "sqlite" ? value : JSON.stringify(value);
    default:
      return value;
  }
}

/** A parameter of a hand-written statement: Dates and booleans as Prisma binds them, undefined as NULL. */
export function encodeParam(dialect: Dialect, value: unknown): unknown {
  if (value instanceof Date) return encodeDate(dialect, value);
  if (typeof value === "boolean" && dialect === "sqlite") return value ? 1 : 0;
  return value === undefined ? null : value;
}

export function encodeDate(dialect: Dialect, date: Date): string {
  const iso = date.toISOString();
  // PostgreSQL ignores the zone designator when it reads text into a timestamp without time zone.
  return dialect === "sqlite" ? `${iso.slice(0, -1)}+00:00` : iso;
}

/** A DateTime column as read by `query` on either dialect. */
export function readDate(value: unknown): Date | null {
  if (value === null || value === undefined) return null;
  return value instanceof Date ? value : new Date(typeof value === "bigint" ? Number(value) : (value as string | number));
}

/**
 * A DateTime column as `toISOString()` would print it (`2026-12-06T10:49:46.680Z`), from what `queryArrays` returns on
 * either dialect, without making a Date when the stored text is already in that shape: SQLite's
 * `2026-12-06T10:49:46.680+00:00` (how Prisma and this module write it) and PostgreSQL's `2026-12-06 10:49:46.68`
 * (timestamp without time zone holding UTC, trailing zeros of the fraction dropped). Anything else goes through a Date.
 */
export function readIsoTimestamp(value: unknown): string | null {
  if (value === null || value === undefined) return null;
  if (typeof value === "string") {
    // SQLite's form first, by its length (ISO_LIKE matches 23 characters at most): one test per value, not two.
    if (value.length === 29) {
      if (SQLITE_ISO.test(value)) return `${value.slice(0, 23)}Z`;
    } else {
      const m = ISO_LIKE.exec(value);
      if (m) return `${m[1]}T${m[2]}.${(m[3] ?? "").padEnd(3, "0")}Z`;
    }
  }
  return readDate(value)!.toISOString();
}
/** SQLite's stored form: 2026-12-06T10:49:46.680+00:00. */
const SQLITE_ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}\+00:00$/;
/** PostgreSQL's text of a timestamp without time zone, years 1000–9999 (UTC by the app's convention). */
const ISO_LIKE = /^(\d{4}-\d{2}-\d{2}) (\d{2}:\d{2}:\d{2})(?:\.(\d{1,3}))?$/;

export function readBool(value: unknown): boolean | null {
  if (value === null || value === undefined) return null;
  return value === true || value === 1 || value === 1n;
}

/** A Json column (text on SQLite, parsed jsonb on PostgreSQL). */
export function readJson<T = unknown>(value: unknown): T | null {
  if (value === null || value === undefined) return null;
  return (typeof value === "string" ? JSON.parse(value) : value) as T;
}

// ---- bulk statements -------------------------------------------------------------------------------------------

export type OnConflict = { target: readonly string[]; update: readonly string[] } | { target: readonly string[]; nothing: true };

/**
 * INSERTs of `rows` into `table` (SQLite: one single-row statement run per row, Statement.eachRow; PostgreSQL:
 * multi-row VALUES lists, chunked under its parameter limit, or with `columnTypes` one `unnest` of an array per column,
 * see unnestInsertStatements). `columns` names every column written and how to encode it; a row's missing value is
 * written as NULL. Ids, `updatedAt` and defaults are the caller's to fill (Prisma fills them client-side, not the
 * database). `columnTypes`: the kind each column has in the table (`columns` may say "text" for a value the caller
 * encoded already, lib/db/pre-encoded.ts).
 */
export function insertStatements(
  dialect: Dialect,
  table: string,
  columns: Readonly<Record<string, ColumnKind>>,
  rows: readonly Row[],
  onConflict?: OnConflict,
  columnTypes?: Readonly<Record<string, ColumnKind>>,
): Statement[] {
  if (rows.length === 0) return [];
  const names = Object.keys(columns);
  const kinds = names.map((n) => columns[n]!);
  const values: unknown[][] = new Array(rows.length);
  for (let r = 0; r < rows.length; r++) {
    const row = rows[r]!;
    const encoded: unknown[] = new Array(names.length);
    for (let i = 0; i < names.length; i++) {
      const value = row[names[i]!];
      // text and int columns (most of them) pass through as they are.
      encoded[i] =
        value === undefined ? null : kinds[i] === "text" || kinds[i] === "int" || kinds[i] === "bytes" ? value : encodeValue(dialect, kinds[i]!, value);
    }
    values[r] = encoded;
  }
  return insertValueStatements(dialect, table, names, values, onConflict, columnTypes && names.map((n) => columnTypes[n]!));
}

/**
 * insertStatements for rows that are already arrays of encoded values (encodeValue), one per column of `columns`
 * in that order: for a hot loop that builds them directly (a sync page's devices) rather than as objects first.
 */
export function insertValueStatements(
  dialect: Dialect,
  table: string,
  columns: readonly string[],
  rows: readonly (readonly unknown[])[],
  onConflict?: OnConflict,
  columnTypes?: readonly ColumnKind[],
): Statement[] {
  if (rows.length === 0) return [];
  const head = `INSERT INTO "${table}" (${columns.map((n) => `"${n}"`).join(", ")}) `;
  const tuple = `(${columns.map(() => "?").join(", ")})`;
  const tail = onConflictClause(onConflict);
  // SQLite is in process, where round trips cost nothing: one prepared single-row statement, run per row.
  if (dialect === "sqlite") return [{ sql: `${head}VALUES ${tuple}${tail}`, params: [], eachRow: rows }];
  if (columnTypes && rows.length > 1) return unnestInsertStatements(head, columnTypes, rows, tail);
  const perStatement = Math.max(1, Math.min(MAX_ROWS_PER_INSERT, Math.floor(MAX_PARAMS / columns.length)));
  const statements: Statement[] = [];
  for (let start = 0; start < rows.length; start += perStatement) {
    const part = rows.slice(start, start + perStatement);
    const params: unknown[] = [];
    for (const row of part) for (const value of row) params.push(value);
    statements.push({ sql: `${head}VALUES ${Array.from(part, () => tuple).join(", ")}${tail}`, params });
  }
  return statements;
}

/** PostgreSQL's array type of each column kind, for unnest. */
const PG_ARRAY_TYPE: Record<ColumnKind, string> = {
  text: "text[]",
  int: "integer[]",
  bool: "boolean[]",
  datetime: "timestamp(3)[]",
  json: "jsonb[]",
  bytes: "bytea[]",
};
/** Rows per unnest statement: a bound on one message's size (a sync page is 999, a findings batch a few thousand). */
const MAX_ROWS_PER_UNNEST = 10_000;

/**
 * PostgreSQL: `INSERT … SELECT * FROM unnest($1::text[], $2::boolean[], …)`, one array parameter per column. A
 * VALUES list of 500 rows × 30 columns is 15,000 parameters that the server parses, binds and plans as 500 row
 * expressions; the arrays are 30 parameters and a plan of one function scan, whatever the row count (decision 026
 * has the figures). Each element is read as text by the array's element type, so a value encoded already (an ISO
 * time, JSON text) lands in its column's type exactly as a VALUES parameter would.
 */
function unnestInsertStatements(head: string, columnTypes: readonly ColumnKind[], rows: readonly (readonly unknown[])[], tail: string): Statement[] {
  const sql = `${head}SELECT * FROM unnest(${columnTypes.map((k) => `?::${PG_ARRAY_TYPE[k]}`).join(", ")})${tail}`;
  const statements: Statement[] = [];
  for (let start = 0; start < rows.length; start += MAX_ROWS_PER_UNNEST) {
    const end = Math.min(rows.length, start + MAX_ROWS_PER_UNNEST);
    const arrays: unknown[][] = columnTypes.map(() => new Array<unknown>(end - start));
    for (let r = start; r < end; r++) {
      const row = rows[r]!;
      for (let c = 0; c < arrays.length; c++) arrays[c]![r - start] = row[c] ?? null;
    }
    statements.push({ sql, params: arrays.map(arrayLiteral) });
  }
  return statements;
}

/**
 * A column's values as PostgreSQL's array literal (`{"a","b\"c",NULL,t}`), the text node-postgres would send for the
 * array, written here with one test per element instead of its two regular-expression replaces, and sent as one string
 * instead of an array: a sync page's 30 columns of 999 values cross to the writer's thread (structured clone) as 30
 * strings, and the thread serialises nothing (decision 052: about a quarter of the thread's profile in a full sync was node-postgres's
 * escapeElement). Every element is quoted, so the array's element type reads it as the same text either way. A value of
 * another kind (a Buffer) leaves the column as an array, for node-postgres to serialise as before.
 */
function arrayLiteral(values: readonly unknown[]): string | readonly unknown[] {
  let out = "{";
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (i > 0) out += ",";
    if (v === null || v === undefined) out += "NULL";
    else if (typeof v === "string") out += quoteArrayElement(v);
    else if (typeof v === "boolean") out += v ? "t" : "f";
    else if (typeof v === "number" || typeof v === "bigint") out += String(v);
    else if (v instanceof Date) out += `"${v.toISOString()}"`;
    else return values;
  }
  return out + "}";
}
/**
 * A quoted element of an array literal, where only a double quote and a backslash are escaped (with a backslash).
 * JSON.stringify escapes exactly those two, and ~2× quicker than replacing them (a sync page's JSON columns are ~870
 * characters with ~100 quotes each), unless the text holds a control character or a surrogate, which it would escape
 * too: those take the replacing path.
 */
function quoteArrayElement(text: string): string {
  return JSON_WOULD_ALTER.test(text) ? `"${text.replaceAll("\\", "\\\\").replaceAll('"', '\\"')}"` : JSON.stringify(text);
}
/** The characters JSON.stringify writes as escapes other than \" and \\. */
const JSON_WOULD_ALTER = /[\u0000-\u001f\ud800-\udfff]/;

function onConflictClause(onConflict: OnConflict | undefined): string {
  if (!onConflict) return "";
  const target = onConflict.target.map((c) => `"${c}"`).join(", ");
  if ("nothing" in onConflict) return ` ON CONFLICT (${target}) DO NOTHING`;
  return ` ON CONFLICT (${target}) DO UPDATE SET ${onConflict.update.map((c) => `"${c}" = excluded."${c}"`).join(", ")}`;
}

/**
 * `"col" IN (?, ?, …)` for one chunk of values (keep chunks ≤ IN_LIST_MAX, lib/db/in-list.ts). `column` is a column
 * name, quoted here, or `{ expression }`: SQL text used as it is (the code's own, never from input).
 */
export function inList(column: string | { expression: string }, count: number): string {
  const left = typeof column === "string" ? `"${column}"` : column.expression;
  return `${left} IN (${Array.from({ length: count }, () => "?").join(", ")})`;
}

/**
 * Runs `sql` once per chunk of `values` (lib/db/in-list.ts), `{in}` standing for `"column" IN (?, …)`; `params`
 * bind before the list. Returns every chunk's rows, in chunk order.
 */
export async function queryIn<T extends Row = Row>(
  direct: DirectDb,
  sql: string,
  column: string | { expression: string },
  values: readonly string[],
  params: readonly unknown[] = [],
): Promise<T[]> {
  const rows: T[] = [];
  for (const part of chunk(values)) {
    for (const row of await direct.query<T>(sql.replace("{in}", inList(column, part.length)), [...params, ...part])) rows.push(row);
  }
  return rows;
}
