import "server-only";
import { config } from "@/lib/config";
import { directDb, type DirectDb, type Statement } from "@/lib/db/direct";
import { openPostgresWriter } from "@/lib/db/postgres-writer";
import { openSqliteWriter as openSqlitePageWriter } from "@/lib/db/sqlite-writer";

export interface SyncConnection {
  /** Reads (a page's stored rows), on the process's direct connection. */
  reader: DirectDb;
  /**
   * One page's transaction. `hold`: the page may wait to be committed together with the next ones (a full sync,
   * which pages through the whole directory); `flush()` before waiting for it. Without it, it is committed as soon
   * as the connection is free (a delta sync's few pages, where latency counts more than write volume).
   */
  batch(statements: readonly Statement[], options?: { hold?: boolean }): Promise<number[]>;
  /**
   * How many pages may be handed to `batch` before the first of them has committed. SQLite: eight, which its
   * writer thread commits in groups (group commit). PostgreSQL: four, which its writer commits one after another,
   * in order, on a connection of its own.
   */
  pagesInFlight: number;
  /** The pages held so far are to be committed without waiting for more (the caller waits for one of them). */
  flush(): void;
  close(): Promise<void>;
}

/**
 * Where a sync's page transactions run: on a connection of their own, driven by a thread of their own, while this
 * thread fetches, maps and plans the next pages. SQLite: its writer thread (lib/db/sqlite-writer.ts). PostgreSQL: its
 * writer (lib/db/postgres-writer.ts), whose thread keeps the server busy with one page's statements after another
 * however long this thread's synchronous work takes (decision 026). Reads (a page's stored rows) stay on the process's
 * direct connection or pool.
 */
const SQLITE_PAGES_IN_FLIGHT = 8;
/**
 * Held pages commit four at a time: each commit rewrites every page of the random-keyed indexes it touched (object,
 * device, hardware ids, names), which for a large directory is most of them; four pages at once write them once
 * instead of four times (decision 007 has the figures).
 */
const SQLITE_GROUP = 4;

/**
 * PostgreSQL: pages planned ahead of the oldest uncommitted one. Enough to keep the writer busy while a page is
 * fetched, mapped and planned; the server commits each page in a few tens of milliseconds, so more would only hold
 * more rows in memory.
 */
const POSTGRES_PAGES_IN_FLIGHT = 4;

/**
 * PostgreSQL: each of the connection's transactions commits without waiting for its WAL to reach the disk (decision
 * 046). A page is written together with its resume point, and PostgreSQL's WAL keeps commits in order, so a server
 * crash loses the last pages and their resume points together: the run resumes from the last page the disk holds and
 * fetches the lost ones again. What a sync's caller is told ends in transactions that commit normally (the run's end on
 * the app's pool), whose flush writes every earlier commit too. What the writer saves is a flush per page, on the
 * writer's critical path: the pages are the writer's to keep up with.
 */
export const POSTGRES_ASYNC_COMMIT: Statement = { sql: `SET LOCAL synchronous_commit = off`, params: [] };

export function openSyncConnection(): SyncConnection {
  const reader = directDb();
  if (reader.dialect !== "sqlite") {
    const writer = openPostgresWriter(config.DATABASE_URL);
    return {
      reader,
      batch: async (s) => (s.length ? (await writer.batch([POSTGRES_ASYNC_COMMIT, ...s])).slice(1) : []),
      pagesInFlight: POSTGRES_PAGES_IN_FLIGHT,
      flush: () => undefined,
      close: () => writer.close(),
    };
  }
  // Stopped at the first failed page: a later one's resume point must never pass a page that was not written.
  const writer = openSqlitePageWriter(config.DATABASE_URL, { groupCommit: true, groupSize: SQLITE_GROUP, stopAfterFailure: true });
  return { reader, batch: (s, o) => writer.batch(s, o), pagesInFlight: SQLITE_PAGES_IN_FLIGHT, flush: () => writer.flush(), close: () => writer.close() };
}
