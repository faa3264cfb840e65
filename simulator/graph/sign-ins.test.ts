/**
 * `/auditLogs/signIns` through HTTP with a token from the simulator's login endpoint, as JoinScope's pull calls it.
 */
import { ConfidentialClientApplication } from "@azure/msal-node";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createSimTenant } from "../create-sim-tenant";
import { startSimulator, type SimulatorHandle, type SimTenant } from "../server";
import { createCaFetch, createCaNetworkClient, type FetchLike } from "../testing/ca-fetch";

const NOW = "2025-03-10T12:00:00Z";
let sim: SimulatorHandle;
let tenant: SimTenant;
let fetchCa: FetchLike;
const clock = { ms: Date.parse(NOW) };
const NO_AUDIT_APP = "5b0c7c5e-9d43-4a5e-9d0e-5b1f7e0a0003";

async function token(clientId = tenant.clientId, clientSecret = tenant.clientSecret!): Promise<string> {
  const app = new ConfidentialClientApplication({
    auth: { clientId, clientSecret, ...sim.msalAuthority(tenant.tenantId) },
    system: { networkClient: createCaNetworkClient(sim.caPem) },
  });
  return (await app.acquireTokenByClientCredential({ scopes: ["https://graph.microsoft.com/.default"] }))!.accessToken;
}

async function get(pathOrUrl: string, bearer: string): Promise<{ status: number; headers: Headers; body: any }> {
  const res = await fetchCa(pathOrUrl.startsWith("https://") ? pathOrUrl : `${sim.graphBaseUrl}${pathOrUrl}`, {
    headers: { authorization: `Bearer ${bearer}` },
  });
  return { status: res.status, headers: res.headers, body: await res.json() };
}

beforeAll(async () => {
  ({ tenant } = createSimTenant({ seed: 31, deviceCount: 150, now: NOW }));
  tenant = { ...tenant, extraApps: [{ clientId: NO_AUDIT_APP, clientSecret: "no-audit-secret", permissions: ["Device.Read.All"] }] };
  // The clock only moves when a test moves it: the throttling window is then exact.
  sim = await startSimulator({ tenants: [tenant], now: () => clock.ms });
  fetchCa = createCaFetch(sim.caPem);
});

afterAll(async () => {
  await sim?.close();
});

const FAILURES = "$filter=createdDateTime ge 2025-03-08T00:00:00Z and conditionalAccessStatus eq 'failure'";

describe("GET /v1.0/auditLogs/signIns", () => {
  it("pages the log newest first, filtered on createdDateTime and conditionalAccessStatus, 1,000 a page by default", async () => {
    clock.ms += 11_000;
    const t = await token();
    const all = tenant.signIns!;
    const expected = all.filter((s) => Date.parse(s.createdDateTime) >= Date.parse("2025-03-08T00:00:00Z") && s.conditionalAccessStatus === "failure");
    expect(expected.length).toBeGreaterThan(100);
    const first = await get(`/v1.0/auditLogs/signIns?$top=100&${FAILURES}`, t);
    expect(first.status).toBe(200);
    expect(first.body["@odata.context"]).toBe(`${sim.graphBaseUrl}/v1.0/$metadata#auditLogs/signIns`);
    const ids: string[] = first.body.value.map((s: { id: string }) => s.id);
    let next: string | undefined = first.body["@odata.nextLink"];
    expect(next).toContain("$skiptoken=");
    while (next) {
      const page = await get(next, t);
      expect(page.status).toBe(200);
      ids.push(...page.body.value.map((s: { id: string }) => s.id));
      next = page.body["@odata.nextLink"];
      clock.ms += 2_500;
    }
    expect(ids).toEqual(expected.map((s) => s.id));
    clock.ms += 11_000;
    const whole = await get(`/v1.0/auditLogs/signIns?$filter=${encodeURIComponent("createdDateTime ge 2025-03-01T00:00:00Z")}`, t);
    expect(whole.body.value).toHaveLength(Math.min(1000, all.length));
    expect(whole.body.value[0]).toEqual(JSON.parse(JSON.stringify(all[0])));
  });

  it("filters on status/errorCode with or, and keeps paging the events that existed at the first page", async () => {
    clock.ms += 11_000;
    const t = await token();
    const one = await get(
      `/v1.0/auditLogs/signIns?$top=1&$filter=${encodeURIComponent("(status/errorCode eq 50097 or status/errorCode eq 53000) and createdDateTime le 2025-03-10T12:00:00Z")}`,
      t,
    );
    expect(one.status).toBe(200);
    expect(one.body.value[0].status.errorCode).toBe(53000);
    const newest = {
      ...tenant.signIns![0]!,
      id: "00000000-aaaa-4bbb-8ccc-000000000001",
      createdDateTime: "2025-03-10T11:59:59.0000000Z",
      status: { errorCode: 53000, failureReason: null, additionalDetails: null },
    };
    sim.state.signIns(tenant.tenantId).add([newest]);
    const second = await get(one.body["@odata.nextLink"], t);
    expect(second.body.value[0].id).not.toBe(newest.id);
    const fresh = await get(`/v1.0/auditLogs/signIns?$top=1&$filter=${encodeURIComponent("status/errorCode eq 53000")}`, t);
    expect(fresh.body.value[0].id).toBe(newest.id);
  });

  it("refuses what Graph refuses: an unsupported filter, $top over 1,000, $orderby, a bad $skiptoken", async () => {
    clock.ms += 11_000;
    const t = await token();
    const bad = [
      "$filter=deviceDetail/browser eq 'Chrome'",
      "$filter=createdDateTime ge yesterday",
      "$top=1001",
      "$orderby=createdDateTime",
      "$skiptoken=not-a-token",
    ];
    for (const query of bad) {
      const r = await get(`/v1.0/auditLogs/signIns?${query}`, t);
      expect(r.status, query).toBe(400);
      expect(r.body.error.code, query).toBe("BadRequest");
    }
  });

  it("throttles at five requests per 10 seconds per app and tenant: 429 with Retry-After", async () => {
    clock.ms += 11_000;
    const t = await token();
    for (let i = 0; i < 5; i++) expect((await get("/v1.0/auditLogs/signIns?$top=1", t)).status).toBe(200);
    clock.ms += 4_000;
    const throttled = await get("/v1.0/auditLogs/signIns?$top=1", t);
    expect(throttled.status).toBe(429);
    expect(throttled.body.error.code).toBe("TooManyRequests");
    expect(throttled.headers.get("retry-after")).toBe("6");
    clock.ms += 6_000;
    expect((await get("/v1.0/auditLogs/signIns?$top=1", t)).status).toBe(200);
  });

  it("needs AuditLog.Read.All (403 Authorization_RequestDenied) and a P1/P2 tenant (403 as Graph gives it)", async () => {
    clock.ms += 11_000;
    const noAudit = await get("/v1.0/auditLogs/signIns?$top=1", await token(NO_AUDIT_APP, "no-audit-secret"));
    expect(noAudit.status).toBe(403);
    expect(noAudit.body.error.code).toBe("Authorization_RequestDenied");
    sim.setPremium(tenant.tenantId, false);
    try {
      const free = await get("/v1.0/auditLogs/signIns?$top=1", await token());
      expect(free.status).toBe(403);
      expect(free.body.error).toMatchObject({
        code: "Authentication_RequestFromNonPremiumTenantOrB2CTenant",
        message: "Neither tenant is B2C or tenant doesn't have premium license",
      });
    } finally {
      sim.setPremium(tenant.tenantId, true);
    }
  });
});
