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
