/**
 * Drives the simulator through the real clients: MSAL Node's ConfidentialClientApplication for
 * tokens and the Microsoft Graph JS client (plus plain fetch) for Graph. Trust in the simulator CA
 * is given in process through `testing/ca-fetch.ts`; `unmodified-clients.test.ts` covers the
 * NODE_EXTRA_CA_CERTS route with no client changes at all.
 */
import { ConfidentialClientApplication, ServerError } from "@azure/msal-node";
import { AuthenticationHandler, Client, RetryHandler, RetryHandlerOptions, type Context, type Middleware } from "@microsoft/microsoft-graph-client";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { generateAppCertificate, type AppCertificate } from "./certificates";
import { createSimTenant } from "./create-sim-tenant";
import { startSimulator, type SimulatorHandle, type SimTenant } from "./server";
import { createCaFetch, createCaNetworkClient, type FetchLike } from "./testing/ca-fetch";
import type { GraphDevice } from "./types";

let sim: SimulatorHandle;
let tenant: SimTenant;
let appCert: AppCertificate;
let caFetch: FetchLike;
const NO_DEVICE_APP = "3f0c7c5e-9d43-4a5e-9d0e-5b1f7e0a0001";
const CERT_APP = "3f0c7c5e-9d43-4a5e-9d0e-5b1f7e0a0002";

function msalApp(
  auth: { clientId: string; clientSecret?: string; clientCertificate?: { thumbprintSha256: string; privateKey: string } },
  tenantId = tenant.tenantId,
) {
  return new ConfidentialClientApplication({
    auth: { ...auth, ...sim.msalAuthority(tenantId) },
    system: { networkClient: createCaNetworkClient(sim.caPem) },
  });
}

async function tokenFor(clientId = tenant.clientId, clientSecret = tenant.clientSecret, tenantId = tenant.tenantId): Promise<string> {
  const result = await msalApp({ clientId, ...(clientSecret ? { clientSecret } : {}) }, tenantId).acquireTokenByClientCredential({
    scopes: ["https://graph.microsoft.com/.default"],
  });
  if (!result) throw new Error("no token");
  return result.accessToken;
}

/** The Graph client with its standard middleware, ending in a fetch that trusts the simulator CA. */
function graphClient(accessToken: string): Client {
  const auth = new AuthenticationHandler({ getAccessToken: async () => accessToken });
  const retry = new RetryHandler(new RetryHandlerOptions(0, 3));
  const send: Middleware = {
    execute: async (context: Context) => {
      context.response = await caFetch(context.request as string, context.options as RequestInit);
    },
  };
  auth.setNext(retry);
  retry.setNext(send);
  return Client.initWithMiddleware({ middleware: auth, baseUrl: `${sim.graphBaseUrl}/`, customHosts: new Set([new URL(sim.url).hostname]) });
}

async function get(path: string, token: string | null): Promise<{ status: number; headers: Headers; body: any }> {
  const res = await caFetch(path.startsWith("https://") ? path : `${sim.graphBaseUrl}${path}`, {
    headers: { "user-agent": "server.test", ...(token ? { authorization: `Bearer ${token}` } : {}) },
  });
  return { status: res.status, headers: res.headers, body: await res.json() };
}

async function followDelta(client: Client, url: string): Promise<{ items: any[]; deltaLink: string; pages: number }> {
  const items: any[] = [];
  let next: string | undefined = url;
  let pages = 0;
  for (;;) {
    const page: any = await client.api(next).get();
    pages++;
    items.push(...page.value);
    if (page["@odata.deltaLink"]) return { items, deltaLink: page["@odata.deltaLink"], pages };
    next = page["@odata.nextLink"];
    if (!next) throw new Error("page with neither nextLink nor deltaLink");
  }
}

beforeAll(async () => {
  appCert = await generateAppCertificate();
  ({ tenant } = createSimTenant({ seed: 21, deviceCount: 1200, now: "2025-03-10T12:00:00Z" }));
  tenant = {
    ...tenant,
    extraApps: [
      { clientId: NO_DEVICE_APP, clientSecret: "no-device-secret", permissions: ["BitlockerKey.ReadBasic.All"] },
      { clientId: CERT_APP, permissions: ["Device.Read.All"], certificates: [appCert.certPem] },
    ],
  };
  const other = createSimTenant({ seed: 22, deviceCount: 30, tenantName: "Fabrikam" }).tenant;
  sim = await startSimulator({ tenants: [tenant, other] });
  caFetch = createCaFetch(sim.caPem);
});

afterAll(async () => {
  await sim?.close();
});

afterEach(() => {
  sim.clearFaults();
});

describe("login (MSAL Node client credentials)", () => {
  it("issues a Graph token for the right secret, with the app's permissions as roles", async () => {
    const token = await tokenFor();
    const claims = JSON.parse(Buffer.from(token.split(".")[1]!, "base64url").toString());
    expect(claims).toMatchObject({ tid: tenant.tenantId, appid: tenant.clientId, aud: "https://graph.microsoft.com", roles: tenant.permissions });
    expect(claims.exp).toBeGreaterThan(Date.now() / 1000 + 3000);
    const calls = sim.requestLog.map((e) => `${e.method} ${e.path.split("?")[0]}`);
    expect(calls).toContain(`GET /${tenant.tenantId}/v2.0/.well-known/openid-configuration`);
    expect(calls).toContain(`POST /${tenant.tenantId}/oauth2/v2.0/token`);
  });

  it("accepts a certificate credential (client assertion signed with the app key, x5t#S256)", async () => {
    const result = await msalApp({
      clientId: CERT_APP,
      clientCertificate: { thumbprintSha256: appCert.thumbprintSha256, privateKey: appCert.privateKeyPem },
    }).acquireTokenByClientCredential({ scopes: ["https://graph.microsoft.com/.default"] });
    const claims = JSON.parse(Buffer.from(result!.accessToken.split(".")[1]!, "base64url").toString());
    expect(claims).toMatchObject({ appid: CERT_APP, appidacr: "2" });

    const other = await generateAppCertificate();
    const rejected = msalApp({
      clientId: CERT_APP,
      clientCertificate: { thumbprintSha256: other.thumbprintSha256, privateKey: other.privateKeyPem },
    }).acquireTokenByClientCredential({ scopes: ["https://graph.microsoft.com/.default"] });
    await expect(rejected).rejects.toMatchObject({ errorCode: "invalid_client", errorMessage: expect.stringContaining("AADSTS700027") });
  });

  it("answers a wrong secret like Entra: 401 invalid_client AADSTS7000215", async () => {
    const error = await msalApp({ clientId: tenant.clientId, clientSecret: "wrong~secret" })
      .acquireTokenByClientCredential({ scopes: ["https://graph.microsoft.com/.default"] })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ServerError);
    expect(error).toMatchObject({ errorCode: "invalid_client", errorMessage: expect.stringContaining("AADSTS7000215: Invalid client secret provided.") });

    const raw = await caFetch(`${sim.url}/${tenant.tenantId}/oauth2/v2.0/token`, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded", "client-request-id": "11111111-2222-3333-4444-555555555555" },
      body: new URLSearchParams({
        grant_type: "client_credentials",
        client_id: tenant.clientId,
        client_secret: "nope",
        scope: "https://graph.microsoft.com/.default",
      }).toString(),
    });
    expect(raw.status).toBe(401);
    const body = await raw.json();
    expect(body).toMatchObject({ error: "invalid_client", error_codes: [7000215], correlation_id: "11111111-2222-3333-4444-555555555555" });
    expect(body.error_description).toMatch(
      /^AADSTS7000215: Invalid client secret provided\. .* Trace ID: [0-9a-f-]{36} Correlation ID: 11111111-2222-3333-4444-555555555555 Timestamp: \d{4}-\d\d-\d\d \d\d:\d\d:\d\dZ$/,
    );
    expect(body.timestamp).toMatch(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\dZ$/);
    expect(body.trace_id).toMatch(/^[0-9a-f-]{36}$/);
  });

  it("rejects an unknown tenant (AADSTS90002) and an unknown client id (AADSTS700016)", async () => {
    const post = (tenantSegment: string, clientId: string) =>
      caFetch(`${sim.url}/${tenantSegment}/oauth2/v2.0/token`, {
        method: "POST",
        headers: { "content-type": "application/x-www-form-urlencoded" },
        body: new URLSearchParams({
          grant_type: "client_credentials",
          client_id: clientId,
          client_secret: "x",
          scope: "https://graph.microsoft.com/.default",
        }).toString(),
      });
    const unknownTenant = await post("00000000-0000-0000-0000-00000000dead", tenant.clientId);
    expect(unknownTenant.status).toBe(400);
    expect(await unknownTenant.json()).toMatchObject({
      error: "invalid_request",
      error_codes: [90002],
      error_description: expect.stringContaining("Tenant '00000000-0000-0000-0000-00000000dead' not found"),
    });

    const unknownClient = await post(tenant.tenantId, "99999999-0000-0000-0000-000000000000");
    expect(unknownClient.status).toBe(400);
    expect(await unknownClient.json()).toMatchObject({ error: "unauthorized_client", error_codes: [700016] });

    // Through MSAL the tenant fails already at OpenID discovery.
    await expect(
      msalApp({ clientId: tenant.clientId, clientSecret: tenant.clientSecret! }, "00000000-0000-0000-0000-00000000dead").acquireTokenByClientCredential({
        scopes: ["https://graph.microsoft.com/.default"],
      }),
    ).rejects.toThrow();
  });
});

describe("Graph", () => {
  it("pages /v1.0/devices with $select and $top=999 through the Graph client", async () => {
    const client = graphClient(await tokenFor());
    const seen: GraphDevice[] = [];
    let page: any = await client
      .api("/devices")
      .select(["id", "deviceId", "displayName", "alternativeSecurityIds", "registrationDateTime", "trustType"])
      .top(999)
      .get();
    expect(page["@odata.context"]).toBe(
      `${sim.graphBaseUrl}/v1.0/$metadata#devices(id,deviceId,displayName,alternativeSecurityIds,registrationDateTime,trustType)`,
    );
    seen.push(...page.value);
    while (page["@odata.nextLink"]) {
      expect(page["@odata.nextLink"]).toContain("$skiptoken=");
      page = await client.api(page["@odata.nextLink"]).get();
      seen.push(...page.value);
    }
    expect(seen).toHaveLength(tenant.devices.length);
    expect(new Set(seen.map((d) => d.id)).size).toBe(tenant.devices.length);
    expect(Object.keys(seen[0]!).sort()).toEqual(["alternativeSecurityIds", "deviceId", "displayName", "id", "registrationDateTime", "trustType"]);
    const original = tenant.devices.find((d) => d.id === seen[0]!.id)!;
    expect(seen[0]!.alternativeSecurityIds).toEqual(original.alternativeSecurityIds);
  });

  it("keeps a paging session on its snapshot while the directory changes", async () => {
    const token = await tokenFor();
    const first = await get("/v1.0/devices?$select=id&$top=500", token);
    const store = sim.state.tenant(tenant.tenantId);
    const victim = store.listDevices()[900]!;
    store.deleteDevice(victim.id);
    const ids = first.body.value.map((d: { id: string }) => d.id);
    let next = first.body["@odata.nextLink"];
    while (next) {
      const page = await get(next, token);
      ids.push(...page.body.value.map((d: { id: string }) => d.id));
      next = page.body["@odata.nextLink"];
    }
    expect(ids).toContain(victim.id);
    store.addDevice({ ...victim });
  });

  it("syncs with delta: full pages, then only adds, changes and deletes since the deltaLink", async () => {
    const client = graphClient(await tokenFor());
    const full = await followDelta(client, "/devices/delta?$select=id,deviceId,displayName,accountEnabled");
    expect(full.pages).toBeGreaterThan(1);
    expect(full.deltaLink).toMatch(new RegExp(`^${sim.graphBaseUrl}/v1\\.0/devices/delta\\?\\$deltatoken=`));
    expect(full.items.length).toBe(sim.state.tenant(tenant.tenantId).size);

    const store = sim.state.tenant(tenant.tenantId);
    const [changed, hard, soft] = store.listDevices().slice(0, 3) as [GraphDevice, GraphDevice, GraphDevice];
    const added: GraphDevice = {
      ...changed,
      id: "0d2f6a55-1a1b-4c4c-9d9d-000000000001",
      deviceId: "0d2f6a55-1a1b-4c4c-9d9d-000000000002",
      displayName: "PC-NEW",
    };
    store.updateDevice(changed.id, { accountEnabled: false });
    store.deleteDevice(hard.id);
    store.deleteDevice(soft.id, { soft: true });
    store.addDevice(added);

    const delta = await followDelta(client, full.deltaLink);
    // Entries apply in order, the last one per object winning (a round may repeat or replay objects).
    const byId = new Map(delta.items.map((i) => [i.id, i]));
    for (const id of [changed.id, hard.id, soft.id, added.id]) expect(byId.has(id)).toBe(true);
    // Strict delta (https://learn.microsoft.com/graph/delta-query-overview): an update carries its id and what changed.
    expect(byId.get(changed.id)).toEqual({ id: changed.id, accountEnabled: false });
    expect(byId.get(hard.id)).toEqual({ id: hard.id, "@removed": { reason: "deleted" } });
    expect(byId.get(soft.id)).toEqual({ id: soft.id, "@removed": { reason: "changed" } });
    expect(byId.get(added.id)).toMatchObject({ displayName: "PC-NEW" });

    const quiet = await followDelta(client, delta.deltaLink);
    expect(quiet.items).toEqual([]);

    const deleted = await client.api("/directory/deletedItems/microsoft.graph.device").version("beta").get();
    expect(deleted.value.map((d: GraphDevice) => d.id)).toContain(soft.id);
    store.restoreDevice(soft.id);
  });

  it("sends partial objects, omits unset properties, and replays a removal before a restore in the same round", async () => {
    const token = await tokenFor();
    const select = "id,deviceId,displayName,accountEnabled,onPremisesSyncEnabled,registrationDateTime";
    let page = (await get(`/v1.0/devices/delta?$select=${select}&$top=999`, token)).body;
    while (page["@odata.nextLink"]) page = (await get(page["@odata.nextLink"], token)).body;
    const store = sim.state.tenant(tenant.tenantId);
    const [renamed, bounced] = store.listDevices().slice(10, 12) as [GraphDevice, GraphDevice];
    const created: GraphDevice = {
      ...renamed,
      id: "0d2f6a55-1a1b-4c4c-9d9d-0000000000a1",
      deviceId: "0d2f6a55-1a1b-4c4c-9d9d-0000000000a2",
      onPremisesSyncEnabled: null,
      displayName: "PC-UNSET",
    };
    store.updateDevice(renamed.id, { displayName: "PC-RENAMED", operatingSystem: "Linux" });
    store.deleteDevice(bounced.id, { soft: true });
    store.restoreDevice(bounced.id);
    store.addDevice(created);
    const items: any[] = [];
    let link: string | undefined = page["@odata.deltaLink"];
    while (link) {
      const p = (await get(link, token)).body;
      items.push(...p.value);
      link = p["@odata.nextLink"];
    }
    const last = new Map(items.map((i) => [i.id, i]));
    // operatingSystem changed too, but only selected properties are sent.
    expect(last.get(renamed.id)).toEqual({ id: renamed.id, displayName: "PC-RENAMED" });
    // A new object: the properties that are set; onPremisesSyncEnabled was never set, so it is left out.
    expect(last.get(created.id)).not.toHaveProperty("onPremisesSyncEnabled");
    expect(last.get(created.id)).toMatchObject({ id: created.id, displayName: "PC-UNSET", deviceId: created.deviceId });
    const bouncedEntries = items.filter((i) => i.id === bounced.id);
    expect(bouncedEntries[0]).toEqual({ id: bounced.id, "@removed": { reason: "changed" } });
    expect(bouncedEntries.at(-1)).toMatchObject({ id: bounced.id, displayName: bounced.displayName });
    store.deleteDevice(created.id);
  });

  it("resolves a round's later pages at the time they are served: an object changed while paging shows its new state", async () => {
    const token = await tokenFor();
    const first = (await get("/v1.0/devices/delta?$select=id,displayName&$top=100", token)).body;
    const store = sim.state.tenant(tenant.tenantId);
    const servedIds = new Set(first.value.map((d: { id: string }) => d.id));
    const later = store.listDevices().find((d) => !servedIds.has(d.id))!;
    store.updateDevice(later.id, { displayName: "PC-CHANGED-WHILE-PAGED" });
    const items: any[] = [];
    let link: string | undefined = first["@odata.nextLink"];
    let deltaLink = "";
    while (link) {
      const p = (await get(link, token)).body;
      items.push(...p.value);
      link = p["@odata.nextLink"];
      deltaLink = p["@odata.deltaLink"] ?? deltaLink;
    }
    expect(items.find((i) => i.id === later.id)).toMatchObject({ displayName: "PC-CHANGED-WHILE-PAGED" });
    // The round's token predates the change: the next round replays it.
    const next = (await get(deltaLink, token)).body;
    expect(next.value.find((i: { id: string }) => i.id === later.id)).toEqual({ id: later.id, displayName: "PC-CHANGED-WHILE-PAGED" });
  });

  it("lenientDelta: whole objects with every selected property, null when unset, and no replays", async () => {
    const lenient = await startSimulator({ tenants: [createSimTenant({ seed: 6, deviceCount: 30 }).tenant], lenientDelta: true });
    try {
      const t = lenient.issueAccessToken({ tenantId: lenient.tenants[0]!.tenantId });
      const read = async (url: string) => (await (await caFetch(url, { headers: { authorization: `Bearer ${t}` } })).json()) as any;
      const first = await read(`${lenient.graphBaseUrl}/v1.0/devices/delta?$select=id,displayName,onPremisesSyncEnabled&$top=999`);
      const store = lenient.state.tenant(lenient.tenants[0]!.tenantId);
      const d = store.listDevices()[3]!;
      store.updateDevice(d.id, { displayName: "PC-LENIENT", onPremisesSyncEnabled: null });
      const next = await read(first["@odata.deltaLink"]);
      expect(next.value).toEqual([{ id: d.id, displayName: "PC-LENIENT", onPremisesSyncEnabled: null }]);
    } finally {
      await lenient.close();
    }
  });

  it("answers an expired page token: 400 Directory_ExpiredPageToken on /devices", async () => {
    let clock = Date.now();
    const short = await startSimulator({ tenants: [createSimTenant({ seed: 5, deviceCount: 30 }).tenant], now: () => clock, pageTokenLifetimeMs: 60_000 });
    try {
      const t = short.issueAccessToken({ tenantId: short.tenants[0]!.tenantId, lifetimeSeconds: 7200 });
      const res = await caFetch(`${short.graphBaseUrl}/v1.0/devices?$select=id&$top=5`, { headers: { authorization: `Bearer ${t}` } });
      const body: any = await res.json();
      clock += 61_000;
      const expired = await caFetch(body["@odata.nextLink"], { headers: { authorization: `Bearer ${t}` } });
      expect(expired.status).toBe(400);
      expect(((await expired.json()) as any).error.code).toBe("Directory_ExpiredPageToken");
    } finally {
      await short.close();
    }
  });

  it("answers an expired delta token with 400 syncStateNotFound and a service reset with 410", async () => {
    const token = await tokenFor();
    let page = (await get("/v1.0/devices/delta?$select=id&$top=999", token)).body;
    while (page["@odata.nextLink"]) page = (await get(page["@odata.nextLink"], token)).body;
    const deltaLink: string = page["@odata.deltaLink"];

    sim.resetDeltaState();
    const gone = await get(deltaLink, token);
    expect(gone.status).toBe(410);
    expect(gone.body.error.code).toBe("resyncRequired");

    sim.expireDeltaTokens();
    const expired = await get(deltaLink, token);
    // reset wins for tokens issued before both calls; a fresh token only expires
    expect([400, 410]).toContain(expired.status);
    let fresh = (await get("/v1.0/devices/delta?$select=id&$top=999", token)).body;
    while (fresh["@odata.nextLink"]) fresh = (await get(fresh["@odata.nextLink"], token)).body;
    sim.expireDeltaTokens();
    const notFound = await get(fresh["@odata.deltaLink"], token);
    expect(notFound.status).toBe(400);
    expect(notFound.body.error).toMatchObject({
      code: "syncStateNotFound",
      innerError: { "request-id": expect.any(String), "client-request-id": expect.any(String), date: expect.any(String) },
    });

    const forged = await get("/v1.0/devices/delta?$deltatoken=bm90LWEtdG9rZW4", token);
    expect(forged.status).toBe(400);
    expect(forged.body.error.code).toBe("syncStateNotFound");
  });

  it("throttles with 429 + Retry-After, which the Graph client's RetryHandler honours", async () => {
    const token = await tokenFor();
    sim.injectFault({ kind: "429", path: /\/v1\.0\/devices\?/, times: 1, retryAfterSeconds: 1 });
    const throttled = await get("/v1.0/devices?$top=5", token);
    expect(throttled.status).toBe(429);
    expect(throttled.headers.get("retry-after")).toBe("1");
    expect(throttled.body.error.code).toBe("TooManyRequests");

    sim.injectFault({ kind: "429", path: /\/v1\.0\/devices/, times: 1, retryAfterSeconds: 1 });
    const started = Date.now();
    const page = await graphClient(token).api("/devices").top(5).get();
    expect(page.value).toHaveLength(5);
    expect(Date.now() - started).toBeGreaterThanOrEqual(900);
    const last = sim.requestLog
      .filter((e) => e.path.startsWith("/v1.0/devices"))
      .slice(-2)
      .map((e) => e.status);
    expect(last).toEqual([429, 200]);
  });

  it("injects 503, 500, reset and slow faults", async () => {
    const token = await tokenFor();
    sim.injectFault({ kind: "503", path: /recoveryKeys/, retryAfterSeconds: 7 });
    const unavailable = await get("/v1.0/informationProtection/bitlocker/recoveryKeys", token);
    expect(unavailable.status).toBe(503);
    expect(unavailable.headers.get("retry-after")).toBe("7");
    sim.injectFault({ kind: "500", path: /recoveryKeys/ });
    expect((await get("/v1.0/informationProtection/bitlocker/recoveryKeys", token)).status).toBe(500);
    sim.injectFault({ kind: "reset", path: /recoveryKeys/ });
    await expect(get("/v1.0/informationProtection/bitlocker/recoveryKeys", token)).rejects.toThrow("fetch failed");
    sim.injectFault({ kind: "slow", path: /recoveryKeys/, delayMs: 300 });
    const started = Date.now();
    expect((await get("/v1.0/informationProtection/bitlocker/recoveryKeys", token)).status).toBe(200);
    expect(Date.now() - started).toBeGreaterThanOrEqual(290);
  });

  it("refuses an app without Device.Read.All with 403 Authorization_RequestDenied", async () => {
    const token = await tokenFor(NO_DEVICE_APP, "no-device-secret");
    const denied = await get("/v1.0/devices?$select=id", token);
    expect(denied.status).toBe(403);
    expect(denied.body.error).toMatchObject({ code: "Authorization_RequestDenied", message: "Insufficient privileges to complete the operation." });
    expect((await get("/v1.0/informationProtection/bitlocker/recoveryKeys", token)).status).toBe(200);
    expect((await get("/v1.0/informationProtection/bitlocker/recoveryKeys?$select=key", await tokenFor())).status).toBe(403);
  });

  it("refuses missing, expired and forged bearer tokens with 401 InvalidAuthenticationToken", async () => {
    const missing = await get("/v1.0/devices", null);
    expect(missing.status).toBe(401);
    expect(missing.body.error.code).toBe("InvalidAuthenticationToken");
    const expired = await get("/v1.0/devices", sim.issueAccessToken({ tenantId: tenant.tenantId, lifetimeSeconds: -60 }));
    expect(expired.status).toBe(401);
    expect(expired.body.error.message).toMatch(/expired/);
    const valid = await tokenFor();
    const [h, p] = valid.split(".");
    const forged = await get("/v1.0/devices", `${h}.${p}.${Buffer.from("x".repeat(256)).toString("base64url")}`);
    expect(forged.status).toBe(401);
  });

  it("serves BitLocker key metadata by deviceId (never the key) and LAPS metadata", async () => {
    const token = await tokenFor();
    const store = sim.state.tenant(tenant.tenantId);
    const key = store.bitlockerKeys[0]!;
    const keys = await get(`/v1.0/informationProtection/bitlocker/recoveryKeys?$filter=deviceId eq '${key.deviceId}'`, token);
    expect(keys.status).toBe(200);
    expect(keys.body.value.length).toBeGreaterThan(0);
    for (const k of keys.body.value) {
      expect(Object.keys(k).sort()).toEqual(["createdDateTime", "deviceId", "id", "volumeType"]);
      expect(k.deviceId).toBe(key.deviceId);
    }
    const laps = await get("/v1.0/directory/deviceLocalCredentials", token);
    expect(laps.status).toBe(200);
    expect(laps.body.value[0]).toEqual(
      expect.objectContaining({
        id: expect.any(String),
        deviceName: expect.any(String),
        lastBackupDateTime: expect.any(String),
        refreshDateTime: expect.any(String),
      }),
    );
  });

  it("refuses $top on the BitLocker list and a request without User-Agent on BitLocker and LAPS, as documented", async () => {
    const token = await tokenFor();
    const top = await get("/v1.0/informationProtection/bitlocker/recoveryKeys?$top=1", token);
    expect(top.status).toBe(400);
    expect(top.body.error).toMatchObject({ code: "BadRequest", message: expect.stringContaining("'Top' is not allowed") });
    const { request } = await import("node:https");
    const withoutUserAgent = (path: string) =>
      new Promise<{ status: number; body: any }>((resolve, reject) => {
        // node:https sends no User-Agent unless told to (fetch would send its own).
        const req = request(`${sim.graphBaseUrl}${path}`, { ca: sim.caPem, headers: { authorization: `Bearer ${token}` } }, (res) => {
          let text = "";
          res.on("data", (c) => (text += c));
          res.on("end", () => resolve({ status: res.statusCode ?? 0, body: JSON.parse(text) }));
        });
        req.on("error", reject);
        req.end();
      });
    for (const path of ["/v1.0/informationProtection/bitlocker/recoveryKeys", "/v1.0/directory/deviceLocalCredentials"]) {
      const refused = await withoutUserAgent(path);
      expect(refused.status).toBe(400);
      expect(refused.body.error.message).toMatch(/User-Agent/);
    }
    expect((await withoutUserAgent("/v1.0/devices?$select=id&$top=1")).status).toBe(200);
    expect((await get("/v1.0/directory/deviceLocalCredentials?$top=2&$select=id,deviceName", token)).status).toBe(200);
  });

  it("refuses $select of a property the v1.0 device resource does not document (createdDateTime)", async () => {
    const res = await get("/v1.0/devices?$select=id,createdDateTime", await tokenFor());
    expect(res.status).toBe(400);
    expect(res.body.error).toMatchObject({
      code: "Request_BadRequest",
      message: "Could not find a property named 'createdDateTime' on type 'microsoft.graph.device'.",
    });
  });

  it("validates query options like Graph and sets the throttling headers", async () => {
    const token = await tokenFor();
    const badSelect = await get("/v1.0/devices?$select=id,notAProperty", token);
    expect(badSelect.status).toBe(400);
    expect(badSelect.body.error.code).toBe("Request_BadRequest");
    expect((await get("/v1.0/devices?$top=1000", token)).status).toBe(400);
    const ok = await get(`/v1.0/devices?$filter=deviceId eq '${tenant.devices[5]!.deviceId}'&$select=id,deviceId`, token);
    expect(ok.body.value).toEqual([{ id: tenant.devices[5]!.id, deviceId: tenant.devices[5]!.deviceId }]);
    expect(ok.headers.get("x-ms-resource-unit")).toBe("1");
    expect(ok.headers.get("request-id")).toMatch(/^[0-9a-f-]{36}$/);
    expect(ok.headers.get("client-request-id")).toBeTruthy();
    const one = await get(`/v1.0/devices(deviceId='${tenant.devices[5]!.deviceId}')?$select=id,displayName`, token);
    expect(one.body).toMatchObject({ id: tenant.devices[5]!.id, displayName: tenant.devices[5]!.displayName });
    const missing = await get("/v1.0/devices/00000000-0000-0000-0000-000000000000", token);
    expect(missing.status).toBe(404);
    expect(missing.body.error.code).toBe("Request_ResourceNotFound");
  });

  it("keeps tenants apart: a token only sees its own tenant's devices", async () => {
    const other = sim.tenants[1]!;
    const otherToken = await tokenFor(other.clientId, other.clientSecret, other.tenantId);
    const page = await get("/v1.0/devices?$select=id&$top=999", otherToken);
    expect(page.body.value.length).toBe(sim.state.tenant(other.tenantId).size);
  });
});

describe("RU budget (off by default)", () => {
  it("returns 429 with Retry-After once an app+tenant spends its 10-second budget", async () => {
    const small = createSimTenant({ seed: 31, deviceCount: 20 }).tenant;
    const budgeted = await startSimulator({ tenants: [small], ruBudget: 5 });
    try {
      const token = budgeted.issueAccessToken({ tenantId: small.tenantId });
      const statuses: number[] = [];
      let last: Response | undefined;
      for (let i = 0; i < 6; i++) {
        last = await caFetch(`${budgeted.graphBaseUrl}/v1.0/devices?$select=id`, { headers: { authorization: `Bearer ${token}` } });
        statuses.push(last.status);
        if (i === 4) expect(last.headers.get("x-ms-throttle-limit-percentage")).toBe("1");
      }
      expect(statuses).toEqual([200, 200, 200, 200, 200, 429]);
      expect(Number(last!.headers.get("retry-after"))).toBeGreaterThan(0);
    } finally {
      await budgeted.close();
    }
  });
});
