/**
 * Randomised convergence (issue 25): after random sequences of changes, deletions, restores and additions, some
 * made while a delta round is being paged, with the strict simulator's partial objects, duplicates and replays and
 * its request budget throttling the sync, the directory JoinScope holds equals the simulator's store after delta
 * rounds, and a full sync afterwards finds nothing to change. Fixed seeds; bounded (300 devices, 300 operations).
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { db } from "@/lib/db/client";
import { createGraphClient, type GraphClient } from "@/lib/graph/graph-client";
import { GraphDeviceSchema } from "@/lib/graph/graph-schemas";
import { DEVICE_SELECT_PROPERTIES } from "@/lib/graph/sync-requests";
import { buildAlternativeSecurityIdKey } from "@/simulator/generate-tenant";
import { createPrng, type Prng } from "@/simulator/prng";
import type { SimulatorHandle } from "@/simulator/server";
import type { GraphDevice } from "@/simulator/types";
import { loadTenantApp } from "@/lib/sync/load-tenant-app";
import { mapGraphDevice } from "@/lib/sync/map-graph-device";
import { runSync } from "@/lib/sync/run-sync";
import { startSimulatedTenant } from "../setup/simulated-tenant";

const DEVICES = 300;
const OPERATIONS = 300;
const ROUNDS = 6;

function comparable(c: {
  objectId: string;
  deviceId: string | null;
  displayName: string | null;
  accountEnabled: boolean | null;
  trustType: string | null;
  registrationDateTime: Date | null;
  thumbprint: string | null;
  hardwareId: string | null;
  isPending: boolean | null;
  operatingSystemVersion: string | null;
  onPremisesSyncEnabled: boolean | null;
  physicalIds: unknown;
  alternativeSecurityIds: unknown;
}) {
  return {
    objectId: c.objectId,
    deviceId: c.deviceId,
    displayName: c.displayName,
    accountEnabled: c.accountEnabled,
    trustType: c.trustType,
    registrationDateTime: c.registrationDateTime?.toISOString() ?? null,
    thumbprint: c.thumbprint,
    hardwareId: c.hardwareId,
    isPending: c.isPending,
    operatingSystemVersion: c.operatingSystemVersion,
    onPremisesSyncEnabled: c.onPremisesSyncEnabled,
    physicalIds: c.physicalIds ?? null,
    alternativeSecurityIds: c.alternativeSecurityIds ?? null,
  };
}

const byObjectId = (a: { objectId: string }, b: { objectId: string }) => (a.objectId < b.objectId ? -1 : a.objectId > b.objectId ? 1 : 0);

describe.each([11, 29])("delta rounds and a full sync converge to Graph's store (seed %i)", (seed) => {
  let sim: SimulatorHandle;
  let tenantRef: string;
  let tenantId: string;
  let clock = Date.parse("2026-12-01T00:00:00Z");
  // Retry-After waits advance the simulator's clock instead of the test's time.
  const resilience = { sleep: async (ms: number) => void (clock += ms), baseDelayMs: 1, random: () => 0.5 };

  beforeAll(async () => {
    ({ sim, tenantRef, tenantId } = await startSimulatedTenant(db, {
      seed,
      deviceCount: DEVICES,
      simulator: { deltaPageSize: 25, seed, ruBudget: 12, now: () => clock },
    }));
  });
  afterAll(async () => sim?.close());

  const theirs = () =>
    sim.state
      .tenant(tenantId)
      .listDevices()
      .map((d) => comparable(mapGraphDevice(GraphDeviceSchema.parse(Object.fromEntries(DEVICE_SELECT_PROPERTIES.filter((p) => p in d).map((p) => [p, d[p]]))))))
      .sort(byObjectId);
  const ours = async () =>
    (
      await db.directoryDevice.findMany({
        where: { tenantRef, deletedAt: null },
        select: {
          objectId: true,
          deviceId: true,
          displayName: true,
          accountEnabled: true,
          trustType: true,
          registrationDateTime: true,
          thumbprint: true,
          hardwareId: true,
          isPending: true,
          operatingSystemVersion: true,
          onPremisesSyncEnabled: true,
          physicalIds: true,
          alternativeSecurityIds: true,
        },
      })
    )
      .map(comparable)
      .sort(byObjectId);

  /** One random change to the directory, as admins, Intune, Entra Connect and devices make them. */
  function operate(prng: Prng): void {
    const store = sim.state.tenant(tenantId);
    const alive = store.listDevices();
    const deleted = store.listDeletedDevices();
    const roll = prng.next();
    if (roll < 0.08 && deleted.length) {
      store.restoreDevice(prng.pick(deleted).id);
    } else if (roll < 0.16 && alive.length > 50) {
      store.deleteDevice(prng.pick(alive).id, { soft: prng.chance(0.5) });
    } else if (roll < 0.22) {
      const template = prng.pick(alive);
      store.addDevice({
        ...template,
        id: prng.guid(),
        deviceId: prng.guid(),
        displayName: `PC-${prng.hex(6).toUpperCase()}`,
        onPremisesSyncEnabled: null,
      } as GraphDevice);
    } else {
      const d = prng.pick(alive);
      const patch: Partial<GraphDevice> = {};
      for (let i = prng.int(1, 3); i > 0; i--) {
        switch (prng.int(0, 7)) {
          case 0:
            patch.displayName = `PC-${prng.hex(6).toUpperCase()}`;
            break;
          case 1:
            patch.accountEnabled = !d.accountEnabled;
            break;
          case 2:
            patch.registrationDateTime = prng.chance(0.3)
              ? null
              : new Date(Date.UTC(2025, prng.int(0, 11), prng.int(1, 28), prng.int(0, 23))).toISOString().replace(".000Z", "Z");
            break;
          case 3:
            patch.alternativeSecurityIds = prng.chance(0.3)
              ? []
              : [{ type: 2, identityProvider: null, key: buildAlternativeSecurityIdKey(prng.hex(40).toUpperCase(), prng.bytes(32)) }];
            break;
          case 4:
            patch.trustType = prng.pick(["AzureAd", "ServerAd", "Workplace"] as const);
            break;
          case 5:
            patch.operatingSystemVersion = `10.0.${prng.int(19041, 26100)}.${prng.int(1, 5000)}`;
            break;
          case 6:
            patch.onPremisesSyncEnabled = prng.pick([true, false, null]);
            break;
          case 7:
            patch.physicalIds = prng.chance(0.3) ? [] : [`[HWID]:h:${prng.int(1e15, 9e15)}`, `[GID]:g:${prng.int(1e15, 9e15)}`];
            break;
        }
      }
      store.updateDevice(d.id, patch);
    }
  }

  it("after every quiet delta round, and after a full sync that then finds nothing to change", async () => {
    const started = Date.now();
    const prng = createPrng(seed * 7919);
    const full = await runSync(db, { tenantRef, mode: "full", trigger: "test", resilience, evaluateFindings: false, checkKeyPresence: false });
    expect(full.ok).toBe(true);
    expect(await ours()).toEqual(theirs());

    const loaded = await loadTenantApp(db, tenantRef);
    if (!loaded.ok) throw new Error(loaded.error.message);
    const real = createGraphClient(loaded.app, resilience);
    let midRound = 0;
    // Changes made while a round is paged: before some of its later pages are requested.
    const meddling: GraphClient = {
      baseUrl: real.baseUrl,
      stats: real.stats,
      get: (url, schema, options) => {
        if (url.includes("$skiptoken=") && midRound > 0 && prng.chance(0.5)) {
          for (let i = prng.int(1, 4); i > 0 && midRound > 0; i--, midRound--) operate(prng);
        }
        return real.get(url, schema, options);
      },
    };
    const perRound = OPERATIONS / ROUNDS;
    let throttled = 0;
    for (let round = 0; round < ROUNDS; round++) {
      for (let i = 0; i < perRound * 0.7; i++) operate(prng);
      midRound = Math.ceil(perRound * 0.3);
      const busy = await runSync(db, { tenantRef, trigger: "test", graph: meddling, evaluateFindings: false });
      if (!busy.ok) throw new Error(busy.error.message);
      expect(busy.run.mode).toBe("delta");
      for (; midRound > 0; midRound--) operate(prng);
      // The round after: whatever changed while the last one was paged arrives now.
      const quiet = await runSync(db, { tenantRef, trigger: "test", graph: real, evaluateFindings: false });
      if (!quiet.ok) throw new Error(quiet.error.message);
      expect(await ours()).toEqual(theirs());
    }
    throttled = real.stats.throttledWaits;
    expect(throttled).toBeGreaterThan(0);

    const resync = await runSync(db, { tenantRef, mode: "full", trigger: "test", resilience, evaluateFindings: false, checkKeyPresence: false });
    if (!resync.ok) throw new Error(resync.error.message);
    expect(resync.run).toMatchObject({ added: 0, changed: 0, deleted: 0 });
    expect(await ours()).toEqual(theirs());
    // Objects the simulator no longer holds are deleted rows, never alive ones.
    const gone = await db.directoryDevice.count({ where: { tenantRef, deletedAt: { not: null } } });
    expect(gone).toBeGreaterThan(0);
    expect(Date.now() - started).toBeLessThan(60_000);
  });
});
