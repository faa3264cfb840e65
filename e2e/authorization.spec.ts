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
 */
import { execFileSync } from "node:child_process";
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative, sep } from "node:path";
import { request as playwrightRequest, type APIRequestContext, type APIResponse } from "@playwright/test";
import { E2E_DATABASE_URL, SESSION_COOKIE } from "./constants";
import { expect, test } from "./fixtures";

type Role = "Reader" | "Operator" | "Admin";
/** Who may use it: a role (and the ones above it), any signed-in user, anyone, or only agents' bearer tokens. */
type Need = Role | "signed-in" | "public" | "agent";

const PAGES: Record<string, Need> = {
  "/": "Reader",
  "/agents": "Operator",
  "/devices": "Reader",
  "/devices/[subjectKey]": "Reader",
  "/diagnose": "Reader",
  "/findings": "Reader",
  "/login": "public",
  "/no-access": "signed-in",
  "/proxy": "Reader",
  "/reports": "Reader",
  "/reports/[id]": "Reader",
  "/search": "Reader",
  "/settings": "Admin",
  "/signins": "Reader",
  "/sync": "Reader",
  "/users/[upn]": "Reader",
};

const ROUTES: Record<string, Need> = {
  "GET /api/v1/devices/change-board": "Reader",
  "GET /api/v1/devices/export": "Reader",
  "GET /api/v1/findings/export": "Reader",
  "GET /api/v1/signins/[id]/findings": "Reader",
  "GET /api/v1/sync-runs": "Reader",
  "GET /api/v1/tenants/[tenantId]/changes": "Reader",
  "POST /api/v1/proxy/files": "Reader",
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
  "app/(dashboard)/settings/actions.ts#saveAppRegistrationAction": "Admin",
  "app/(dashboard)/settings/actions.ts#testConnectionAction": "Admin",
  "app/(dashboard)/settings/actions.ts#saveSyncSettingsAction": "Admin",
  "app/(dashboard)/settings/actions.ts#saveSyncScopeAction": "Admin",
  "app/(dashboard)/settings/actions.ts#saveRetentionSettingsAction": "Admin",
  "app/(dashboard)/sync/actions.ts#startSyncAction": "Operator",
  "app/_lib/register-tenant-action.ts#registerTenantAction": "Admin",
  "app/login/actions.ts#loginAction": "public",
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
  let tokens: Record<Exclude<Caller, "anonymous">, string>;

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
        if (!ok) wrong.push(`${key} as ${caller}: ${got} (HTTP ${response.status()})`);
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
