/**
 * Per-tenant access (issue 20 item 3, decision 027) over real HTTP: a user an Admin limited to one tenant gets 404 for
 * every other tenant's data from every admin route (tenant parameter, header cookie, path, report id), and sees their
 * own; a limit on an Entra group applies to its members; a limit with no tenant leaves nothing; lifting it restores
 * everything. Exports are audit-logged, and the Audit export holds a limited Admin's tenants only. SQLite and PostgreSQL.
 */
import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { removeAccessLimit } from "@/lib/access/remove-access-limit";
import { setAccessLimit } from "@/lib/access/set-access-limit";
import { loginAdmin, SESSION_COOKIE, startSession } from "@/lib/auth/admin-sessions";
import { db } from "@/lib/db/client";
import { ingestReport } from "@/lib/ingest/ingest-report";
import { TENANT_COOKIE } from "@/lib/tenants/selected-tenant";
import { signedInCookie, startAdminApiServer, type AdminApiServer } from "../setup/admin-api-server";
import { createAdminWithCheapHash, createTenantWithToken } from "../setup/factories";
import { sampleUpload } from "../setup/sample-reports";

let server: AdminApiServer;
let unlimited: string;
let alpha: { tenantRef: string; tenantId: string; tokenId: string; reportId: string };
let beta: { tenantRef: string; tenantId: string; tokenId: string; reportId: string };
const BETA_SIGN_IN = "01900000-0000-7000-8000-0000000000b1";

async function tenantWithReport(tenantId: string, name: string, deviceId: string, hostname: string) {
  const t = await createTenantWithToken(db, { tenantId, name });
  const upload = await ingestReport(db, {
    agent: { tokenId: t.tokenId, tenantRef: t.tenantRef, tenantId },
    body: sampleUpload({ tenantId, deviceId, hostname }),
  });
  if (!upload.ok) throw new Error(upload.error.message);
  return { ...t, reportId: upload.report.reportId };
}

/** A local account with a role, signed in through loginAdmin: its email (what a user limit names) and Cookie header. */
async function account(role: "Reader" | "Admin") {
  const email = `user-${randomUUID().slice(0, 8)}@joinscope.test`;
  await createAdminWithCheapHash(db, { email, password: "a long enough password", role });
  const login = await loginAdmin(db, { email, password: "a long enough password", clientAddress: "127.0.0.1" });
  if (!login.ok) throw new Error(login.error.message);
  return { email, cookie: `${SESSION_COOKIE}=${login.sessionToken}` };
}

beforeAll(async () => {
  server = await startAdminApiServer();
  unlimited = await signedInCookie(db);
  alpha = await tenantWithReport("11111111-1111-4111-8111-111111111111", "Alpha", "6e4cbe68-588b-499c-8c04-dcfff140a1ca", "PC-ALPHA");
  beta = await tenantWithReport("22222222-2222-4222-8222-222222222222", "Beta", "7f5dcf79-699c-4aad-9d15-edaaa251b2db", "PC-BETA");
  await db.signInEvent.create({
    data: {
      id: BETA_SIGN_IN,
      tenantRef: beta.tenantRef,
      signInId: "graph-sign-in-beta",
      createdDateTime: new Date("2026-12-01T08:00:00Z"),
      errorCode: 53000,
      linkedBy: "none",
      cause: "ca-device-no-prt",
      causeLabel: "No PRT",
      severity: "high",
      findings: "[]",
      signIn: "{}",
      evaluatedAt: new Date("2026-12-01T08:05:00Z"),
    },
  });
});
afterAll(() => server?.close());

const get = (path: string, cookie: string) => fetch(`${server.url}${path}`, { headers: { cookie } });

/** Every admin route, asked for Beta's data in each way a route names a tenant. */
const betaPaths = () => [
  `/api/v1/sync-runs?tenant=${beta.tenantRef}`,
  `/api/v1/devices/export?tenant=${beta.tenantRef}`,
  `/api/v1/findings/export?tenant=${beta.tenantRef}`,
  `/api/v1/devices/change-board?tenant=${beta.tenantRef}`,
  `/api/v1/signins/${BETA_SIGN_IN}/findings?tenant=${beta.tenantRef}`,
  `/api/v1/tenants/${beta.tenantId}/changes`,
  `/reports/${beta.reportId}/raw`,
];

describe("a user limited to one tenant", () => {
  let limited: { email: string; cookie: string };
  beforeAll(async () => {
    limited = await account("Reader");
    const set = await setAccessLimit(db, {
      kind: "user",
      principal: limited.email.toUpperCase(),
      tenantRefs: [alpha.tenantRef],
      actor: "admin@joinscope.test",
    });
    expect(set.ok).toBe(true);
  });

  it("gets 404 JSON for the other tenant's data from every route, which an unlimited admin reads", async () => {
    for (const path of betaPaths()) {
      const res = await get(path, limited.cookie);
      expect(res.status, path).toBe(404);
      expect(((await res.json()) as { error: { code: string } }).error.code, path).toBe("not-found");
      const open = await get(path, unlimited);
      expect(open.status, path).not.toBe(404);
      await open.arrayBuffer();
    }
  });

  it("reads its own tenant's data", async () => {
    for (const path of [
      `/api/v1/sync-runs?tenant=${alpha.tenantRef}`,
      `/api/v1/devices/export?tenant=${alpha.tenantRef}`,
      `/api/v1/tenants/${alpha.tenantId}/changes`,
      `/reports/${alpha.reportId}/raw`,
    ]) {
      const res = await get(path, limited.cookie);
      expect(res.status, path).toBe(200);
      await res.arrayBuffer();
    }
    const raw = await get(`/reports/${alpha.reportId}/raw`, limited.cookie);
    expect(await raw.text()).toContain("AzureAdJoined");
  });

  it("is given its own tenant when the header's cookie names the other one, and the export holds only its devices", async () => {
    const res = await get("/api/v1/devices/export?format=jsonl", `${limited.cookie}; ${TENANT_COOKIE}=${beta.tenantRef}`);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-disposition")).toContain("joinscope-devices-alpha-");
    const text = await res.text();
    expect(text).toContain("PC-ALPHA");
    expect(text).not.toContain("PC-BETA");
  });

  it("has its export audit-logged: who, which list, which tenant, the format and the filters", async () => {
    const res = await get(`/api/v1/findings/export?tenant=${alpha.tenantRef}&format=csv&severity=high`, limited.cookie);
    await res.arrayBuffer();
    const entry = await db.auditLog.findFirst({ where: { actor: limited.email, action: "export.findings" }, orderBy: { at: "desc" } });
    expect(entry).toMatchObject({ tenantRef: alpha.tenantRef, detail: { format: "csv", filters: { severity: "high" } } });
  });
});

describe("a limit on an Entra group", () => {
  it("applies to an Entra account whose last sign-in named the group, not to one whose did not", async () => {
    const group = "3a1f0c2e-5b6d-4e7f-8091-a2b3c4d5e6f7";
    expect((await setAccessLimit(db, { kind: "group", principal: group, tenantRefs: [beta.tenantRef], actor: "admin@joinscope.test" })).ok).toBe(true);
    const cookieOf = async (groups: string) => {
      const user = await db.adminUser.create({
        data: {
          email: `entra-${randomUUID().slice(0, 8)}@contoso.test`,
          name: "Helpdesk",
          passwordHash: "",
          source: "entra",
          entraTenantId: alpha.tenantId,
          entraObjectId: randomUUID(),
          entraGroups: groups,
          role: "Reader",
        },
        select: { id: true },
      });
      const session = await db.$transaction((tx) => startSession(tx, user.id, undefined, new Date()));
      return `${SESSION_COOKIE}=${session.sessionToken}`;
    };
    const member = await cookieOf(`0f0e0d0c-0000-4000-8000-000000000001,${group.toUpperCase()}`);
    expect((await get(`/api/v1/sync-runs?tenant=${alpha.tenantRef}`, member)).status).toBe(404);
    expect((await get(`/api/v1/sync-runs?tenant=${beta.tenantRef}`, member)).status).toBe(200);
    const outsider = await cookieOf("0f0e0d0c-0000-4000-8000-000000000001");
    expect((await get(`/api/v1/sync-runs?tenant=${alpha.tenantRef}`, outsider)).status).toBe(200);
  });

  it("fails closed for an account whose ID token had too many groups to list them (overage): no tenant while a group limit exists", async () => {
    const user = await db.adminUser.create({
      data: {
        email: `overage-${randomUUID().slice(0, 8)}@contoso.test`,
        name: "In 300 groups",
        passwordHash: "",
        source: "entra",
        entraTenantId: alpha.tenantId,
        entraObjectId: randomUUID(),
        entraGroups: "*",
        role: "Reader",
      },
      select: { id: true, entraObjectId: true },
    });
    const session = await db.$transaction((tx) => startSession(tx, user.id, undefined, new Date()));
    const cookie = `${SESSION_COOKIE}=${session.sessionToken}`;
    for (const t of [alpha, beta]) expect((await get(`/api/v1/sync-runs?tenant=${t.tenantRef}`, cookie)).status).toBe(404);
    // A limit naming the user by object id decides instead.
    await setAccessLimit(db, { kind: "user", principal: user.entraObjectId!, tenantRefs: [alpha.tenantRef], actor: "a" });
    expect((await get(`/api/v1/sync-runs?tenant=${alpha.tenantRef}`, cookie)).status).toBe(200);
    expect((await get(`/api/v1/sync-runs?tenant=${beta.tenantRef}`, cookie)).status).toBe(404);
  });

  it("a local account is matched by its email only: a group limit cannot reach it", async () => {
    const local = await account("Reader");
    expect((await get(`/api/v1/sync-runs?tenant=${alpha.tenantRef}`, local.cookie)).status).toBe(200);
  });
});

describe("a limit with no tenant, and lifting a limit", () => {
  it("no tenant: every route is 404; removed: every tenant again", async () => {
    const user = await account("Reader");
    const set = await setAccessLimit(db, { kind: "user", principal: user.email, tenantRefs: [], actor: "admin@joinscope.test" });
    if (!set.ok) throw new Error(set.error.message);
    for (const path of ["/api/v1/sync-runs", `/api/v1/sync-runs?tenant=${alpha.tenantRef}`, `/reports/${alpha.reportId}/raw`]) {
      expect((await get(path, user.cookie)).status, path).toBe(404);
    }
    expect((await removeAccessLimit(db, { id: set.id, actor: "admin@joinscope.test" })).ok).toBe(true);
    expect((await get(`/api/v1/sync-runs?tenant=${beta.tenantRef}`, user.cookie)).status).toBe(200);
    const audit = await db.auditLog.findMany({ where: { target: user.email }, select: { action: true, actor: true } });
    expect(audit.sort((a, b) => a.action.localeCompare(b.action))).toEqual([
      { action: "access-limit.remove", actor: "admin@joinscope.test" },
      { action: "access-limit.set", actor: "admin@joinscope.test" },
    ]);
  });
});

describe("setAccessLimit's input", () => {
  it("refuses a group that is not an object id, a user that is neither an email nor an object id, and an unknown tenant, writing nothing", async () => {
    const before = await db.accessLimit.count();
    const group = await setAccessLimit(db, { kind: "group", principal: "Helpdesk", tenantRefs: [alpha.tenantRef], actor: "a" });
    expect(group).toMatchObject({ ok: false, error: { code: "invalid-input", path: "principal" } });
    const user = await setAccessLimit(db, { kind: "user", principal: "helpdesk", tenantRefs: [alpha.tenantRef], actor: "a" });
    expect(user).toMatchObject({ ok: false, error: { code: "invalid-input" } });
    const unknown = await setAccessLimit(db, { kind: "user", principal: "x@contoso.test", tenantRefs: [randomUUID()], actor: "a" });
    expect(unknown).toMatchObject({ ok: false, error: { code: "unknown-tenant" } });
    expect(await db.accessLimit.count()).toBe(before);
  });
});

describe("the Audit export", () => {
  it("is for Admins only (403 for a Reader), and a limited Admin's holds only their tenants' entries", async () => {
    const reader = await account("Reader");
    const refused = await get("/api/v1/audit/export", reader.cookie);
    expect(refused.status).toBe(403);

    const all = await get("/api/v1/audit/export?format=jsonl", unlimited);
    expect(all.status).toBe(200);
    const allText = await all.text();
    expect(allText).toContain('"Beta"');
    expect(allText).toContain("admin.login");

    const admin = await account("Admin");
    expect((await setAccessLimit(db, { kind: "user", principal: admin.email, tenantRefs: [alpha.tenantRef], actor: "a" })).ok).toBe(true);
    const mine = await get("/api/v1/audit/export?format=jsonl", admin.cookie);
    expect(mine.status).toBe(200);
    const lines = (await mine.text())
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l) as { tenant: string | null; action: string });
    expect(lines.length).toBeGreaterThan(0);
    expect(lines.every((l) => l.tenant === "Alpha")).toBe(true);
    expect(await db.auditLog.count({ where: { actor: admin.email, action: "export.audit" } })).toBe(1);
  });

  it("filters by who, what and period as the page does", async () => {
    const res = await get(`/api/v1/audit/export?format=jsonl&what=export&from=2000-01-01&to=2999-12-31`, unlimited);
    const rows = (await res.text())
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l) as { action: string });
    expect(rows.length).toBeGreaterThan(0);
    expect(rows.every((r) => r.action.startsWith("export."))).toBe(true);
    const none = await get(`/api/v1/audit/export?format=jsonl&from=2999-01-01`, unlimited);
    expect((await none.text()).trim()).toBe("");
  });
});
