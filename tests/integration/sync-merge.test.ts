/**
 * Delta as Graph documents it (https://learn.microsoft.com/graph/delta-query-overview): an updated object arrives as
 * its id and the properties that changed, and a round may carry an object more than once, a removal before a
 * restore included. The sync merges each entry into what it holds and applies a round's entries in order.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { db } from "@/lib/db/client";
import type { SimulatorHandle } from "@/simulator/server";
import { runSync } from "@/lib/sync/run-sync";
import { startSimulatedTenant } from "../setup/simulated-tenant";

const fast = { sleep: async () => undefined, baseDelayMs: 1 };

describe("delta merges partial objects and applies a round in order", () => {
  let sim: SimulatorHandle;
  let tenantRef: string;
  let tenantId: string;

  beforeAll(async () => {
    ({ sim, tenantRef, tenantId } = await startSimulatedTenant(db, { seed: 2501, deviceCount: 120 }));
    const full = await runSync(db, { tenantRef, mode: "full", trigger: "test", resilience: fast, evaluateFindings: false });
    expect(full.ok).toBe(true);
  });
  afterAll(async () => sim?.close());

  const row = (objectId: string) =>
    db.directoryDevice.findFirstOrThrow({
      where: { tenantRef, objectId },
      select: {
        displayName: true,
        thumbprint: true,
        registrationDateTime: true,
        trustType: true,
        deviceId: true,
        accountEnabled: true,
        deletedAt: true,
        deletedReason: true,
        physicalIds: true,
        hardwareId: true,
      },
    });
  const delta = async () => {
    const outcome = await runSync(db, { tenantRef, trigger: "test", resilience: fast, evaluateFindings: false });
    if (!outcome.ok) throw new Error(outcome.error.message);
    expect(outcome.run.mode).toBe("delta");
    return outcome.run;
  };

  it("a renamed device keeps its thumbprint, registration time and trust type (a missing property is not null)", async () => {
    const store = sim.state.tenant(tenantId);
    const device = store.listDevices().find((d) => d.alternativeSecurityIds?.length && d.registrationDateTime && d.trustType)!;
    const before = await row(device.id);
    expect(before.thumbprint).not.toBeNull();
    store.updateDevice(device.id, { displayName: "PC-RENAMED-2501" });
    const run = await delta();
    expect(run.changed).toBeGreaterThanOrEqual(1);
    const after = await row(device.id);
    expect(after).toEqual({ ...before, displayName: "PC-RENAMED-2501" });
    // The timeline records the rename and nothing else for it: no certificate removal, no nulls.
    const changes = await db.directoryChange.findMany({ where: { tenantRef, objectId: device.id }, select: { kind: true, detail: true } });
    expect(changes).toEqual([{ kind: "changed", detail: { displayName: { from: before.displayName, to: "PC-RENAMED-2501" } } }]);
  });

  it("a device deleted and restored within one round is alive; one created and deleted within it is deleted", async () => {
    const store = sim.state.tenant(tenantId);
    const bounced = store.listDevices().find((d) => d.trustType === "AzureAd")!;
    store.deleteDevice(bounced.id, { soft: true });
    store.restoreDevice(bounced.id);
    const template = store.listDevices()[0]!;
    const ephemeral = store.addDevice({
      ...template,
      id: "25010000-0000-4000-8000-000000000001",
      deviceId: "25010000-0000-4000-8000-000000000002",
      displayName: "PC-EPHEMERAL",
    });
    store.deleteDevice(ephemeral.id);
    await delta();
    expect((await row(bounced.id)).deletedAt).toBeNull();
    const gone = await db.directoryDevice.findMany({ where: { tenantRef, objectId: ephemeral.id, deletedAt: null } });
    expect(gone).toEqual([]);
  });

  it("an unknown @removed reason is treated as 'changed' (soft), and the page still commits", async () => {
    const store = sim.state.tenant(tenantId);
    const [odd, renamed] = store.listDevices().slice(20, 22);
    store.deleteDevice(odd!.id, { soft: true, removedReason: "archived" });
    store.updateDevice(renamed!.id, { displayName: "PC-SAME-PAGE" });
    await delta();
    expect(await row(odd!.id)).toMatchObject({ deletedReason: "changed", deletedAt: expect.any(Date) });
    expect((await row(renamed!.id)).displayName).toBe("PC-SAME-PAGE");
  });

  it("a deleted object coming back whole replaces its row; one coming back partial is merged into it", async () => {
    const { directDb } = await import("@/lib/db/direct");
    const { planDeltaPage } = await import("@/lib/sync/write-device-page");
    const { GraphDeviceSchema } = await import("@/lib/graph/graph-schemas");
    const store = sim.state.tenant(tenantId);
    const [wholeOne, partialOne] = store
      .listDevices()
      .filter((d) => d.registrationDateTime && d.alternativeSecurityIds?.length)
      .slice(3, 5);
    const apply = async (device: Record<string, unknown>) => {
      await db.directoryDevice.updateMany({ where: { tenantRef, objectId: device.id as string }, data: { deletedAt: new Date(), deletedReason: "changed" } });
      const write = await planDeltaPage(directDb(), {
        tenantRef,
        entries: [{ kind: "object", device: GraphDeviceSchema.parse(device) }],
        now: new Date(),
        syncRunRef: "test",
      });
      await directDb().batch(write.statements);
    };
    const before = await row(partialOne!.id);
    await apply({ id: wholeOne!.id, deviceId: wholeOne!.deviceId, displayName: wholeOne!.displayName, trustType: wholeOne!.trustType });
    await apply({ id: partialOne!.id, accountEnabled: true });
    expect(await row(wholeOne!.id)).toMatchObject({ deletedAt: null, registrationDateTime: null, thumbprint: null, trustType: wholeOne!.trustType });
    expect(await row(partialOne!.id)).toEqual({ ...before, accountEnabled: true });
    // Back to what Graph holds, for the tests after this one.
    expect((await runSync(db, { tenantRef, mode: "full", trigger: "test", resilience: fast, evaluateFindings: false })).ok).toBe(true);
  });

  it("a property set to null in Graph is cleared (sent as null, not left out)", async () => {
    const store = sim.state.tenant(tenantId);
    const device = store.listDevices().find((d) => d.registrationDateTime && d.deletedDateTime === null)!;
    store.updateDevice(device.id, { registrationDateTime: null });
    await delta();
    expect((await row(device.id)).registrationDateTime).toBeNull();
  });
});
