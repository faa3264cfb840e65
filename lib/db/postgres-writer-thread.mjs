// @ts-check
// The PostgreSQL writer thread (lib/db/postgres-writer.ts): runs the write transactions a sync's pages and a findings
// pass send it, in the order they arrive, on a connection of its own. Plain JavaScript that Node runs as it is; the
// type checker reads it through the JSDoc below (tsconfig.json includes this file).
import { createRequire } from "node:module";
import { join } from "node:path";
import { parentPort, workerData } from "node:worker_threads";

/**
 * @typedef {{ url: string; sessionSettings: string[] }} WriterData
 * @typedef {{ text: string; values: unknown[]; eachRow?: unknown[][] }} PgStatement
 * @typedef {{ close: true } | { id: number; statements: PgStatement[] }} WriterMessage
 */

if (!parentPort) throw new Error("postgres-writer-thread.mjs runs as a worker thread (lib/db/postgres-writer.ts)");
const port = parentPort;
const data = /** @type {WriterData} */ (workerData);
// pg is resolved from the working directory, like the app's own.
const requireFromApp = createRequire(join(process.cwd(), "package.json"));
const pg = /** @type {typeof import("pg")} */ (requireFromApp("pg"));

const client = new pg.Client({ connectionString: data.url });
// Connected once, before the first transaction; a failure to connect fails every transaction sent.
const connected = client.connect().then(async () => {
  for (const statement of data.sessionSettings) await client.query(statement);
});
/**
 * The first transaction that failed, if any. Every transaction sent after it is refused without running: its
 * sender planned it on the understanding that the ones before it commit (a sync's page N+1 carries the resume
 * point past page N), so committing it after a failure would lose what the failed one held.
 * @type {{ message: string; code?: unknown } | null}
 */
let failed = null;
/** Transactions run one after another, in the order they arrived. */
let queue = Promise.resolve();

/** @param {{ id: number; statements: PgStatement[] }} message */
async function run(message) {
  if (failed) {
    port.postMessage({ id: message.id, error: { message: `an earlier transaction failed: ${failed.message}`, code: failed.code } });
    return;
  }
  try {
    await connected;
    await client.query("BEGIN");
    try {
      /** @type {number[]} */
      const counts = [];
      for (const s of message.statements) {
        let changed = 0;
        for (const values of s.eachRow ?? [s.values]) changed += (await client.query(s.text, values)).rowCount ?? 0;
        counts.push(changed);
      }
      await client.query("COMMIT");
      port.postMessage({ id: message.id, counts });
    } catch (error) {
      await client.query("ROLLBACK").catch(() => undefined);
      throw error;
    }
  } catch (error) {
    const e = /** @type {{ message?: unknown; code?: unknown } | null} */ (error);
    failed = { message: String(e && e.message), code: e && e.code };
    port.postMessage({ id: message.id, error: failed });
  }
}

port.on("message", (/** @type {WriterMessage} */ message) => {
  if ("close" in message) {
    queue = queue.then(async () => {
      await client.end().catch(() => undefined);
      port.postMessage({ closed: true });
      process.exit(0);
    });
    return;
  }
  queue = queue.then(() => run(message));
});
