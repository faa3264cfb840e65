/**
 * syncDueTenants, the scheduler's tick: which tenants it syncs (enabled, with an app registration, not synced within
 * JOINSCOPE_SYNC_INTERVAL_MINUTES, 15 by default), what a failed sync leaves for the next tick, and that a tick
 * never overlaps the one still running. The syncs go to the simulator.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { db } from "@/lib/db/client";
import { startSyncScheduler, syncDueTenants } from "@/lib/sync/sync-scheduler";
import { createTenant } from "@/lib/tenants/create-tenant";
import { setTenantApp } from "@/lib/tenants/set-tenant-app";
import type { SimulatorHandle } from "@/simulator/server";
import { startSimulatedTenant } from "../setup/simulated-tenant";

const MINUTE = 60_000;

// The tick's log lines are what an operator sees of it: read at info level (tests/setup sets "silent" otherwise).
vi.hoisted(() => {
  process.env.LOG_LEVEL = "info";
});
const logged: Record<string, unknown>[] = [];
const keep = (line: unknown) => void logged.push(JSON.parse(String(line)) as Record<string, unknown>);

describe("syncDueTenants", () => {
  const sims: SimulatorHandle[] = [];
  afterAll(async () => Promise.all(sims.map((s) => s.close())));

  const tenant = async (seed: number) => {
    const t = await startSimulatedTenant(db, { seed, deviceCount: 3 });
    sims.push(t.sim);
    return t;
  };
  const runs = (tenantRef: string) => db.syncRun.findMany({ where: { tenantRef }, select: { trigger: true, status: true } });
  const lastSyncAt = async (tenantRef: string) => (await db.tenant.findUniqueOrThrow({ where: { id: tenantRef } })).lastSyncAt;

  let now: Date;
  let never: string;
  let recent: string;
  let overdue: string;
  let disabled: string;
  let leased: string;
  let wrongSecret: string;
  let withoutApp: string;
  let clientOnly: string;
  let secretOnly: string;

  beforeAll(async () => {
    vi.spyOn(console, "log").mockImplementation(keep);
    vi.spyOn(console, "error").mockImplementation(keep);
    now = new Date();
    never = (await tenant(3101)).tenantRef;
    recent = (await tenant(3102)).tenantRef;
    overdue = (await tenant(3103)).tenantRef;
    disabled = (await tenant(3104)).tenantRef;
    leased = (await tenant(3105)).tenantRef;
    const broken = await tenant(3106);
    wrongSecret = broken.tenantRef;
    const app = await setTenantApp(db, {
      tenantRef: wrongSecret,
      cloud: "custom",
      authorityHost: broken.sim.authorityHost,
      graphBaseUrl: broken.sim.graphBaseUrl,
      clientId: broken.clientId,
      credential: { kind: "secret", clientSecret: "not-the-secret" },
      actor: "test",
    });
    expect(app.ok).toBe(true);
    const created = await createTenant(db, { tenantId: "3c2b1a09-0000-4000-8000-000000003107", name: "Without an app", actor: "test" });
    if (!created.ok) throw new Error(created.error.message);
    withoutApp = created.id;
    // Half a registration (a client id and no secret, a secret and no client id): not synced.
    clientOnly = (await tenant(3109)).tenantRef;
    await db.tenant.update({ where: { id: clientOnly }, data: { credentialCiphertext: null } });
    secretOnly = (await tenant(3110)).tenantRef;
    await db.tenant.update({ where: { id: secretOnly }, data: { clientId: null } });

    // Synced 14 minutes ago: not due; 15 minutes and a second ago: due.
    await db.tenant.update({ where: { id: recent }, data: { lastSyncAt: new Date(now.getTime() - 14 * MINUTE) } });
    await db.tenant.update({ where: { id: overdue }, data: { lastSyncAt: new Date(now.getTime() - 15 * MINUTE - 1000) } });
    await db.tenant.update({ where: { id: disabled }, data: { syncEnabled: false } });
    await db.syncLease.create({ data: { tenantRef: leased, holder: "another-instance", expiresAt: new Date(now.getTime() + 10 * MINUTE) } });
  });

  it("syncs the due tenants once, records a failed attempt, and leaves the others alone; a tick during a tick does nothing", async () => {
    const overlapping = [syncDueTenants(now), syncDueTenants(now)];
    await Promise.all(overlapping);

    const name = async (tenantRef: string) => (await db.tenant.findUniqueOrThrow({ where: { id: tenantRef } })).name;
    const lines = (message: string) => logged.filter((l) => l.message === message);
    expect(lines("sync finished").map((l) => [l.level, l.tenant, l.mode, l.pages, l.added, l.changed, l.deleted, typeof l.ms])).toEqual(
      expect.arrayContaining([
        ["info", await name(never), "full", 1, 3, 0, 0, "number"],
        ["info", await name(overdue), "full", 1, 3, 0, 0, "number"],
      ]),
    );
    expect(lines("sync finished")).toHaveLength(2);
    // The error's words beside the line's own message (they once replaced it: the logger writes the fields after it).
    expect(lines("sync failed")).toEqual([
      expect.objectContaining({ level: "warn", tenant: await name(wrongSecret), code: "auth", error: expect.stringMatching(/client secret is wrong/) }),
    ]);

    for (const due of [never, overdue]) expect(await runs(due)).toEqual([{ trigger: "schedule", status: "succeeded" }]);
    for (const notDue of [recent, disabled, withoutApp, leased, clientOnly, secretOnly]) expect(await runs(notDue)).toEqual([]);
    expect(await lastSyncAt(recent)).toEqual(new Date(now.getTime() - 14 * MINUTE));
    expect(await lastSyncAt(disabled)).toBeNull();
    for (const skipped of [withoutApp, clientOnly, secretOnly]) expect(await lastSyncAt(skipped)).toBeNull();
    // Another instance's sync: not an attempt of this one, so not recorded as one.
    expect(await lastSyncAt(leased)).toBeNull();
    // The failed sync: the attempt's time, so the tenant is tried again at the next interval and not at every tick.
    const failedAt = await lastSyncAt(wrongSecret);
    expect(failedAt!.getTime()).toBeGreaterThanOrEqual(now.getTime());

    // The next tick, a minute later: nothing is due (the failed tenant included).
    await syncDueTenants(new Date(now.getTime() + MINUTE));
    for (const due of [never, overdue]) expect(await runs(due)).toHaveLength(1);
    expect(await lastSyncAt(wrongSecret)).toEqual(failedAt);
    // The day's snapshots: taken by the first tick of the day, and logged then only.
    expect(lines("daily snapshots written")).toEqual([expect.objectContaining({ level: "info", tenants: expect.any(Number) })]);
  });

  it("started (twice: once), its first tick comes within seconds and syncs a due tenant", async () => {
    const { tenantRef } = await tenant(3108);
    startSyncScheduler();
    startSyncScheduler();
    expect(logged.filter((l) => l.message === "sync scheduler started")).toEqual([expect.objectContaining({ level: "info", intervalMinutes: 15 })]);
    // The first tick, 5 s after the start (the next ones every minute).
    await expect.poll(() => runs(tenantRef), { timeout: 30_000, interval: 250 }).toEqual([{ trigger: "schedule", status: "succeeded" }]);
  });
});
