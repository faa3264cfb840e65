/**
 * `joinscope tenant probe`: the requests whose real behaviour the simulator assumes, run read-only against a
 * tenant, reported as shapes and counts; here against the simulator, whose answers are the assumptions.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { db } from "@/lib/db/client";
import type { SimulatorHandle } from "@/simulator/server";
import type { GraphFailure } from "@/lib/graph/graph-client";
import { BITLOCKER_KEYS_REQUEST, DELTA_LATEST_REQUEST, DEVICE_SELECT, devicesFirstPageRequest, LAPS_CREDENTIALS_REQUEST } from "@/lib/graph/sync-requests";
import { probeTenant, type ProbeResult } from "@/lib/sync/probe-tenant";
import { runSync } from "@/lib/sync/run-sync";
import { page, scriptedGraph, type ScriptedAnswer } from "@/lib/sync/testing/scripted-graph";
import { createTenant } from "@/lib/tenants/create-tenant";
import { setTenantApp } from "@/lib/tenants/set-tenant-app";
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

describe("probeTenant's report (a scripted Graph)", () => {
  const NEXT = "https://graph.microsoft.com/v1.0/devices/delta?$skiptoken=";
  let seq = 0;
  async function tenantWithApp(deltaLink: string | null): Promise<string> {
    seq += 1;
    const created = await createTenant(db, { tenantId: `5a4b3c2d-0000-4000-8000-${String(seq).padStart(12, "0")}`, name: `Probe ${seq}`, actor: "test" });
    if (!created.ok) throw new Error(created.error.message);
    const app = await setTenantApp(db, {
      tenantRef: created.id,
      cloud: "global",
      clientId: "0f0e0d0c-0b0a-4909-8807-060504030201",
      credential: { kind: "secret", clientSecret: "a-secret" },
      actor: "test",
    });
    expect(app).toEqual({ ok: true });
    await db.tenant.update({ where: { id: created.id }, data: { deltaLink } });
    return created.id;
  }

  const forbidden: ScriptedAnswer = { kind: "forbidden", status: 403, code: "Authorization_RequestDenied", message: "Insufficient privileges" };
  const badRequest: ScriptedAnswer = { kind: "http", status: 400, code: "BadRequest", message: "$top is not supported" };
  const auth = { kind: "auth", auth: { code: "invalid-secret", message: "AADSTS7000215" }, message: "AADSTS7000215" } as unknown as ScriptedAnswer;
  const network: ScriptedAnswer = { kind: "network", message: "fetch failed: ECONNRESET" } satisfies GraphFailure;
  const errorShape = { error: { code: "string", message: "string" } };
  const device = (id: string, extra: Record<string, unknown> = {}) => ({ id, displayName: `PC-${id}`, ...extra });

  /** Every request the probe sends after its delta round, scripted. */
  const rest = (): Record<string, ScriptedAnswer> => ({
    [DELTA_LATEST_REQUEST]: { body: { "@odata.context": "https://graph.microsoft.com/v1.0/$metadata#devices", "@odata.deltaLink": `${NEXT}x`, value: [] } },
    // One page only, though Graph offers a next one.
    [devicesFirstPageRequest(5)]: page([device("d1", { trustType: "AzureAd" }), device("d2")], "https://graph.microsoft.com/v1.0/devices?$skiptoken=p2"),
    [BITLOCKER_KEYS_REQUEST]: forbidden,
    [`${BITLOCKER_KEYS_REQUEST}?$top=1`]: badRequest,
    [LAPS_CREDENTIALS_REQUEST]: auth,
    "/devices?$select=id,createdDateTime&$top=1": network,
  });

  it("without a stored delta link: the first page of a delta round; each answer as its status, code and shape", async () => {
    const tenantRef = await tenantWithApp(null);
    const graph = scriptedGraph({
      ...rest(),
      [`/devices/delta?$select=${DEVICE_SELECT}`]: page([device("d1"), device("d2", { trustType: "Workplace" })], `${NEXT}2`),
    });
    const outcome = await probeTenant(db, { tenantRef, graph });
    expect(outcome.ok).toBe(true);
    const results = outcome.ok ? outcome.results : [];
    expect(results.map((r) => [r.name, r.request, r.status, r.errorCode])).toEqual([
      ["Delta link (the full sync's first request)", DELTA_LATEST_REQUEST.replace("$deltatoken=latest", "$deltatoken=…"), 200, null],
      ["First page of a delta round", `/devices/delta?$select=${DEVICE_SELECT}`, 200, null],
      ["Devices (the full sync's page request, 5 devices)", devicesFirstPageRequest(5), 200, null],
      ["BitLocker recovery keys (key presence's request)", BITLOCKER_KEYS_REQUEST, 403, "Authorization_RequestDenied"],
      ["BitLocker recovery keys with $top=1", `${BITLOCKER_KEYS_REQUEST}?$top=1`, 400, "BadRequest"],
      ["LAPS credentials (key presence's request)", LAPS_CREDENTIALS_REQUEST, null, "auth"],
      ["Devices with $select=createdDateTime", "/devices?$select=id,createdDateTime&$top=1", null, "network"],
    ]);
    expect(results.map((r) => r.expected)).toEqual([
      "200: no entries and an @odata.deltaLink",
      "200: new objects with the properties that are set (unset ones left out)",
      "200: every selected property, null when unset",
      "200 (403 without BitlockerKey.ReadBasic.All)",
      "400: the list does not support $top",
      "200 (403 without DeviceLocalCredential.ReadBasic.All)",
      "400: createdDateTime is not a documented v1.0 device property",
    ]);
    const [latest, round, devices, bitlocker, top, lapsResult, created] = results;
    expect(latest).toMatchObject({
      shape: { "@odata.context": "string (link)", "@odata.deltaLink": "string (link)", value: [] },
      pages: 1,
      entries: { count: 0, removed: 0, removedReasons: [], propertyCounts: {} },
    });
    expect(round).toMatchObject({
      pages: 1,
      entries: { count: 2, removed: 0, removedReasons: [], propertyCounts: { id: 2, displayName: 2, trustType: 1 } },
    });
    expect(devices).toMatchObject({ pages: 1, entries: { count: 2, propertyCounts: { id: 2, displayName: 2, trustType: 1 } } });
    expect(devices!.shape).toEqual({
      "@odata.nextLink": "string (link)",
      value: [
        { displayName: "string", id: "string", trustType: "string" },
        { displayName: "string", id: "string" },
      ],
    });
    for (const failed of [bitlocker, top, created]) expect(failed).toMatchObject({ shape: errorShape });
    // A sign-in failure has no Graph body.
    expect(lapsResult!.shape).toBeNull();
    for (const failed of [bitlocker, top, lapsResult, created]) expect(failed).not.toHaveProperty("pages");
    expect(graph.seen).toHaveLength(7);
  });

  it("with a stored delta link: its round, up to deltaPages pages, counting removals by reason; tokens left out of the request", async () => {
    const tenantRef = await tenantWithApp("https://graph.microsoft.com/v1.0/devices/delta?$deltaToken=SECRET-TOKEN&$select=id");
    const removed = (id: string, reason: string) => ({ id, "@removed": { reason } });
    const round = {
      "https://graph.microsoft.com/v1.0/devices/delta?$deltaToken=SECRET-TOKEN&$select=id": page([device("d1"), removed("d2", "deleted")], `${NEXT}2`),
      [`${NEXT}2`]: page([removed("d3", "changed"), removed("d4", "changed"), { id: "d5", accountEnabled: false }], `${NEXT}3`),
      [`${NEXT}3`]: page([removed("d6", "gone")], `${NEXT}4`),
      [`${NEXT}4`]: page([device("d7")]),
    };
    const two = await probeTenant(db, { tenantRef, graph: scriptedGraph({ ...rest(), ...round }), deltaPages: 2 });
    const result = two.ok ? two.results[1] : undefined;
    expect(result).toMatchObject({
      name: "Delta round from the stored delta link (the delta sync's request)",
      request: "/devices/delta?$deltaToken=…&$select=id",
      expected: "200: updated objects carry their id and changed properties only; removals as {id, @removed: {reason: changed|deleted}}",
      status: 200,
      pages: 2,
      entries: { count: 5, removed: 3, removedReasons: ["changed", "deleted"], propertyCounts: { id: 2, displayName: 1, accountEnabled: 1 } },
    });
    // Two bodies: their shapes, each once.
    expect(result!.shape).toEqual([
      {
        "@odata.nextLink": "string (link)",
        value: [
          { displayName: "string", id: "string" },
          { "@removed": { reason: "string" }, id: "string" },
        ],
      },
      {
        "@odata.nextLink": "string (link)",
        value: [
          { "@removed": { reason: "string" }, id: "string" },
          { accountEnabled: "boolean", id: "string" },
        ],
      },
    ]);

    const byDefault = await probeTenant(db, { tenantRef, graph: scriptedGraph({ ...rest(), ...round }) });
    expect(byDefault.ok && byDefault.results[1]).toMatchObject({ pages: 3, entries: { count: 6, removed: 4, removedReasons: ["changed", "deleted", "gone"] } });
    const all = await probeTenant(db, { tenantRef, graph: scriptedGraph({ ...rest(), ...round }), deltaPages: 9 });
    expect(all.ok && all.results[1]).toMatchObject({ pages: 4, entries: { count: 7 } });
  });

  it("a page that fails part way reports the failure, not the pages before it", async () => {
    const tenantRef = await tenantWithApp("https://graph.microsoft.com/v1.0/devices/delta?$deltatoken=t1");
    const graph = scriptedGraph({
      ...rest(),
      "https://graph.microsoft.com/v1.0/devices/delta?$deltatoken=t1": page([device("d1")], `${NEXT}2`),
      [`${NEXT}2`]: { kind: "delta-expired", status: 410, code: "syncStateNotFound", message: "expired" },
    });
    const outcome = await probeTenant(db, { tenantRef, graph });
    expect(outcome.ok && outcome.results[1]).toEqual({
      name: "Delta round from the stored delta link (the delta sync's request)",
      request: "/devices/delta?$deltatoken=…",
      expected: "200: updated objects carry their id and changed properties only; removals as {id, @removed: {reason: changed|deleted}}",
      status: 410,
      errorCode: "syncStateNotFound",
      shape: errorShape,
    });
  });

  it("leaves a skip token out of the request too, and the rest of the link after it", async () => {
    const stored = "https://graph.microsoft.com/v1.0/devices/delta?$SkipToken=SECRET-SKIP&$top=5";
    const tenantRef = await tenantWithApp(stored);
    const outcome = await probeTenant(db, { tenantRef, graph: scriptedGraph({ ...rest(), [stored]: page([]) }) });
    expect(outcome.ok && outcome.results[1]!.request).toBe("/devices/delta?$SkipToken=…&$top=5");
  });

  it("a tenant without an app registration is refused before any request", async () => {
    const created = await createTenant(db, { tenantId: "5a4b3c2d-0000-4000-8000-ffffffffffff", name: "No app", actor: "test" });
    if (!created.ok) throw new Error(created.error.message);
    const graph = scriptedGraph({});
    const outcome = await probeTenant(db, { tenantRef: created.id, graph });
    expect(outcome.ok).toBe(false);
    expect(!outcome.ok && outcome.error.message).toMatch(/app registration/i);
    expect(graph.seen).toEqual([]);
  });
});
