/**
 * The real sync code (MSAL app-only auth, the Graph SDK, the retry middleware, Prisma) against the
 * HTTPS simulator. After each scenario the devices in the database equal the simulator's set exactly.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { db } from "@/lib/db/client";
import type { GraphClient } from "@/lib/graph/graph-client";
import { buildAlternativeSecurityIdKey } from "@/simulator/generate-tenant";
import type { SimulatorHandle } from "@/simulator/server";
import { getDeviceTimeline } from "@/lib/queries/get-device-timeline";
import { findDeviceDetail } from "@/lib/queries/find-device-detail";
import { createGraphClient } from "@/lib/graph/graph-client";
import { DevicePageSchema } from "@/lib/graph/graph-schemas";
import { DEVICE_SELECT, devicesFirstPageRequest } from "@/lib/graph/sync-requests";
import { legacyHashDevice } from "@/lib/sync/legacy-device-hash";
import { isColumnsHash, jsonHashDevice } from "@/lib/sync/map-graph-device";
import { runSync } from "@/lib/sync/run-sync";
import { countRows } from "../setup/factories";
import { expectDirectoryMatches, startSimulatedTenant } from "../setup/simulated-tenant";

const fast = { sleep: async () => undefined, baseDelayMs: 1 };

describe("directory sync against the simulator", () => {
  let sim: SimulatorHandle;
  let tenantRef: string;
  let tenantId: string;

  beforeAll(async () => {
    ({ sim, tenantRef, tenantId } = await startSimulatedTenant(db, { seed: 7, deviceCount: 600 }));
  });
  afterAll(async () => sim?.close());

  async function expectInSync() {
    const { ours, theirs } = await expectDirectoryMatches(db, sim, tenantRef, tenantId);
    expect(ours.length).toBe(theirs.length);
    expect(ours).toEqual(theirs);
  }

  it("full sync pages through /devices and stores every object with its derived thumbprint", async () => {
    const outcome = await runSync(db, { tenantRef, mode: "full", trigger: "test", pageSize: 150, resilience: fast });
    expect(outcome.ok).toBe(true);
    if (!outcome.ok) return;
    expect(outcome.run.mode).toBe("full");
    expect(outcome.run.pages).toBe(4);
    expect(outcome.run.added).toBe(sim.state.tenant(tenantId).listDevices().length);
    expect(outcome.run.added).toBeGreaterThan(550);
    await expectInSync();
    const tenant = await db.tenant.findUniqueOrThrow({ where: { id: tenantRef }, select: { deltaLink: true, lastFullSyncAt: true } });
    expect(tenant.deltaLink).toContain("$deltatoken=");
    expect(tenant.lastFullSyncAt).not.toBeNull();
    // Every X509 alternativeSecurityId decodes to the thumbprint the generator put in it.
    const withCert = sim.state
      .tenant(tenantId)
      .listDevices()
      .find((d) => d.alternativeSecurityIds?.length);
    const row = await db.directoryDevice.findFirstOrThrow({ where: { tenantRef, objectId: withCert!.id }, select: { thumbprint: true } });
    expect(row.thumbprint).toMatch(/^[0-9A-F]{40}$/);
    const pending = await db.directoryDevice.count({ where: { tenantRef, isPending: true } });
    expect(pending).toBeGreaterThan(0);
    // The tenant's first full sync: its objects existed before JoinScope did, so none is recorded as "created";
    // the timeline dates each from the object itself (registered in Entra ID, first seen by sync).
    expect(await db.directoryChange.count({ where: { tenantRef } })).toBe(0);
    const registered = sim.state
      .tenant(tenantId)
      .listDevices()
      .find((d) => d.deviceId && d.registrationDateTime)!;
    const detail = (await findDeviceDetail(db, { tenantRef, subjectKey: `d:${registered.deviceId}` }))!;
    const timeline = await getDeviceTimeline(db, { tenantRef, subject: detail.subject, deviceId: detail.deviceId, objects: detail.objects });
    const directory = timeline.filter((e) => e.kind === "directory");
    expect(directory.map((e) => e.summary)).toEqual(expect.arrayContaining([expect.stringMatching(/^Registered in Entra ID/), "First seen by directory sync"]));
    expect(directory.find((e) => e.summary.startsWith("Registered"))!.at).toBe(new Date(registered.registrationDateTime!).toISOString());
    // Only what Graph returned beyond the columns is kept as JSON: the object is not stored twice.
    const stored = await db.directoryDevice.findFirstOrThrow({ where: { tenantRef, objectId: registered.id }, select: { otherProperties: true } });
    expect(stored.otherProperties).toEqual({});
  });

  it("delta sync applies adds, changes, soft and hard deletes, and records them for the timeline", async () => {
    const store = sim.state.tenant(tenantId);
    const devices = store.listDevices();
    const template = devices.find((d) => d.trustType === "ServerAd" && d.alternativeSecurityIds?.length)!;
    const added = ["a", "b", "c"].map((s, i) =>
      store.addDevice({
        ...template,
        id: `00000000-0000-4000-8000-00000000000${i}`,
        deviceId: `10000000-0000-4000-8000-00000000000${i}`,
        displayName: `NEW-${s}`,
      }),
    );
    const disabled = devices[1]!;
    store.updateDevice(disabled.id, { accountEnabled: false });
    const rotated = devices.find((d) => d.id !== template.id && d.alternativeSecurityIds?.some((a) => a.type === 2))!;
    const newThumb = "ABCDEF0123456789ABCDEF0123456789ABCDEF01";
    store.updateDevice(rotated.id, {
      alternativeSecurityIds: [{ type: 2, identityProvider: null, key: buildAlternativeSecurityIdKey(newThumb, Buffer.alloc(32, 7)) }],
    });
    const hard = devices[3]!;
    const soft = devices.find((d) => d.trustType === "AzureAd" && d.id !== rotated.id && d.id !== disabled.id)!;
    store.deleteDevice(hard.id);
    store.deleteDevice(soft.id, { soft: true });

    const outcome = await runSync(db, { tenantRef, trigger: "test", resilience: fast });
    expect(outcome.ok).toBe(true);
    if (!outcome.ok) return;
    expect(outcome.run.mode).toBe("delta");
    expect(outcome.run).toMatchObject({ added: 3, changed: 2, deleted: 2 });
    await expectInSync();

    const gone = await db.directoryDevice.findMany({
      where: { tenantRef, objectId: { in: [hard.id, soft.id] } },
      select: { objectId: true, deletedAt: true, deletedReason: true },
    });
    expect(gone.find((g) => g.objectId === hard.id)?.deletedReason).toBe("deleted");
    expect(gone.find((g) => g.objectId === soft.id)?.deletedReason).toBe("changed");
    const kinds = await db.directoryChange.findMany({
      where: { tenantRef, objectId: { in: [disabled.id, rotated.id, hard.id, added[0]!.id] } },
      select: { objectId: true, kind: true },
    });
    expect(kinds).toEqual(
      expect.arrayContaining([
        { objectId: disabled.id, kind: "disabled" },
        { objectId: rotated.id, kind: "cert-rotated" },
        { objectId: hard.id, kind: "deleted" },
        { objectId: added[0]!.id, kind: "created" },
      ]),
    );
    const thumb = await db.directoryDevice.findFirstOrThrow({ where: { tenantRef, objectId: rotated.id }, select: { thumbprint: true } });
    expect(thumb.thumbprint).toBe(newThumb);

    // Nothing changed: an empty delta.
    const again = await runSync(db, { tenantRef, trigger: "test", resilience: fast });
    expect(again.ok && again.run).toMatchObject({ mode: "delta", added: 0, changed: 0, deleted: 0 });
  });

  it.each([
    ["an expired delta token (400 syncStateNotFound)", (s: SimulatorHandle) => s.expireDeltaTokens(), /syncStateNotFound/],
    ["a service reset (410 Gone)", (s: SimulatorHandle) => s.resetDeltaState(), /HTTP 410/],
  ])("falls back to a full resync after %s and marks what vanished as deleted", async (_name, expire, reason) => {
    const store = sim.state.tenant(tenantId);
    const victim = store.listDevices()[10]!;
    store.deleteDevice(victim.id);
    expire(sim);
    const outcome = await runSync(db, { tenantRef, trigger: "test", pageSize: 200, resilience: fast });
    expect(outcome.ok).toBe(true);
    if (!outcome.ok) return;
    expect(outcome.run.mode).toBe("full");
    expect(outcome.run.fallbackReason).toMatch(reason);
    await expectInSync();
    const row = await db.directoryDevice.findFirstOrThrow({ where: { tenantRef, objectId: victim.id }, select: { deletedReason: true } });
    expect(row.deletedReason).toBe("missing-after-full-sync");
    const run = await db.syncRun.findUniqueOrThrow({ where: { id: outcome.run.runId }, select: { fallbackReason: true, status: true } });
    expect(run).toMatchObject({ status: "succeeded" });
    expect(run.fallbackReason).toMatch(reason);
  });

  it("rides out 429 with Retry-After, 503, 500 and a dropped connection in the middle of paging", async () => {
    const waits: number[] = [];
    sim.injectFault({ kind: "429", path: /\/v1\.0\/devices\?.*skiptoken/, times: 1, retryAfterSeconds: 2 });
    sim.injectFault({ kind: "503", path: /\/v1\.0\/devices\?.*skiptoken/, times: 1, retryAfterSeconds: 1 });
    sim.injectFault({ kind: "500", path: /\/v1\.0\/devices\?.*skiptoken/, times: 1 });
    sim.injectFault({ kind: "reset", path: /\/v1\.0\/devices\?.*skiptoken/, times: 1 });
    const outcome = await runSync(db, {
      tenantRef,
      mode: "full",
      trigger: "test",
      pageSize: 200,
      resilience: { sleep: async (ms) => void waits.push(ms), baseDelayMs: 1 },
    });
    sim.clearFaults();
    expect(outcome.ok).toBe(true);
    if (!outcome.ok) return;
    expect(outcome.run.throttledWaits).toBe(2);
    expect(waits).toEqual(expect.arrayContaining([2000, 1000]));
    await expectInSync();
  });

  it("resumes a sync killed between pages from the last committed page, without duplicates", async () => {
    const controller = new AbortController();
    const first = await runSync(db, {
      tenantRef,
      mode: "full",
      trigger: "test",
      pageSize: 25,
      leaseTtlMs: 1, // the "crashed" holder's lease is already expired when the next run starts
      signal: controller.signal,
      onProgress: (p) => {
        if (p.pages === 2) controller.abort();
      },
      resilience: fast,
    });
    expect(first.ok).toBe(false);
    if (first.ok) return;
    expect(first.error.code).toBe("aborted");
    const orphan = await db.syncRun.findUniqueOrThrow({ where: { id: first.runId! }, select: { status: true, pages: true, resumeLink: true } });
    // Pages already handed to the writer when the abort came still commit, each with its own resume point.
    expect(orphan.status).toBe("running");
    expect(orphan.pages).toBeGreaterThanOrEqual(2);
    expect(orphan.pages).toBeLessThan(Math.ceil(sim.state.tenant(tenantId).listDevices().length / 25));
    expect(orphan.resumeLink).toContain("skiptoken");

    const logBefore = sim.requestLog.length;
    await new Promise((r) => setTimeout(r, 5));
    const second = await runSync(db, { tenantRef, mode: "full", trigger: "test", pageSize: 25, resilience: fast });
    expect(second.ok).toBe(true);
    if (!second.ok) return;
    expect(second.run.resumed).toBe(true);
    expect(second.run.runId).toBe(first.runId);
    const requested = sim.requestLog.slice(logBefore).map((e) => e.path);
    // The resumed run never asks for the first page again.
    expect(requested.some((p) => /\/v1\.0\/devices\?(?!.*skiptoken)/.test(p))).toBe(false);
    const run = await db.syncRun.findUniqueOrThrow({ where: { id: first.runId! }, select: { status: true, pages: true } });
    expect(run.status).toBe("succeeded");
    expect(run.pages).toBe(Math.ceil(sim.state.tenant(tenantId).listDevices().length / 25));
    await expectInSync();
  });

  it("starts a resumed full sync over when its resume link's page token expired (400 Directory_ExpiredPageToken)", async () => {
    let clock = Date.now();
    const t = await startSimulatedTenant(db, { seed: 2514, deviceCount: 500, simulator: { now: () => clock, pageTokenLifetimeMs: 60_000 } });
    try {
      const controller = new AbortController();
      const first = await runSync(db, {
        tenantRef: t.tenantRef,
        mode: "full",
        trigger: "test",
        pageSize: 25,
        leaseTtlMs: 1,
        signal: controller.signal,
        onProgress: (p) => {
          if (p.pages === 2) controller.abort();
        },
        resilience: fast,
      });
      expect(first.ok).toBe(false);
      clock += 10 * 60_000; // the process was down for ten minutes: the run's skip token expired
      await new Promise((r) => setTimeout(r, 5));
      const second = await runSync(db, { tenantRef: t.tenantRef, mode: "full", trigger: "test", pageSize: 25, resilience: fast });
      if (!second.ok) throw new Error(second.error.message);
      expect(second.run.resumed).toBe(true);
      expect(t.sim.requestLog.some((e) => e.status === 400)).toBe(true);
      expect(second.run.warnings.join("\n")).toMatch(/page token expired/);
      const { ours, theirs } = await expectDirectoryMatches(db, t.sim, t.tenantRef, t.tenantId);
      expect(ours).toEqual(theirs);
    } finally {
      await t.sim.close();
    }
  });

  it("a resumed full sync keeps the delta position it took first: a change made while it was down arrives in the next delta", async () => {
    // 20 pages of 10: more than a SQLite sync keeps in flight (8), so the stop leaves pages to resume.
    const t = await startSimulatedTenant(db, { seed: 2517, deviceCount: 200 });
    try {
      const controller = new AbortController();
      const first = await runSync(db, {
        tenantRef: t.tenantRef,
        mode: "full",
        trigger: "test",
        pageSize: 10,
        leaseTtlMs: 1,
        signal: controller.signal,
        onProgress: (p) => {
          if (p.pages === 2) controller.abort();
        },
        resilience: fast,
      });
      expect(!first.ok && first.error.code).toBe("aborted");
      // While the process is down, an object on a page already written is renamed: the pages still to come will not
      // see it, so only a delta from the position taken before the first page can.
      const written = await db.directoryDevice.findFirstOrThrow({ where: { tenantRef: t.tenantRef }, select: { objectId: true, displayName: true } });
      const store = t.sim.state.tenant(t.tenantId);
      store.updateDevice(written.objectId, { displayName: `${written.displayName}-RENAMED` });

      await new Promise((r) => setTimeout(r, 5));
      const resumed = await runSync(db, { tenantRef: t.tenantRef, mode: "full", trigger: "test", pageSize: 10, resilience: fast });
      expect(resumed.ok && resumed.run).toMatchObject({ resumed: true, mode: "full" });
      const stale = await db.directoryDevice.findFirstOrThrow({ where: { tenantRef: t.tenantRef, objectId: written.objectId }, select: { displayName: true } });
      expect(stale.displayName).toBe(written.displayName);

      const delta = await runSync(db, { tenantRef: t.tenantRef, trigger: "test", resilience: fast, now: () => new Date(Date.now() + 60_000) });
      expect(delta.ok && delta.run).toMatchObject({ mode: "delta", changed: 1 });
      const row = await db.directoryDevice.findFirstOrThrow({ where: { tenantRef: t.tenantRef, objectId: written.objectId }, select: { displayName: true } });
      expect(row.displayName).toBe(`${written.displayName}-RENAMED`);
      const { ours, theirs } = await expectDirectoryMatches(db, t.sim, t.tenantRef, t.tenantId);
      expect(ours).toEqual(theirs);
    } finally {
      await t.sim.close();
    }
  });

  it("runs one sync per tenant at a time: a concurrent second run is refused", async () => {
    sim.setLatency(30);
    const [a, b] = await Promise.all([
      runSync(db, { tenantRef, mode: "full", trigger: "test", pageSize: 100, holder: "instance-a", resilience: fast }),
      runSync(db, { tenantRef, mode: "full", trigger: "test", pageSize: 100, holder: "instance-b", resilience: fast }),
    ]);
    sim.setLatency(0);
    const outcomes = [a, b];
    expect(outcomes.filter((o) => o.ok)).toHaveLength(1);
    expect(outcomes.filter((o) => !o.ok && o.error.code === "already-running")).toHaveLength(1);
    await expectInSync();
  });

  it("stores BitLocker and LAPS presence as booleans, never key material", async () => {
    const withKeys = await db.directoryDevice.count({ where: { tenantRef, hasBitlockerKeys: true } });
    const withLaps = await db.directoryDevice.count({ where: { tenantRef, hasLapsPassword: true } });
    expect(withKeys).toBeGreaterThan(0);
    expect(withLaps).toBeGreaterThan(0);
  });
});

describe("pages of Graph's maximum size", () => {
  // Regression: 999 object ids in one IN list passed SQLite's bound-parameter limit (P2029).
  it("syncs 999-device pages and re-syncs them unchanged", async () => {
    const big = await startSimulatedTenant(db, { seed: 999, deviceCount: 1300 });
    try {
      const first = await runSync(db, { tenantRef: big.tenantRef, mode: "full", trigger: "test", resilience: fast });
      expect(first.ok ? first.run.pages : first.error.message).toBe(2);
      const again = await runSync(db, { tenantRef: big.tenantRef, mode: "full", trigger: "test", resilience: fast });
      expect(again.ok && again.run).toMatchObject({ added: 0, changed: 0, deleted: 0 });
      const { ours, theirs } = await expectDirectoryMatches(db, big.sim, big.tenantRef, big.tenantId);
      expect(ours).toEqual(theirs);
    } finally {
      await big.sim.close();
    }
  });
});

describe("what a page writes", () => {
  it("stops without writing the page when another instance took the lease over mid-run", async () => {
    const t = await startSimulatedTenant(db, { seed: 303, deviceCount: 250 });
    t.sim.setLatency(150); // the takeover below (not awaited by runSync) lands before the next page arrives
    try {
      const outcome = await runSync(db, {
        tenantRef: t.tenantRef,
        mode: "full",
        trigger: "test",
        pageSize: 100,
        prefetch: false,
        resilience: fast,
        onProgress: async (p) => {
          // Another instance decided this holder was dead and took the lease (its expiry had passed).
          if (p.pages === 1) await db.syncLease.update({ where: { tenantRef: t.tenantRef }, data: { holder: "instance-b" } });
        },
      });
      expect(!outcome.ok && outcome.error.code).toBe("already-running");
      const run = await db.syncRun.findFirstOrThrow({ where: { tenantRef: t.tenantRef }, select: { pages: true, devicesSeen: true } });
      expect(run).toEqual({ pages: 1, devicesSeen: 100 });
      expect(await db.directoryDevice.count({ where: { tenantRef: t.tenantRef } })).toBe(100);
      // A tenant's first full sync records no "created" changes (its objects existed before), and page 2 wrote nothing.
      expect(await db.directoryChange.count({ where: { tenantRef: t.tenantRef } })).toBe(0);
    } finally {
      await t.sim.close();
    }
  });

  it("a changed object keeps its id and first-seen time, and a property Graph no longer returns is cleared", async () => {
    const t = await startSimulatedTenant(db, { seed: 304, deviceCount: 40 });
    try {
      expect((await runSync(db, { tenantRef: t.tenantRef, mode: "full", trigger: "test", resilience: fast })).ok).toBe(true);
      const store = t.sim.state.tenant(t.tenantId);
      const target = store.listDevices().find((d) => d.alternativeSecurityIds?.length && d.physicalIds?.length)!;
      const select = {
        id: true,
        firstSeenAt: true,
        lastSeenAt: true,
        thumbprint: true,
        alternativeSecurityIds: true,
        physicalIds: true,
        hardwareId: true,
      } as const;
      const before = await db.directoryDevice.findFirstOrThrow({ where: { tenantRef: t.tenantRef, objectId: target.id }, select });
      expect(before.alternativeSecurityIds).not.toBeNull();
      // Graph returns null for a property the object no longer has (the simulator types it as absent).
      store.updateDevice(target.id, { alternativeSecurityIds: null, physicalIds: null } as unknown as Parameters<typeof store.updateDevice>[1]);

      const delta = await runSync(db, { tenantRef: t.tenantRef, trigger: "test", resilience: fast, now: () => new Date(Date.now() + 60_000) });
      expect(delta.ok && delta.run).toMatchObject({ mode: "delta", changed: 1 });
      const after = await db.directoryDevice.findFirstOrThrow({ where: { tenantRef: t.tenantRef, objectId: target.id }, select });
      expect(after.id).toBe(before.id);
      expect(after.firstSeenAt).toEqual(before.firstSeenAt);
      expect(after.lastSeenAt.getTime()).toBeGreaterThan(before.lastSeenAt.getTime());
      // Regression: the Prisma path left the old JSON in place when Graph returned null.
      expect(after).toMatchObject({ thumbprint: null, alternativeSecurityIds: null, physicalIds: null, hardwareId: null });
      const kinds = await db.directoryChange.findMany({
        where: { tenantRef: t.tenantRef, objectId: target.id },
        select: { kind: true },
        orderBy: { at: "asc" },
      });
      expect(kinds.map((k) => k.kind)).toEqual(["cert-removed"]);
    } finally {
      await t.sim.close();
    }
  });

  it("a soft-deleted device restored unchanged is alive again, whether a delta round or a full sync brings it back", async () => {
    const t = await startSimulatedTenant(db, { seed: 3099, deviceCount: 40 });
    try {
      expect((await runSync(db, { tenantRef: t.tenantRef, mode: "full", trigger: "test", resilience: fast })).ok).toBe(true);
      const store = t.sim.state.tenant(t.tenantId);
      const [viaDelta, viaFull] = store.listDevices().filter((d) => d.trustType === "AzureAd");
      const row = (objectId: string) =>
        db.directoryDevice.findFirstOrThrow({ where: { tenantRef: t.tenantRef, objectId }, select: { id: true, deletedAt: true, deletedReason: true } });
      const kinds = async (objectId: string) =>
        (await db.directoryChange.findMany({ where: { tenantRef: t.tenantRef, objectId }, select: { kind: true }, orderBy: { at: "asc" } })).map((c) => c.kind);
      const stored = { delta: await row(viaDelta!.id), full: await row(viaFull!.id) };
      store.deleteDevice(viaDelta!.id, { soft: true });
      store.deleteDevice(viaFull!.id, { soft: true });
      const removal = await runSync(db, { tenantRef: t.tenantRef, trigger: "test", resilience: fast, now: () => new Date(Date.now() + 60_000) });
      expect(removal.ok && removal.run).toMatchObject({ mode: "delta", deleted: 2 });
      expect(await row(viaDelta!.id)).toMatchObject({ deletedReason: "changed", deletedAt: expect.any(Date) });

      // Restored in a later round, exactly as it was: the delta round sends the object again, unchanged.
      store.restoreDevice(viaDelta!.id);
      const delta = await runSync(db, { tenantRef: t.tenantRef, trigger: "test", resilience: fast, now: () => new Date(Date.now() + 120_000) });
      expect(delta.ok && delta.run).toMatchObject({ mode: "delta", changed: 1, deleted: 0 });
      expect(await row(viaDelta!.id)).toEqual({ id: stored.delta.id, deletedAt: null, deletedReason: null });
      expect(await kinds(viaDelta!.id)).toEqual(["deleted", "restored"]);

      // Restored while the delta token expired: the full resync's page holds it, unchanged.
      store.restoreDevice(viaFull!.id);
      t.sim.expireDeltaTokens();
      const full = await runSync(db, { tenantRef: t.tenantRef, trigger: "test", resilience: fast, now: () => new Date(Date.now() + 180_000) });
      expect(full.ok && full.run).toMatchObject({ mode: "full", changed: 1, deleted: 0 });
      expect(await row(viaFull!.id)).toEqual({ id: stored.full.id, deletedAt: null, deletedReason: null });
      expect(await kinds(viaFull!.id)).toEqual(["deleted", "restored"]);
      const { ours, theirs } = await expectDirectoryMatches(db, t.sim, t.tenantRef, t.tenantId);
      expect(ours).toEqual(theirs);
    } finally {
      await t.sim.close();
    }
  });

  it("an object stored with a hash from before decision 007 counts as unchanged if Graph did not change it", async () => {
    const t = await startSimulatedTenant(db, { seed: 307, deviceCount: 60 });
    try {
      expect((await runSync(db, { tenantRef: t.tenantRef, mode: "full", trigger: "test", resilience: fast })).ok).toBe(true);
      // As an upgraded database holds them: every row's rawHash in the old format, of the object Graph returned.
      const graph = createGraphClient({
        tenantId: t.tenantId,
        clientId: t.clientId,
        credential: { kind: "secret", clientSecret: t.clientSecret },
        cloud: { authorityHost: t.sim.authorityHost, graphBaseUrl: t.sim.graphBaseUrl },
      });
      const page = await graph.get(devicesFirstPageRequest(999), DevicePageSchema);
      if (!page.ok) throw new Error(page.error.message);
      // Half in the format before decision 007, half in decision 007's JSON hash.
      for (const [i, d] of page.data.value.entries()) {
        await db.directoryDevice.update({
          where: { tenantRef_objectId: { tenantRef: t.tenantRef, objectId: d.id } },
          data: { rawHash: i % 2 ? legacyHashDevice(d) : jsonHashDevice(d) },
        });
      }
      const store = t.sim.state.tenant(t.tenantId);
      const renamed = store.listDevices()[5]!;
      store.updateDevice(renamed.id, { displayName: `${renamed.displayName}-RENAMED` });

      const outcome = await runSync(db, { tenantRef: t.tenantRef, mode: "full", trigger: "test", resilience: fast, now: () => new Date(Date.now() + 60_000) });
      expect(outcome.ok && outcome.run).toMatchObject({ changed: 1, added: 0 });
      const hashes = await db.directoryDevice.findMany({ where: { tenantRef: t.tenantRef }, select: { rawHash: true } });
      expect(hashes.every((h) => isColumnsHash(h.rawHash))).toBe(true);
      const changes = await db.directoryChange.findMany({ where: { tenantRef: t.tenantRef }, select: { objectId: true, kind: true } });
      expect(changes).toEqual([{ objectId: renamed.id, kind: "changed" }]);
      // And the next sync compares the new hashes: nothing changed.
      const again = await runSync(db, { tenantRef: t.tenantRef, mode: "full", trigger: "test", resilience: fast, now: () => new Date(Date.now() + 120_000) });
      expect(again.ok && again.run).toMatchObject({ changed: 0, added: 0 });
    } finally {
      await t.sim.close();
    }
  });
});

describe("pipelined pages", () => {
  // Page N+1 is diffed against the database while page N is still being written; an object Graph repeats on the
  // next page must wait for that write, or it is read as absent and "created" twice.
  it("an object repeated on the next page is diffed after the page that stored it committed", async () => {
    const t = await startSimulatedTenant(db, { seed: 305, deviceCount: 1 });
    const base = "https://graph.invalid/v1.0";
    const device = (id: string, displayName: string) => ({ id, deviceId: null, displayName, accountEnabled: true, trustType: "AzureAd" });
    const bodies: Record<string, unknown> = {
      latest: { value: [], "@odata.deltaLink": `${base}/devices/delta?$deltatoken=t1` },
      first: { value: [device("obj-a", "PC-A"), device("obj-b", "PC-B")], "@odata.nextLink": `${base}/devices?$skiptoken=2` },
      second: { value: [device("obj-a", "PC-A2"), device("obj-c", "PC-C")] },
    };
    const graph: GraphClient = {
      baseUrl: base,
      stats: { requests: 0, retries: 0, throttledWaits: 0, throttledMs: 0 },
      async get(pathOrUrl, schema) {
        const body = pathOrUrl.includes("$deltatoken=latest") ? bodies.latest : pathOrUrl.includes("$skiptoken=2") ? bodies.second : bodies.first;
        return { ok: true, data: schema.parse(body) };
      },
    };
    try {
      const outcome = await runSync(db, { tenantRef: t.tenantRef, mode: "full", trigger: "test", graph, checkKeyPresence: false, evaluateFindings: false });
      expect(outcome.ok && outcome.run).toMatchObject({ pages: 2, added: 3, changed: 1 });
      const kinds = await db.directoryChange.findMany({ where: { tenantRef: t.tenantRef, objectId: "obj-a" }, select: { kind: true }, orderBy: { at: "asc" } });
      expect(kinds.map((k) => k.kind)).toEqual(["changed"]);
      const stored = await db.directoryDevice.findFirstOrThrow({ where: { tenantRef: t.tenantRef, objectId: "obj-a" }, select: { displayName: true } });
      expect(stored.displayName).toBe("PC-A2");
    } finally {
      await t.sim.close();
    }
  });
});

describe("key presence", () => {
  it("follows Graph on every full sync: a device whose recovery keys and LAPS password are gone is flagged false", async () => {
    const t = await startSimulatedTenant(db, { seed: 306, deviceCount: 80 });
    try {
      const store = t.sim.state.tenant(t.tenantId);
      const deviceId = store.bitlockerKeys[0]!.deviceId.toLowerCase();
      const lapsId = store.lapsCredentials[0]!.id.toLowerCase();
      const flags = (id: string) =>
        db.directoryDevice.findFirstOrThrow({ where: { tenantRef: t.tenantRef, deviceId: id }, select: { hasBitlockerKeys: true, hasLapsPassword: true } });
      expect((await runSync(db, { tenantRef: t.tenantRef, mode: "full", trigger: "test", resilience: fast })).ok).toBe(true);
      expect((await flags(deviceId)).hasBitlockerKeys).toBe(true);
      expect((await flags(lapsId)).hasLapsPassword).toBe(true);
      // As documented (bitlocker-list-recoverykeys, directory-list-devicelocalcredentials): no $top on the BitLocker
      // list, and a User-Agent naming JoinScope on both.
      const keyRequests = t.sim.requestLog.filter((e) => /recoveryKeys|deviceLocalCredentials/.test(e.path));
      expect(keyRequests.length).toBeGreaterThanOrEqual(2);
      for (const e of keyRequests) expect(e).toMatchObject({ status: 200, userAgent: expect.stringMatching(/^JoinScope\//) });
      expect(keyRequests.filter((e) => e.path.includes("recoveryKeys") && /[?&]\$top=/.test(e.path))).toEqual([]);
      const counts = async () => ({
        bitlocker: await db.directoryDevice.count({ where: { tenantRef: t.tenantRef, hasBitlockerKeys: true } }),
        laps: await db.directoryDevice.count({ where: { tenantRef: t.tenantRef, hasLapsPassword: true } }),
        unknown: await db.directoryDevice.count({ where: { tenantRef: t.tenantRef, OR: [{ hasBitlockerKeys: null }, { hasLapsPassword: null }] } }),
      });
      const before = await counts();
      expect(before.unknown).toBe(0);

      store.bitlockerKeys = store.bitlockerKeys.filter((k) => k.deviceId.toLowerCase() !== deviceId);
      store.lapsCredentials = store.lapsCredentials.filter((c) => c.id.toLowerCase() !== lapsId);
      expect((await runSync(db, { tenantRef: t.tenantRef, mode: "full", trigger: "test", resilience: fast })).ok).toBe(true);
      expect((await flags(deviceId)).hasBitlockerKeys).toBe(false);
      expect((await flags(lapsId)).hasLapsPassword).toBe(false);
      expect(await counts()).toEqual({ bitlocker: before.bitlocker - 1, laps: before.laps - 1, unknown: 0 });
    } finally {
      await t.sim.close();
    }
  });
});

describe("Test connection tells the truth", () => {
  it("sends the sync's own requests: its first (delta link with the sync's $select), /devices with it, and the key lists as key presence does", async () => {
    const { testTenantConnection } = await import("@/lib/sync/test-tenant-connection");
    const t = await startSimulatedTenant(db, { seed: 2511, deviceCount: 10 });
    try {
      const report = await testTenantConnection(db, { tenantRef: t.tenantRef });
      expect(report.ok).toBe(true);
      const paths = t.sim.requestLog.filter((e) => e.path.startsWith("/v1.0/")).map((e) => decodeURIComponent(e.path));
      expect(paths).toEqual(
        expect.arrayContaining([
          `/v1.0/devices/delta?$select=${DEVICE_SELECT}&$deltatoken=latest`,
          expect.stringMatching(new RegExp(`^/v1\\.0/devices\\?\\$select=${DEVICE_SELECT}&\\$top=1$`)),
          "/v1.0/informationProtection/bitlocker/recoveryKeys",
          "/v1.0/directory/deviceLocalCredentials?$select=id,deviceName,lastBackupDateTime",
        ]),
      );
    } finally {
      await t.sim.close();
    }
  });

  it("sees admin consent granted a minute ago (a fresh token, not MSAL's cached one)", async () => {
    const { testTenantConnection } = await import("@/lib/sync/test-tenant-connection");
    const t = await startSimulatedTenant(db, { seed: 2512, deviceCount: 10, permissions: ["Device.Read.All"] });
    try {
      const before = await testTenantConnection(db, { tenantRef: t.tenantRef });
      expect(before.checks.find((c) => c.name === "BitlockerKey.ReadBasic.All")?.status).toBe("warning");
      t.sim.setAppPermissions(t.tenantId, t.clientId, ["Device.Read.All", "BitlockerKey.ReadBasic.All", "DeviceLocalCredential.ReadBasic.All"]);
      const after = await testTenantConnection(db, { tenantRef: t.tenantRef });
      expect(after.checks.map((c) => [c.name, c.status])).toEqual([
        ["Sign in as the app", "ok"],
        ["Device.Read.All", "ok"],
        ["BitlockerKey.ReadBasic.All", "ok"],
        ["DeviceLocalCredential.ReadBasic.All", "ok"],
        // Not granted here: the sign-in log is optional too (issue 19).
        ["AuditLog.Read.All", "warning"],
      ]);
    } finally {
      await t.sim.close();
    }
  });

  it("a sync after admin consent was granted reads key presence (a 403 is retried with a fresh token)", async () => {
    const t = await startSimulatedTenant(db, { seed: 2516, deviceCount: 20, permissions: ["Device.Read.All"] });
    try {
      const before = await runSync(db, { tenantRef: t.tenantRef, mode: "full", trigger: "test", resilience: fast, evaluateFindings: false });
      expect(before.ok && before.run.warnings.length).toBe(2);
      t.sim.setAppPermissions(t.tenantId, t.clientId, ["Device.Read.All", "BitlockerKey.ReadBasic.All", "DeviceLocalCredential.ReadBasic.All"]);
      const after = await runSync(db, { tenantRef: t.tenantRef, mode: "full", trigger: "test", resilience: fast, evaluateFindings: false });
      expect(after.ok && after.run.warnings).toEqual([]);
      expect(await db.directoryDevice.count({ where: { tenantRef: t.tenantRef, hasBitlockerKeys: true } })).toBeGreaterThan(0);
    } finally {
      await t.sim.close();
    }
  });

  it("names an expired client secret (AADSTS7000222), and the sync fails with the same words", async () => {
    const { testTenantConnection } = await import("@/lib/sync/test-tenant-connection");
    const t = await startSimulatedTenant(db, { seed: 2513, deviceCount: 10 });
    try {
      t.sim.expireClientSecret(t.tenantId);
      const report = await testTenantConnection(db, { tenantRef: t.tenantRef });
      expect(report.ok).toBe(false);
      expect(report.checks[0]).toMatchObject({ name: "Sign in as the app", status: "failed", message: expect.stringMatching(/client secret has expired/i) });
      const outcome = await runSync(db, { tenantRef: t.tenantRef, mode: "full", trigger: "test", resilience: fast });
      expect(outcome.ok).toBe(false);
      if (!outcome.ok) expect(outcome.error).toMatchObject({ code: "auth", message: expect.stringMatching(/client secret has expired/i) });
    } finally {
      await t.sim.close();
    }
  });
});

describe("credentials and permissions", () => {
  it.each([
    ["a wrong secret", { secret: "wrong-secret-value-123" }, /client secret is wrong/i, "auth"],
    ["a wrong tenant id", { tenantId: "01234567-89ab-4cde-8f01-23456789abcd" }, /not found/i, "auth"],
  ])("sync and Test connection explain %s, and nothing is stored", async (_name, change, message, code) => {
    const { testTenantConnection } = await import("@/lib/sync/test-tenant-connection");
    const { setTenantApp } = await import("@/lib/tenants/set-tenant-app");
    const { sim, tenantRef, clientId, clientSecret } = await startSimulatedTenant(db, { seed: 100 + Math.floor(Math.random() * 1e6), deviceCount: 20 });
    try {
      if ("secret" in change) {
        await setTenantApp(db, {
          tenantRef,
          cloud: "custom",
          authorityHost: sim.authorityHost,
          graphBaseUrl: sim.graphBaseUrl,
          clientId,
          credential: { kind: "secret", clientSecret: change.secret! },
          actor: "test",
        });
      } else {
        await db.tenant.update({ where: { id: tenantRef }, data: { tenantId: change.tenantId } });
        void clientSecret;
      }
      const before = await countRows(db);
      const devicesBefore = await db.directoryDevice.count();
      const report = await testTenantConnection(db, { tenantRef });
      expect(report.ok).toBe(false);
      expect(report.checks[0]!.message).toMatch(message);
      const outcome = await runSync(db, { tenantRef, trigger: "test", resilience: fast });
      expect(outcome.ok).toBe(false);
      if (!outcome.ok) {
        expect(outcome.error.code).toBe(code);
        expect(outcome.error.message).toMatch(message);
      }
      expect(await db.directoryDevice.count()).toBe(devicesBefore);
      expect((await countRows(db)).reports).toBe(before.reports);
    } finally {
      await sim.close();
    }
  });

  it("names a missing Device.Read.All permission, and only warns for the optional BitLocker one", async () => {
    const { testTenantConnection } = await import("@/lib/sync/test-tenant-connection");
    const none = await startSimulatedTenant(db, { seed: 201, deviceCount: 10, permissions: [] });
    try {
      const report = await testTenantConnection(db, { tenantRef: none.tenantRef });
      expect(report.ok).toBe(false);
      expect(report.checks.find((c) => c.status === "failed")?.message).toMatch(/Device\.Read\.All/);
      const outcome = await runSync(db, { tenantRef: none.tenantRef, trigger: "test", resilience: fast });
      expect(!outcome.ok && outcome.error.code).toBe("forbidden");
      expect(await db.directoryDevice.count({ where: { tenantRef: none.tenantRef } })).toBe(0);
    } finally {
      await none.sim.close();
    }
    const devicesOnly = await startSimulatedTenant(db, { seed: 202, deviceCount: 10, permissions: ["Device.Read.All"] });
    try {
      const report = await testTenantConnection(db, { tenantRef: devicesOnly.tenantRef });
      expect(report.ok).toBe(true);
      expect(report.checks.filter((c) => c.status === "warning").map((c) => c.name)).toEqual([
        "BitlockerKey.ReadBasic.All",
        "DeviceLocalCredential.ReadBasic.All",
        "AuditLog.Read.All",
      ]);
      const outcome = await runSync(db, { tenantRef: devicesOnly.tenantRef, trigger: "test", resilience: fast });
      expect(outcome.ok).toBe(true);
      if (outcome.ok) expect(outcome.run.warnings.join(" ")).toMatch(/BitlockerKey\.ReadBasic\.All/);
    } finally {
      await devicesOnly.sim.close();
    }
  });
});
