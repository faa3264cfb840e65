import "server-only";
import { config } from "@/lib/config";
import { directDb, type DirectDb, type Statement } from "@/lib/db/direct";
import { openSqliteWriter as openSqlitePageWriter } from "@/lib/db/sqlite-writer";

export interface SyncConnection {
  /** Reads (a page's stored rows), on the process's direct connection. */
  reader: DirectDb;
  /** One page's transaction. */
  batch(statements: readonly Statement[]): Promise<number[]>;
  /**
   * How many pages may be handed to `batch` before the first of them has committed. SQLite: several, which its
   * writer thread commits together (group commit). PostgreSQL: one, so the pool never commits pages out of order.
   */
  pagesInFlight: number;
  close(): Promise<void>;
}

/**
 * Where a sync's page transactions run. PostgreSQL: the process's pool (the server does the work while this
 * process fetches the next page). SQLite: a writer thread (lib/db/sqlite-writer.ts), for the same overlap.
 */
const SQLITE_PAGES_IN_FLIGHT = 4;

export function openSyncConnection(): SyncConnection {
  const reader = directDb();
  if (reader.dialect !== "sqlite") return { reader, batch: (s) => reader.batch(s), pagesInFlight: 1, close: async () => undefined };
  const writer = openSqlitePageWriter(config.DATABASE_URL, { groupCommit: true });
  return { reader, batch: (s) => writer.batch(s), pagesInFlight: SQLITE_PAGES_IN_FLIGHT, close: () => writer.close() };
}
