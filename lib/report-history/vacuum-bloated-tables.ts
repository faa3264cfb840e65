import "server-only";
import type { DirectDb } from "@/lib/db/direct";

/**
 * PostgreSQL keeps the old version of every updated or deleted row, and its index entries, until VACUUM marks the
 * space free for reuse (decision 025). The report history updates each device's latest report, its summary and its
 * user index row in place on every upload (decision 013): ~2 KB of dead row versions and index entries an upload.
 * Autovacuum reclaims them only when the server runs it (it can be off, as on our test server) and, by default, only
 * once a fifth of a table is dead. This vacuums, from the scheduler's tick, each table of the database whose dead
 * row versions reached `minDead` plus `ratio` of its live rows: space freed every tick is reused by the next tick's
 * updates, so a table stays at its live size plus about one tick of updates.
 *
 * SKIP_LOCKED: a table another process (or autovacuum) is vacuuming is skipped, not waited for. VACUUM takes a lock
 * that uploads' reads and writes do not conflict with. Returns the tables vacuumed. SQLite updates rows in place:
 * nothing to do.
 */
export async function vacuumBloatedTables(direct: DirectDb, options: { minDead?: number; ratio?: number } = {}): Promise<string[]> {
  if (direct.dialect !== "postgresql") return [];
  const rows = await direct.query<{ relname: string }>(
    `SELECT "relname" FROM pg_stat_user_tables WHERE "schemaname" = current_schema() AND "n_dead_tup" >= CAST(? AS float8) + CAST(? AS float8) * "n_live_tup"
      ORDER BY "n_dead_tup" DESC`,
    [options.minDead ?? VACUUM_MIN_DEAD, options.ratio ?? VACUUM_DEAD_RATIO],
  );
  const vacuumed: string[] = [];
  for (const { relname } of rows) {
    await direct.query(`VACUUM (SKIP_LOCKED) "${relname.replaceAll('"', '""')}"`);
    vacuumed.push(relname);
  }
  return vacuumed;
}

/** A table is vacuumed once this many row versions are dead … */
export const VACUUM_MIN_DEAD = 500;
/** … plus this share of its live rows (autovacuum's default waits for 0.2). */
export const VACUUM_DEAD_RATIO = 0.05;

/**
 * Rebuilds, with REINDEX CONCURRENTLY, every valid index of the schema of at least `minBytes` that holds more than
 * `bytesPerRow` bytes per row of its table (decision 025). VACUUM frees an index's dead entries but PostgreSQL only
 * gives back a B-tree page once it is entirely empty, and never merges two sparse ones. The indexes on the time of the
 * latest upload (DeviceReport's capturedAt and receivedAt ones) are written at their right end by every upload's
 * update of its device's latest report; a device's state change leaves its old report's entry behind on the page of
 * that time, and that one live entry keeps the whole page: about 8 KB an index per change. A rebuild packs the live
 * entries again (a few dozen bytes each). CONCURRENTLY: uploads read and write the table meanwhile. A rebuild that
 * failed half way leaves an invalid copy (`…_ccnew`), dropped here first. SQLite merges sparse pages itself: nothing to do.
 */
export async function reindexBloatedIndexes(direct: DirectDb, options: { minBytes?: number; bytesPerRow?: number } = {}): Promise<string[]> {
  if (direct.dialect !== "postgresql") return [];
  const quote = (name: string) => `"${name.replaceAll('"', '""')}"`;
  const leftovers = await direct.query<{ index: string }>(
    `SELECT c."relname" AS "index" FROM pg_index i JOIN pg_class c ON c."oid" = i."indexrelid" JOIN pg_namespace n ON n."oid" = c."relnamespace"
      WHERE n."nspname" = current_schema() AND NOT i."indisvalid" AND c."relname" ~ '_ccnew[0-9]*$'`,
  );
  for (const { index } of leftovers) await direct.query(`DROP INDEX CONCURRENTLY IF EXISTS ${quote(index)}`);
  const bloated = await direct.query<{ index: string }>(
    `SELECT c."relname" AS "index" FROM pg_index i JOIN pg_class c ON c."oid" = i."indexrelid" JOIN pg_class t ON t."oid" = i."indrelid"
       JOIN pg_namespace n ON n."oid" = c."relnamespace"
      WHERE n."nspname" = current_schema() AND i."indisvalid" AND pg_relation_size(c."oid") >= CAST(? AS bigint)
        AND pg_relation_size(c."oid") > CAST(? AS float8) * GREATEST(t."reltuples", 1)
      ORDER BY pg_relation_size(c."oid") DESC`,
    [options.minBytes ?? REINDEX_MIN_BYTES, options.bytesPerRow ?? REINDEX_BYTES_PER_ROW],
  );
  for (const { index } of bloated) await direct.query(`REINDEX INDEX CONCURRENTLY ${quote(index)}`);
  return bloated.map((b) => b.index);
}

/** An index smaller than this is never rebuilt (128 KB: 16 pages; a rebuild of one that small takes milliseconds). */
export const REINDEX_MIN_BYTES = 128 * 1024;
/** An entry of our widest index (DeviceSummary's name sort: tenant, name, row key, ids) takes ~200 bytes with its share of free space. */
export const REINDEX_BYTES_PER_ROW = 400;
