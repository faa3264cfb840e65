/**
 * The Sign-ins view's reads (lib/queries/find-sign-in*.ts, find-device-sign-ins.ts), on SQLite and PostgreSQL, over a
 * tenant the fleet path filled: a simulated tenant (its sign-in log generated consistent with its device scenarios,
 * simulator/sign-ins/generate-sign-ins.ts) synced, its agents' reports uploaded, its blocked sign-ins pulled and joined.
 * Every count the view shows from the rollups must equal the same count made from the stored rows.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createAgentToken } from "@/lib/agent-tokens/create-agent-token";
import { db } from "@/lib/db/client";
import { directDb } from "@/lib/db/direct";
import { ingestReport } from "@/lib/ingest/ingest-report";
import { findDeviceDetail } from "@/lib/queries/find-device-detail";
import { findDeviceSignIns } from "@/lib/queries/find-device-sign-ins";
import { findSignInFindings } from "@/lib/queries/find-sign-in-findings";
import { findSignInMachines } from "@/lib/queries/find-sign-in-machines";
import { findSignInPullStatus } from "@/lib/queries/find-sign-in-pull-status";
import { findSignInSummary } from "@/lib/queries/find-sign-in-summary";
import { findSignIns, signInPageQuery } from "@/lib/queries/find-sign-ins";
import { pullSignIns } from "@/lib/signins/pull-sign-ins";
import { runSync } from "@/lib/sync/run-sync";
import { createTenant } from "@/lib/tenants/create-tenant";
import { setTenantApp } from "@/lib/tenants/set-tenant-app";
import { DEFAULT_SIGN_IN_LIST_PARAMS, parseSignInListParams, periodStart, type SignInListParams } from "@/lib/url-params/sign-in-list-params";
import { createSimTenant } from "@/simulator/create-sim-tenant";
import { startSimulator, type SimulatorHandle } from "@/simulator/server";

const fast = { sleep: async () => undefined, baseDelayMs: 1, requestWindow: { requests: 1000, seconds: 1 } };
const DAY = 86_400_000;

let sim: SimulatorHandle;
let tenantRef: string;
let tenantId: string;
let now: Date;

type StoredRow = {
  id: string;
  createdDateTime: Date;
  cause: string;
  causeLabel: string;
  appDisplayName: string | null;
  userPrincipalName: string | null;
  machineDeviceId: string | null;
  deviceId: string | null;
};
let rows: StoredRow[];

beforeAll(async () => {
  now = new Date();
  // Three days of sign-ins, so "today" and "this week" differ.
  const created = createSimTenant({ seed: 1931, deviceCount: 200, now, includeReports: true, tenantName: "Tailspin", signIns: { days: 3 } });
  sim = await startSimulator({ tenants: [created.tenant], reportsThrottle: null });
  tenantId = created.tenant.tenantId;
  const t = await createTenant(db, { tenantId, name: "Tailspin", actor: "test" });
  if (!t.ok) throw new Error(t.error.message);
  tenantRef = t.id;
  await setTenantApp(db, {
    tenantRef,
    cloud: "custom",
    authorityHost: sim.authorityHost,
    graphBaseUrl: sim.graphBaseUrl,
    clientId: created.tenant.clientId,
    credential: { kind: "secret", clientSecret: created.tenant.clientSecret! },
    actor: "test",
  });
  const sync = await runSync(db, { tenantRef, mode: "full", trigger: "test", resilience: fast, evaluateFindings: false });
  if (!sync.ok) throw new Error(sync.error.message);
  const token = await createAgentToken(db, { tenantRef, name: "agents", actor: "test" });
  if (!token.ok) throw new Error("token");
  for (const r of created.generated!.reports) {
    const body = {
      hostname: r.hostname,
      capturedAt: r.capturedAt,
      agentVersion: r.agentVersion,
      dsregcmd: r.dsregcmd,
      events: r.events,
      ...(r.computerDn ? { computerDn: r.computerDn } : {}),
    };
    const res = await ingestReport(db, { agent: { tokenId: token.id, tenantRef, tenantId }, body });
    if (!res.ok) throw new Error(res.error.message);
  }
  const pulled = await pullSignIns(db, { tenantRef, resilience: fast, now: () => now });
  if (pulled.status !== "ok") throw new Error(pulled.message ?? pulled.status);
  rows = await db.signInEvent.findMany({
    where: { tenantRef },
    select: {
      id: true,
      createdDateTime: true,
      cause: true,
      causeLabel: true,
      appDisplayName: true,
      userPrincipalName: true,
      machineDeviceId: true,
      deviceId: true,
    },
  });
}, 240_000);
afterAll(async () => sim?.close());

const params = (change: Partial<SignInListParams> = {}): SignInListParams => ({ ...DEFAULT_SIGN_IN_LIST_PARAMS, ...change });

/** The view's numbers counted from the rows themselves. */
function expected(p: SignInListParams) {
  const since = periodStart(p.period, now).getTime();
  const matching = rows.filter(
    (r) =>
      r.createdDateTime.getTime() >= since &&
      (!p.cause || r.cause === p.cause) &&
      (!p.app || r.appDisplayName === p.app) &&
      (!p.user || r.userPrincipalName === p.user) &&
      (!p.device || r.machineDeviceId === p.device || r.deviceId === p.device),
  );
  const causes = new Map<string, { signIns: number; devices: Set<string>; users: Set<string> }>();
  const days = new Map<string, number>();
  for (const r of matching) {
    const key = `${r.cause}|${r.causeLabel}`;
    const c = causes.get(key) ?? { signIns: 0, devices: new Set<string>(), users: new Set<string>() };
    c.signIns++;
    const device = r.machineDeviceId ?? r.deviceId;
    if (device) c.devices.add(device);
    if (r.userPrincipalName) c.users.add(r.userPrincipalName);
    causes.set(key, c);
    const day = `${new Date(Math.floor(r.createdDateTime.getTime() / DAY) * DAY).toISOString()}|${r.cause}`;
    days.set(day, (days.get(day) ?? 0) + 1);
  }
  return { matching, causes, days };
}

async function summaryOf(p: SignInListParams) {
  const s = await findSignInSummary(directDb(), { tenantRef, params: p, now });
  const days = new Map<string, number>();
  for (const d of s.days) for (const c of d.causes) days.set(`${d.day}|${c.cause}`, c.signIns);
  return { s, days };
}

describe("the Sign-ins view's counts", () => {
  it("the fleet path left blocked sign-ins of several causes over more than one day", () => {
    expect(rows.length).toBeGreaterThan(100);
    expect(new Set(rows.map((r) => r.cause)).size).toBeGreaterThanOrEqual(3);
    expect(new Set(rows.map((r) => Math.floor(r.createdDateTime.getTime() / DAY))).size).toBeGreaterThanOrEqual(3);
  });

  for (const period of ["day", "week", "month"] as const) {
    it(`${period}: per cause (sign-ins, devices, users) and per day from the rollups equal the rows' own counts`, async () => {
      const p = params({ period });
      const { s, days } = await summaryOf(p);
      const e = expected(p);
      expect(s.source).toBe("rollups");
      expect(s.total).toBe(e.matching.length);
      expect(new Map(s.causes.map((c) => [`${c.cause}|${c.causeLabel}`, [c.signIns, c.devices, c.users]]))).toEqual(
        new Map([...e.causes].map(([k, c]) => [k, [c.signIns, c.devices.size, c.users.size]])),
      );
      expect(days).toEqual(e.days);
      // Every day of the period is there, oldest first, today last.
      expect(s.days.length).toBe(period === "day" ? 1 : period === "week" ? 7 : 30);
      expect(s.days.at(-1)!.day).toBe(new Date(Math.floor(now.getTime() / DAY) * DAY).toISOString());
      expect(s.causes.map((c) => c.signIns)).toEqual([...s.causes.map((c) => c.signIns)].sort((a, b) => b - a));
    });
  }

  it("a cause filter keeps that cause only; an app filter counts its sign-ins and leaves devices and users out", async () => {
    const cause = rows[0]!.cause as SignInListParams["cause"];
    const byCause = await summaryOf(params({ cause }));
    expect(byCause.s.causes.every((c) => c.cause === cause)).toBe(true);
    expect(byCause.s.total).toBe(expected(params({ cause })).matching.length);

    const app = rows.find((r) => r.appDisplayName)!.appDisplayName!;
    const byApp = await summaryOf(params({ app }));
    const e = expected(params({ app }));
    expect(byApp.s.total).toBe(e.matching.length);
    expect(byApp.s.causes.every((c) => c.devices === null && c.users === null)).toBe(true);
    expect(byApp.days).toEqual(e.days);
    expect(byApp.s.apps).toContain(app);
  });

  it("a user filter counts the user's own rows, and lists the machines involved with their device pages", async () => {
    const user = rows.find((r) => r.machineDeviceId && r.userPrincipalName)!.userPrincipalName!;
    // Lenient parsing: the address as typed, in another case, reaches the same rows.
    const p = parseSignInListParams({ user: `  ${user.toUpperCase()} `, period: "month" });
    expect(p.user).toBe(user);
    const { s, days } = await summaryOf(p);
    const e = expected(p);
    expect(s.source).toBe("rows");
    expect(s.total).toBe(e.matching.length);
    expect(days).toEqual(e.days);

    const machines = await findSignInMachines(directDb(), { tenantRef, user, params: p, now });
    expect(machines.reduce((n, m) => n + m.signIns, 0)).toBe(e.matching.length);
    const joined = machines.filter((m) => m.linkedBy !== "none");
    expect(joined.length).toBeGreaterThan(0);
    for (const m of joined) {
      expect(m.subjectKey).not.toBeNull();
      const page = await findDeviceDetail(db, { tenantRef, subjectKey: m.subjectKey! });
      expect(page, `device page of ${m.hostname}`).not.toBeNull();
    }
  });

  it("a device filter matches the sign-ins tied to the machine or presenting it, as the device page lists them", async () => {
    const device = rows.find((r) => r.machineDeviceId)!.machineDeviceId!;
    const p = params({ period: "month", device });
    const e = expected(p);
    const { s } = await summaryOf(p);
    expect(s.total).toBe(e.matching.length);
    const listed = await findSignIns(directDb(), { tenantRef, params: p, now, limit: 500 });
    expect(listed.rows.map((r) => r.id).sort()).toEqual(e.matching.map((r) => r.id).sort());

    const onPage = await findDeviceSignIns(directDb(), { tenantRef, deviceId: device.toUpperCase(), limit: 3 });
    const newest = [...e.matching].sort((a, b) => b.createdDateTime.getTime() - a.createdDateTime.getTime() || (a.id < b.id ? 1 : -1)).slice(0, 3);
    expect(onPage.rows.map((r) => r.id)).toEqual(newest.map((r) => r.id));
    expect(onPage.more).toBe(e.matching.length > 3);
  });
});

describe("the Sign-ins view's event list", () => {
  it("pages through a filter's rows newest first by keyset: each row once, none missed, the last page without a Next", async () => {
    for (const p of [params({ period: "month" }), params({ period: "month", cause: rows[0]!.cause as SignInListParams["cause"] })]) {
      const seen: string[] = [];
      let after: string | null = null;
      let pages = 0;
      do {
        const page = await findSignIns(directDb(), { tenantRef, params: { ...p, after }, now, limit: 37 });
        expect(page.rows.length).toBeLessThanOrEqual(37);
        for (const r of page.rows) seen.push(r.id);
        after = page.nextAfter;
        if (++pages > 1000) throw new Error("paging does not end");
      } while (after);
      const e = expected(p).matching.sort((a, b) => b.createdDateTime.getTime() - a.createdDateTime.getTime() || (a.id < b.id ? 1 : -1));
      expect(seen).toEqual(e.map((r) => r.id));
    }
  });

  it("each row carries its explanation and, when joined, a device page that exists", async () => {
    const page = await findSignIns(directDb(), { tenantRef, params: params({ period: "month" }), now, limit: 200 });
    const explained = page.rows.filter((r) => r.cause !== "unexplained");
    expect(explained.length).toBeGreaterThan(0);
    // The list shows its root cause's title (stored with the row); opening it reads the findings, that one first.
    for (const r of explained) {
      const findings = (await findSignInFindings(directDb(), { tenantRef, id: r.id }))!;
      expect(findings[0]!.rule).toBe(r.cause);
      expect(r.causeTitle).toBe(findings[0]!.title);
      expect(r.causeTitle!.length).toBeGreaterThan(0);
      expect(findings[0]!.remediation.length).toBeGreaterThan(0);
    }
    for (const r of page.rows.filter((x) => x.cause === "unexplained")) expect(r.causeTitle).toBeNull();
    const linked = page.rows.filter((r) => r.deviceSubjectKey);
    expect(linked.length).toBeGreaterThan(0);
    for (const key of new Set(linked.map((r) => r.deviceSubjectKey!))) expect(await findDeviceDetail(db, { tenantRef, subjectKey: key }), key).not.toBeNull();
    // Joined with no machine and presenting nothing the directory holds: no link to a page that does not exist.
    for (const r of page.rows.filter((x) => x.linkedBy === "none" && !x.deviceId)) expect(r.deviceSubjectKey).toBeNull();
  });

  it("bad query-string values fall back to defaults instead of failing the page", () => {
    expect(parseSignInListParams({ period: "year", cause: "drop table", device: "not-a-guid", after: "x", app: ["Teams", "Other"], user: "" })).toEqual({
      ...DEFAULT_SIGN_IN_LIST_PARAMS,
      app: "Teams",
    });
  });

  it.runIf(process.env.JOINSCOPE_TEST_DATABASE !== "postgresql")(
    "reads every filter through an index, never a scan of the tenant's events (SQLite's plan)",
    async () => {
      const user = rows.find((r) => r.userPrincipalName)!.userPrincipalName!;
      const device = rows.find((r) => r.machineDeviceId)!.machineDeviceId!;
      const cases: [SignInListParams, RegExp[]][] = [
        [params(), [/SignInEvent_tenantRef_createdDateTime_idx/]],
        [params({ cause: "ca-device-no-prt" }), [/SignInEvent_tenantRef_cause_createdDateTime_idx/]],
        [params({ user, cause: "ca-device-no-prt" }), [/SignInEvent_tenantRef_userPrincipalName_createdDateTime_idx/]],
        [params({ app: "OfficeHome" }), [/SignInEvent_tenantRef_appDisplayName_createdDateTime_idx/]],
        // Both of a device's indexes, never the tenant's time index (a walk past every other device's rows).
        [params({ device }), [/SignInEvent_tenantRef_machineDeviceId_createdDateTime_idx/, /SignInEvent_tenantRef_deviceId_createdDateTime_idx/]],
      ];
      for (const [p, indexes] of cases) {
        const q = signInPageQuery({ tenantRef, params: { ...p, after: `${now.getTime()}~zzzz` }, now, dialect: "sqlite" });
        const plan = (await directDb().query<{ detail: string }>(`EXPLAIN QUERY PLAN ${q.sql}`, q.params)).map((r) => r.detail).join("\n");
        for (const index of indexes) expect(plan, JSON.stringify(p)).toMatch(index);
        expect(plan, JSON.stringify(p)).not.toMatch(/SCAN SignInEvent(?! USING)/);
        if (p.device) expect(plan).not.toMatch(/SignInEvent_tenantRef_createdDateTime_idx/);
      }
    },
  );
});

describe("the Sign-ins view's device indexes", () => {
  it("hold only the sign-ins with that device: most blocked sign-ins present none and are joined with none (decision 047)", async () => {
    const direct = directDb();
    const definitions =
      direct.dialect === "sqlite"
        ? await direct.query<{ name: string; sql: string }>(`SELECT "name", "sql" FROM sqlite_master WHERE "type" = 'index' AND "tbl_name" = 'SignInEvent'`)
        : await direct.query<{ name: string; sql: string }>(
            `SELECT "indexname" AS "name", "indexdef" AS "sql" FROM pg_indexes WHERE "tablename" = 'SignInEvent'`,
          );
    const sqlOf = (name: string) => definitions.find((d) => d.name === name)?.sql ?? "";
    expect(sqlOf("SignInEvent_tenantRef_machineDeviceId_createdDateTime_idx")).toMatch(/WHERE \(?"machineDeviceId" IS NOT NULL\)?$/);
    expect(sqlOf("SignInEvent_tenantRef_deviceId_createdDateTime_idx")).toMatch(/WHERE \(?"deviceId" IS NOT NULL\)?$/);
    // And such sign-ins are most of the fleet path's.
    expect(rows.filter((r) => r.deviceId === null).length).toBeGreaterThan(rows.length / 2);
  });
});

describe("the Sign-ins view's pull status", () => {
  it("a missing licence is a plain-words message, and the tenant's stored sign-ins stay", async () => {
    sim.setPremium(tenantId, false);
    try {
      await pullSignIns(db, { tenantRef, resilience: fast, now: () => now });
      const status = await findSignInPullStatus(db, { tenantRef });
      expect(status).toMatchObject({ status: "no-licence", hasSignIns: true, message: expect.stringContaining("no Microsoft Entra ID P1 or P2 licence") });
    } finally {
      sim.setPremium(tenantId, true);
    }
    const other = await createTenant(db, { tenantId: "0f0e0d0c-0b0a-4909-8807-060504030201", name: "Empty", actor: "test" });
    if (!other.ok) throw new Error(other.error.message);
    expect(await findSignInPullStatus(db, { tenantRef: other.id })).toEqual({
      status: "never",
      message: null,
      lastRunAt: null,
      lastSuccessAt: null,
      hasSignIns: false,
    });
  });
});
