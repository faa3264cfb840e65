import "server-only";
import { join } from "node:path";
import { Worker } from "node:worker_threads";
import { encodeParam, toPg, type Statement } from "@/lib/db/direct";
import { POSTGRES_SESSION_SETTINGS } from "@/lib/db/postgres-session";

/**
 * Runs a pipeline's write transactions on a PostgreSQL connection of its own, driven by a thread of its own
 * (lib/db/postgres-writer-thread.mjs), for the producers that prepare batch N+1 while batch N is written: a full
 * sync's Graph pages (lib/sync). It is to PostgreSQL what lib/db/sqlite-writer.ts is to SQLite (decision 026):
 *
 * - **Several transactions in flight, committed in order.** They are sent as they are made and queued on the writer,
 *   which runs them one after another on its one connection, so page N+1 is never committed before page N. The first
 *   one that fails stops the writer: every transaction behind it is refused, not run (it was planned on the
 *   understanding that the ones before it commit: a sync's page carries the resume point past the page before it).
 * - **Off the main thread.** node-postgres serialises every parameter and sends the next statement of a transaction
 *   from its event loop; on the main thread both waited for the page being mapped and hashed (tens of milliseconds
 *   of synchronous work), so the server idled between a transaction's statements. The writer's thread only talks to
 *   the server.
 *
 * Statements arrive with `?` placeholders and parameters as lib/db/direct.ts writes them; they are turned into
 * PostgreSQL's form (`$n`, Dates as UTC text) here and cross to the thread by structured clone.
 */
const WORKER_FILE = join(process.cwd(), "lib", "db", "postgres-writer-thread.mjs");

export interface PostgresWriter {
  /** One transaction, run after every one sent before it; resolves with each statement's changed-row count once committed. */
  batch(statements: readonly Statement[]): Promise<number[]>;
  /** Waits for what was sent, then closes the connection and the thread. */
  close(): Promise<void>;
}

/** Opens the writer's thread and connection (the first transaction waits for the connection); `close()` it when done. */
export function openPostgresWriter(url: string): PostgresWriter {
  const worker = new Worker(WORKER_FILE, { workerData: { url, sessionSettings: [...POSTGRES_SESSION_SETTINGS] } });
  const waiting = new Map<number, { resolve: (counts: number[]) => void; reject: (error: Error) => void }>();
  let nextId = 0;
  let failure: Error | null = null;
  let closing = false;
  const failAll = (error: Error) => {
    failure = error;
    for (const w of waiting.values()) w.reject(error);
    waiting.clear();
  };
  worker.on("message", (m: { id?: number; counts?: number[]; error?: { message: string; code?: string } }) => {
    if (m.id === undefined) return;
    const w = waiting.get(m.id);
    if (!w) return;
    waiting.delete(m.id);
    if (m.error) w.reject(Object.assign(new Error(m.error.message), { code: m.error.code }));
    else w.resolve(m.counts!);
  });
  worker.on("error", (error) => closing || failAll(error));
  worker.on("exit", (code) => closing || failAll(new Error(`the PostgreSQL writer thread stopped (exit ${code})`)));

  return {
    batch(statements) {
      if (failure) return Promise.reject(failure);
      if (statements.length === 0) return Promise.resolve([]);
      const encoded = statements.map((s) =>
        s.eachRow
          ? { text: toPg(s.sql), values: [], eachRow: s.eachRow.map((row) => row.map((p) => encodeParam("postgresql", p))) }
          : { text: toPg(s.sql), values: s.params.map((p) => encodeParam("postgresql", p)) },
      );
      const id = nextId++;
      return new Promise<number[]>((resolve, reject) => {
        waiting.set(id, { resolve, reject });
        worker.postMessage({ id, statements: encoded });
      });
    },
    async close() {
      if (failure) {
        await worker.terminate();
        return;
      }
      closing = true;
      await new Promise<void>((resolve) => {
        worker.once("exit", () => resolve());
        worker.postMessage({ close: true });
      });
    },
  };
}
