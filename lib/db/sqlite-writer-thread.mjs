// @ts-check
// The SQLite writer thread (lib/db/sqlite-writer.ts): runs the bulk write transactions a sync's pages and a findings
// pass send it, on a connection of its own. Plain JavaScript that Node runs as it is; the type checker reads it
// through the JSDoc below (tsconfig.json includes this file).
import { createRequire } from "node:module";
import { join } from "node:path";
import { parentPort, workerData } from "node:worker_threads";

/**
 * @typedef {{ file: string; busyMs: number; autocheckpointPages: number; cacheKb: number }} WriterData
 * @typedef {{ sql: string; params: unknown[]; eachRow?: unknown[][] }} EncodedStatement
 * @typedef {{ close: true } | { id?: number; statements: EncodedStatement[]; commit: false } | { id: number; statements?: EncodedStatement[]; groups?: EncodedStatement[][]; commit: true }} WriterMessage
 */

if (!parentPort) throw new Error("sqlite-writer-thread.mjs runs as a worker thread (lib/db/sqlite-writer.ts)");
const port = parentPort;
const data = /** @type {WriterData} */ (workerData);
// better-sqlite3 is resolved from the working directory, like the app's own.
const requireFromApp = createRequire(join(process.cwd(), "package.json"));
const Database = /** @type {typeof import("better-sqlite3")} */ (requireFromApp("better-sqlite3"));
// Blocking this thread while another connection holds the write lock is harmless (the main thread and its
// Prisma connection keep running and release it), so SQLite's own busy timeout replaces direct.ts's retry loop.
const conn = new Database(data.file, { timeout: data.busyMs });
conn.pragma("journal_mode = WAL");
conn.pragma("synchronous = NORMAL");
conn.pragma("wal_autocheckpoint = " + data.autocheckpointPages);
conn.pragma("cache_size = -" + data.cacheKb);
/** @type {Map<string, import("better-sqlite3").Statement>} */
const cache = new Map();
/** @param {string} sql */
const prepare = (sql) => {
  let stmt = cache.get(sql);
  if (!stmt) {
    if (cache.size > 256) cache.clear();
    stmt = conn.prepare(sql);
    cache.set(sql, stmt);
  }
  return stmt;
};
// The parts of a transaction sent with commit: false wait here, in this thread's heap, until its commit arrives:
// the transaction (and SQLite's write lock) only lasts while this thread runs it, never across the sender's turns.
/** @type {EncodedStatement[]} */
let parts = [];
/** Rows this connection changed: if any, it checkpoints when it closes. */
let written = 0;
port.on("message", (/** @type {WriterMessage} */ message) => {
  if ("close" in message) {
    // Everything sent is committed: the caller goes on. Then this thread settles the WAL it added to (up to
    // autocheckpointPages of it, ~100 ms: decision 007), off the caller's thread, so that the next write (an upload, a
    // delta sync's page) does not copy it into the database file inside its own commit. PASSIVE: it waits for no
    // reader and no writer; what it cannot copy now, a later checkpoint will (so does an exit that cuts it short).
    port.postMessage({ closed: true });
    try {
      if (written > 0) conn.pragma("wal_checkpoint(PASSIVE)");
      conn.close();
    } catch {
      // The database went away meanwhile (a test's temporary file): nothing is left to settle.
    }
    process.exit(0);
  }
  if (!message.commit) {
    for (const s of message.statements) parts.push(s);
    return;
  }
  // A grouped message is several callers' transactions run as one (group commit): the counts go back in one list.
  let statements = message.groups ? message.groups.flat() : (message.statements ?? []);
  if (parts.length > 0) {
    for (const s of statements) parts.push(s);
    statements = parts;
    parts = [];
  }
  try {
    conn.exec("BEGIN IMMEDIATE");
    try {
      const counts = statements.map((s) => {
        const stmt = prepare(s.sql);
        if (!s.eachRow) return stmt.run(...s.params).changes;
        let changes = 0;
        for (const row of s.eachRow) changes += stmt.run(...row).changes;
        return changes;
      });
      for (const n of counts) written += n;
      conn.exec("COMMIT");
      port.postMessage({ id: message.id, counts });
    } catch (error) {
      if (conn.inTransaction) conn.exec("ROLLBACK");
      throw error;
    }
  } catch (error) {
    const e = /** @type {{ message?: unknown; code?: unknown } | null} */ (error);
    port.postMessage({ id: message.id, error: { message: String(e && e.message), code: e && e.code } });
  }
});
