/**
 * A tenant's first full sync, when its rows are the directory's only ones, builds DirectoryDevice's secondary indexes
 * after its rows (decision 052): its first page drops them and records them in DeferredIndex, its end creates them
 * again before the summaries' rebuild. A first sync that stops leaves them deferred until it is resumed, or until
 * another sync starts while that tenant holds no live lease. PostgreSQL only; SQLite keeps its indexes throughout.
 * The simulator is the one tests/setup/simulated-tenant.ts starts (Graph's /devices paging and delta), 300 objects
 * in pages of 100.
 */
import { afterAll, describe, expect, it } from "vitest";
import { db } from "@/lib/db/client";
import { directDb } from "@/lib/db/direct";
import { runSync } from "@/lib/sync/run-sync";
import type { SimulatorHandle } from "@/simulator/server";
import { testDatabaseKind } from "../setup/databases";
import { expectDirectoryMatches, startSimulatedTenant } from "../setup/simulated-tenant";

const postgres = testDatabaseKind() === "postgresql";
const fast = { sleep: async () => undefined, baseDelayMs: 1 };

/** DirectoryDevice's indexes as the database prints them, by name. */
async function directoryIndexes(): Promise<string[]> {
  const direct = directDb();
  const rows = postgres
    ? await direct.query<{ def: string }>(`SELECT indexdef AS "def" FROM pg_indexes WHERE tablename = 'DirectoryDevice' ORDER BY indexname`)
    : await direct.query<{ def: string }>(
        `SELECT sql AS "def" FROM sqlite_master WHERE type = 'index' AND tbl_name = 'DirectoryDevice' AND sql IS NOT NULL ORDER BY name`,
      );
  return rows.map((r) => r.def);
}

async function deferredNames(): Promise<string[]> {
  return (await directDb().query<{ name: string }>(`SELECT "name" FROM "DeferredIndex" ORDER BY "name"`)).map((r) => r.name);
}

describe("a first full sync's directory indexes (decision 052)", () => {
  const sims: SimulatorHandle[] = [];
  afterAll(async () => Promise.all(sims.map((s) => s.close())));

  it("are built after the rows when the tenant's are the directory's only rows, and stopped part way, created again by the next sync", async () => {
    const before = await directoryIndexes();
    expect(before.length).toBe(postgres ? 7 : 6);
    const first = await startSimulatedTenant(db, { seed: 52, deviceCount: 300 });
    sims.push(first.sim);

    // Stopped after its first page, with a lease that has expired by the time the next sync starts.
    const stop = new AbortController();
    const during: Promise<[string[], string[]]>[] = [];
    const stopped = await runSync(db, {
      tenantRef: first.tenantRef,
      mode: "full",
      trigger: "test",
      pageSize: 100,
      resilience: fast,
      evaluateFindings: false,
      leaseTtlMs: 1,
      signal: stop.signal,
      onProgress: () => {
        during.push(Promise.all([directoryIndexes(), deferredNames()]));
        stop.abort();
      },
    });
    expect(stopped.ok).toBe(false);
    const [indexesDuring, deferredDuring] = (await Promise.all(during))[0]!;
    if (postgres) {
      // The primary key and the (tenant, objectId) key each page's upsert and read need stay; the five others wait.
      expect(indexesDuring.map((d) => /INDEX "?(\w+)"? ON/.exec(d)![1])).toEqual(["DirectoryDevice_pkey", "DirectoryDevice_tenantRef_objectId_key"]);
      expect(deferredDuring).toEqual([
        "DirectoryDevice_tenantRef_deletedAt_idx",
        "DirectoryDevice_tenantRef_deviceId_idx",
        "DirectoryDevice_tenantRef_hardwareId_idx",
        "DirectoryDevice_tenantRef_shortName_idx",
        "DirectoryDevice_tenantRef_updatedAt_idx",
      ]);
      expect(await directoryIndexes()).toEqual(indexesDuring);
    } else {
      expect(indexesDuring).toEqual(before);
      expect(deferredDuring).toEqual([]);
    }

    // Another tenant's first sync: the stopped one's lease has expired, so its indexes are created again first; the
    // first tenant has rows, so this sync defers nothing.
    const second = await startSimulatedTenant(db, { seed: 53, deviceCount: 300 });
    sims.push(second.sim);
    const seen: Promise<string[]>[] = [];
    const other = await runSync(db, {
      tenantRef: second.tenantRef,
      mode: "full",
      trigger: "test",
      pageSize: 100,
      resilience: fast,
      evaluateFindings: false,
      onProgress: () => void seen.push(directoryIndexes()),
    });
    expect(other.ok).toBe(true);
    for (const indexes of await Promise.all(seen)) expect(indexes).toEqual(before);
    expect(await deferredNames()).toEqual([]);
    await expectDirectoryMatches(db, second.sim, second.tenantRef, second.tenantId);

    // The stopped sync, run again, finishes with every object and the indexes as they were.
    const resumed = await runSync(db, { tenantRef: first.tenantRef, mode: "full", trigger: "test", pageSize: 100, resilience: fast, evaluateFindings: false });
    expect(resumed.ok).toBe(true);
    await expectDirectoryMatches(db, first.sim, first.tenantRef, first.tenantId);
    expect(await directoryIndexes()).toEqual(before);
  });
});

describe.skipIf(!postgres)("PostgreSQL: a first full sync of the database's only tenant", () => {
  let sim: SimulatorHandle | undefined;
  afterAll(async () => sim?.close());

  it("builds the directory's indexes after its rows and before its summaries, and leaves nothing deferred", async () => {
    // The earlier test's tenants are removed: this tenant's rows are then the table's only ones.
    await db.tenant.deleteMany({});
    const before = await directoryIndexes();
    const started = await startSimulatedTenant(db, { seed: 54, deviceCount: 300 });
    sim = started.sim;
    const during: Promise<string[]>[] = [];
    const full = await runSync(db, {
      tenantRef: started.tenantRef,
      mode: "full",
      trigger: "test",
      pageSize: 100,
      resilience: fast,
      evaluateFindings: false,
      onProgress: () => void during.push(deferredNames()),
    });
    expect(full.ok).toBe(true);
    // Deferred from the first page on (the last page's look may run after the sync's end), and none left after the sync.
    expect((await Promise.all(during)).slice(0, 2).map((names) => names.length)).toEqual([5, 5]);
    expect(await deferredNames()).toEqual([]);
    expect(await directoryIndexes()).toEqual(before);
    await expectDirectoryMatches(db, sim, started.tenantRef, started.tenantId);
    // A delta sync after it defers nothing.
    const delta = await runSync(db, { tenantRef: started.tenantRef, mode: "delta", trigger: "test", resilience: fast, evaluateFindings: false });
    expect(delta.ok).toBe(true);
    expect(await deferredNames()).toEqual([]);
  });
});
