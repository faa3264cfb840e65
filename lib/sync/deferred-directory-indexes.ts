import "server-only";
import type { DirectDb, Statement } from "@/lib/db/direct";
import { log } from "@/lib/log/logger";

/**
 * A tenant's first full sync builds DirectoryDevice's secondary indexes after its rows (decision 052), as decision 037
 * does for the summaries. Three of them (registration id, hardware id, short name) are keyed by values that arrive in
 * random order in any order of pages: on PostgreSQL each page's 999 rows cost ~30 ms of the server's CPU with the five
 * secondary indexes and ~12 ms without (bench/RESULTS.md, `sync24`), ~2 CPU s of a 100,000-object sync, where one
 * sorted build of each index at the end costs a fraction of that. Unlike decision 037's rebuild, the pages are
 * transactions of their own, so the table is without these indexes between them: only when the tenant's rows are the
 * table's only rows (its first sync is the database's first), where nothing but its own sync reads them.
 *
 * The first page of such a sync drops them, in its own transaction, after storing each one's definition (as the database
 * prints it, so the migrations stay their only source) in DeferredIndex; the sync creates them again from there before its
 * summaries' rebuild (which reads the directory by registration id). A run that stops before that leaves them dropped
 * until it is resumed (a first full sync again) or any other sync starts while the tenant holds no live sync lease:
 * `restoreStaleDeferredIndexes` then creates them. Nothing else changes: the unique (tenant, objectId) index every page's
 * upsert and read needs stays, and so does the primary key.
 */
export function deferDirectoryIndexes(dialect: DirectDb["dialect"], tenantRef: string): Statement[] {
  if (dialect !== "postgresql") return [];
  const tenant = `'${tenantRef.replaceAll("'", "''")}'`;
  return [
    {
      // The table's exclusive lock, waited for at most DEFER_LOCK_WAIT (a reader that holds it up, an export of another
      // tenant, leaves the indexes as they are), then: nothing when any other tenant has rows.
      sql: `DO $defer$ DECLARE before text := current_setting('lock_timeout'); i record; BEGIN
        PERFORM set_config('lock_timeout', '${DEFER_LOCK_WAIT}', true);
        LOCK TABLE "DirectoryDevice" IN ACCESS EXCLUSIVE MODE;
        PERFORM set_config('lock_timeout', before, true);
        IF EXISTS (SELECT 1 FROM "DirectoryDevice" WHERE "tenantRef" <> ${tenant}) THEN RETURN; END IF;
        FOR i IN SELECT c."relname" AS "name", pg_get_indexdef(x."indexrelid") AS "sql" FROM pg_index x JOIN pg_class c ON c."oid" = x."indexrelid"
            WHERE x."indrelid" = '"DirectoryDevice"'::regclass AND NOT x."indisunique" AND NOT x."indisprimary"
              AND NOT EXISTS (SELECT 1 FROM pg_constraint k WHERE k."conindid" = x."indexrelid")
            ORDER BY c."relname" LOOP
          INSERT INTO "DeferredIndex" ("name", "tableName", "sql", "tenantRef") VALUES (i."name", 'DirectoryDevice', i."sql", ${tenant})
            ON CONFLICT ("name") DO NOTHING;
          EXECUTE format('DROP INDEX %I', i."name");
        END LOOP;
      EXCEPTION WHEN lock_not_available THEN NULL;
      END $defer$`,
      params: [],
    },
  ];
}

/** How long a first sync's first page waits for DirectoryDevice's exclusive lock before it keeps the indexes. */
export const DEFER_LOCK_WAIT = "2s";

interface DeferredRow {
  name: string;
  sql: string;
  tenantRef: string;
  [key: string]: unknown;
}

/** The statements that create a tenant's deferred indexes again and forget them, in one transaction. */
export async function restoreDeferredIndexStatements(reader: DirectDb, tenantRef: string): Promise<Statement[]> {
  const rows = await reader.query<DeferredRow>(`SELECT "name", "sql", "tenantRef" FROM "DeferredIndex" WHERE "tenantRef" = ? ORDER BY "name"`, [tenantRef]);
  return restoreStatements(rows);
}

/**
 * At a sync's start: the indexes deferred by a first full sync that is not running (its tenant holds no live sync
 * lease: it stopped and was not resumed, or its tenant was deleted), and this tenant's own unless this run is its first
 * full sync (which keeps them deferred to its end). A failure is logged and the sync goes on: the indexes stay
 * deferred, and the next sync's start tries again.
 */
export async function restoreStaleDeferredIndexes(direct: DirectDb, options: { tenantRef: string; firstFullSync: boolean; now: Date }): Promise<void> {
  // Only PostgreSQL defers (deferDirectoryIndexes): on SQLite the table stays empty, and a sync need not read it.
  if (direct.dialect !== "postgresql") return;
  try {
    const rows = await direct.query<DeferredRow & { leased: unknown }>(
      `SELECT d."name", d."sql", d."tenantRef",
        CASE WHEN EXISTS (SELECT 1 FROM "SyncLease" l WHERE l."tenantRef" = d."tenantRef" AND l."expiresAt" > ?) THEN 1 ELSE 0 END AS "leased"
       FROM "DeferredIndex" d ORDER BY d."name"`,
      [options.now],
    );
    const stale = rows.filter((r) => (r.tenantRef === options.tenantRef ? !options.firstFullSync : Number(r.leased) === 0));
    if (stale.length) await direct.batch(restoreStatements(stale));
  } catch (error) {
    log("warn", "The directory's deferred indexes could not be created again; the next sync tries again", {
      tenantRef: options.tenantRef,
      error: error instanceof Error ? error.message : String(error),
    });
  }
}

function restoreStatements(rows: readonly DeferredRow[]): Statement[] {
  return rows.flatMap((r) => [
    // IF NOT EXISTS: the index may be there already (its drop was skipped, or another instance restored it first).
    { sql: r.sql.replace(/^CREATE (UNIQUE )?INDEX /, "CREATE $1INDEX IF NOT EXISTS "), params: [] },
    { sql: `DELETE FROM "DeferredIndex" WHERE "name" = ?`, params: [r.name] },
  ]);
}
