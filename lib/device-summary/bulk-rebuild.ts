import "server-only";
import type { DirectDb, Statement } from "@/lib/db/direct";
import { rebuildStatements } from "./summary-statements";

/**
 * A tenant's summaries rebuilt in bulk (decision 037): on SQLite, when the tenant's summaries will be most of
 * DeviceSummary, its secondary indexes are dropped before the rebuild's DELETE and INSERTs and created again after them,
 * in the same transaction. Inserting 100,000 rows into the index set of decisions 015 and 034 costs ~1.9 CPU s even in
 * name order (three of its keys arrive in random order whatever the row order); CREATE INDEX sorts the table's entries
 * once per index (~1.1 s for all of them), and the DELETE of a tenant's old summaries no longer deletes index entries
 * one by one. Readers never see the table without its indexes: WAL readers see the last committed schema, and the
 * transaction commits with the same index definitions (read from sqlite_master, so the migrations stay their only
 * source). CREATE INDEX reads every tenant's rows, so the indexes stay when other tenants' summaries outnumber this
 * tenant's objects, or for a tenant too small for the difference to matter.
 *
 * PostgreSQL: the same, once the table's ACCESS EXCLUSIVE lock is had within PG_LOCK_WAIT (else the plain rebuild),
 * and only when no other tenant has summaries (or the caller passes otherTenantsMayWait): there DROP INDEX locks every
 * reader of the table (every tenant's Devices list and Overview, on every instance, and uploads' summary updates) out
 * until the rebuild commits, seconds at 100,000 objects. The index writes it saves were ~80% of the
 * rebuild's INSERT of 99,011 summaries (bench/RESULTS.md, `syncspeed`).
 */
export async function bulkRebuildStatements(
  direct: DirectDb,
  tenantRef: string,
  minObjects = BULK_REBUILD_MIN_OBJECTS,
  options: { otherTenantsMayWait?: boolean } = {},
): Promise<Statement[]> {
  const statements = rebuildStatements(direct.dialect, tenantRef);
  const [counted] = await direct.query<{ objects: number | bigint | string }>(`SELECT COUNT(*) AS "objects" FROM "DirectoryDevice" WHERE "tenantRef" = ?`, [
    tenantRef,
  ]);
  const objects = Number(counted?.objects ?? 0);
  if (objects < minObjects) return statements;
  // Other tenants' summaries, counted up to this tenant's objects (a bound: a scan of the key index that stops there).
  const [other] = await direct.query<{ others: number | bigint | string }>(
    `SELECT COUNT(*) AS "others" FROM (SELECT 1 FROM "DeviceSummary" WHERE "tenantRef" <> ? LIMIT ?) o`,
    [tenantRef, objects + 1],
  );
  const others = Number(other?.others ?? 0);
  if (others > objects) return statements;
  // PostgreSQL: the table's exclusive lock would hold every other tenant's pages and uploads until the rebuild commits
  // (seconds at 100,000 objects); only a database with no other tenant's summaries takes the bulk path, unless the
  // caller says the others may wait.
  if (direct.dialect === "postgresql" && others > 0 && !options.otherTenantsMayWait) return statements;
  if (direct.dialect === "sqlite") {
    const indexes = await direct.query<{ name: string; sql: string }>(
      `SELECT "name", "sql" FROM "sqlite_master" WHERE "type" = 'index' AND "tbl_name" = 'DeviceSummary' AND "sql" IS NOT NULL ORDER BY "name"`,
    );
    if (indexes.length === 0) return statements;
    return [
      ...indexes.map((i) => ({ sql: `DROP INDEX "${i.name.replaceAll('"', '""')}"`, params: [] })),
      ...statements,
      ...indexes.map((i) => ({ sql: i.sql, params: [] })),
    ];
  }
  // PostgreSQL: the indexes no constraint owns (the primary key stays), as pg_get_indexdef prints them.
  const indexes = await direct.query<{ name: string; sql: string }>(
    `SELECT c."relname" AS "name", pg_get_indexdef(i."indexrelid") AS "sql" FROM pg_index i JOIN pg_class c ON c."oid" = i."indexrelid"
      WHERE i."indrelid" = '"DeviceSummary"'::regclass AND NOT EXISTS (SELECT 1 FROM pg_constraint k WHERE k."conindid" = i."indexrelid")
      ORDER BY c."relname"`,
  );
  if (indexes.length === 0) return statements;
  const names = indexes.map((i) => `"${i.name.replaceAll('"', '""')}"`).join(", ");
  // After the tenant's stripe locks, which every writer of its summaries takes before it touches the table (an upload
  // of this tenant holding a stripe and waiting for the table would otherwise deadlock with this transaction).
  const stripes = statements.findIndex((s) => !s.sql.includes("pg_advisory_xact_lock"));
  return [
    ...statements.slice(0, stripes),
    {
      // The table's exclusive lock, waited for at most PG_LOCK_WAIT: a reader that holds it up (an export) leaves the
      // indexes in place (the block's subtransaction rolls back) and the rebuild runs as the plain one.
      sql: `DO $rebuild$ DECLARE before text := current_setting('lock_timeout'); BEGIN
        PERFORM set_config('lock_timeout', '${PG_LOCK_WAIT}', true);
        LOCK TABLE "DeviceSummary" IN ACCESS EXCLUSIVE MODE;
        DROP INDEX ${names};
        PERFORM set_config('lock_timeout', before, true);
      EXCEPTION WHEN lock_not_available THEN NULL;
      END $rebuild$`,
      params: [],
    },
    ...statements.slice(stripes),
    // Each index again, or still there when the lock was not had.
    ...indexes.map((i) => ({ sql: i.sql.replace(/^CREATE (UNIQUE )?INDEX /, "CREATE $1INDEX IF NOT EXISTS "), params: [] })),
  ];
}

/** PostgreSQL: how long a rebuild waits for DeviceSummary's exclusive lock before it keeps the indexes. */
export const PG_LOCK_WAIT = "2s";

/**
 * Below this many directory objects the rebuild keeps its indexes: re-creating them reads every row of the table,
 * and a small tenant's rebuild takes milliseconds either way.
 */
export const BULK_REBUILD_MIN_OBJECTS = 5_000;
