import type { IncomingHttpHeaders, Server } from "node:http";
import { createServer } from "node:https";
import type { AddressInfo } from "node:net";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { ensureSimulatorCertificates } from "@/simulator/certificates";
import { createSimTenant } from "@/simulator/create-sim-tenant";
import { startSimulator, type SimTenant, type SimulatorHandle } from "@/simulator/server";
import pkg from "../../package.json";
import { createGraphClient, NetworkCauseHandler } from "./graph-client";
import { DeltaPageSchema, DevicePageSchema } from "./graph-schemas";
import type { TokenResult } from "./msal-client";
import { DEVICE_SELECT, devicesFirstPageRequest } from "./sync-requests";

/** A Graph device object as v1.0 returns it with JoinScope's $select (https://learn.microsoft.com/graph/api/resources/device). */
const DEVICE = {
  id: "8a2b7c4e-1f3d-4e5a-9b6c-7d8e9f0a1b2c",
  deviceId: "5c4d3e2f-1a0b-4c9d-8e7f-6a5b4c3d2e1f",
  displayName: "LAPTOP-7Q2M4K",
  accountEnabled: true,
  trustType: "ServerAd",
  operatingSystem: "Windows",
  operatingSystemVersion: "10.0.22631.4460",
  registrationDateTime: "2026-03-14T08:21:44Z",
  alternativeSecurityIds: [{ type: 2, identityProvider: null, key: "WAA1ADAAOQA6ADwAUwBIAEEAMQAtAFQAUAAtAFAAVQBCAEsARQBZAD4A" }],
};

type Answer = { status: number; body?: string; headers?: Record<string, string> };
type Seen = { method: string; url: string; headers: IncomingHttpHeaders };

/**
 * A stand-in Graph host over HTTPS with the simulator's certificate (the SDK attaches the token to https hosts only):
 * each request takes the next scripted answer.
 */
let server: Server;
let base: string;
let answers: Answer[] = [];
let seen: Seen[] = [];

const json = (status: number, body: unknown): Answer => ({ status, body: JSON.stringify(body), headers: { "content-type": "application/json" } });
const TOKEN: TokenResult = { ok: true, accessToken: "eyJ0eXAiOiJKV1QifQ.eyJ0aWQiOiJ0In0.c2ln", expiresOn: null };

function client(token: () => Promise<TokenResult> = async () => TOKEN) {
  return createGraphClient(
    {
      tenantId: "72f988bf-86f1-41af-91ab-2d7cd011db47",
      clientId: "0b8f6c1e-5a2d-4e7b-9c3f-1d2e3f4a5b6c",
      credential: { kind: "secret", clientSecret: "unused" },
      cloud: { authorityHost: "login.invalid", graphBaseUrl: base },
    },
    { maxRetries: 0, requestsPerSecond: 1000, sleep: async () => undefined },
    { token },
  );
}

beforeAll(async () => {
  const tls = await ensureSimulatorCertificates();
  server = createServer({ cert: tls.certPem, key: tls.keyPem }, (req, res) => {
    seen.push({ method: req.method ?? "", url: req.url ?? "", headers: req.headers });
    const answer = answers.shift() ?? json(200, { value: [] });
    res.writeHead(answer.status, answer.headers ?? {});
    res.end(answer.body ?? "");
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  base = `https://127.0.0.1:${(server.address() as AddressInfo).port}`;
}, 120_000);

afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
});

afterEach(() => {
  answers = [];
  seen = [];
});

describe("createGraphClient: what it sends", () => {
  it("sends GET to v1.0 under the cloud's Graph host with the bearer token and JoinScope's client headers", async () => {
    answers = [json(200, { value: [DEVICE] })];
    const graph = client();
    expect(graph.baseUrl).toBe(base);
    const result = await graph.get(devicesFirstPageRequest(), DevicePageSchema);
    expect(result).toEqual({ ok: true, data: { value: [expect.objectContaining({ id: DEVICE.id, displayName: "LAPTOP-7Q2M4K" })] } });
    expect(seen).toHaveLength(1);
    expect(seen[0]!.method).toBe("GET");
    expect(decodeURIComponent(seen[0]!.url)).toBe(`/v1.0/devices?$select=${DEVICE_SELECT}&$top=999`);
    expect(seen[0]!.headers).toMatchObject({
      authorization: `Bearer ${TOKEN.ok && TOKEN.accessToken}`,
      "user-agent": `JoinScope/${pkg.version}`,
      "ocp-client-name": "JoinScope",
      "ocp-client-version": pkg.version,
    });
    expect(graph.stats.requests).toBe(1);
  });

  it("sends to beta when asked, and follows an absolute nextLink as given", async () => {
    const graph = client();
    await graph.get("/devices/delta?$deltatoken=latest", DeltaPageSchema, { version: "beta" });
    await graph.get(`${base}/v1.0/devices?$skiptoken=RFNwdAIAAQAAAA`, DevicePageSchema);
    expect(seen.map((s) => decodeURIComponent(s.url))).toEqual(["/beta/devices/delta?$deltatoken=latest", "/v1.0/devices?$skiptoken=RFNwdAIAAQAAAA"]);
  });
});

describe("createGraphClient: Graph's failures as values", () => {
  it("reads an expired delta token (410, or 400 with a sync-state code in any case) as delta-expired", async () => {
    const graph = client();
    answers = [json(410, { error: { code: "resyncRequired", message: "Resync required. Replace any local data with a full sync." } })];
    expect(await graph.get("/devices/delta?$deltatoken=abc", DeltaPageSchema)).toEqual({
      ok: false,
      error: { kind: "delta-expired", status: 410, code: "resyncRequired", message: "Resync required. Replace any local data with a full sync." },
    });
    for (const code of ["syncStateNotFound", "SyncStateInvalid", "resyncRequired"]) {
      answers = [json(400, { error: { code, message: "The sync state is not valid." } })];
      expect(await graph.get("/devices/delta?$deltatoken=abc", DeltaPageSchema), code).toEqual({
        ok: false,
        error: { kind: "delta-expired", status: 400, code, message: "The sync state is not valid." },
      });
    }
    answers = [{ status: 410 }];
    expect(await graph.get("/devices/delta?$deltatoken=abc", DeltaPageSchema)).toEqual({
      ok: false,
      error: { kind: "delta-expired", status: 410, code: "HTTP410", message: "Graph answered HTTP 410" },
    });
  });

  it("reads a sync-state code as an expired delta token on a 400 only", async () => {
    answers = [json(404, { error: { code: "syncStateNotFound", message: "Not found." } })];
    expect(await client().get("/devices/delta?$deltatoken=abc", DeltaPageSchema)).toEqual({
      ok: false,
      error: { kind: "http", status: 404, code: "syncStateNotFound", message: "Not found." },
    });
  });

  it("keeps any other 400 an HTTP failure with Graph's code and words", async () => {
    answers = [json(400, { error: { code: "Request_UnsupportedQuery", message: "Unsupported query." } })];
    expect(await client().get("/devices?$select=createdDateTime", DevicePageSchema)).toEqual({
      ok: false,
      error: { kind: "http", status: 400, code: "Request_UnsupportedQuery", message: "Unsupported query." },
    });
  });

  it("names a 403 forbidden and, with a token given by the caller, does not ask again", async () => {
    answers = [json(403, { error: { code: "Authorization_RequestDenied", message: "Insufficient privileges to complete the operation." } })];
    expect(await client().get("/informationProtection/bitlocker/recoveryKeys", DevicePageSchema)).toEqual({
      ok: false,
      error: { kind: "forbidden", status: 403, code: "Authorization_RequestDenied", message: "Insufficient privileges to complete the operation." },
    });
    expect(seen).toHaveLength(1);
  });

  it("reads a body that is empty or not JSON as no body: the status's own code and words", async () => {
    answers = [{ status: 502, body: "<html><body>Bad Gateway</body></html>", headers: { "content-type": "text/html" } }];
    expect(await client().get("/devices", DevicePageSchema)).toEqual({
      ok: false,
      error: { kind: "http", status: 502, code: "HTTP502", message: "Graph answered HTTP 502" },
    });
    answers = [{ status: 200, body: "" }];
    expect(await client().get("/devices", DevicePageSchema)).toEqual({
      ok: false,
      error: { kind: "invalid-response", message: "Graph returned an unexpected body at (root): Invalid input: expected object, received null" },
    });
  });

  it("says where a 200's body does not fit the schema", async () => {
    answers = [json(200, { value: [{ ...DEVICE, registrationDateTime: "14/03/2026 08:21" }] })];
    expect(await client().get("/devices", DevicePageSchema)).toEqual({
      ok: false,
      error: { kind: "invalid-response", message: "Graph returned an unexpected body at value.0.registrationDateTime: Invalid ISO datetime" },
    });
  });

  it("answers a token that could not be had as an auth failure, without sending the request", async () => {
    const failure = { code: "invalid-secret" as const, aadsts: "AADSTS7000215", message: "The client secret is wrong." };
    const result = await client(async () => ({ ok: false, error: failure })).get("/devices", DevicePageSchema);
    expect(result).toEqual({ ok: false, error: { kind: "auth", auth: failure, message: "The client secret is wrong." } });
    expect(seen).toHaveLength(0);
  });

  it("answers a token source that throws, after a good token, as a network failure with its message", async () => {
    let calls = 0;
    const graph = client(async () => {
      if (++calls > 1) throw new Error("token store unavailable");
      return TOKEN;
    });
    expect((await graph.get("/devices", DevicePageSchema)).ok).toBe(true);
    expect(await graph.get("/devices", DevicePageSchema)).toEqual({ ok: false, error: { kind: "network", message: "token store unavailable" } });
  });

  it("says the request failed when the failure has no words of its own", async () => {
    expect(await client(async () => Promise.reject(new Error())).get("/devices", DevicePageSchema)).toEqual({
      ok: false,
      error: { kind: "network", message: "request failed" },
    });
  });

  it("keeps each tenant's request budget its own: one tenant's spent budget does not hold up another's", async () => {
    // One request a minute per app and tenant: a second request on the same budget would wait past the test's time.
    const graphOf = (tenantId: string) =>
      createGraphClient(
        {
          tenantId,
          clientId: "0b8f6c1e-5a2d-4e7b-9c3f-1d2e3f4a5b6c",
          credential: { kind: "secret", clientSecret: "unused" },
          cloud: { authorityHost: "login.invalid", graphBaseUrl: base },
        },
        { maxRetries: 0, requestWindow: { requests: 1, seconds: 60 } },
        { token: async () => TOKEN },
      );
    expect((await graphOf("11111111-1111-4111-8111-111111111111").get("/devices", DevicePageSchema)).ok).toBe(true);
    expect((await graphOf("22222222-2222-4222-8222-222222222222").get("/devices", DevicePageSchema)).ok).toBe(true);
    expect(seen).toHaveLength(2);
  }, 10_000);

  it("adds a failure's cause to its message: the cause's code, else its message", async () => {
    const failing = (error: Error) => client(async () => Promise.reject(error));
    const withCode = Object.assign(new Error("getaddrinfo ENOTFOUND vault.internal"), { code: "ENOTFOUND" });
    expect(await failing(new Error("token store unavailable", { cause: withCode })).get("/devices", DevicePageSchema)).toEqual({
      ok: false,
      error: { kind: "network", message: "token store unavailable: ENOTFOUND" },
    });
    expect(await failing(new Error("token store unavailable", { cause: new Error("disk full") })).get("/devices", DevicePageSchema)).toEqual({
      ok: false,
      error: { kind: "network", message: "token store unavailable: disk full" },
    });
  });

  it("answers a host that refuses the connection as a network failure naming the cause", async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, "127.0.0.1", resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((resolve) => closed.close(resolve));
    const graph = createGraphClient(
      {
        tenantId: "72f988bf-86f1-41af-91ab-2d7cd011db47",
        clientId: "0b8f6c1e-5a2d-4e7b-9c3f-1d2e3f4a5b6c",
        credential: { kind: "secret", clientSecret: "unused" },
        cloud: { authorityHost: "login.invalid", graphBaseUrl: `https://127.0.0.1:${port}` },
      },
      { maxRetries: 0, sleep: async () => undefined },
      { token: async () => TOKEN },
    );
    expect(await graph.get("/devices", DevicePageSchema)).toEqual({ ok: false, error: { kind: "network", message: "fetch failed: ECONNREFUSED" } });
  });
});

describe("NetworkCauseHandler: the first middleware of the chain", () => {
  /** The handler in front of a next middleware that throws `thrown`; what the handler throws in turn. */
  async function thrownThrough(thrown: unknown): Promise<unknown> {
    const handler = new NetworkCauseHandler();
    handler.setNext({
      execute: async () => {
        throw thrown;
      },
    });
    return handler.execute({ request: "https://graph.microsoft.com/v1.0/devices", options: {} }).then(
      () => expect.unreachable("the failure was swallowed"),
      (error: unknown) => error,
    );
  }

  it("names the cause in the message and keeps the original failure as its cause", async () => {
    const refused = Object.assign(new Error("connect ECONNREFUSED 127.0.0.1:443"), { code: "ECONNREFUSED" });
    const fetchFailed = new TypeError("fetch failed", { cause: refused });
    const thrown = await thrownThrough(fetchFailed);
    expect(thrown).toBeInstanceOf(Error);
    expect((thrown as Error).message).toBe("fetch failed: ECONNREFUSED");
    expect((thrown as Error).cause).toBe(fetchFailed);
  });

  it("names a cause without a code by its message, and keeps the original failure too", async () => {
    const fetchFailed = new TypeError("fetch failed", { cause: new Error("unable to verify the first certificate") });
    const thrown = await thrownThrough(fetchFailed);
    expect((thrown as Error).message).toBe("fetch failed: unable to verify the first certificate");
    expect((thrown as Error).cause).toBe(fetchFailed);
  });

  it.each([
    ["an error without a cause", new Error("fetch failed")],
    ["a thrown value that is no Error, even with a cause", { message: "fetch failed", cause: { code: "ECONNRESET" } }],
  ])("passes %s on unchanged", async (_, thrown) => {
    expect(await thrownThrough(thrown)).toBe(thrown);
  });

  it("passes a request that succeeds on without touching it", async () => {
    const handler = new NetworkCauseHandler();
    const context = { request: "https://graph.microsoft.com/v1.0/devices", options: {} };
    handler.setNext({ execute: async (c) => void (c.response = new Response("{}", { status: 200 })) });
    await handler.execute(context);
    expect((context as { response?: Response }).response?.status).toBe(200);
  });
});

describe("createGraphClient with MSAL: a 403 after admin consent is asked again with a fresh token", () => {
  let sim: SimulatorHandle;
  let tenant: SimTenant;

  beforeAll(async () => {
    ({ tenant } = createSimTenant({ seed: 33, deviceCount: 4, includeReports: false, permissions: ["Device.Read.All"] }));
    sim = await startSimulator({ tenants: [tenant] });
  }, 120_000);

  afterAll(async () => {
    await sim?.close();
  });

  it("takes one fresh token for requests refused at once, then keeps using it", async () => {
    const graph = createGraphClient({
      tenantId: tenant.tenantId,
      clientId: tenant.clientId,
      credential: { kind: "secret", clientSecret: tenant.clientSecret! },
      cloud: { authorityHost: sim.authorityHost, graphBaseUrl: sim.graphBaseUrl },
    });
    const tokenCalls = () => sim.requestLog.filter((e) => e.method === "POST" && e.path.split("?")[0]!.endsWith("/oauth2/v2.0/token")).length;
    const bitlocker = () => sim.requestLog.filter((e) => e.path.includes("/bitlocker/recoveryKeys")).map((e) => e.status);

    expect(await graph.get("/devices?$top=1", DevicePageSchema)).toMatchObject({ ok: true });
    expect(tokenCalls()).toBe(1);
    // Still not consented: the fresh token is refused too, and the failure is Graph's 403.
    const refused = await graph.get("/informationProtection/bitlocker/recoveryKeys", DevicePageSchema);
    expect(refused).toMatchObject({ ok: false, error: { kind: "forbidden", status: 403 } });
    expect(bitlocker()).toEqual([403, 403]);
    expect(tokenCalls()).toBe(2);

    sim.setAppPermissions(tenant.tenantId, tenant.clientId, ["Device.Read.All", "BitlockerKey.ReadBasic.All"]);
    // Two requests refused with the token of before the consent: one fresh token between them.
    const both = await Promise.all([
      graph.get("/informationProtection/bitlocker/recoveryKeys", DevicePageSchema),
      graph.get("/informationProtection/bitlocker/recoveryKeys", DevicePageSchema),
    ]);
    expect(both.map((r) => r.ok)).toEqual([true, true]);
    expect(tokenCalls()).toBe(3);
    // Later requests use the fresh token (not MSAL's cached one, which lacks the new role): no 403 first.
    const before = bitlocker().length;
    expect(await graph.get("/informationProtection/bitlocker/recoveryKeys", DevicePageSchema)).toMatchObject({ ok: true });
    expect(bitlocker().slice(before)).toEqual([200]);
    expect(tokenCalls()).toBe(3);
  });
});
