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
 * PostgreSQL: the plain rebuild. DROP INDEX there takes an ACCESS EXCLUSIVE lock that every reader of the table (the
 * Devices list of every tenant, on every instance) would wait behind until the rebuild commits.
 */
export async function bulkRebuildStatements(direct: DirectDb, tenantRef: string, minObjects = BULK_REBUILD_MIN_OBJECTS): Promise<Statement[]> {
  const statements = rebuildStatements(direct.dialect, tenantRef);
  if (direct.dialect !== "sqlite") return statements;
  const [counted] = await direct.query<{ objects: number | bigint }>(`SELECT COUNT(*) AS "objects" FROM "DirectoryDevice" WHERE "tenantRef" = ?`, [tenantRef]);
  const objects = Number(counted?.objects ?? 0);
  if (objects < minObjects) return statements;
  // Other tenants' summaries, counted up to this tenant's objects (a bound: a scan of the key index that stops there).
  const [other] = await direct.query<{ others: number | bigint }>(
    `SELECT COUNT(*) AS "others" FROM (SELECT 1 FROM "DeviceSummary" WHERE "tenantRef" <> ? LIMIT ?)`,
    [tenantRef, objects + 1],
  );
  if (Number(other?.others ?? 0) > objects) return statements;
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

/**
 * Below this many directory objects the rebuild keeps its indexes: re-creating them reads every row of the table,
 * and a small tenant's rebuild takes milliseconds either way.
 */
export const BULK_REBUILD_MIN_OBJECTS = 5_000;
