import "server-only";
/**
 * The one Prisma client of the process. The provider follows DATABASE_URL (file: → SQLite through
 * better-sqlite3, postgres:// → PostgreSQL through pg), both via driver adapters and Prisma's WASM query
 * compiler, so no native engine is needed (docs/decisions/002-prisma-offline.md).
 */
import { chmodSync, closeSync, mkdirSync, openSync } from "node:fs";
import { dirname } from "node:path";
import { PrismaBetterSQLite3 } from "@prisma/adapter-better-sqlite3";
import { PrismaPg } from "@prisma/adapter-pg";
import pg from "pg";
import { config, databaseProvider, sqliteFilePath } from "@/lib/config";
import { SQLITE_WRITE_TUNING } from "./direct";
import { postgresPoolConfig } from "./postgres-session";
import { PrismaClient as SqliteClient } from "./generated/sqlite/client";
import { PrismaClient as PostgresClient } from "./generated/postgresql/client";

/** Both generated clients expose the same model API; the SQLite one's types are the canonical ones. */
export type Db = SqliteClient;
export type { Prisma } from "./generated/sqlite/client";

/**
 * A burst of uploads queues for a connection instead of failing after Prisma's default 2 s; past 10 s the
 * API answers 503 with Retry-After (lib/http/overload.ts) and the agent comes back later.
 */
const TRANSACTION_OPTIONS = { maxWait: 10_000, timeout: 30_000 };

export function createDb(url: string = config.DATABASE_URL): Db {
  if (databaseProvider(url) === "sqlite") {
    const file = sqliteFilePath(url);
    createPrivateFile(file);
    // WAL lets the dashboard read while an upload or a sync page commits.
    const adapter = new TunedSqliteAdapter({ url: file }, { timestampFormat: "iso8601" });
    return new SqliteClient({ adapter, transactionOptions: TRANSACTION_OPTIONS });
  }
  // The pool is this client's own: $disconnect ends it. Left open (the adapter's default for a pool it was given), its
  // idle connections outlived the client, and one ended by the server (a database dropped WITH (FORCE), a restart)
  // raised an 'error' no one listened to any more, which ended the process: bench:ingest --db postgresql did at its end.
  const adapter = new PrismaPg(new pg.Pool(postgresPoolConfig({ connectionString: url, max: 20 })), { disposeExternalPool: true });
  return new PostgresClient({ adapter, transactionOptions: TRANSACTION_OPTIONS }) as unknown as Db;
}

/**
 * The database (password and session hashes, sealed tenant credentials) is readable by its owner only: a missing
 * folder is created 0700 and a missing file 0600 before SQLite opens it, and SQLite gives the -wal and -shm files the
 * database file's permissions. An existing file keeps its mode (scripts/db-migrate.mjs creates it the same way).
 */
function createPrivateFile(file: string): void {
  mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
  try {
    closeSync(openSync(file, "wx", 0o600));
    chmodSync(file, 0o600); // whatever the umask
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
  }
}

/**
 * Prisma's connection gets the checkpoint interval of the bulk writers (lib/db/direct.ts): with SQLite's default
 * (1,000 pages), the first Prisma write after a sync page or a findings pass copied the whole WAL they left (tens
 * of MB) into the database file, about 100 ms for a one-row update of the sync run. `synchronous = NORMAL`, as on
 * the other connections: in WAL mode a commit is still atomic and the database never corrupt; only the last
 * commits before a power cut (not a process crash) can be lost.
 */
class TunedSqliteAdapter extends PrismaBetterSQLite3 {
  override async connect() {
    const adapter = await super.connect();
    for (const pragma of ["synchronous = NORMAL", `wal_autocheckpoint = ${SQLITE_WRITE_TUNING.autocheckpointPages}`]) {
      await adapter.executeRaw({ sql: `PRAGMA ${pragma}`, args: [], argTypes: [] });
    }
    return adapter;
  }
}

const globalForDb = globalThis as unknown as { joinscopeDb?: Db };

/** Reused across Next.js hot reloads in development. */
export const db: Db = globalForDb.joinscopeDb ?? createDb();
if (config.NODE_ENV !== "production") globalForDb.joinscopeDb = db;
