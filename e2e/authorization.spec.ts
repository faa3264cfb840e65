/**
 * The generated authorization test (issue 20, decision 022). It lists every page, route handler and server action
 * from the file tree and the build, and calls each one as anonymous, a user without a role, a Reader, an Operator and
 * an Admin against the production server, asserting allowed or refused:
 * - pages: anonymous → /login, a role too low → /no-access?need=<role>, else rendered;
 * - dashboard API routes: 401 anonymous, 403 below the role, else neither; agent routes: 401 to every dashboard
 *   session (they take bearer tokens only);
 * - server actions (ids from .next/server/server-reference-manifest.json, posted as the browser posts them):
 *   anonymous → /login, a role too low → /no-access?need=<role>, else the action runs (its own validation answers).
 * A page, route or action missing from the tables below fails the test, so a new one must state who may use it.
 *
 * Then a tenant-limited user (an Admin an access limit keeps to Contoso, decision 027) asks every page, route and
 * action for another tenant's data, by id or through the header's tenant cookie: a page by id answers 404 and every
 * other page never names the other tenant; a route answers 404 (the Audit export: nothing); an action is refused in
 * its own words. Each entry point states how in the TENANT_* tables below, so a new one must say it too.
 */
import { execFileSync } from "node:child_process";
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative, sep } from "node:path";
import { request as playwrightRequest, type APIRequestContext, type APIResponse } from "@playwright/test";
import { E2E_DATABASE_URL, SESSION_COOKIE } from "./constants";

const TENANT_COOKIE = "joinscope_tenant";
import { expect, test } from "./fixtures";

type Role = "Reader" | "Operator" | "Admin";
/** Who may use it: a role (and the ones above it), any signed-in user, anyone, or only agents' bearer tokens. */
type Need = Role | "signed-in" | "public" | "agent";

const PAGES: Record<string, Need> = {
  "/": "Reader",
  "/agents": "Operator",
  "/audit": "Admin",
  "/devices": "Reader",
  "/devices/[subjectKey]": "Reader",
  "/diagnose": "Reader",
  "/findings": "Reader",
  "/login": "public",
  "/no-access": "signed-in",
  "/proxy": "Reader",
  "/proxy/saved/[id]": "Reader",
  "/reports": "Reader",
  "/reports/[id]": "Reader",
  "/review": "Reader",
  "/search": "Reader",
  "/settings": "Admin",
  "/signins": "Reader",
  "/sync": "Reader",
  "/users/[upn]": "Reader",
};

const ROUTES: Record<string, Need> = {
  "GET /api/v1/audit/export": "Admin",
  "GET /api/v1/devices/change-board": "Reader",
  "GET /api/v1/devices/export": "Reader",
  "GET /api/v1/findings/export": "Reader",
  "GET /api/v1/signins/[id]/findings": "Reader",
  "GET /api/v1/sync-runs": "Reader",
  "GET /api/v1/tenants/[tenantId]/changes": "Reader",
  "POST /api/v1/proxy/files": "Reader",
  "POST /api/v1/proxy/diagnoses": "Operator",
  "GET /reports/[id]/raw": "Reader",
  "POST /api/v1/reports": "agent",
  "POST /api/v1/agents/enrol": "agent",
  "POST /api/v1/agents/key": "agent",
  "GET /auth/microsoft": "public",
  "GET /auth/callback": "public",
};

/** `file#export` of every server action. */
const ACTIONS: Record<string, Need> = {
  "app/(dashboard)/actions.ts#selectTenantAction": "Reader",
  "app/(dashboard)/actions.ts#logoutAction": "public",
  "app/(dashboard)/agents/actions.ts#createTokenAction": "Operator",
  "app/(dashboard)/agents/actions.ts#revokeTokenAction": "Operator",
  "app/(dashboard)/agents/actions.ts#requireEnrolmentAction": "Operator",
  "app/(dashboard)/agents/actions.ts#revokeDeviceAction": "Operator",
  "app/(dashboard)/agents/actions.ts#rotateDeviceKeyAction": "Operator",
  "app/(dashboard)/agents/actions.ts#allowReEnrolmentAction": "Operator",
  "app/(dashboard)/devices/[subjectKey]/actions.ts#acknowledgeFindingAction": "Operator",
  "app/(dashboard)/devices/[subjectKey]/actions.ts#undoAcknowledgementAction": "Operator",
  "app/(dashboard)/devices/actions.ts#acknowledgeSelectedDevicesAction": "Operator",
  "app/(dashboard)/diagnose/actions.ts#diagnoseAction": "Reader",
  "app/(dashboard)/diagnose/actions.ts#attachPastedReportAction": "Operator",
  "app/(dashboard)/findings/actions.ts#acknowledgeFindingsAction": "Operator",
  "app/(dashboard)/proxy/actions.ts#deleteProxyDiagnosisAction": "Operator",
  "app/(dashboard)/settings/actions.ts#saveAppRegistrationAction": "Admin",
  "app/(dashboard)/settings/actions.ts#testConnectionAction": "Admin",
  "app/(dashboard)/settings/actions.ts#saveSyncSettingsAction": "Admin",
  "app/(dashboard)/settings/actions.ts#saveSyncScopeAction": "Admin",
  "app/(dashboard)/settings/actions.ts#saveRetentionSettingsAction": "Admin",
  "app/(dashboard)/settings/actions.ts#saveDigestSettingsAction": "Admin",
  "app/(dashboard)/settings/actions.ts#sendTestDigestAction": "Admin",
  "app/(dashboard)/settings/actions.ts#setAccessLimitAction": "Admin",
  "app/(dashboard)/settings/actions.ts#removeAccessLimitAction": "Admin",
  "app/(dashboard)/sync/actions.ts#startSyncAction": "Operator",
  "app/_lib/register-tenant-action.ts#registerTenantAction": "Admin",
  "app/login/actions.ts#loginAction": "public",
};

/** Another tenant's data, as e2e/create-role-sessions.ts finds it in the seeded database. */
interface Other {
  /** The limited user's own tenant (Contoso), for the one check that needs a positive control. */
  ownTenantRef: string;
  tenantRef: string;
  tenantId: string;
  name: string;
  findingId: string;
  subjectKey: string;
  reportId: string;
  tokenId: string;
  agentDeviceId: string;
  signInId: string;
  signInTenantRef: string;
  proxyDiagnosisId: string;
}

/**
 * How each page could show another tenant's data: by its id in the path (`by-id`: the other tenant's id answers
 * 404), or as the selected tenant (`selected`: asked with the other tenant in the header's cookie and `?tenant=`, the
 * page renders its own and never names the other), or not at all (`none`: sign-in pages).
 */
const TENANT_PAGES: Record<string, "by-id" | "selected" | "none"> = {
  "/": "selected",
  "/agents": "selected",
  "/audit": "selected",
  "/devices": "selected",
  "/devices/[subjectKey]": "by-id",
  "/diagnose": "selected",
  "/findings": "selected",
  "/login": "none",
  "/no-access": "none",
  "/proxy": "selected",
  "/proxy/saved/[id]": "by-id",
  "/reports": "selected",
  "/reports/[id]": "by-id",
  "/review": "selected",
  "/search": "selected",
  "/settings": "selected",
  "/signins": "selected",
  "/sync": "selected",
  "/users/[upn]": "selected",
};
const otherSegments = (o: Other, route: string): Record<string, string> => ({
  "[subjectKey]": encodeURIComponent(o.subjectKey),
  "[id]": route.startsWith("/proxy/saved/") ? o.proxyDiagnosisId : o.reportId,
});

/**
 * Each route asked for the other tenant's data: 404 expected, or `empty` (a list filtered to the caller's tenants); null:
 * it holds no tenant's data. `json`: the body sent; `open`: what an unlimited Admin gets for the same request (200).
 */
const TENANT_ROUTES: Record<string, ((o: Other) => { path: string; want: 404 | "empty"; json?: string; open?: number }) | null> = {
  "GET /api/v1/audit/export": (o) => ({ path: `/api/v1/audit/export?format=jsonl&tenant=${o.tenantRef}`, want: "empty" }),
  "GET /api/v1/devices/change-board": (o) => ({ path: `/api/v1/devices/change-board?tenant=${o.tenantRef}`, want: 404 }),
  "GET /api/v1/devices/export": (o) => ({ path: `/api/v1/devices/export?tenant=${o.tenantRef}`, want: 404 }),
  "GET /api/v1/findings/export": (o) => ({ path: `/api/v1/findings/export?tenant=${o.tenantRef}`, want: 404 }),
  "GET /api/v1/signins/[id]/findings": (o) => ({ path: `/api/v1/signins/${o.signInId}/findings?tenant=${o.signInTenantRef}`, want: 404 }),
  "GET /api/v1/sync-runs": (o) => ({ path: `/api/v1/sync-runs?tenant=${o.tenantRef}`, want: 404 }),
  "GET /api/v1/tenants/[tenantId]/changes": (o) => ({ path: `/api/v1/tenants/${o.tenantId}/changes`, want: 404 }),
  "GET /reports/[id]/raw": (o) => ({ path: `/reports/${o.reportId}/raw`, want: 404 }),
  "POST /api/v1/proxy/files": null,
  // An empty diagnosis: the limited user's 404 comes before the body is read; the Admin's 400 is the body's refusal.
  "POST /api/v1/proxy/diagnoses": (o) => ({ path: `/api/v1/proxy/diagnoses?tenant=${o.tenantRef}`, want: 404, json: "{}", open: 400 }),
  "POST /api/v1/reports": null,
  "POST /api/v1/agents/enrol": null,
  "POST /api/v1/agents/key": null,
  "GET /auth/microsoft": null,
  "GET /auth/callback": null,
};

/**
 * Each action called by the limited user with the other tenant's data (form fields, as its form posts them) and the
 * words of its refusal; `selected`: it works on the header's tenant (the dashboard context, already limited: checked
 * by the pages above); null: it touches no tenant's data.
 */
const TENANT_ACTIONS: Record<string, ((o: Other) => { form: Record<string, string>; refused: RegExp | "no-cookie" }) | "selected" | null> = {
  "app/(dashboard)/actions.ts#selectTenantAction": (o) => ({ form: { tenant: o.tenantRef }, refused: "no-cookie" }),
  "app/(dashboard)/actions.ts#logoutAction": null,
  "app/(dashboard)/agents/actions.ts#createTokenAction": (o) => ({
    form: { name: "forged", tenantRef: o.tenantRef },
    refused: /No tenant with this id is registered/,
  }),
  "app/(dashboard)/agents/actions.ts#revokeTokenAction": (o) => ({ form: { id: o.tokenId }, refused: /No agent token with that id/ }),
  "app/(dashboard)/agents/actions.ts#requireEnrolmentAction": (o) => ({ form: { id: o.tokenId }, refused: /No agent token with that id/ }),
  "app/(dashboard)/agents/actions.ts#revokeDeviceAction": (o) => ({ form: { id: o.agentDeviceId }, refused: /No enrolled device with that id/ }),
  "app/(dashboard)/agents/actions.ts#rotateDeviceKeyAction": (o) => ({ form: { id: o.agentDeviceId }, refused: /No enrolled device with that id/ }),
  "app/(dashboard)/agents/actions.ts#allowReEnrolmentAction": (o) => ({ form: { id: o.agentDeviceId }, refused: /No enrolled device with that id/ }),
  "app/(dashboard)/devices/[subjectKey]/actions.ts#acknowledgeFindingAction": (o) => ({
    form: { findingId: o.findingId, subjectKey: o.subjectKey, comment: "forged" },
    refused: /This finding no longer exists/,
  }),
  "app/(dashboard)/devices/[subjectKey]/actions.ts#undoAcknowledgementAction": (o) => ({
    form: { findingId: o.findingId, subjectKey: o.subjectKey },
    refused: /This finding no longer exists/,
  }),
  "app/(dashboard)/devices/actions.ts#acknowledgeSelectedDevicesAction": (o) => ({
    form: { subject: o.subjectKey, comment: "forged" },
    refused: /no open finding left to acknowledge/,
  }),
  "app/(dashboard)/diagnose/actions.ts#diagnoseAction": "selected",
  "app/(dashboard)/diagnose/actions.ts#attachPastedReportAction": "selected",
  "app/(dashboard)/proxy/actions.ts#deleteProxyDiagnosisAction": "selected",
  "app/(dashboard)/findings/actions.ts#acknowledgeFindingsAction": (o) => ({
    form: { tenant: o.tenantRef, comment: "forged", findingId: o.findingId },
    refused: /This tenant no longer exists/,
  }),
  "app/(dashboard)/settings/actions.ts#saveAppRegistrationAction": (o) => ({
    form: { tenantRef: o.tenantRef, cloud: "global", credentialKind: "secret", clientId: "00000000-0000-4000-8000-000000000000", clientSecret: "forged" },
    refused: /Unknown tenant/,
  }),
  "app/(dashboard)/settings/actions.ts#testConnectionAction": (o) => ({ form: { tenantRef: o.tenantRef }, refused: /Unknown tenant/ }),
  "app/(dashboard)/settings/actions.ts#saveSyncSettingsAction": (o) => ({
    form: { tenantRef: o.tenantRef, staleThresholdDays: "90" },
    refused: /Unknown tenant/,
  }),
  "app/(dashboard)/settings/actions.ts#saveSyncScopeAction": (o) => ({ form: { tenantRef: o.tenantRef }, refused: /Unknown tenant/ }),
  "app/(dashboard)/settings/actions.ts#saveRetentionSettingsAction": (o) => ({
    form: { tenantRef: o.tenantRef, retentionChangeDays: "90", retentionTextChanges: "2" },
    refused: /Unknown tenant/,
  }),
  "app/(dashboard)/settings/actions.ts#saveDigestSettingsAction": (o) => ({
    form: { tenantRef: o.tenantRef, frequency: "weekly", weekday: "1", hour: "8", smtpSecurity: "none" },
    refused: /Unknown tenant/,
  }),
  "app/(dashboard)/settings/actions.ts#sendTestDigestAction": (o) => ({ form: { tenantRef: o.tenantRef }, refused: /Unknown tenant/ }),
  "app/(dashboard)/settings/actions.ts#setAccessLimitAction": (o) => ({
    form: { kind: "user", principal: "e2e-role-limited@joinscope.test", tenantRef: o.tenantRef },
    refused: /Only an Admin whose own access is not limited/,
  }),
  "app/(dashboard)/settings/actions.ts#removeAccessLimitAction": () => ({
    form: { id: "00000000-0000-4000-8000-000000000000" },
    refused: /Only an Admin whose own access is not limited/,
  }),
  "app/(dashboard)/sync/actions.ts#startSyncAction": (o) => ({
    form: { tenantRef: o.tenantRef, mode: "auto" },
    refused: /No tenant with this id is registered/,
  }),
  "app/_lib/register-tenant-action.ts#registerTenantAction": () => ({
    form: { tenantId: "5e5e5e5e-0000-4000-8000-000000000005", name: "Forged" },
    refused: /Only an Admin whose access is not limited/,
  }),
  "app/login/actions.ts#loginAction": null,
};

const SAMPLE_SEGMENTS: Record<string, string> = {
  "[subjectKey]": "d%3A00000000-0000-4000-8000-000000000000",
  "[id]": "00000000-0000-4000-8000-000000000000",
  "[upn]": "nobody%40example.com",
  "[tenantId]": "00000000-0000-4000-8000-000000000000",
};

const CALLERS = ["anonymous", "none", "Reader", "Operator", "Admin"] as const;
type Caller = (typeof CALLERS)[number];
const RANK: Record<Role, number> = { Reader: 1, Operator: 2, Admin: 3 };
const has = (caller: Caller, role: Role) => caller !== "anonymous" && caller !== "none" && RANK[caller] >= RANK[role];

const root = process.cwd();

function walk(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = join(dir, name);
    return statSync(full).isDirectory() ? walk(full) : [relative(root, full).split(sep).join("/")];
  });
}

/** `app/(dashboard)/devices/[subjectKey]/page.tsx` → `/devices/[subjectKey]`. */
function routeOf(file: string): string {
  const segments = file
    .split("/")
    .slice(1, -1)
    .filter((s) => !/^\(.*\)$/.test(s));
  return `/${segments.join("/")}`;
}
const samplePath = (route: string) => route.replace(/\[[^\]]+\]/g, (s) => SAMPLE_SEGMENTS[s] ?? "x");

const files = walk(join(root, "app"));
const pageFiles = files.filter((f) => /\/page\.tsx?$/.test(f));
const routeFiles = files.filter((f) => /\/route\.ts$/.test(f));
const actionFiles = files.filter((f) => /\.tsx?$/.test(f) && /^\s*["']use server["'];/.test(readFileSync(join(root, f), "utf8")));

const METHODS = ["GET", "POST", "PUT", "PATCH", "DELETE"];
const routeEntries = routeFiles.flatMap((f) => {
  const text = readFileSync(join(root, f), "utf8");
  return METHODS.filter((m) => new RegExp(`export (const|async function) ${m}\\b`).test(text)).map((m) => `${m} ${routeOf(f)}`);
});
const actionEntries = actionFiles.flatMap((f) => {
  const text = readFileSync(join(root, f), "utf8");
  return [...text.matchAll(/^export (?:async function|const) (\w+)/gm)].map((m) => `${f}#${m[1]}`);
});

test.describe("authorization, generated from the file tree", () => {
  test("every page, route and server action is listed with who may use it", () => {
    expect(pageFiles.map(routeOf).sort(), "pages in app/ without an entry in PAGES (or entries for pages that are gone)").toEqual(Object.keys(PAGES).sort());
    expect(routeEntries.sort(), "route handlers in app/ without an entry in ROUTES").toEqual(Object.keys(ROUTES).sort());
    expect(actionEntries.sort(), "server actions without an entry in ACTIONS").toEqual(Object.keys(ACTIONS).sort());
  });

  let api: APIRequestContext;
  let tokens: Record<Exclude<Caller, "anonymous"> | "limited", string> & { other: Other };

  test.beforeAll(async ({}, testInfo) => {
    const out = execFileSync(process.execPath, ["--conditions=react-server", "--import", "tsx", join(root, "e2e/create-role-sessions.ts")], {
      cwd: root,
      env: { ...process.env, DATABASE_URL: E2E_DATABASE_URL, LOG_LEVEL: "silent" },
      encoding: "utf8",
    });
    tokens = JSON.parse(out) as typeof tokens;
    api = await playwrightRequest.newContext({ baseURL: testInfo.project.use.baseURL! });
  });
  test.afterAll(async () => {
    await api?.dispose();
  });

  const cookieFor = (caller: Caller): Record<string, string> => (caller === "anonymous" ? {} : { cookie: `${SESSION_COOKIE}=${tokens[caller]}` });
  /** The tenant-limited user, with the other tenant selected in the header's cookie. */
  const limitedCookie = () => ({ cookie: `${SESSION_COOKIE}=${tokens.limited}; ${TENANT_COOKIE}=${tokens.other.tenantRef}` });

  /** "login", "no-access:<role>" or "ok" (rendered, including a 404 for a sample id), from a redirect or a meta refresh. */
  async function outcome(response: APIResponse): Promise<string> {
    const status = response.status();
    const location = response.headers()["location"] ?? response.headers()["x-action-redirect"] ?? "";
    const text = status >= 300 && status < 400 ? "" : await response.text();
    const target = location || /http-equiv="refresh" content="\d+;\s*url=([^"]+)"/i.exec(text)?.[1] || "";
    if (/^(https?:\/\/[^/]+)?\/login\b/.test(target)) return "login";
    const need = /\/no-access\?need=(\w+)/.exec(target);
    if (need) return `no-access:${need[1]}`;
    if (status >= 500) return `error:${status}`;
    if (status >= 300 && status < 400) return `redirect:${location}`;
    return "ok";
  }

  function expectedPage(need: Need, caller: Caller): string {
    if (need === "public") return "any";
    if (caller === "anonymous") return "login";
    if (need === "signed-in") return "ok";
    return has(caller, need as Role) ? "ok" : `no-access:${need}`;
  }

  test("pages: anonymous → /login, a role too low → /no-access, else rendered", async () => {
    test.setTimeout(240_000);
    const seen: string[] = [];
    for (const [route, need] of Object.entries(PAGES)) {
      for (const caller of CALLERS) {
        const want = expectedPage(need, caller);
        if (want === "any") continue;
        const got = await outcome(await api.get(samplePath(route), { headers: cookieFor(caller), maxRedirects: 0 }));
        // A user without any role is sent to the page asking for Reader before the page's own check runs.
        const match = got === want || (want.startsWith("no-access:") && caller === "none" && got === "no-access:Reader");
        seen.push(`${route} as ${caller}: ${got}${match ? "" : ` (expected ${want})`}`);
      }
    }
    expect(
      seen.filter((s) => s.includes("expected")),
      seen.join("\n"),
    ).toEqual([]);
  });

  test("routes: 401 anonymous, 403 below the role; agent routes refuse dashboard sessions", async () => {
    test.setTimeout(120_000);
    const wrong: string[] = [];
    for (const [entry, need] of Object.entries(ROUTES)) {
      const [method, route] = entry.split(" ") as [string, string];
      for (const caller of CALLERS) {
        const response = await api.fetch(samplePath(route), {
          method,
          headers: cookieFor(caller),
          maxRedirects: 0,
          data: method === "POST" ? "{}" : undefined,
        });
        const status = response.status();
        let ok: boolean;
        if (need === "public") ok = status < 500 && status !== 401 && status !== 403;
        else if (need === "agent") ok = status === 401;
        // Outside /api/ the proxy sends a request without a session cookie to /login before the route runs.
        else if (caller === "anonymous") ok = status === 401 || (status === 307 && /\/login\b/.test(response.headers()["location"] ?? ""));
        else if (need === "signed-in" || has(caller, need as Role)) ok = status !== 401 && status !== 403 && status < 500;
        else ok = status === 403 && ((await response.json()) as { error?: { code?: string } }).error?.code === "forbidden";
        if (!ok) wrong.push(`${entry} as ${caller}: HTTP ${status}`);
      }
    }
    expect(wrong).toEqual([]);
  });

  test("server actions: anonymous → /login, a role too low → /no-access, else run", async () => {
    test.setTimeout(240_000);
    const manifest = readServerActions();
    const missing = Object.keys(ACTIONS).filter((key) => !manifest.has(key));
    expect(missing, "actions the build does not serve (unused? then delete them)").toEqual([]);
    const wrong: string[] = [];
    for (const [key, need] of Object.entries(ACTIONS)) {
      const { id, page } = manifest.get(key)!;
      for (const caller of CALLERS) {
        // logoutAction ends the caller's session: called anonymously only.
        if (need === "public" && caller !== "anonymous") continue;
        const response = await api.post(page, {
          headers: {
            ...cookieFor(caller),
            "next-action": id,
            origin: new URL(api_base()).origin,
            "content-type": "text/plain;charset=UTF-8",
            accept: "text/x-component",
          },
          data: "[]",
          maxRedirects: 0,
        });
        const got = await outcome(response);
        const refused = got === "login" || got.startsWith("no-access");
        let ok: boolean;
        if (need === "public") ok = !got.startsWith("no-access");
        else if (caller === "anonymous") ok = got === "login";
        else if (need === "signed-in" || has(caller, need as Role)) ok = !refused;
        else ok = got === `no-access:${need}` || (caller === "none" && got === "no-access:Reader");
        // Called with no arguments (a forged call): refused or answered, never a server error.
        if (!ok || response.status() >= 500) wrong.push(`${key} as ${caller}: ${got} (HTTP ${response.status()})`);
      }
    }
    expect(wrong).toEqual([]);
  });

  test("the tenant tables list every page, route and action", () => {
    expect(Object.keys(TENANT_PAGES).sort()).toEqual(Object.keys(PAGES).sort());
    expect(Object.keys(TENANT_ROUTES).sort()).toEqual(Object.keys(ROUTES).sort());
    expect(Object.keys(TENANT_ACTIONS).sort()).toEqual(Object.keys(ACTIONS).sort());
  });

  test("a tenant-limited user: pages by id answer 404 for another tenant's data, the others never name it", async () => {
    test.setTimeout(240_000);
    const other = tokens.other;
    const wrong: string[] = [];
    for (const [route, how] of Object.entries(TENANT_PAGES)) {
      if (how === "none") continue;
      const segments = otherSegments(other, route);
      const path = how === "by-id" ? route.replace(/\[[^\]]+\]/g, (seg) => segments[seg]!) : `${samplePath(route)}?tenant=${other.tenantRef}`;
      const response = await api.get(path, { headers: limitedCookie(), maxRedirects: 0 });
      const text = await response.text();
      if (how === "by-id" && response.status() !== 404) wrong.push(`${path}: HTTP ${response.status()}, expected 404`);
      if (how === "selected" && response.status() !== 200) wrong.push(`${path}: HTTP ${response.status()}, expected 200`);
      // Its name, not its id: the id is in the URL asked for, which Next.js writes into the page's payload.
      if (text.includes(other.name)) wrong.push(`${path}: names the other tenant`);
    }
    expect(wrong).toEqual([]);
  });

  test("a tenant-limited user: every route answers 404 for another tenant's data (the Audit export holds none of it)", async () => {
    test.setTimeout(120_000);
    const wrong: string[] = [];
    for (const [entry, ask] of Object.entries(TENANT_ROUTES)) {
      if (!ask) continue;
      const method = entry.split(" ")[0]!;
      const { path, want, json, open: openStatus = 200 } = ask(tokens.other);
      const body = json === undefined ? {} : { data: json, headers: { "content-type": "application/json" } };
      const response = await api.fetch(path, { method, maxRedirects: 0, ...body, headers: { ...body.headers, ...limitedCookie() } });
      const status = response.status();
      if (want === 404) {
        const code = status === 404 ? ((await response.json()) as { error?: { code?: string } }).error?.code : null;
        if (status !== 404 || code !== "not-found") wrong.push(`${entry}: HTTP ${status} ${code ?? ""}, expected 404 not-found`);
      } else {
        const text = await response.text();
        if (status !== 200 || text.trim() !== "") wrong.push(`${entry}: HTTP ${status} with ${text.length} characters, expected 200 and nothing`);
      }
      // The same request from an Admin without a limit is answered: the 404 is the limit's, not a wrong sample.
      const open = await api.fetch(path, { method, maxRedirects: 0, ...body, headers: { ...body.headers, ...cookieFor("Admin") } });
      if (open.status() !== openStatus) wrong.push(`${entry}: HTTP ${open.status()} for an unlimited Admin, expected ${openStatus}`);
      await open.body();
    }
    expect(wrong).toEqual([]);
  });

  test("a tenant-limited user: every action refuses another tenant's data", async () => {
    test.setTimeout(240_000);
    const manifest = readServerActions();
    const wrong: string[] = [];
    for (const [key, call] of Object.entries(TENANT_ACTIONS)) {
      if (call === null || call === "selected") continue;
      const { id, page } = manifest.get(key)!;
      const { form, refused } = call(tokens.other);
      // As React encodes a server action's arguments (encodeReply): a FormData argument is a reference "$K1" to the parts
      // prefixed "_1_", and part "0", the arguments themselves, comes last (the server reads it as soon as it arrives).
      // useActionState actions take (previous state, form data). A FormData, not an object: "0" would sort first.
      const call_ = async (fields: Record<string, string>) => {
        const multipart = new FormData();
        for (const [name, value] of Object.entries(fields)) multipart.append(`_1_${name}`, value);
        multipart.append("0", key.endsWith("#selectTenantAction") ? '["$K1"]' : '[null,"$K1"]');
        return api.post(page, {
          headers: { ...limitedCookie(), "next-action": id, origin: new URL(api_base()).origin, accept: "text/x-component" },
          multipart,
          maxRedirects: 0,
        });
      };
      const tenantCookieSet = (r: APIResponse) =>
        r.headersArray().some((h) => h.name.toLowerCase() === "set-cookie" && h.value.startsWith(`${TENANT_COOKIE}=`));
      const response = await call_(form);
      const text = await response.text();
      if (refused === "no-cookie") {
        if (response.status() >= 300 || tenantCookieSet(response))
          wrong.push(`${key}: HTTP ${response.status()}, tenant cookie set: ${tenantCookieSet(response)}`);
        // The same call naming the user's own tenant sets it: the form arrived, the limit refused.
        const own = await call_({ ...form, tenant: tokens.other.ownTenantRef });
        if (!tenantCookieSet(own)) wrong.push(`${key}: the user's own tenant was not selected either (HTTP ${own.status()})`);
      } else if (!refused.test(text)) {
        wrong.push(`${key}: HTTP ${response.status()}, no refusal matching ${refused} in ${text.slice(0, 300)}`);
      }
    }
    expect(wrong).toEqual([]);
  });

  function api_base(): string {
    return test.info().project.use.baseURL!;
  }
});

/**
 * The build's server actions: `file#export` → its id and a page that serves it. The manifest names, per action id,
 * the pages ("app/(dashboard)/agents/page") whose bundles hold it and the source file and export name.
 */
function readServerActions(): Map<string, { id: string; page: string }> {
  const manifest = JSON.parse(readFileSync(join(root, ".next/server/server-reference-manifest.json"), "utf8")) as {
    node: Record<string, { workers: Record<string, unknown>; filename?: string; exportedName?: string }>;
  };
  const out = new Map<string, { id: string; page: string }>();
  for (const [id, entry] of Object.entries(manifest.node)) {
    if (!entry.filename || !entry.exportedName) continue;
    const worker = Object.keys(entry.workers).find((w) => /\/page$/.test(w));
    if (!worker) continue;
    const page = samplePath(routeOf(`${worker}.tsx`));
    out.set(`${entry.filename.replace(/^\.\//, "")}#${entry.exportedName}`, { id, page });
  }
  return out;
}
