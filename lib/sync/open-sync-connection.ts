import "server-only";
import { config } from "@/lib/config";
import { directDb, type DirectDb, type Statement } from "@/lib/db/direct";
import { openSqliteWriter as openSqlitePageWriter } from "@/lib/db/sqlite-writer";

export interface SyncConnection {
  /** Reads (a page's stored rows), on the process's direct connection. */
  reader: DirectDb;
  /** One page's transaction. */
  batch(statements: readonly Statement[]): Promise<number[]>;
  close(): Promise<void>;
}

/**
 * Where a sync's page transactions run. PostgreSQL: the process's pool (the server does the work while this
 * process fetches the next page). SQLite: a writer thread (lib/db/sqlite-writer.ts), for the same overlap.
 */
export function openSyncConnection(): SyncConnection {
  const reader = directDb();
  if (reader.dialect !== "sqlite") return { reader, batch: (s) => reader.batch(s), close: async () => undefined };
  const writer = openSqlitePageWriter(config.DATABASE_URL);
  return { reader, batch: (s) => writer.batch(s), close: () => writer.close() };
}
