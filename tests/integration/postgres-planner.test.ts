/**
 * PostgreSQL plans from what the app tells it (decision 018): every connection the app opens runs with JIT off, and
 * the tables a bulk write rewrote (a full sync, a full findings pass, the summaries' rebuild) are analysed right after
 * it, so the next page is planned for the data it reads. SQLite runs none of this (its queries name their indexes).
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { db } from "@/lib/db/client";
import { config } from "@/lib/config";
import { directDb } from "@/lib/db/direct";
import { openPostgresWriter } from "@/lib/db/postgres-writer";
import { rebuildDeviceSummaries } from "@/lib/device-summary/rebuild-device-summaries";
import { reevaluateAllFindings } from "@/lib/findings/findings-scheduler";
import { openSyncConnection } from "@/lib/sync/open-sync-connection";
import { runSync } from "@/lib/sync/run-sync";
import type { SimulatorHandle } from "@/simulator/server";
import { testDatabaseKind } from "../setup/databases";
import { startSimulatedTenant } from "../setup/simulated-tenant";

const postgres = testDatabaseKind() === "postgresql";
const fast = { sleep: async () => undefined, baseDelayMs: 1 };

/** When each table was last analysed by an ANALYZE statement (autovacuum's own runs are counted apart). */
async function lastAnalysed(table: string): Promise<Date | null> {
  const [row] = await directDb().query<{ at: Date | null }>(`SELECT "last_analyze" AS "at" FROM "pg_stat_user_tables" WHERE "relname" = ?`, [table]);
  return row?.at ?? null;
}

describe.skipIf(!postgres)("PostgreSQL: the planner gets what it needs", () => {
  let sim: SimulatorHandle;
  let tenantRef: string;

  beforeAll(async () => {
    ({ sim, tenantRef } = await startSimulatedTenant(db, { seed: 21, deviceCount: 300 }));
  });
  afterAll(async () => sim?.close());

  it("runs every app connection with JIT off, Prisma's and the direct pool's", async () => {
    const [prisma] = await db.$queryRawUnsafe<{ jit: string }[]>(`SHOW jit`);
    expect(prisma?.jit).toBe("off");
    // Every connection of the pool, not only the first: several at once make the pool open more.
    const answers = await Promise.all(
      Array.from({ length: 6 }, () => directDb().query<{ jit: string }>(`SELECT current_setting('jit') AS "jit", pg_sleep(0.05)`)),
    );
    expect(answers.map((rows) => rows[0]?.jit)).toEqual(Array(6).fill("off"));
    // And the writer's connection of its own (a sync's pages, a large findings pass's writes; decision 026).
    const writer = openPostgresWriter(config.DATABASE_URL);
    try {
      await writer.batch([{ sql: `UPDATE "Tenant" SET "name" = 'jit ' || current_setting('jit') WHERE "id" = ?`, params: [tenantRef] }]);
    } finally {
      await writer.close();
    }
    expect((await db.tenant.findUniqueOrThrow({ where: { id: tenantRef }, select: { name: true } })).name).toBe("jit off");
  });

  it("commits a sync's pages without waiting for their flush, and only those (decision 046)", async () => {
    const connection = openSyncConnection();
    try {
      const counts = await connection.batch([
        { sql: `UPDATE "Tenant" SET "name" = 'commit ' || current_setting('synchronous_commit') WHERE "id" = ?`, params: [tenantRef] },
      ]);
      // The setting's own statement is not among the counts the caller gets.
      expect(counts).toEqual([1]);
    } finally {
      await connection.close();
    }
    expect((await db.tenant.findUniqueOrThrow({ where: { id: tenantRef }, select: { name: true } })).name).toBe("commit off");
    // Set per transaction: the app's other connections, and the writer's next transaction, commit as the server says.
    const [pool] = await directDb().query<{ setting: string }>(`SELECT current_setting('synchronous_commit') AS "setting"`);
    expect(pool?.setting).toBe("on");
  });

  it("analyses the directory's tables after a full sync, and not after a delta sync that changed little", async () => {
    const before = new Date();
    const full = await runSync(db, { tenantRef, mode: "full", trigger: "test", pageSize: 100, resilience: fast, evaluateFindings: false });
    expect(full.ok).toBe(true);
    for (const table of ["DirectoryDevice", "DeviceSummary", "DeviceSummaryTally"]) {
      const at = await lastAnalysed(table);
      expect(at, table).not.toBeNull();
      expect(at!.getTime(), table).toBeGreaterThanOrEqual(before.getTime() - 1000);
    }
    // The tenant's first full sync: its directory was analysed whole (every page in) while its summaries were rebuilt,
    // so before the run's end; the summaries after their rebuild (decision 046).
    if (!full.ok) return;
    const { finishedAt } = await db.syncRun.findUniqueOrThrow({ where: { id: full.run.runId }, select: { finishedAt: true } });
    expect((await lastAnalysed("DirectoryDevice"))!.getTime()).toBeLessThanOrEqual(finishedAt!.getTime());
    expect((await lastAnalysed("DeviceSummary"))!.getTime()).toBeGreaterThanOrEqual(finishedAt!.getTime());
    const [{ tuples } = { tuples: 0 }] = await directDb().query<{ tuples: number }>(
      `SELECT "reltuples"::int AS "tuples" FROM "pg_class" WHERE "relname" = 'DirectoryDevice'`,
    );
    expect(tuples).toBe(await db.directoryDevice.count());
    const afterFull = await lastAnalysed("DirectoryDevice");
    const delta = await runSync(db, { tenantRef, mode: "delta", trigger: "test", resilience: fast, evaluateFindings: false });
    expect(delta.ok).toBe(true);
    expect(await lastAnalysed("DirectoryDevice")).toEqual(afterFull);
  });

  it("analyses the findings' tables after a full findings pass", async () => {
    const before = new Date();
    await reevaluateAllFindings(db, tenantRef);
    for (const table of ["Finding", "FindingEvent", "DeviceSummary"]) {
      const at = await lastAnalysed(table);
      expect(at, table).not.toBeNull();
      expect(at!.getTime(), table).toBeGreaterThanOrEqual(before.getTime() - 1000);
    }
  });

  it("analyses the summaries after their rebuild (the upgrade's backfill)", async () => {
    const before = new Date();
    await rebuildDeviceSummaries(tenantRef);
    const at = await lastAnalysed("ReportTally");
    expect(at).not.toBeNull();
    expect(at!.getTime()).toBeGreaterThanOrEqual(before.getTime() - 1000);
  });
});

describe.skipIf(postgres)("SQLite", () => {
  it("has no planner statistics to refresh and no JIT: the PostgreSQL suite runs these checks", () => {
    expect(testDatabaseKind()).toBe("sqlite");
  });
});
