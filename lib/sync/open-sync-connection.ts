import "server-only";
import { config } from "@/lib/config";
import { directDb, type DirectDb, type Statement } from "@/lib/db/direct";
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
   * writer thread commits in groups (group commit). PostgreSQL: one, so the pool never commits pages out of order.
   */
  pagesInFlight: number;
  /** The pages held so far are to be committed without waiting for more (the caller waits for one of them). */
  flush(): void;
  close(): Promise<void>;
}

/**
 * Where a sync's page transactions run. PostgreSQL: the process's pool (the server does the work while this
 * process fetches the next page). SQLite: a writer thread (lib/db/sqlite-writer.ts), for the same overlap.
 */
const SQLITE_PAGES_IN_FLIGHT = 8;
/**
 * Held pages commit four at a time: each commit rewrites every page of the random-keyed indexes it touched (object,
 * device, hardware ids, names), which for a large directory is most of them; four pages at once write them once
 * instead of four times (decision 007 has the figures).
 */
const SQLITE_GROUP = 4;

export function openSyncConnection(): SyncConnection {
  const reader = directDb();
  if (reader.dialect !== "sqlite") return { reader, batch: (s) => reader.batch(s), pagesInFlight: 1, flush: () => undefined, close: async () => undefined };
  const writer = openSqlitePageWriter(config.DATABASE_URL, { groupCommit: true, groupSize: SQLITE_GROUP });
  return { reader, batch: (s, o) => writer.batch(s, o), pagesInFlight: SQLITE_PAGES_IN_FLIGHT, flush: () => writer.flush(), close: () => writer.close() };
}
