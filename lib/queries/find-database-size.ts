import "server-only";
import type { DirectDb } from "@/lib/db/direct";

/**
 * The Settings page's storage figures (issue 18, decision 025): the database's size and each tenant's share of it.
 *
 * - The size: SQLite's pages in use (page_count − freelist_count, × page_size); PostgreSQL's pg_database_size.
 * - Each table's bytes, its indexes included: SQLite's dbstat (every page of the file, by the table or index it belongs
 *   to); PostgreSQL's pg_total_relation_size (heap, indexes, TOAST).
 * - A tenant's share: each table that has a tenantRef column is split between the tenants by their rows in it
 *   (a tenant with a third of a table's rows is given a third of its bytes), and Tenant by one row each. Rows of one
 *   table are alike enough in size for this (a report whose text retention dropped is smaller: an estimate, said so
 *   on the page). The rest (accounts, sessions, the audit log, free pages of PostgreSQL's files, the catalog) is
 *   shared, not any one tenant's.
 *
 * dbstat reads every page of the SQLite file: the figures are kept for `maxAgeMs` (the page reads them at most every
 * five minutes per process); bench:storage prints what a read costs.
 */
export interface TenantStorage {
  tenantRef: string;
  name: string;
  bytes: number;
  /** bytes ÷ the database's size. */
  share: number;
  /** Stored reports (DeviceReport rows). */
  reports: number;
}

export interface DatabaseSize {
  dialect: DirectDb["dialect"];
  totalBytes: number;
  /** What belongs to no tenant: the other tables, free pages, the catalog. */
  sharedBytes: number;
  /** How the figures were taken, in a few words for the page. */
  method: string;
  tenants: TenantStorage[];
  measuredAt: string;
}

const DEFAULT_MAX_AGE_MS = 5 * 60_000;
const cache = new Map<DirectDb, { at: number; tenantsKey: string; size: DatabaseSize }>();

/** The figures, measured again when older than `maxAgeMs` or when a tenant was added, renamed or deleted since. */
export async function findDatabaseSize(direct: DirectDb, options: { maxAgeMs?: number; now?: Date } = {}): Promise<DatabaseSize> {
  const now = options.now ?? new Date();
  const tenants = await direct.query<{ id: string; name: string }>(`SELECT "id", "name" FROM "Tenant" ORDER BY "name", "id"`);
  const tenantsKey = JSON.stringify(tenants.map((t) => [t.id, t.name]));
  const cached = cache.get(direct);
  if (cached && cached.tenantsKey === tenantsKey && now.getTime() - cached.at < (options.maxAgeMs ?? DEFAULT_MAX_AGE_MS)) return cached.size;
  const size = await measure(direct, tenants, now);
  cache.set(direct, { at: now.getTime(), tenantsKey, size });
  return size;
}

async function measure(direct: DirectDb, tenants: readonly { id: string; name: string }[], now: Date): Promise<DatabaseSize> {
  const sqlite = direct.dialect === "sqlite";
  const totalBytes = sqlite
    ? Number(
        (
          await direct.query<{ bytes: unknown }>(
            `SELECT (p."page_count" - f."freelist_count") * s."page_size" AS "bytes" FROM pragma_page_count() p, pragma_freelist_count() f, pragma_page_size() s`,
          )
        )[0]?.bytes ?? 0,
      )
    : Number((await direct.query<{ bytes: unknown }>(`SELECT pg_database_size(current_database()) AS "bytes"`))[0]?.bytes ?? 0);

  const tableBytes = new Map<string, number>();
  const sizes = sqlite
    ? await direct.query<{ table: string; bytes: unknown }>(
        `SELECT COALESCE(m."tbl_name", d."name") AS "table", SUM(d."pgsize") AS "bytes"
           FROM dbstat('main', 1) d LEFT JOIN sqlite_master m ON m."name" = d."name" GROUP BY 1`,
      )
    : await direct.query<{ table: string; bytes: unknown }>(
        `SELECT c."relname" AS "table", pg_total_relation_size(c."oid") AS "bytes" FROM pg_class c
           JOIN pg_namespace n ON n."oid" = c."relnamespace" WHERE n."nspname" = current_schema() AND c."relkind" IN ('r', 'p')`,
      );
  for (const s of sizes) tableBytes.set(s.table, Number(s.bytes));

  const tenantTables = (
    sqlite
      ? await direct.query<{ table: string }>(
          `SELECT m."name" AS "table" FROM sqlite_master m, pragma_table_info(m."name") c WHERE m."type" = 'table' AND c."name" = 'tenantRef'`,
        )
      : await direct.query<{ table: string }>(
          `SELECT "table_name" AS "table" FROM information_schema.columns WHERE "table_schema" = current_schema() AND "column_name" = 'tenantRef'`,
        )
  ).map((t) => t.table);

  const bytes = new Map<string, number>(tenants.map((t) => [t.id, 0]));
  const reports = new Map<string, number>();
  // The Tenant table: one row each.
  for (const t of tenants) bytes.set(t.id, (tableBytes.get("Tenant") ?? 0) / tenants.length);
  for (const table of tenantTables) {
    const total = tableBytes.get(table) ?? 0;
    const counts = await direct.query<{ tenantRef: string; rows: unknown }>(
      `SELECT "tenantRef", COUNT(*) AS "rows" FROM "${table.replaceAll('"', '""')}" GROUP BY "tenantRef"`,
    );
    const rows = counts.reduce((n, c) => n + Number(c.rows), 0);
    for (const c of counts) {
      if (!bytes.has(c.tenantRef)) continue;
      bytes.set(c.tenantRef, bytes.get(c.tenantRef)! + (total * Number(c.rows)) / rows);
      if (table === "DeviceReport") reports.set(c.tenantRef, Number(c.rows));
    }
  }
  const list = tenants.map((t) => {
    const b = Math.round(bytes.get(t.id) ?? 0);
    return { tenantRef: t.id, name: t.name, bytes: b, share: totalBytes > 0 ? b / totalBytes : 0, reports: reports.get(t.id) ?? 0 };
  });
  const tenantBytes = list.reduce((n, t) => n + t.bytes, 0);
  return {
    dialect: direct.dialect,
    totalBytes,
    sharedBytes: Math.max(0, totalBytes - tenantBytes),
    method: sqlite
      ? "SQLite's pages in use × page size. A tenant's share is an estimate: each table's pages (dbstat, indexes included) split between the tenants by their rows in it"
      : "PostgreSQL's pg_database_size. A tenant's share is an estimate: each table's pg_total_relation_size (indexes and TOAST included) split between the tenants by their rows in it",
    tenants: list,
    measuredAt: now.toISOString(),
  };
}
