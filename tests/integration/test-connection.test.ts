/**
 * testTenantConnection ("Test connection"): each check's verdict and words, with the app signing in to the simulator
 * and a scripted Graph answering the requests after it (tests/integration/sync.test.ts sends them to the simulator's
 * Graph: which requests, and consent granted a minute ago).
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { db } from "@/lib/db/client";
import type { GraphFailure } from "@/lib/graph/graph-client";
import { BITLOCKER_KEYS_REQUEST, DELTA_LATEST_REQUEST, devicesFirstPageRequest, LAPS_CREDENTIALS_REQUEST } from "@/lib/graph/sync-requests";
import { SIGN_IN_PROBE_REQUEST } from "@/lib/signins/sign-in-requests";
import { loadTenantApp } from "@/lib/sync/load-tenant-app";
import { testTenantConnection } from "@/lib/sync/test-tenant-connection";
import { page, scriptedGraph, type ScriptedAnswer } from "@/lib/sync/testing/scripted-graph";
import { createTenant } from "@/lib/tenants/create-tenant";
import type { SimulatorHandle } from "@/simulator/server";
import { startSimulatedTenant } from "../setup/simulated-tenant";

const forbidden: GraphFailure = { kind: "forbidden", status: 403, code: "Authorization_RequestDenied", message: "Insufficient privileges" };
const busy: GraphFailure = { kind: "http", status: 503, code: "serviceNotAvailable", message: "Graph is busy" };
const network: GraphFailure = { kind: "network", message: "fetch failed: ECONNRESET" };

/** Every request answered as a healthy tenant with every permission answers it. */
const healthy = (): Record<string, ScriptedAnswer> => ({
  [DELTA_LATEST_REQUEST]: { body: { "@odata.deltaLink": "https://graph.microsoft.com/v1.0/devices/delta?$deltatoken=x", value: [] } },
  [devicesFirstPageRequest(1)]: page([{ id: "8a2b7c4e-1f3d-4e5a-9b6c-7d8e9f0a1b2c" }]),
  [BITLOCKER_KEYS_REQUEST]: page([]),
  [LAPS_CREDENTIALS_REQUEST]: page([]),
  [SIGN_IN_PROBE_REQUEST]: page([]),
});

const CONSENT =
  "The app is missing the Device.Read.All application permission (or admin consent): add it under API permissions → Microsoft Graph → Application permissions, then Grant admin consent.";

describe("testTenantConnection's checks", () => {
  let sim: SimulatorHandle;
  let tenantRef: string;
  let signedIn: string;

  beforeAll(async () => {
    ({ sim, tenantRef } = await startSimulatedTenant(db, { seed: 2520, deviceCount: 2 }));
    const loaded = await loadTenantApp(db, tenantRef);
    if (!loaded.ok) throw new Error(loaded.error.message);
    signedIn = `Signed in to ${loaded.app.cloud.authorityHost} as ${loaded.app.clientId}`;
  });
  afterAll(async () => sim?.close());

  it("every check passing", async () => {
    const report = await testTenantConnection(db, { tenantRef, graph: scriptedGraph(healthy()) });
    expect(report).toEqual({
      ok: true,
      checks: [
        { name: "Sign in as the app", status: "ok", message: signedIn },
        { name: "Device.Read.All", status: "ok", message: "Devices can be listed and tracked with delta, with the properties the sync selects" },
        { name: "BitlockerKey.ReadBasic.All", status: "ok", message: "BitLocker recovery key presence can be read" },
        { name: "DeviceLocalCredential.ReadBasic.All", status: "ok", message: "LAPS password presence can be read" },
        { name: "AuditLog.Read.All", status: "ok", message: "The sign-in log can be read: blocked sign-ins are explained on the Sign-ins page" },
      ],
    });
  });

  it.each([
    { request: DELTA_LATEST_REQUEST, failure: forbidden, message: CONSENT, sent: 1 },
    { request: devicesFirstPageRequest(1), failure: forbidden, message: CONSENT, sent: 2 },
    {
      request: DELTA_LATEST_REQUEST,
      failure: busy,
      message:
        "Graph refused the sync's first request (a delta link for the device properties it selects) (serviceNotAvailable: Graph is busy); a sync would fail the same way.",
      sent: 1,
    },
    {
      request: devicesFirstPageRequest(1),
      failure: network,
      message: "Graph refused the sync's device list (fetch failed: ECONNRESET); a sync would fail the same way.",
      sent: 2,
    },
  ])("the device requests failing ($failure.kind at request $sent) fail the test, and nothing is sent after", async ({ request, failure, message, sent }) => {
    const graph = scriptedGraph({ ...healthy(), [request]: failure });
    const report = await testTenantConnection(db, { tenantRef, graph });
    expect(report).toEqual({
      ok: false,
      checks: [
        { name: "Sign in as the app", status: "ok", message: signedIn },
        { name: "Device.Read.All", status: "failed", message },
      ],
    });
    expect(graph.seen).toHaveLength(sent);
  });

  it("the key lists and the sign-in log are optional: their failures are warnings, each in its own words", async () => {
    const graph = scriptedGraph({ ...healthy(), [BITLOCKER_KEYS_REQUEST]: forbidden, [LAPS_CREDENTIALS_REQUEST]: busy, [SIGN_IN_PROBE_REQUEST]: network });
    const report = await testTenantConnection(db, { tenantRef, graph });
    expect(report.ok).toBe(true);
    expect(report.checks.slice(2)).toEqual([
      {
        name: "BitlockerKey.ReadBasic.All",
        status: "warning",
        message: "Optional: without BitlockerKey.ReadBasic.All, JoinScope cannot tell whether BitLocker recovery key would be lost by a re-join.",
      },
      { name: "DeviceLocalCredential.ReadBasic.All", status: "warning", message: "LAPS password: Graph is busy" },
      {
        name: "AuditLog.Read.All",
        status: "warning",
        message: "Could not read the sign-in log: fetch failed: ECONNRESET. The next pull resumes where this one stopped.",
      },
    ]);
  });

  it("the other way round: LAPS forbidden, BitLocker failing otherwise", async () => {
    const graph = scriptedGraph({ ...healthy(), [BITLOCKER_KEYS_REQUEST]: network, [LAPS_CREDENTIALS_REQUEST]: forbidden });
    const report = await testTenantConnection(db, { tenantRef, graph });
    expect(report.checks.slice(2, 4)).toEqual([
      { name: "BitlockerKey.ReadBasic.All", status: "warning", message: "BitLocker recovery key: fetch failed: ECONNRESET" },
      {
        name: "DeviceLocalCredential.ReadBasic.All",
        status: "warning",
        message: "Optional: without DeviceLocalCredential.ReadBasic.All, JoinScope cannot tell whether LAPS password would be lost by a re-join.",
      },
    ]);
  });

  it("a tenant without an app registration fails at once, sending nothing", async () => {
    const created = await createTenant(db, { tenantId: "5a4b3c2d-0000-4000-8000-eeeeeeeeeeee", name: "No app yet", actor: "test" });
    if (!created.ok) throw new Error(created.error.message);
    const loaded = await loadTenantApp(db, created.id);
    const graph = scriptedGraph(healthy());
    const report = await testTenantConnection(db, { tenantRef: created.id, graph });
    expect(report).toEqual({ ok: false, checks: [{ name: "App registration", status: "failed", message: !loaded.ok && loaded.error.message }] });
    expect(graph.seen).toEqual([]);
  });
});
