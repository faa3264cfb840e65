import "server-only";
import { join } from "node:path";
import { Worker } from "node:worker_threads";
import { sqliteFilePath } from "@/lib/config";
import { DatabaseBusyError, encodeParam, SQLITE_WRITE_TUNING, type Statement } from "@/lib/db/direct";

/**
 * Runs bulk write transactions on a thread of their own (SQLite only), for the pipelines that prepare batch N+1
 * while batch N is written: a sync's Graph pages (lib/sync) and a findings pass's lifecycle writes (lib/findings).
 * better-sqlite3 is synchronous: on the main thread a 999-device page (about 4 MB of rows and index pages, plus
 * the WAL's write-back) holds the event loop for its CPU and for the disk, so Graph's next page could not be
 * received or validated meanwhile, and a findings pass would wait for each write before it read and evaluated the
 * next subjects. On a second core the two overlap (figures: bench/RESULTS.md, "Figures behind choices in the code",
 * and decision 007).
 *
 * The thread runs lib/db/sqlite-writer-thread.mjs: plain JavaScript that Node runs as it is (Next.js server, CLI,
 * tests), type-checked through its JSDoc (`// @ts-check`). Statements arrive with their parameters already in
 * Prisma's SQLite encodings (encodeValue). Each batch is one transaction, exactly as DirectDb.batch: all of its
 * statements or none.
 */
/**
 * The thread's file, found from the working directory like the findings evaluator's entry
 * (lib/findings/subject-evaluator.ts): the app, the CLI and the tests run from the project's root, and a path the
 * bundler does not see keeps Next.js from bundling the thread.
 */
const WORKER_FILE = join(process.cwd(), "lib", "db", "sqlite-writer-thread.mjs");

const BUSY_MS = 10_000;

export interface SqliteWriter {
  /**
   * One transaction; resolves with each statement's changed-row count once committed. With `commit: false` the
   * statements are handed over as the first part(s) of the next transaction, and the call resolves at once with
   * no counts: the thread keeps them until a call that commits (the default) and runs them all, in order, in
   * that one transaction, whose counts it returns. So a producer's rows leave its heap as they are made, while
   * the transaction itself still only holds SQLite's write lock for as long as it runs.
   */
  batch(statements: readonly Statement[], options?: { commit?: boolean; hold?: boolean }): Promise<number[]>;
  /** Group commit: the batches held back (`hold`) run as soon as no transaction is running, however few. */
  flush(): void;
  close(): Promise<void>;
}

export interface SqliteWriterOptions {
  /**
   * Group commit: a batch that arrives while a transaction is running waits, and the batches waiting when it
   * commits run together as the next transaction (in arrival order; each still resolves with its own counts, and
   * if that transaction fails, each of them rejects). For a producer whose batches are independent and each
   * all-or-nothing, such as a sync's pages: every commit rewrites each index page it touched, so two pages in one
   * transaction write their random-keyed index pages (object ids, device ids) once instead of twice. Not with
   * `commit: false` parts.
   */
  groupCommit?: boolean;
  /**
   * With groupCommit: batches given with `hold: true` wait, even while the thread is idle, until this many are
   * waiting or `flush()` is called (or a batch without `hold` arrives), so that a steady producer's pages commit
   * `groupSize` at a time even when the thread would keep up with them one by one. A producer that waits for a
   * held batch's commit must call `flush()` first. Default 1.
   */
  groupSize?: number;
  /**
   * With groupCommit: after a transaction fails, the batches waiting behind it and every later one are refused with
   * its error, none run. For a producer whose batches build on each other, such as a sync's pages, each carrying the
   * run's resume point: a later page that committed would move the resume point past the pages that failed, and
   * the run that resumes it would never write them (at the end of a full sync, their objects would look deleted).
   */
  stopAfterFailure?: boolean;
}

/** Opens the writer thread and its connection; `close()` it when the pipeline is done (it keeps the process alive). */
export function openSqliteWriter(url: string, writerOptions: SqliteWriterOptions = {}): SqliteWriter {
  const file = sqliteFilePath(url);
  const worker = new Worker(WORKER_FILE, { workerData: { file, busyMs: BUSY_MS, ...SQLITE_WRITE_TUNING } });
  const waiting = new Map<number, { resolve: (counts: number[]) => void; reject: (error: Error) => void }>();
  let nextId = 0;
  /** Parts of the next transaction were sent, its commit not yet. */
  let open = false;
  let failure: Error | null = null;
  /** Group commit: the batches waiting for the running transaction to end, and whether one is running. */
  let queued: { statements: Statement[]; resolve: (counts: number[]) => void; reject: (error: Error) => void }[] = [];
  let running = false;
  /** The thread failed or stopped: nothing to close. */
  let threadGone = false;
  const failAll = (error: Error) => {
    threadGone = true;
    failure = error;
    for (const w of waiting.values()) w.reject(error);
    waiting.clear();
    for (const q of queued) q.reject(error);
    queued = [];
  };
  const groupSize = writerOptions.groupSize ?? 1;
  /** flush() was called, or a batch without `hold` arrived: the next transaction takes what waits, however few. */
  let flushWanted = false;
  const sendQueued = () => {
    if (queued.length === 0 || (!flushWanted && queued.length < groupSize)) {
      running = false;
      return;
    }
    flushWanted = false;
    const group = queued;
    queued = [];
    running = true;
    const id = nextId++;
    waiting.set(id, {
      resolve: (counts) => {
        let at = 0;
        for (const g of group) {
          g.resolve(counts.slice(at, at + g.statements.length));
          at += g.statements.length;
        }
        sendQueued();
      },
      reject: (error) => {
        for (const g of group) g.reject(error);
        if (writerOptions.stopAfterFailure) {
          failure ??= error;
          for (const q of queued) q.reject(error);
          queued = [];
          running = false;
          return;
        }
        if (!failure) sendQueued();
      },
    });
    worker.postMessage({ id, groups: group.map((g) => g.statements), commit: true });
  };
  worker.on("message", (m: { id: number; counts?: number[]; error?: { message: string; code?: string } }) => {
    const w = waiting.get(m.id);
    if (!w) return;
    waiting.delete(m.id);
    if (m.error) {
      w.reject(m.error.code === "SQLITE_BUSY" ? new DatabaseBusyError() : Object.assign(new Error(m.error.message), { code: m.error.code }));
    } else {
      w.resolve(m.counts!);
    }
  });
  /** close() was called: the thread's exit that follows is expected. */
  let closing = false;
  worker.on("error", (error) => closing || failAll(error));
  worker.on("exit", (code) => closing || failAll(new Error(`the SQLite writer thread stopped (exit ${code})`)));

  return {
    batch(statements, options) {
      if (failure) return Promise.reject(failure);
      const commit = options?.commit ?? true;
      if (writerOptions.groupCommit && !commit) return Promise.reject(new Error("a group-commit writer takes whole transactions only (no commit: false)"));
      if (statements.length === 0 && commit && !open) return Promise.resolve([]);
      open = !commit;
      // eachRow entries come encoded (insertStatements); only hand-written statements' parameters need it.
      const encoded = statements.map((s) => (s.eachRow ? s : { sql: s.sql, params: s.params.map((p) => encodeParam("sqlite", p)) }));
      if (writerOptions.groupCommit) {
        return new Promise<number[]>((resolve, reject) => {
          queued.push({ statements: encoded, resolve, reject });
          if (!options?.hold) flushWanted = true;
          if (!running) sendQueued();
        });
      }
      if (!commit) {
        worker.postMessage({ statements: encoded, commit });
        return Promise.resolve([]);
      }
      const id = nextId++;
      return new Promise<number[]>((resolve, reject) => {
        waiting.set(id, { resolve, reject });
        worker.postMessage({ id, statements: encoded, commit });
      });
    },
    flush() {
      flushWanted = true;
      if (!running) sendQueued();
    },
    async close() {
      if (threadGone) return;
      closing = true;
      await new Promise<void>((resolve) => {
        worker.once("message", () => resolve());
        worker.postMessage({ close: true });
      });
      // Its checkpoint and exit follow on their own; they do not keep this process alive.
      worker.unref();
    },
  };
}
