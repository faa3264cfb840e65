/**
 * `joinscope tenant probe`: the requests whose real behaviour the simulator assumes, run read-only against a
 * tenant, reported as shapes and counts; here against the simulator, whose answers are the assumptions.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { db } from "@/lib/db/client";
import type { SimulatorHandle } from "@/simulator/server";
import type { ProbeResult } from "@/lib/sync/probe-tenant";
import { runSync } from "@/lib/sync/run-sync";
import { runJoinscope } from "../setup/run-joinscope";
import { startSimulatedTenant } from "../setup/simulated-tenant";

const joinscope = (args: string[]) => runJoinscope(args);

describe("joinscope tenant probe", () => {
  let sim: SimulatorHandle;
  let tenantRef: string;
  let tenantId: string;
  let clientSecret: string;

  beforeAll(async () => {
    ({ sim, tenantRef, tenantId, clientSecret } = await startSimulatedTenant(db, { seed: 2515, deviceCount: 40 }));
    const full = await runSync(db, { tenantRef, mode: "full", trigger: "test", evaluateFindings: false });
    expect(full.ok).toBe(true);
  });
  afterAll(async () => sim?.close());

  it("prints what each request got back as shapes and counts, never values, and stores nothing", async () => {
    const store = sim.state.tenant(tenantId);
    const [renamed, removed] = store.listDevices().slice(0, 2);
    store.updateDevice(renamed!.id, { displayName: "PC-PROBE-SECRET-NAME" });
    store.deleteDevice(removed!.id, { soft: true });
    const before = await db.tenant.findUniqueOrThrow({ where: { id: tenantRef }, select: { deltaLink: true } });

    const json = await joinscope(["tenant", "probe", "--tenant", tenantId, "--format", "json"]);
    expect(json.stderr).toBe("");
    expect(json.code).toBe(0);
    const results = JSON.parse(json.stdout) as ProbeResult[];
    const byName = (prefix: string) => results.find((r) => r.name.startsWith(prefix))!;
    expect(byName("Delta link")).toMatchObject({ status: 200, shape: { "@odata.context": "string (link)", "@odata.deltaLink": "string (link)", value: [] } });
    const round = byName("Delta round from the stored delta link");
    expect(round).toMatchObject({ status: 200, entries: { removed: 1, removedReasons: ["changed"] } });
    // The renamed device arrived as its id and its new name only: the partial objects the sync merges.
    expect(round.entries!.propertyCounts.displayName).toBeGreaterThanOrEqual(1);
    expect(round.request).toBe("/devices/delta?$deltatoken=…");
    expect(byName("BitLocker recovery keys (")).toMatchObject({ status: 200 });
    expect(byName("BitLocker recovery keys with $top")).toMatchObject({ status: 400, errorCode: "BadRequest" });
    expect(byName("LAPS")).toMatchObject({ status: 200 });
    expect(byName("Devices with $select=createdDateTime")).toMatchObject({ status: 400, errorCode: "Request_BadRequest" });
    expect(byName("Devices (")).toMatchObject({ status: 200, entries: { count: 5 } });

    for (const value of ["PC-PROBE-SECRET-NAME", renamed!.id, removed!.id, renamed!.deviceId, clientSecret]) expect(json.stdout).not.toContain(value);
    const after = await db.tenant.findUniqueOrThrow({ where: { id: tenantRef }, select: { deltaLink: true } });
    expect(after.deltaLink).toBe(before.deltaLink);

    const text = await joinscope(["tenant", "probe", "--tenant", tenantId]);
    expect(text.code).toBe(0);
    expect(text.stdout).toContain("BitLocker recovery keys with $top=1\n  GET /informationProtection/bitlocker/recoveryKeys?$top=1\n  expected: 400");
    expect(text.stdout).not.toContain("PC-PROBE-SECRET-NAME");
  });
});
