/**
 * The fleet path of issue 19 end to end, on SQLite and PostgreSQL: a simulated tenant's sign-in log (generated
 * consistent with its device scenarios, simulator/sign-ins/generate-sign-ins.ts) pulled from the simulator, each
 * blocked sign-in joined with the device and the user's machine (its agent reports uploaded as agents upload them),
 * explained with the sign-in rules and stored; incremental, resumable, throttled, licence and permission as warnings.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createAgentToken } from "@/lib/agent-tokens/create-agent-token";
import { db } from "@/lib/db/client";
import { ingestReport } from "@/lib/ingest/ingest-report";
import { pullSignIns, type PullSignInsOptions } from "@/lib/signins/pull-sign-ins";
import { runSync } from "@/lib/sync/run-sync";
import { testTenantConnection } from "@/lib/sync/test-tenant-connection";
import { createTenant } from "@/lib/tenants/create-tenant";
import { setTenantApp } from "@/lib/tenants/set-tenant-app";
import { createSimTenant } from "@/simulator/create-sim-tenant";
import { startSimulator, type SimSignIn, type SimulatorHandle } from "@/simulator/server";
import type { GeneratedTenant, SimulatedMachine, SimulatedReport } from "@/simulator/types";
import { runJoinscope } from "../setup/run-joinscope";

const fast = { sleep: async () => undefined, baseDelayMs: 1, requestWindow: { requests: 1000, seconds: 1 } };

interface Setup {
  sim: SimulatorHandle;
  generated: GeneratedTenant;
  signIns: readonly SimSignIn[];
  tenantRef: string;
  tenantId: string;
  clientId: string;
  clientSecret: string;
  agent: { tokenId: string; tenantRef: string; tenantId: string };
}

/** A synced tenant whose agents reported; `skipReports` keeps some machines' reports back. */
/** A second app registration of the tenant, consented for devices only (not the sign-in log). */
const DEVICES_ONLY_APP = { clientId: "6a1e0c3d-2b4f-4a5e-9c7d-8e9f0a1b2c3d", clientSecret: "devices-only-secret" };

async function setUp(seed: number, name: string, skipReports: (r: SimulatedReport) => boolean = () => false): Promise<Setup> {
  const now = new Date();
  const created = createSimTenant({ seed, deviceCount: 240, now, includeReports: true, tenantName: name, signIns: { days: 1 } });
  const generated = created.generated!;
  const tenant = { ...created.tenant, extraApps: [{ ...DEVICES_ONLY_APP, permissions: ["Device.Read.All"] }] };
  const sim = await startSimulator({ tenants: [tenant], reportsThrottle: null });
  const t = await createTenant(db, { tenantId: created.tenant.tenantId, name, actor: "test" });
  if (!t.ok) throw new Error(t.error.message);
  await setTenantApp(db, {
    tenantRef: t.id,
    cloud: "custom",
    authorityHost: sim.authorityHost,
    graphBaseUrl: sim.graphBaseUrl,
    clientId: created.tenant.clientId,
    credential: { kind: "secret", clientSecret: created.tenant.clientSecret! },
    actor: "test",
  });
  const sync = await runSync(db, { tenantRef: t.id, mode: "full", trigger: "test", resilience: fast, evaluateFindings: false });
  if (!sync.ok) throw new Error(sync.error.message);
  const token = await createAgentToken(db, { tenantRef: t.id, name: "agents", actor: "test" });
  if (!token.ok) throw new Error("token");
  const agent = { tokenId: token.id, tenantRef: t.id, tenantId: created.tenant.tenantId };
  for (const r of generated.reports.filter((r) => !skipReports(r))) await upload(agent, r);
  return {
    sim,
    generated,
    signIns: created.tenant.signIns!,
    tenantRef: t.id,
    tenantId: created.tenant.tenantId,
    clientId: created.tenant.clientId,
    clientSecret: created.tenant.clientSecret!,
    agent,
  };
}

async function upload(agent: Setup["agent"], r: SimulatedReport): Promise<void> {
  const body = {
    hostname: r.hostname,
    capturedAt: r.capturedAt,
    agentVersion: r.agentVersion,
    dsregcmd: r.dsregcmd,
    events: r.events,
    ...(r.computerDn ? { computerDn: r.computerDn } : {}),
  };
  const res = await ingestReport(db, { agent, body });
  if (!res.ok) throw new Error(`${r.hostname}: ${res.error.message}`);
}

const pull = (s: Setup, options: Partial<PullSignInsOptions> = {}) => pullSignIns(db, { tenantRef: s.tenantRef, resilience: fast, ...options });

async function stored(s: Setup) {
  return db.signInEvent.findMany({
    where: { tenantRef: s.tenantRef },
    select: {
      signInId: true,
      cause: true,
      causeLabel: true,
      linkedBy: true,
      machineHostname: true,
      machineDeviceId: true,
      deviceId: true,
      findings: true,
      userPrincipalName: true,
    },
  });
}

const blocked = (signIns: readonly SimSignIn[]) => signIns.filter((x) => x.conditionalAccessStatus === "failure");

/** The view's counts must equal the rows', counted from scratch. */
async function expectRollupsMatchRows(s: Setup): Promise<void> {
  const rows = await db.signInEvent.findMany({
    where: { tenantRef: s.tenantRef },
    select: { createdDateTime: true, cause: true, causeLabel: true, appDisplayName: true, userPrincipalName: true, machineDeviceId: true, deviceId: true },
  });
  const daily = new Map<string, number>();
  const devices = new Map<string, number>();
  const users = new Map<string, number>();
  const later = (map: Map<string, number>, key: string, ms: number) => map.set(key, Math.max(map.get(key) ?? 0, ms));
  for (const r of rows) {
    const day = Math.floor(r.createdDateTime.getTime() / 86_400_000) * 86_400_000;
    const k = `${day}|${r.cause}|${r.causeLabel}|${r.appDisplayName ?? ""}`;
    daily.set(k, (daily.get(k) ?? 0) + 1);
    const device = r.machineDeviceId ?? r.deviceId;
    if (device) later(devices, `${r.cause}|${r.causeLabel}|${device}`, r.createdDateTime.getTime());
    if (r.userPrincipalName) later(users, `${r.cause}|${r.causeLabel}|${r.userPrincipalName}`, r.createdDateTime.getTime());
  }
  const sorted = (m: Map<string, number>) => [...m.entries()].sort();
  const storedDaily = await db.signInDaily.findMany({ where: { tenantRef: s.tenantRef } });
  expect(sorted(new Map(storedDaily.map((d) => [`${d.day.getTime()}|${d.cause}|${d.causeLabel}|${d.appDisplayName}`, d.signIns])))).toEqual(sorted(daily));
  const storedDevices = await db.signInCauseDevice.findMany({ where: { tenantRef: s.tenantRef } });
  expect(sorted(new Map(storedDevices.map((d) => [`${d.cause}|${d.causeLabel}|${d.deviceId}`, d.lastAt.getTime()])))).toEqual(sorted(devices));
  const storedUsers = await db.signInCauseUser.findMany({ where: { tenantRef: s.tenantRef } });
  expect(sorted(new Map(storedUsers.map((u) => [`${u.cause}|${u.causeLabel}|${u.userPrincipalName}`, u.lastAt.getTime()])))).toEqual(sorted(users));
  // The distinct devices and users per cause and day of their latest sign-in of it (the triggers' SignInCauseDay).
  const perDay = new Map<string, number>();
  for (const [counter, map] of [
    ["devices", devices],
    ["users", users],
  ] as const) {
    for (const [key, ms] of map) {
      const [cause, causeLabel] = key.split("|");
      const k = `${Math.floor(ms / 86_400_000) * 86_400_000}|${cause}|${causeLabel}|${counter}`;
      perDay.set(k, (perDay.get(k) ?? 0) + 1);
    }
  }
  const storedDays = await db.signInCauseDay.findMany({ where: { tenantRef: s.tenantRef } });
  const storedPerDay = storedDays.flatMap((d) =>
    (["devices", "users"] as const).filter((c) => d[c] !== 0).map((c) => [`${d.day.getTime()}|${d.cause}|${d.causeLabel}|${c}`, d[c]] as [string, number]),
  );
  expect(storedPerDay.sort()).toEqual(sorted(perDay));
}

describe("pulling, joining and explaining a tenant's blocked sign-ins", () => {
  let s: Setup;
  let machineOf: Map<string, SimulatedMachine>;
  beforeAll(async () => {
    s = await setUp(1901, "Contoso");
    machineOf = new Map(s.generated.machines.map((m) => [m.userPrincipalName, m]));
  }, 180_000);
  afterAll(async () => s?.sim.close());

  it("stores every sign-in blocked for its device once, with its cause, and nothing else", async () => {
    const r = await pull(s);
    expect(r).toMatchObject({ status: "ok", message: null, resumed: false });
    const expected = blocked(s.signIns);
    expect(r.seen).toBe(expected.length);
    expect(r.stored).toBe(expected.length);
    const rows = await stored(s);
    expect(rows.map((x) => x.signInId).sort()).toEqual(expected.map((x) => x.id).sort());
    expect(rows.filter((x) => x.cause === "unexplained")).toEqual([]);
    const state = await db.signInPull.findUniqueOrThrow({ where: { tenantRef: s.tenantRef } });
    expect(state).toMatchObject({ status: "ok", message: null, windowFrom: null, resumeLink: null, lastStored: expected.length });
    expect(state.pulledThrough?.toISOString()).toBe(r.window!.to);
    await expectRollupsMatchRows(s);
  });

  it("explains each scenario's sign-ins with its rule, joined with the user's machine", async () => {
    const rows = await stored(s);
    const misses: string[] = [];
    const expectCause = (scenarioOf: (m: SimulatedMachine, x: (typeof rows)[number], sim: SimSignIn) => string | null) => {
      for (const x of rows) {
        const sim = s.signIns.find((e) => e.id === x.signInId)!;
        const m = machineOf.get(x.userPrincipalName ?? "")!;
        const want = scenarioOf(m, x, sim);
        if (want && x.cause !== want)
          misses.push(`${m.scenario} ${m.hostname} ${sim.deviceDetail.browser || sim.clientAppUsed}: ${x.cause} (${x.causeLabel}), wanted ${want}`);
      }
    };
    const windowsPc = (sim: SimSignIn) => sim.deviceDetail.operatingSystem === "Windows10";
    expectCause((m, _x, sim) =>
      windowsPc(sim) && ["prt-expired", "prt-wrong-password", "thumbprint-mismatch", "alt-security-ids-missing"].includes(m.scenario)
        ? "ca-device-no-prt"
        : null,
    );
    expectCause((m, _x, sim) => (m.scenario === "object-disabled" && sim.deviceDetail.deviceId ? "ca-device-object-gone" : null));
    expectCause((m, _x, sim) =>
      m.scenario === "duplicate-device" && sim.deviceDetail.trustType === "Azure AD registered" ? "ca-device-object-mismatch" : null,
    );
    expectCause((m, _x, sim) => (m.scenario === "healthy-entra" && m.isCompliant === false && sim.deviceDetail.deviceId ? "ca-device-not-compliant" : null));
    expectCause((m, _x, sim) =>
      ["healthy-hybrid", "healthy-entra"].includes(m.scenario) && windowsPc(sim) && !sim.deviceDetail.deviceId ? "ca-device-not-presented" : null,
    );
    expectCause((_m, _x, sim) => (sim.deviceDetail.operatingSystem.startsWith("Ios") && !sim.deviceDetail.deviceId ? "ca-device-not-presented" : null));
    expect(misses).toEqual([]);

    const noPrt = rows.filter((x) => x.cause === "ca-device-no-prt");
    expect(noPrt.length).toBeGreaterThan(0);
    for (const x of noPrt) {
      const m = machineOf.get(x.userPrincipalName!)!;
      expect(x).toMatchObject({ linkedBy: "user-and-time", machineHostname: m.hostname, machineDeviceId: m.deviceId });
      const [finding] = JSON.parse(x.findings) as { rule: string; evidence: { field: string; value: string }[] }[];
      expect(finding!.evidence).toContainEqual(expect.objectContaining({ field: "subjectKey", value: `d:${m.deviceId}` }));
    }
    const chrome = rows.filter((x) => x.causeLabel === "Chrome without the Microsoft Single Sign On extension");
    expect(chrome.length).toBeGreaterThan(0);
    const gone = rows.filter((x) => x.cause === "ca-device-object-gone");
    expect(gone.length).toBeGreaterThan(0);
    for (const x of gone) expect(x).toMatchObject({ linkedBy: "presented-device", machineDeviceId: x.deviceId });
    const mismatch = rows.find((x) => x.cause === "ca-device-object-mismatch")!;
    expect(mismatch.machineDeviceId).toBe(machineOf.get(mismatch.userPrincipalName!)!.deviceId);
  });

  it("pulls incrementally: the next window starts an hour (the overlap) before the last one ended, and stores nothing twice", async () => {
    const before = await db.signInPull.findUniqueOrThrow({ where: { tenantRef: s.tenantRef } });
    const template = blocked(s.signIns)[0]!;
    const fresh: SimSignIn = {
      ...template,
      id: "0f0f0f0f-1111-4222-8333-444444444444",
      createdDateTime: new Date(Date.now() - 1000).toISOString().replace("Z", "0000Z"),
    };
    s.sim.state.signIns(s.tenantId).add([fresh]);
    const r = await pull(s);
    expect(r.status).toBe("ok");
    expect(Date.parse(r.window!.from)).toBe(before.pulledThrough!.getTime() - 3_600_000);
    expect(r.stored).toBe(1);
    expect(await db.signInEvent.count({ where: { tenantRef: s.tenantRef } })).toBe(blocked(s.signIns).length + 1);
    await expectRollupsMatchRows(s);
  });

  it("drops the sign-ins older than the retention", async () => {
    const old: SimSignIn = {
      ...blocked(s.signIns)[0]!,
      id: "0e0e0e0e-1111-4222-8333-444444444444",
      createdDateTime: new Date(Date.now() - 3 * 86_400_000).toISOString().replace("Z", "0000Z"),
    };
    await db.signInPull.update({ where: { tenantRef: s.tenantRef }, data: { pulledThrough: null } });
    s.sim.state.signIns(s.tenantId).add([old]);
    expect((await pull(s)).stored).toBe(1);
    const r = await pull(s, { retentionDays: 2 });
    expect(r.expired).toBe(1);
    expect(await db.signInEvent.count({ where: { tenantRef: s.tenantRef, signInId: old.id } })).toBe(0);
    await expectRollupsMatchRows(s);
  });

  it("waits out 429 with Retry-After and counts the throttled waits", async () => {
    s.sim.injectFault({ kind: "429", path: /\/auditLogs\/signIns/, times: 2, retryAfterSeconds: 1 });
    const r = await pull(s);
    expect(r.status).toBe("ok");
    expect(r.throttledWaits).toBeGreaterThanOrEqual(2);
  });
});

describe("resuming, warnings and late reports", () => {
  let s: Setup;
  const late = (r: SimulatedReport) => r.scenario === "prt-wrong-password";
  beforeAll(async () => {
    s = await setUp(1902, "Fabrikam", late);
  }, 180_000);
  afterAll(async () => s?.sim.close());

  it("joins a sign-in again once its user's machine reports after it was pulled", async () => {
    const first = await pull(s);
    expect(first.status).toBe("ok");
    const machines = s.generated.machines.filter((m) => m.scenario === "prt-wrong-password");
    const users = machines.map((m) => m.userPrincipalName);
    const before = await db.signInEvent.findMany({
      where: { tenantRef: s.tenantRef, userPrincipalName: { in: users }, deviceId: null, operatingSystem: "Windows10" },
      select: { linkedBy: true, cause: true },
    });
    expect(before.length).toBeGreaterThan(0);
    expect(before.every((x) => x.linkedBy === "none" && x.cause === "ca-device-not-presented")).toBe(true);
    const unlinked = await db.signInEvent.count({ where: { tenantRef: s.tenantRef, userPrincipalName: { in: users }, linkedBy: "none" } });
    for (const r of s.generated.reports.filter(late)) await upload(s.agent, r);
    const second = await pull(s);
    expect(second.rejoined).toBe(unlinked);
    const after = await db.signInEvent.findMany({
      where: { tenantRef: s.tenantRef, userPrincipalName: { in: users }, deviceId: null, operatingSystem: "Windows10" },
      select: { linkedBy: true, cause: true, causeLabel: true },
    });
    expect(after.every((x) => x.linkedBy === "user-and-time" && x.cause === "ca-device-no-prt")).toBe(true);
    expect(after[0]!.causeLabel).toBe("No PRT: wrong credentials or password not synced");
    await expectRollupsMatchRows(s);
  });

  it("resumes a stopped pull from its last committed page, and stores every sign-in once", async () => {
    await db.signInEvent.deleteMany({ where: { tenantRef: s.tenantRef } });
    await db.signInDaily.deleteMany({ where: { tenantRef: s.tenantRef } });
    await db.signInCauseDevice.deleteMany({ where: { tenantRef: s.tenantRef } });
    await db.signInCauseUser.deleteMany({ where: { tenantRef: s.tenantRef } });
    await db.signInPull.update({ where: { tenantRef: s.tenantRef }, data: { pulledThrough: null } });
    const controller = new AbortController();
    const stopped = await pull(s, { pageSize: 20, signal: controller.signal, onProgress: (p) => p.pages === 2 && controller.abort() });
    // Pages already handed to the writer when the signal came still commit, each with its resume point.
    expect(stopped.status).toBe("aborted");
    expect(stopped.pages).toBeGreaterThanOrEqual(2);
    expect(stopped.stored).toBe(stopped.pages * 20);
    expect(stopped.stored).toBeLessThan(blocked(s.signIns).length);
    expect(await db.signInEvent.count({ where: { tenantRef: s.tenantRef } })).toBe(stopped.stored);
    const state = await db.signInPull.findUniqueOrThrow({ where: { tenantRef: s.tenantRef } });
    expect(state.resumeLink).toContain("$skiptoken=");
    expect(state.windowFrom).not.toBeNull();
    // The stopped run kept its lease, as a crashed one would: the next holder takes it when it expires.
    await db.signInLease.deleteMany({ where: { tenantRef: s.tenantRef } });
    const resumed = await pull(s, { pageSize: 20 });
    expect(resumed).toMatchObject({ status: "ok", resumed: true });
    expect(Date.parse(resumed.window!.from)).toBe(state.windowFrom!.getTime());
    expect(await db.signInEvent.count({ where: { tenantRef: s.tenantRef } })).toBe(blocked(s.signIns).length);
    await expectRollupsMatchRows(s);
  });

  it("a tenant without P1/P2, or an app without AuditLog.Read.All: a plain-words warning in the pull and in Test connection; the sync is unaffected", async () => {
    s.sim.setPremium(s.tenantId, false);
    try {
      const r = await pull(s);
      expect(r).toMatchObject({ status: "no-licence", message: expect.stringContaining("no Microsoft Entra ID P1 or P2 licence") });
      expect(await db.signInPull.findUniqueOrThrow({ where: { tenantRef: s.tenantRef } })).toMatchObject({ status: "no-licence", windowFrom: null });
      const report = await testTenantConnection(db, { tenantRef: s.tenantRef });
      expect(report.ok).toBe(true);
      expect(report.checks.find((c) => c.name === "AuditLog.Read.All")).toMatchObject({ status: "warning", message: expect.stringContaining("P1 or P2") });
      const sync = await runSync(db, { tenantRef: s.tenantRef, trigger: "test", resilience: fast, evaluateFindings: false });
      expect(sync.ok).toBe(true);
    } finally {
      s.sim.setPremium(s.tenantId, true);
    }
    const app = (clientId: string, clientSecret: string) =>
      setTenantApp(db, {
        tenantRef: s.tenantRef,
        cloud: "custom",
        authorityHost: s.sim.authorityHost,
        graphBaseUrl: s.sim.graphBaseUrl,
        clientId,
        credential: { kind: "secret", clientSecret },
        actor: "test",
      });
    await app(DEVICES_ONLY_APP.clientId, DEVICES_ONLY_APP.clientSecret);
    try {
      const r = await pull(s);
      expect(r).toMatchObject({ status: "no-permission", message: expect.stringContaining("AuditLog.Read.All") });
      const report = await testTenantConnection(db, { tenantRef: s.tenantRef });
      expect(report.ok).toBe(true);
      expect(report.checks.find((c) => c.name === "AuditLog.Read.All")).toMatchObject({
        status: "warning",
        message: expect.stringContaining("Grant admin consent"),
      });
    } finally {
      await app(s.clientId, s.clientSecret);
    }
    expect((await pull(s)).status).toBe("ok");
  });

  it("joinscope signins pull: a summary on success; without the licence a warning and exit 0", async () => {
    const ok = await runJoinscope(["signins", "pull", "--tenant", "Fabrikam"]);
    expect(ok.code).toBe(0);
    expect(ok.stdout).toMatch(/^Fabrikam: \d+ sign-ins read in \d+ pages/);
    s.sim.setPremium(s.tenantId, false);
    try {
      const warned = await runJoinscope(["signins", "pull", "--tenant", "Fabrikam"]);
      expect(warned.code).toBe(0);
      expect(warned.stderr).toContain("joinscope: warning: Fabrikam: This tenant has no Microsoft Entra ID P1 or P2 licence");
    } finally {
      s.sim.setPremium(s.tenantId, true);
    }
    expect((await runJoinscope(["signins", "fetch"])).code).toBe(2);
  });

  it("runs one pull per tenant at a time", async () => {
    const [a, b] = await Promise.all([pull(s), pull(s)]);
    expect([a.status, b.status].sort()).toEqual(["already-running", "ok"]);
  });
});
