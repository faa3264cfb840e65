/**
 * The dashboard's admin API routes share one wrapper (lib/http/admin-route.ts): over real HTTP, each answers 401 JSON
 * without a session, 400 with zod's reason on a bad query or path, 404 on an unknown tenant, and resolves the tenant
 * from `?tenant=` or the header's cookie. Runs on SQLite and PostgreSQL.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { db } from "@/lib/db/client";
import { TENANT_COOKIE } from "@/lib/tenants/selected-tenant";
import { createTenantWithToken } from "../setup/factories";
import { signedInCookie, startAdminApiServer, type AdminApiServer } from "../setup/admin-api-server";

let server: AdminApiServer;
let cookie: string;
let first: { tenantRef: string; tenantId: string };
let second: { tenantRef: string; tenantId: string };
const UNKNOWN = "00000000-0000-4000-8000-000000000000";

beforeAll(async () => {
  server = await startAdminApiServer();
  cookie = await signedInCookie(db);
  first = await createTenantWithToken(db, { tenantId: "11111111-1111-4111-8111-111111111111", name: "Alpha" });
  second = await createTenantWithToken(db, { tenantId: "22222222-2222-4222-8222-222222222222", name: "Beta" });
});
afterAll(() => server?.close());

const get = (path: string, headers: Record<string, string> = { cookie }) => fetch(`${server.url}${path}`, { headers });

async function errorOf(res: Response) {
  expect(res.headers.get("content-type")).toContain("application/json");
  const body = (await res.json()) as { error: { code: string; message: string; details?: unknown } };
  expect(body.error.message.length).toBeGreaterThan(5);
  return body.error;
}

const SIGN_IN_ID = "01900000-0000-7000-8000-000000000001";
const ROUTES = [
  `/api/v1/signins/${SIGN_IN_ID}/findings`,
  "/api/v1/sync-runs",
  "/api/v1/devices/export",
  "/api/v1/findings/export",
  `/api/v1/tenants/11111111-1111-4111-8111-111111111111/changes`,
];

describe("every admin route", () => {
  it.each(ROUTES)("%s answers 401 JSON without a session, and with a session that is not one", async (path) => {
    for (const headers of [{}, { cookie: "joinscope_session=forged-token-value" }] as Record<string, string>[]) {
      const res = await get(path, headers);
      expect(res.status).toBe(401);
      expect((await errorOf(res)).code).toBe("unauthenticated");
      expect(res.headers.get("x-request-id")).toBeTruthy();
    }
  });
});

describe("the tenant an admin route works on", () => {
  it("is the `tenant` parameter when given: 404 JSON for one that is not registered, 400 for one that is not an id", async () => {
    for (const path of ["/api/v1/sync-runs", "/api/v1/devices/export", "/api/v1/findings/export"]) {
      const unknown = await get(`${path}?tenant=${UNKNOWN}`);
      expect(unknown.status, path).toBe(404);
      expect((await errorOf(unknown)).code).toBe("not-found");
      const bad = await get(`${path}?tenant=not-a-uuid`);
      expect(bad.status, path).toBe(400);
      expect((await errorOf(bad)).code).toBe("invalid-query");
    }
    const ok = await get(`/api/v1/sync-runs?tenant=${second.tenantRef}`);
    expect(ok.status).toBe(200);
    expect(await ok.json()).toEqual({ running: false, runs: [] });
  });

  it("is the one selected in the header (the cookie) without it, the first by name when the cookie names none", async () => {
    const selected = await get("/api/v1/devices/export", { cookie: `${cookie}; ${TENANT_COOKIE}=${second.tenantRef}` });
    expect(selected.status).toBe(200);
    expect(selected.headers.get("content-disposition")).toContain("joinscope-devices-beta-");
    await selected.arrayBuffer();
    const stale = await get("/api/v1/findings/export", { cookie: `${cookie}; ${TENANT_COOKIE}=${UNKNOWN}` });
    expect(stale.headers.get("content-disposition")).toContain("joinscope-findings-alpha-");
    await stale.arrayBuffer();
  });

  it("the changes route takes the Entra tenant id from its path: 404 for one not registered, 400 for a path that is not a GUID, 400 for a bad `since`", async () => {
    const unknown = await get(`/api/v1/tenants/${UNKNOWN}/changes`);
    expect(unknown.status).toBe(404);
    expect((await errorOf(unknown)).code).toBe("not-found");
    const badPath = await get(`/api/v1/tenants/contoso/changes`);
    expect(badPath.status).toBe(400);
    expect((await errorOf(badPath)).code).toBe("invalid-path");
    const badSince = await get(`/api/v1/tenants/${first.tenantId}/changes?since=yesterday`);
    expect(badSince.status).toBe(400);
    const error = await errorOf(badSince);
    expect(error.code).toBe("invalid-query");
    expect(error.message).toContain("since must be an ISO 8601 date-time");
    expect(JSON.stringify(error.details)).toContain("since");
    const ok = await get(`/api/v1/tenants/${first.tenantId.toUpperCase()}/changes?since=2026-01-01T00:00:00Z`);
    expect(ok.status).toBe(200);
    expect(await ok.json()).toMatchObject({ tenantId: first.tenantId, sinceSource: "query", counts: { opened: 0, resolved: 0, reopened: 0 } });
  });
});

describe("an export's query", () => {
  it.each(["/api/v1/devices/export", "/api/v1/findings/export"])(
    "%s: a bad format, a bad subject key or more than 500 subjects is a 400 that names the parameter",
    async (path) => {
      const format = await get(`${path}?format=pdf`);
      expect(format.status).toBe(400);
      const fe = await errorOf(format);
      expect(fe.code).toBe("invalid-query");
      expect(fe.message).toContain("format is one of csv, xlsx, jsonl");
      const subject = await get(`${path}?subject=PC-0142`);
      expect(subject.status).toBe(400);
      expect((await errorOf(subject)).message).toContain("subject is a row's key");
      const many = await get(`${path}?${Array.from({ length: 501 }, (_, i) => `subject=h:pc-${i}`).join("&")}`);
      expect(many.status).toBe(400);
      expect((await errorOf(many)).message).toContain("at most 500");
    },
  );
});

describe("a blocked sign-in's explanation", () => {
  it("answers the stored findings of the tenant's sign-in, 404 for another tenant's or an unknown id, 400 for an id that is not one", async () => {
    const finding = {
      rule: "ca-device-no-prt",
      severity: "high",
      title: "No PRT on LT-0042",
      explanation: "The machine had no Primary Refresh Token when the user signed in.",
      evidence: [{ source: "dsregcmd /status", field: "AzureAdPrt", value: "NO" }],
      remediation: ["Sign out and in again on LT-0042."],
    };
    await db.signInEvent.create({
      data: {
        id: SIGN_IN_ID,
        tenantRef: first.tenantRef,
        signInId: "graph-sign-in-1",
        createdDateTime: new Date("2026-12-01T08:00:00Z"),
        errorCode: 53000,
        linkedBy: "none",
        cause: finding.rule,
        causeLabel: "No PRT",
        severity: "high",
        findings: JSON.stringify([finding]),
        signIn: "{}",
        evaluatedAt: new Date("2026-12-01T08:05:00Z"),
      },
    });
    const res = await get(`/api/v1/signins/${SIGN_IN_ID}/findings?tenant=${first.tenantRef}`);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ id: SIGN_IN_ID, findings: [finding] });

    const other = await get(`/api/v1/signins/${SIGN_IN_ID}/findings?tenant=${second.tenantRef}`);
    expect(other.status).toBe(404);
    expect((await errorOf(other)).code).toBe("not-found");
    const unknown = await get(`/api/v1/signins/${UNKNOWN}/findings?tenant=${first.tenantRef}`);
    expect(unknown.status).toBe(404);
    const bad = await get(`/api/v1/signins/not-an-id/findings?tenant=${first.tenantRef}`);
    expect(bad.status).toBe(400);
    expect((await errorOf(bad)).code).toBe("invalid-path");
  });
});
