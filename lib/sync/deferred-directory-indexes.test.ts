/**
 * A first full sync's deferred DirectoryDevice indexes (decision 052), the parts a database-free test can see: which
 * dialect defers, how the tenant is written into the deferring statement, and which deferred indexes a sync's start
 * creates again. The whole cycle against PostgreSQL (defer, stop, restore) is tests/integration/sync-deferred-indexes.test.ts,
 * which SQLite skips. Here a stand-in PostgreSQL answers the module's two reads from a DeferredIndex table and a
 * SyncLease table held in memory.
 */
import { afterEach, describe, expect, it, vi } from "vitest";
import type { DirectDb, Statement } from "@/lib/db/direct";
import { DEFER_LOCK_WAIT, deferDirectoryIndexes, restoreDeferredIndexStatements, restoreStaleDeferredIndexes } from "./deferred-directory-indexes";

interface Deferred {
  name: string;
  sql: string;
  tenantRef: string;
}

/** A PostgreSQL DirectDb holding `deferred` and the tenants' sync leases; `batches` keeps what was written. */
function fakePostgres(deferred: Deferred[], leases: Record<string, Date> = {}, failure?: Error) {
  const batches: Statement[][] = [];
  const reads: unknown[][] = [];
  const db = {
    dialect: "postgresql",
    async query(sql: string, params: readonly unknown[] = []) {
      reads.push([...params]);
      if (failure) throw failure;
      const rows = [...deferred].sort((a, b) => a.name.localeCompare(b.name));
      if (/FROM "DeferredIndex" d ORDER BY d."name"/.test(sql) && /"SyncLease" l WHERE l."tenantRef" = d."tenantRef" AND l."expiresAt" > \?/.test(sql)) {
        const now = params[0] as Date;
        return rows.map((r) => ({ ...r, leased: leases[r.tenantRef] && leases[r.tenantRef]! > now ? 1 : 0 }));
      }
      if (/FROM "DeferredIndex" WHERE "tenantRef" = \? ORDER BY "name"/.test(sql)) return rows.filter((r) => r.tenantRef === params[0]);
      throw new Error(`unexpected read: ${sql}`);
    },
    async batch(statements: readonly Statement[]) {
      batches.push([...statements]);
      return statements.map(() => 1);
    },
  } as unknown as DirectDb;
  return { db, batches, reads };
}

const index = (name: string, tenantRef: string, unique = false): Deferred => ({
  name,
  tenantRef,
  sql: `CREATE ${unique ? "UNIQUE " : ""}INDEX ${name} ON public."DirectoryDevice" USING btree ("tenantRef", "${name}")`,
});

/** The statements that create `d` again (IF NOT EXISTS) and forget it. */
const restored = (d: Deferred): Statement[] => [
  { sql: d.sql.replace(/INDEX /, "INDEX IF NOT EXISTS "), params: [] },
  { sql: `DELETE FROM "DeferredIndex" WHERE "name" = ?`, params: [d.name] },
];

describe("deferDirectoryIndexes", () => {
  it("defers nothing on SQLite", () => {
    expect(deferDirectoryIndexes("sqlite", "t1")).toEqual([]);
  });

  it("on PostgreSQL, one statement that waits for the table's lock and names the tenant as a quoted literal", () => {
    const statements = deferDirectoryIndexes("postgresql", "o'brien");
    expect(statements).toHaveLength(1);
    const [s] = statements;
    expect(s!.params).toEqual([]);
    expect(s!.sql).toMatch(/^DO \$defer\$/);
    expect(s!.sql).toContain(`set_config('lock_timeout', '${DEFER_LOCK_WAIT}', true)`);
    // The tenant's apostrophe doubled, wherever it is written; never the raw value.
    expect(s!.sql).toContain(`WHERE "tenantRef" <> 'o''brien'`);
    expect(s!.sql).toContain(`VALUES (i."name", 'DirectoryDevice', i."sql", 'o''brien')`);
    expect(s!.sql.replaceAll("'o''brien'", "")).not.toContain("brien");
  });
});

describe("restoreDeferredIndexStatements", () => {
  it("creates the tenant's deferred indexes again, unique ones unique, each only if missing, and forgets them", async () => {
    const a = index("DirectoryDevice_a_idx", "t1");
    const b = index("DirectoryDevice_b_key", "t1", true);
    const { db } = fakePostgres([b, index("DirectoryDevice_c_idx", "t2"), a]);
    const statements = await restoreDeferredIndexStatements(db, "t1");
    expect(statements).toEqual([...restored(a), ...restored(b)]);
    expect(statements[2]!.sql).toMatch(/^CREATE UNIQUE INDEX IF NOT EXISTS DirectoryDevice_b_key ON /);
  });
});

describe("restoreStaleDeferredIndexes", () => {
  afterEach(() => vi.restoreAllMocks());
  const now = new Date("2026-12-07T12:00:00Z");
  const later = new Date(now.getTime() + 60_000);
  const earlier = new Date(now.getTime() - 1);

  const own = index("DirectoryDevice_own_idx", "me");
  const leased = index("DirectoryDevice_leased_idx", "busy");
  const expired = index("DirectoryDevice_expired_idx", "stopped");
  const orphan = index("DirectoryDevice_orphan_idx", "deleted");
  const leases = { me: later, busy: later, stopped: earlier };

  it.each([
    { run: "this tenant's first full sync", firstFullSync: true, expected: [expired, orphan] },
    { run: "any other sync of this tenant", firstFullSync: false, expected: [expired, orphan, own] },
  ])(
    "at the start of $run: the indexes of tenants without a live lease, and this tenant's unless it defers them itself",
    async ({ firstFullSync, expected }) => {
      const { db, batches, reads } = fakePostgres([own, leased, expired, orphan], leases);
      await restoreStaleDeferredIndexes(db, { tenantRef: "me", firstFullSync, now });
      expect(reads).toEqual([[now]]);
      expect(batches).toEqual([expected.flatMap(restored)]);
    },
  );

  it("writes nothing when every deferred index belongs to a running sync", async () => {
    const { db, batches } = fakePostgres([own, leased], leases);
    await restoreStaleDeferredIndexes(db, { tenantRef: "me", firstFullSync: true, now });
    expect(batches).toEqual([]);
  });

  it("reads nothing on SQLite, which never defers", async () => {
    const { db, reads, batches } = fakePostgres([orphan]);
    await restoreStaleDeferredIndexes({ ...db, dialect: "sqlite" } as DirectDb, { tenantRef: "me", firstFullSync: false, now });
    expect(reads).toEqual([]);
    expect(batches).toEqual([]);
  });

  it.each([
    { thrown: new Error("connection terminated"), logged: "connection terminated" },
    { thrown: "socket hang up", logged: "socket hang up" },
  ])("logs a failure ($logged) and lets the sync go on", async ({ thrown, logged }) => {
    const lines: string[] = [];
    vi.spyOn(console, "error").mockImplementation((line: string) => void lines.push(line));
    const { db, batches } = fakePostgres([orphan], {}, thrown as Error);
    await expect(restoreStaleDeferredIndexes(db, { tenantRef: "me", firstFullSync: false, now })).resolves.toBeUndefined();
    expect(batches).toEqual([]);
    expect(lines.map((l) => JSON.parse(l))).toEqual([
      expect.objectContaining({
        level: "warn",
        message: "The directory's deferred indexes could not be created again; the next sync tries again",
        tenantRef: "me",
        error: logged,
      }),
    ]);
  });
});
