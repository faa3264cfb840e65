/**
 * The device summaries (lib/device-summary) follow every input in the transactions that change it: sync pages (full,
 * delta: a new object, a change, a deletion, a restore, a registration id that gets its object), uploads, findings
 * passes (opened, resolved, acknowledged), the deletion of a tenant. After each step the stored summaries and tallies
 * must equal what a rebuild from the base tables computes, the Devices list must list what the union query it
 * replaced listed, and the Overview must count what its per-report computation counted. Runs on SQLite and PostgreSQL.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { db } from "@/lib/db/client";
import { directDb } from "@/lib/db/direct";
import { createAgentToken } from "@/lib/agent-tokens/create-agent-token";
import { acknowledgeFinding } from "@/lib/findings/acknowledge-finding";
import { flushFindingsQueue } from "@/lib/findings/findings-scheduler";
import { reevaluateAllFindings } from "@/lib/findings/findings-scheduler";
import { ingestReport } from "@/lib/ingest/ingest-report";
import { ensureDeviceSummaries, rebuildDeviceSummaries } from "@/lib/device-summary/rebuild-device-summaries";
import { SUMMARY_VERSION } from "@/lib/device-summary/summary-version";
import { directoryStatements, findingsStatements, reportStatements } from "@/lib/device-summary/summary-statements";
import { summarizeOpenFindings } from "@/lib/device-summary/summarize-open-findings";
import { findDevices, type DeviceRow } from "@/lib/queries/find-devices";
import { getOverviewStats } from "@/lib/queries/get-overview-stats";
import { classifyOutlook, outlookFacts } from "@/lib/rules/broken-device";
import { runSync } from "@/lib/sync/run-sync";
import { planDeltaPage, type DeltaPageEntry } from "@/lib/sync/write-device-page";
import { createTenant } from "@/lib/tenants/create-tenant";
import { setTenantApp } from "@/lib/tenants/set-tenant-app";
import { DEFAULT_DEVICE_LIST_PARAMS, DEVICE_SORTS, type DeviceListParams } from "@/lib/url-params/device-list-params";
import { readFindingsSnapshot, worstSeverity, isProblemSeverity } from "@/lib/display/severity";
import { createSimTenant } from "@/simulator/create-sim-tenant";
import { startSimulator, type SimulatorHandle } from "@/simulator/server";
import type { GeneratedTenant, GraphDevice } from "@/simulator/types";
import { reevaluateFindings } from "@/lib/findings/findings-scheduler";
import { testDatabaseKind } from "../setup/databases";
import { bulkRebuildStatements } from "@/lib/device-summary/bulk-rebuild";
import { stripeOf } from "@/lib/device-summary/subject-stripe";
import { prefixRange } from "@/lib/queries/find-devices";
import pg from "pg";
import { recordingDirectDb } from "../setup/recording-direct-db";

const fast = { sleep: async () => undefined, baseDelayMs: 1 };
const direct = () => directDb();

/** Every summary, tally and report count of a tenant, as plain comparable values. */
async function stored(tenantRef: string) {
  const plain = (rows: Record<string, unknown>[]) =>
    rows.map((r) => Object.fromEntries(Object.entries(r).map(([k, v]) => [k, v instanceof Date ? v.toISOString() : typeof v === "bigint" ? Number(v) : v])));
  const summaries = await db.deviceSummary.findMany({ where: { tenantRef }, orderBy: { rowKey: "asc" } });
  const tallies = await db.deviceSummaryTally.findMany({
    where: { tenantRef, n: { not: 0 } },
    orderBy: [
      { stripe: "asc" },
      { state: "asc" },
      { trust: "asc" },
      { problem: "asc" },
      { head: "asc" },
      { joinType: "asc" },
      { headDevice: "asc" },
      { headProblem: "asc" },
      { headNoPrt: "asc" },
    ],
  });
  const osTallies = await db.deviceOsTally.findMany({
    where: { tenantRef, n: { not: 0 } },
    orderBy: [{ os: "asc" }, { osVersion: "asc" }, { stripe: "asc" }, { state: "asc" }, { trust: "asc" }, { problem: "asc" }],
  });
  const reports = await db.reportTally.findMany({ where: { tenantRef }, orderBy: [{ period: "asc" }, { shard: "asc" }] });
  return { summaries: plain(summaries), tallies: plain(tallies), osTallies: plain(osTallies), reports: plain(reports) };
}

/** The tallies the triggers keep, counted again from the summaries themselves. */
async function talliesFromRows(tenantRef: string) {
  const rows = await db.deviceSummary.findMany({ where: { tenantRef } });
  const counts = new Map<string, number>();
  for (const r of rows) {
    const head = r.reportHead && r.lastReportAt !== null;
    const facets = [
      r.state,
      r.trustType ?? "",
      r.worstRank <= 1,
      head,
      head ? (r.joinType ?? "") : "",
      head && r.deviceId !== null,
      head && r.reportRank <= 1,
      head && r.azureAdPrt === false && (r.joinType === "hybrid" || r.joinType === "entra"),
    ].join("|");
    counts.set(facets, (counts.get(facets) ?? 0) + 1);
  }
  return counts;
}

async function talliesStored(tenantRef: string) {
  const counts = new Map<string, number>();
  for (const t of await db.deviceSummaryTally.findMany({ where: { tenantRef } })) {
    const facets = [t.state, t.trust, t.problem, t.head, t.joinType, t.headDevice, t.headProblem, t.headNoPrt].join("|");
    counts.set(facets, (counts.get(facets) ?? 0) + t.n);
  }
  for (const [k, n] of counts) if (n === 0) counts.delete(k);
  return counts;
}

/** The OS tally (decision 050) counted again from the summaries themselves, and as its triggers keep it (rows of 0 left out). */
async function osTalliesFromRows(tenantRef: string) {
  const counts = new Map<string, number>();
  for (const r of await db.deviceSummary.findMany({ where: { tenantRef } })) {
    const facets = [r.operatingSystem ?? "", r.operatingSystemVersion ?? "", stripeOf(r.subjectKey), r.state, r.trustType ?? "", r.worstRank <= 1].join("|");
    counts.set(facets, (counts.get(facets) ?? 0) + 1);
  }
  return counts;
}

async function osTalliesStored(tenantRef: string) {
  const counts = new Map<string, number>();
  for (const t of await db.deviceOsTally.findMany({ where: { tenantRef } })) {
    const facets = [t.os, t.osVersion, t.stripe, t.state, t.trust, t.problem].join("|");
    expect(t.n, facets).toBeGreaterThanOrEqual(0);
    if (t.n !== 0) counts.set(facets, t.n);
  }
  return counts;
}

/**
 * The Devices list's total for OS and OS version filters (alone and with the facets the tallies hold), which it sums
 * from the OS tally (decision 050), against a COUNT(*) of the summaries with the same definition: each OS, each
 * version's first one, two and three parts, a prefix with a letter (no range), and a version without its OS.
 */
async function expectOsTotalsExact(tenantRef: string) {
  const rows = await db.deviceSummary.findMany({ where: { tenantRef }, select: { operatingSystem: true, operatingSystemVersion: true } });
  const filters: Partial<DeviceListParams>[] = [];
  const seen = new Set<string>();
  const add = (f: Partial<DeviceListParams>) => {
    const k = JSON.stringify(f);
    if (seen.has(k)) return;
    seen.add(k);
    filters.push(f);
  };
  for (const r of rows) {
    if (!r.operatingSystem) continue;
    add({ os: r.operatingSystem });
    for (const parts of [1, 2, 3]) {
      const prefix = (r.operatingSystemVersion ?? "").split(".").slice(0, parts).join(".");
      if (prefix) add({ os: r.operatingSystem, osVersion: prefix });
    }
  }
  expect(filters.length).toBeGreaterThan(3);
  const withFacets = filters
    .filter((f) => f.osVersion)
    .slice(0, 4)
    .flatMap((f): Partial<DeviceListParams>[] => [
      { ...f, state: "live" },
      { ...f, problems: true },
      { ...f, trust: "ServerAd" },
      { ...f, trust: "none" },
      { ...f, state: "deleted", problems: true },
      { osVersion: f.osVersion },
    ]);
  const odd: Partial<DeviceListParams>[] = [{ os: "Windows", osVersion: "10.0 (b" }, { os: "No such OS" }, { osVersion: "99.9" }];
  for (const f of [...filters, ...withFacets, ...odd]) {
    const params = { ...DEFAULT_DEVICE_LIST_PARAMS, ...f };
    const conditions = [`"tenantRef" = ?`];
    const values: unknown[] = [tenantRef];
    const where = (sql: string, ...v: unknown[]) => {
      conditions.push(sql);
      values.push(...v);
    };
    if (f.os) where(`"operatingSystem" = ?`, f.os);
    if (f.osVersion) where(`"operatingSystemVersion" LIKE ?`, `${f.osVersion}%`);
    if (f.state) where(`"state" = ?`, f.state);
    if (f.problems) where(`"worstRank" <= 1`);
    if (f.trust === "none") where(`"trustType" IS NULL`);
    else if (f.trust) where(`"trustType" = ?`, f.trust);
    const [counted] = await direct().query<{ n: number | bigint | string }>(
      `SELECT COUNT(*) AS "n" FROM "DeviceSummary" WHERE ${conditions.join(" AND ")}`,
      values,
    );
    expect((await findDevices(direct(), { tenantRef, params })).total, JSON.stringify(f)).toBe(Number(counted!.n));
  }
  // A prefix with a letter is no range (SQLite's LIKE ignores case): the tally tests it with the same LIKE.
  expect(prefixRange("10.0 (b")).toBeNull();
}

/**
 * The Devices list as the union query the summaries replaced computed it from the base tables (one row per
 * directory object, per registration id that only reported, per host without one), in a canonical order.
 */
async function devicesFromBaseTables(tenantRef: string) {
  const objects = await db.directoryDevice.findMany({ where: { tenantRef } });
  const reports = await db.deviceReport.findMany({
    where: { tenantRef },
    select: { id: true, deviceId: true, hostname: true, capturedAt: true, joinType: true },
  });
  const findings = await db.finding.findMany({ where: { tenantRef, status: "open" }, select: { subjectKey: true, severity: true } });
  const latest = new Map<string, (typeof reports)[number]>();
  for (const r of reports) {
    const key = r.deviceId ? `d:${r.deviceId}` : `h:${r.hostname.toLowerCase()}`;
    const seen = latest.get(key);
    if (!seen || seen.capturedAt < r.capturedAt || (seen.capturedAt.getTime() === r.capturedAt.getTime() && seen.id < r.id)) latest.set(key, r);
  }
  const rank: Record<string, number> = { critical: 0, high: 1, medium: 2, low: 3, info: 4 };
  const open = new Map<string, { worst: number; n: number }>();
  for (const f of findings) {
    const o = open.get(f.subjectKey) ?? { worst: 9, n: 0 };
    open.set(f.subjectKey, { worst: Math.min(o.worst, rank[f.severity] ?? 4), n: o.n + 1 });
  }
  const row = (
    rowKey: string,
    subjectKey: string,
    fields: { name: string; deviceId: string | null; objectId: string | null; trustType: string | null; state: string; deletedReason: string | null },
  ) => {
    const r = latest.get(subjectKey);
    const o = open.get(subjectKey) ?? { worst: 9, n: 0 };
    return {
      rowKey,
      subjectKey,
      ...fields,
      joinType: r?.joinType ?? null,
      lastReportAt: r?.capturedAt.toISOString() ?? null,
      worstRank: o.worst,
      openCount: o.n,
    };
  };
  const out = objects.map((d) =>
    row(`o:${d.objectId}`, d.deviceId ? `d:${d.deviceId}` : `o:${d.objectId}`, {
      name: d.displayName ?? "",
      deviceId: d.deviceId,
      objectId: d.objectId,
      trustType: d.trustType,
      state: d.deletedAt ? "deleted" : d.isPending ? "pending" : d.accountEnabled === false ? "disabled" : "live",
      deletedReason: d.deletedReason,
    }),
  );
  const withObject = new Set(objects.map((d) => d.deviceId).filter((id): id is string => id !== null));
  for (const [key, r] of latest) {
    if (r.deviceId && withObject.has(r.deviceId)) continue;
    out.push(row(key, key, { name: r.hostname, deviceId: r.deviceId, objectId: null, trustType: null, state: "report-only", deletedReason: null }));
  }
  return out.sort((a, b) => (a.rowKey < b.rowKey ? -1 : 1));
}

/** The Overview's device figures as it computed them: over each device's latest report (by deviceId, else host name). */
async function overviewFromReports(tenantRef: string) {
  const reports = await db.deviceReport.findMany({
    where: { tenantRef },
    select: { id: true, deviceId: true, hostname: true, capturedAt: true, joinType: true, azureAdPrt: true, findingsSnapshot: true },
  });
  const latest = new Map<string, (typeof reports)[number]>();
  for (const r of reports) {
    const key = r.deviceId ? `d:${r.deviceId}` : `h:${r.hostname.toLowerCase()}`;
    const seen = latest.get(key);
    if (!seen || seen.capturedAt < r.capturedAt || (seen.capturedAt.getTime() === r.capturedAt.getTime() && seen.id < r.id)) latest.set(key, r);
  }
  const byJoinType: Record<string, number> = { hybrid: 0, entra: 0, registered: 0, domain: 0, none: 0 };
  let devicesReporting = 0;
  let devicesWithProblems = 0;
  let devicesWithoutPrt = 0;
  for (const r of latest.values()) {
    if (r.deviceId) devicesReporting++;
    if (r.joinType in byJoinType) byJoinType[r.joinType]!++;
    if (r.azureAdPrt === false && (r.joinType === "hybrid" || r.joinType === "entra")) devicesWithoutPrt++;
    if (isProblemSeverity(worstSeverity(readFindingsSnapshot(r.findingsSnapshot)))) devicesWithProblems++;
  }
  return { reportsTotal: reports.length, devicesReporting, byJoinType, devicesWithProblems, devicesWithoutPrt };
}

/**
 * Every page of the list in one sort, by Next links (keyset from the last row), then back by Previous links. `dense`:
 * as a large tenant reads a filter or search that matches many devices (through the sort's index), not few.
 */
async function walk(tenantRef: string, params: Partial<DeviceListParams>, dense = false) {
  const base = { ...DEFAULT_DEVICE_LIST_PARAMS, ...params };
  const read = (p: DeviceListParams) => findDevices(direct(), { tenantRef, params: p, ...(dense ? { sparseRows: 0 } : {}) });
  const forward: DeviceRow[][] = [];
  let page = await read(base);
  forward.push(page.rows);
  while (page.page * page.pageSize < page.total) {
    page = await read({ ...base, page: page.page + 1, after: page.rows[page.rows.length - 1]!.rowKey });
    forward.push(page.rows);
  }
  const backward: DeviceRow[][] = [page.rows];
  while (page.page > 1) {
    page = await read({ ...base, page: page.page - 1, before: page.rows[0]!.rowKey });
    backward.unshift(page.rows);
  }
  // The same pages by number (OFFSET), as a typed link reads them.
  const byNumber: DeviceRow[][] = [];
  for (let n = 1; n <= forward.length; n++) byNumber.push((await read({ ...base, page: n })).rows);
  return { forward, backward, byNumber, total: page.total };
}

type SimTenantStore = ReturnType<typeof createSimTenant>["tenant"];

/** The simulator's tenant registered in JoinScope with its app registration, and an agent token of it. */
async function registerSimulatedTenant(sim: SimulatorHandle, store: SimTenantStore, name: string) {
  const t = await createTenant(db, { tenantId: store.tenantId, name, actor: "test" });
  if (!t.ok) throw new Error(t.error.message);
  const app = await setTenantApp(db, {
    tenantRef: t.id,
    cloud: "custom",
    authorityHost: sim.authorityHost,
    graphBaseUrl: sim.graphBaseUrl,
    clientId: store.clientId,
    credential: { kind: "secret", clientSecret: store.clientSecret! },
    actor: "test",
  });
  if (!app.ok) throw new Error(app.error.message);
  const token = await createAgentToken(db, { tenantRef: t.id, name: "agents", actor: "test" });
  if (!token.ok) throw new Error("token");
  return { tenantRef: t.id, agent: { tokenId: token.id, tenantRef: t.id, tenantId: store.tenantId } };
}

describe("device summaries follow the directory, the reports and the findings", () => {
  let sim: SimulatorHandle;
  let generated: GeneratedTenant;
  let tenantRef: string;
  let agent: { tokenId: string; tenantRef: string; tenantId: string };
  /** Removed from the directory before the first sync and added back later: a device that only reported, then gets its object. */
  let held: GraphDevice;
  const now = new Date();

  async function expectCurrent() {
    await flushFindingsQueue();
    const before = await stored(tenantRef);
    expect(before.summaries.length).toBeGreaterThan(0);
    expect(await talliesStored(tenantRef)).toEqual(await talliesFromRows(tenantRef));
    expect(await osTalliesStored(tenantRef)).toEqual(await osTalliesFromRows(tenantRef));
    await expectOsTotalsExact(tenantRef);
    await rebuildDeviceSummaries(tenantRef);
    expect(await stored(tenantRef)).toEqual(before);
    const ours = before.summaries.map((s) => ({
      rowKey: s.rowKey,
      subjectKey: s.subjectKey,
      name: s.name,
      deviceId: s.deviceId,
      objectId: s.objectId,
      trustType: s.trustType,
      state: s.state,
      deletedReason: s.deletedReason,
      joinType: s.joinType,
      lastReportAt: s.lastReportAt,
      worstRank: s.worstRank,
      openCount: s.openCount,
    }));
    expect(ours).toEqual(await devicesFromBaseTables(tenantRef));
    const overview = await getOverviewStats(direct(), { tenantRef, now: new Date(Date.now() + 3_600_000) });
    expect({ ...overview, reportsLast24h: undefined, latestProblems: undefined }).toEqual({
      ...(await overviewFromReports(tenantRef)),
      reportsLast24h: undefined,
      latestProblems: undefined,
    });
    return before.summaries;
  }

  const summaryOf = async (rowKey: string) => db.deviceSummary.findUnique({ where: { tenantRef_rowKey: { tenantRef, rowKey } } });
  const delta = async () => {
    const outcome = await runSync(db, { tenantRef, trigger: "test", resilience: fast });
    if (!outcome.ok) throw new Error(outcome.error.message);
    expect(outcome.run.mode).toBe("delta");
  };

  beforeAll(async () => {
    const created = createSimTenant({ seed: 1717, deviceCount: 160, now, includeReports: true });
    generated = created.generated!;
    const store = created.tenant;
    const reported = generated.reports.find((r) => r.deviceId && r.objectId && r.scenario === "healthy-hybrid")!;
    held = store.devices.find((d) => d.id === reported.objectId)!;
    store.devices = store.devices.filter((d) => d.id !== held.id);
    sim = await startSimulator({ tenants: [store] });
    ({ tenantRef, agent } = await registerSimulatedTenant(sim, store, "Contoso"));
  }, 120_000);
  afterAll(async () => {
    await flushFindingsQueue();
    await sim?.close();
  });

  it("a new tenant's (empty) summaries are current: nothing to rebuild", async () => {
    const tenant = await db.tenant.findUniqueOrThrow({ where: { id: tenantRef }, select: { summaryVersion: true } });
    expect(tenant.summaryVersion).toBe(SUMMARY_VERSION);
  });

  it("a full sync writes one summary per directory object, with its state", async () => {
    const full = await runSync(db, { tenantRef, mode: "full", trigger: "test", resilience: fast });
    expect(full.ok).toBe(true);
    const rows = await expectCurrent();
    expect(rows.length).toBe(await db.directoryDevice.count({ where: { tenantRef } }));
    expect(new Set(rows.map((r) => r.state))).toContain("live");
  });

  it("uploads: a device that only reported gets a row, a report updates its device's latest report", async () => {
    for (const r of generated.reports) {
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
    const rows = await expectCurrent();
    const heldRow = rows.find((r) => r.rowKey === `d:${held.deviceId.toLowerCase()}`);
    expect(heldRow).toMatchObject({ state: "report-only", objectId: null });
    // The hosts that print no DeviceId here are pending hybrid machines: their reports are their Pending objects'
    // (one machine, one device, lib/rules/machine-tie.ts), so none is a host of its own.
    const pendingNames = new Set(rows.filter((r) => r.state === "pending").map((r) => (r.nameKey as string).split(".")[0]));
    expect(pendingNames.size).toBeGreaterThan(0);
    expect(rows.filter((r) => (r.rowKey as string).startsWith("h:") && pendingNames.has((r.nameKey as string).split(".")[0]))).toEqual([]);
    expect(rows.some((r) => r.state === "pending" && r.lastReportId !== null)).toBe(true);

    // A newer report of a device: its row takes it; an older one (captured before) does not.
    const first = generated.reports.find((r) => r.deviceId && r.objectId && r.scenario === "healthy-entra")!;
    const later = new Date(Date.parse(first.capturedAt) + 3_600_000);
    const res = await ingestReport(db, {
      agent,
      body: { hostname: first.hostname, capturedAt: later.toISOString(), agentVersion: "1.0.1", dsregcmd: first.dsregcmd },
    });
    expect(res.ok).toBe(true);
    const older = await ingestReport(db, {
      agent,
      body: {
        hostname: first.hostname,
        capturedAt: new Date(Date.parse(first.capturedAt) - 3_600_000).toISOString(),
        agentVersion: "1.0.1",
        dsregcmd: first.dsregcmd,
      },
    });
    expect(older.ok).toBe(true);
    const row = await summaryOf(`o:${first.objectId}`);
    expect(row?.lastReportAt?.toISOString()).toBe(later.toISOString());
    expect(row?.lastReportId).toBe(res.ok ? res.report.reportId : null);
    // The same content again is a duplicate: no second count.
    const totalBefore = (await getOverviewStats(direct(), { tenantRef, now })).reportsTotal;
    const again = await ingestReport(db, {
      agent,
      body: { hostname: first.hostname, capturedAt: later.toISOString(), agentVersion: "1.0.1", dsregcmd: first.dsregcmd },
    });
    expect(again.ok && again.report.duplicate).toBe(true);
    expect((await getOverviewStats(direct(), { tenantRef, now })).reportsTotal).toBe(totalBefore);
    await expectCurrent();
  });

  it("a device that only reported, renamed: a newer report under another host name renames its row and becomes its latest in one write; an older one changes nothing", async () => {
    const rowKey = `d:${held.deviceId.toLowerCase()}`;
    const before = (await summaryOf(rowKey))!;
    expect(before).toMatchObject({ state: "report-only" });
    const report = generated.reports.find((r) => r.deviceId?.toLowerCase() === held.deviceId.toLowerCase())!;
    // The machine renamed (a re-imaged or re-named PC keeps its registration id until it joins again).
    const upload = (hostname: string, capturedAt: Date) =>
      ingestReport(db, { agent, body: { hostname, capturedAt: capturedAt.toISOString(), agentVersion: report.agentVersion, dsregcmd: report.dsregcmd } });
    // SQLite: count the row's writes (a trigger of this connection only, the one uploads write through).
    const sqlite = testDatabaseKind() === "sqlite";
    if (sqlite) {
      await direct().batch([
        { sql: `CREATE TEMP TABLE IF NOT EXISTS "summaryWrites" ("rowKey" TEXT)`, params: [] },
        {
          sql: `CREATE TEMP TRIGGER IF NOT EXISTS "countSummaryWrites" AFTER UPDATE ON main."DeviceSummary" BEGIN INSERT INTO "summaryWrites" VALUES (NEW."rowKey"); END`,
          params: [],
        },
      ]);
    }
    try {
      const renamed = await upload("PC-RENAMED-0042", new Date(before.lastReportAt!.getTime() + 3_600_000));
      expect(renamed.ok).toBe(true);
      const after = (await summaryOf(rowKey))!;
      expect(after).toMatchObject({
        name: "PC-RENAMED-0042",
        nameKey: "pc-renamed-0042",
        lastReportId: renamed.ok ? renamed.report.reportId : null,
        lastReportHostname: "PC-RENAMED-0042",
        lastReportAt: new Date(before.lastReportAt!.getTime() + 3_600_000),
      });
      if (sqlite) {
        const writes = await direct().query<{ n: number }>(`SELECT COUNT(*) AS "n" FROM "summaryWrites" WHERE "rowKey" = ?`, [rowKey]);
        expect(writes[0]!.n).toBe(1);
      }
      const older = await upload("PC-OLD-NAME-0042", new Date(before.lastReportAt!.getTime() - 3_600_000));
      expect(older.ok).toBe(true);
      expect(await summaryOf(rowKey)).toEqual(after);
    } finally {
      if (sqlite)
        await direct().batch([
          { sql: `DROP TRIGGER IF EXISTS temp."countSummaryWrites"`, params: [] },
          { sql: `DROP TABLE IF EXISTS temp."summaryWrites"`, params: [] },
        ]);
    }
    await expectCurrent();
  });

  it.runIf(process.env.JOINSCOPE_TEST_DATABASE !== "postgresql")(
    "a sync page's, an upload's and a findings pass's summary statements find their rows by key, never by a walk of the tenant's summaries (SQLite's plan)",
    async () => {
      // The DELETE of report-only rows once walked a covering sort index over the whole tenant (tenantRef=? only), once
      // per 400 objects of every page: a full sync of 100,000 devices spent 1.4–1.6 s there, growing with the tenant.
      const objects = await db.directoryDevice.findMany({ where: { tenantRef }, select: { deviceId: true, objectId: true }, take: 20 });
      const statements = directoryStatements("sqlite", tenantRef, {
        deviceIds: objects.flatMap((o) => (o.deviceId ? [o.deviceId] : [])),
        objectIds: objects.filter((o) => !o.deviceId).map((o) => o.objectId),
      });
      expect(statements.some((s) => s.sql.startsWith("DELETE"))).toBe(true);
      // An upload's: the name of a device that only reported is updated by its subject's key, not by the state's index.
      const report = await db.deviceReport.findFirstOrThrow({ where: { tenantRef }, select: { id: true, deviceId: true, hostname: true, receivedAt: true } });
      statements.push(
        ...reportStatements("sqlite", { tenantRef, reportId: report.id, deviceId: report.deviceId, hostname: report.hostname, receivedAt: report.receivedAt }),
      );
      // A findings pass's: the summaries of a subject, and whether one of them is live (the outlook), by its key, not by
      // the state's index (a walk of the tenant's live devices per summary written).
      const subject = (await db.deviceSummary.findFirstOrThrow({ where: { tenantRef, state: "live" }, select: { subjectKey: true } })).subjectKey;
      const findings = findingsStatements("sqlite", tenantRef, [
        summarizeOpenFindings(subject, [{ rule: "out-of-sync-scope", severity: "high", primary: true }]),
      ]);
      statements.push(...findings.map((s) => ({ sql: s.sql, params: s.eachRow?.[0] ?? s.params })));
      for (const s of statements) {
        const plan = (await direct().query<{ detail: string }>(`EXPLAIN QUERY PLAN ${s.sql}`, s.params)).map((r) => r.detail);
        // Reads of DeviceSummary under any alias: its table's name or one of its indexes' is in the line.
        const summaryReads = plan.filter((line) => /^(SCAN|SEARCH) /.test(line) && /DeviceSummary/.test(line));
        for (const line of summaryReads) expect(line, s.sql.slice(0, 60)).toMatch(/\(tenantRef=\? AND (rowKey|subjectKey)=\?\)/);
      }
    },
  );

  it("a sync write whose objects changed only their last sign-in writes that column alone (SQLite: the upsert rewrites no row)", async () => {
    // Decision 034: SQLite rewrites every index entry of the columns an UPDATE sets, changed or not; the upsert of a
    // row whose only change is its last sign-in (a delta sync's most common change) rewrote all twelve of them.
    const objects = await db.directoryDevice.findMany({
      where: { tenantRef, deviceId: { not: null }, deletedAt: null },
      select: { objectId: true, deviceId: true },
      orderBy: { objectId: "asc" },
      take: 3,
    });
    expect(objects.length).toBe(3);
    const at = new Date("2026-12-05T08:09:10.000Z");
    await db.directoryDevice.updateMany({
      where: { tenantRef, objectId: { in: objects.map((o) => o.objectId) } },
      data: { approximateLastSignInDateTime: at },
    });
    const statements = directoryStatements(direct().dialect, tenantRef, { deviceIds: objects.map((o) => o.deviceId!), objectIds: [] });
    const counts = await direct().batch(statements);
    if (testDatabaseKind() === "sqlite") {
      const lastSignIn = statements.findIndex((st) => st.sql.startsWith(`UPDATE "DeviceSummary"`) && st.sql.includes(`SET "approximateLastSignInDateTime"`));
      expect(lastSignIn).toBeGreaterThan(0);
      // The objects' upsert just before it wrote nothing; the last sign-in's update wrote the three rows.
      expect(counts[lastSignIn - 1]).toBe(0);
      expect(counts[lastSignIn]).toBe(3);
      // Run again, nothing changed: neither writes.
      const again = await direct().batch(statements);
      expect([again[lastSignIn - 1], again[lastSignIn]]).toEqual([0, 0]);
    }
    const rows = await db.deviceSummary.findMany({ where: { tenantRef, rowKey: { in: objects.map((o) => `o:${o.objectId}`) } } });
    expect(rows.map((r) => r.approximateLastSignInDateTime?.toISOString())).toEqual([at.toISOString(), at.toISOString(), at.toISOString()]);
    await expectCurrent();
  });

  it("a findings pass opens findings: each device's worst severity, count, rules and primary cause", async () => {
    await reevaluateAllFindings(db, tenantRef);
    const rows = await expectCurrent();
    const withFindings = rows.filter((r) => (r.openCount as number) > 0);
    expect(withFindings.length).toBeGreaterThan(10);
    for (const r of withFindings.slice(0, 20)) {
      const open = await db.finding.findMany({
        where: { tenantRef, subjectKey: r.subjectKey as string, status: "open" },
        select: { rule: true, isPrimary: true },
      });
      expect(r.openRules).toBe(
        open
          .map((f) => f.rule)
          .sort()
          .join(","),
      );
      expect(r.primaryRule).toBe(open.find((f) => f.isPrimary)?.rule ?? null);
    }
    expect(rows.some((r) => r.primaryRule !== null)).toBe(true);

    // The one definition of a broken device (lib/rules/broken-device.ts), on one row per subject.
    const open = await db.finding.findMany({ where: { tenantRef, status: "open" }, select: { subjectKey: true, rule: true, severity: true, isPrimary: true } });
    const bySubject = new Map<string, { rule: string; severity: string; primary: boolean }[]>();
    for (const f of open) bySubject.set(f.subjectKey, [...(bySubject.get(f.subjectKey) ?? []), { rule: f.rule, severity: f.severity, primary: f.isPrimary }]);
    const heads = new Set<string>();
    for (const r of rows) {
      const subject = r.subjectKey as string;
      const head = (r.reportHead as boolean) || r.deviceId === null;
      const live = rows.some((x) => x.subjectKey === subject && x.state === "live");
      const expected = head ? classifyOutlook(outlookFacts(bySubject.get(subject) ?? []), live) : null;
      expect({ rowKey: r.rowKey, outlook: r.outlook, cause: r.cause }).toEqual({
        rowKey: r.rowKey,
        outlook: expected?.outlook ?? null,
        cause: expected?.cause ?? null,
      });
      if (r.outlook !== null) {
        expect(heads.has(subject)).toBe(false);
        heads.add(subject);
      }
    }
    expect(rows.filter((r) => r.outlook === "now").length).toBeGreaterThan(5);
    expect(new Set(rows.map((r) => r.cause).filter((c) => c !== null)).size).toBeGreaterThan(2);
  });

  it("a delta sync: a change, a deletion, a restore, and the object of a device that only reported", async () => {
    const store = sim.state.tenant(generated.tenantId);
    const live = store.listDevices().filter((d) => d.accountEnabled && d.deviceId);
    const [renamed, disabled, deleted, upgraded, moved] = [live[3]!, live[5]!, live[7]!, live[9]!, live[11]!];
    store.updateDevice(renamed.id, { displayName: "PC-RENAMED-1717" });
    // An OS update (a new build) and an OS change move the device between the OS tally's rows (decision 050).
    store.updateDevice(upgraded.id, { operatingSystemVersion: "10.0.26100.4061" });
    store.updateDevice(moved.id, { operatingSystem: "Linux", operatingSystemVersion: "6.8.0" });
    store.updateDevice(disabled.id, { accountEnabled: false });
    store.deleteDevice(deleted.id, { soft: true });
    store.addDevice(held);
    await delta();
    const rows = await expectCurrent();
    expect(rows.find((r) => r.rowKey === `o:${renamed.id}`)).toMatchObject({ name: "PC-RENAMED-1717", nameKey: "pc-renamed-1717" });
    expect(rows.find((r) => r.rowKey === `o:${disabled.id}`)).toMatchObject({ state: "disabled" });
    expect(rows.find((r) => r.rowKey === `o:${deleted.id}`)).toMatchObject({ state: "deleted" });
    expect(rows.find((r) => r.rowKey === `o:${upgraded.id}`)).toMatchObject({ operatingSystemVersion: "10.0.26100.4061" });
    expect(rows.find((r) => r.rowKey === `o:${moved.id}`)).toMatchObject({ operatingSystem: "Linux", operatingSystemVersion: "6.8.0" });
    expect((await findDevices(direct(), { tenantRef, params: { ...DEFAULT_DEVICE_LIST_PARAMS, os: "Linux", osVersion: "6.8" } })).total).toBe(1);
    // The device that only reported now has its object: one row, the object's, carrying the device's report.
    expect(rows.find((r) => r.rowKey === `d:${held.deviceId.toLowerCase()}`)).toBeUndefined();
    expect(rows.find((r) => r.rowKey === `o:${held.id}`)).toMatchObject({ state: "live", reportHead: true });
    expect(rows.find((r) => r.rowKey === `o:${held.id}`)?.lastReportId).not.toBeNull();

    store.restoreDevice(deleted.id);
    await delta();
    expect((await expectCurrent()).find((r) => r.rowKey === `o:${deleted.id}`)).toMatchObject({ state: "live" });
  });

  it("a delta page whose objects changed only what their summaries copy writes those columns alone (SQLite: no upsert, no other index)", async () => {
    // Decision 043: SQLite rewrites the entries of every index holding a column an UPDATE sets, changed or not. The
    // upserts of a renamed object rewrote DirectoryDevice's registration id, hardware id and deletion indexes and every
    // index of its summary; a change of case moves nothing in an index and an OS update one sort index.
    const objects = await db.directoryDevice.findMany({
      where: { tenantRef, deviceId: { not: null }, deletedAt: null, accountEnabled: true, isPending: false, displayName: { not: null } },
      select: { objectId: true, displayName: true, operatingSystemVersion: true },
      orderBy: { objectId: "asc" },
      take: 4,
    });
    expect(objects.length).toBe(4);
    type Picked = (typeof objects)[number];
    const [renamed, recased, updated, disabled] = objects as [Picked, Picked, Picked, Picked];
    // Delta entries as Graph sends them: the id and the properties that changed.
    const entry = (device: { id: string } & Record<string, unknown>): DeltaPageEntry => ({
      kind: "object",
      device: device as Extract<DeltaPageEntry, { kind: "object" }>["device"],
    });
    const run = await db.syncRun.findFirstOrThrow({ where: { tenantRef }, select: { id: true } });
    const entries: DeltaPageEntry[] = [
      entry({ id: renamed.objectId, displayName: `${renamed.displayName}-R`, operatingSystemVersion: "10.0.26100.1" }),
      entry({
        id: recased.objectId,
        displayName: recased.displayName!.toLowerCase() === recased.displayName ? recased.displayName!.toUpperCase() : recased.displayName!.toLowerCase(),
      }),
      entry({ id: updated.objectId, operatingSystemVersion: "10.0.26100.2" }),
      entry({ id: disabled.objectId, accountEnabled: false }),
    ];
    const { statements } = await planDeltaPage(direct(), { tenantRef, entries, now: new Date(), syncRunRef: run.id });
    const counts = await direct().batch(statements);
    if (testDatabaseKind() === "sqlite") {
      // No upsert of a row: each object's row gets its changed columns, and none sets an indexed column that stayed.
      expect(statements.filter((s) => s.sql.startsWith(`INSERT INTO "DirectoryDevice"`))).toEqual([]);
      const deviceUpdates = statements.filter((s) => s.sql.startsWith(`UPDATE "DirectoryDevice" SET`));
      expect(deviceUpdates.reduce((n, s) => n + (s.eachRow?.length ?? 0), 0)).toBe(4);
      for (const s of deviceUpdates) for (const column of ["deviceId", "hardwareId", "deletedAt", "trustType"]) expect(s.sql).not.toContain(`"${column}" =`);
      // The summaries: the new name (its copied columns with it), the name whose key stayed, the OS version alone;
      // the disabled object's is computed again (its state and outlook change).
      const written = (pattern: RegExp) => statements.reduce((n, s, i) => n + (pattern.test(s.sql) ? counts[i]! : 0), 0);
      expect(written(/SET "name" = COALESCE\(\?, ''\), "nameKey"/)).toBe(1);
      expect(written(/SET "name" = COALESCE\(\?, ''\) WHERE/)).toBe(1);
      expect(written(/SET "operatingSystemVersion" = \? WHERE/)).toBe(1);
      expect(written(/^INSERT INTO "DeviceSummary"/)).toBe(1);
    }
    const rows = await expectCurrent();
    const row = (objectId: string) => rows.find((r) => r.rowKey === `o:${objectId}`);
    expect(row(renamed.objectId)).toMatchObject({ name: `${renamed.displayName}-R`, operatingSystemVersion: "10.0.26100.1" });
    expect(row(recased.objectId)?.name).not.toBe(recased.displayName);
    expect(row(recased.objectId)?.nameKey).toBe(recased.displayName!.toLowerCase());
    expect(row(updated.objectId)).toMatchObject({ operatingSystemVersion: "10.0.26100.2" });
    expect(row(disabled.objectId)).toMatchObject({ state: "disabled" });
    // Planned again, nothing changed: nothing is written.
    const again = await planDeltaPage(direct(), { tenantRef, entries, now: new Date(), syncRunRef: run.id });
    expect(again.statements.filter((s) => /^(INSERT|UPDATE|DELETE)/.test(s.sql) && !s.sql.includes(`"DeviceSummary"`))).toEqual([]);
    expect((await direct().batch(again.statements)).reduce((a, b) => a + b, 0)).toBe(0);
  });

  it("a finding resolved by a sync, and an acknowledged one, leave the summary current", async () => {
    const disabledRow = await db.deviceSummary.findFirstOrThrow({ where: { tenantRef, state: "disabled", openRules: { contains: "object-disabled" } } });
    const objectId = disabledRow.objectId!;
    sim.state.tenant(generated.tenantId).updateDevice(objectId, { accountEnabled: true });
    await delta();
    await expectCurrent();
    const after = (await summaryOf(disabledRow.rowKey))!;
    expect(after.state).toBe("live");
    expect(after.openRules ?? "").not.toContain("object-disabled");
    expect(after.openCount).toBeLessThan(disabledRow.openCount);

    const finding = await db.finding.findFirstOrThrow({ where: { tenantRef, status: "open" }, select: { id: true, subjectKey: true } });
    const ack = await acknowledgeFinding(db, { findingId: finding.id, comment: "known, change CHG-1717", actor: "test" });
    expect(ack.ok).toBe(true);
    await expectCurrent();
  });

  it("a full sync that misses an object marks its summary deleted in the same transaction", async () => {
    const store = sim.state.tenant(generated.tenantId);
    const gone = store.listDevices().find((d) => d.deviceId && d.accountEnabled)!;
    store.deleteDevice(gone.id);
    const full = await runSync(db, { tenantRef, mode: "full", trigger: "test", resilience: fast });
    expect(full.ok).toBe(true);
    expect((await expectCurrent()).find((r) => r.rowKey === `o:${gone.id}`)).toMatchObject({ state: "deleted" });
  });

  it("pages by keyset, forwards and back, exactly as by number, in every sort, direction and filter", async () => {
    const variants: Partial<DeviceListParams>[] = [
      ...DEVICE_SORTS.flatMap((sort) => (["asc", "desc"] as const).map((dir) => ({ sort, dir }))),
      { state: "live", sort: "name" },
      { problems: true, sort: "lastReport", dir: "desc" },
      { trust: "none", sort: "severity", dir: "desc" },
      { q: "pc", sort: "open", dir: "asc" },
      // Filtered, so that the dense read names each sort's index on SQLite: the id sorts read the subject's and the
      // primary key's, and the partial sort indexes hold only the rows with a value (decision 034); the rows without
      // one are read along the name's.
      ...DEVICE_SORTS.flatMap((sort) => (["asc", "desc"] as const).map((dir) => ({ state: "live" as const, sort, dir }))),
      { state: "pending", sort: "pendingSince", dir: "asc" },
      { state: "pending", sort: "pendingSince", dir: "desc" },
      { outlook: "broken", sort: "cause", dir: "desc" },
      { pendingDays: 0, sort: "pendingSince", dir: "desc" },
    ];
    const keys = (pages: DeviceRow[][]) => pages.map((p) => p.map((r) => r.rowKey));
    for (const v of variants) {
      const { forward, backward, byNumber, total } = await walk(tenantRef, v);
      expect(keys(forward), JSON.stringify(v)).toEqual(keys(byNumber));
      expect(keys(backward), JSON.stringify(v)).toEqual(keys(forward));
      expect(forward.flat().length, JSON.stringify(v)).toBe(total);
      expect(new Set(forward.flat().map((r) => r.rowKey)).size).toBe(total);
      // Read as a large tenant reads a filter that matches many devices: the same rows in the same order.
      const dense = await walk(tenantRef, v, true);
      expect(keys(dense.forward), `dense ${JSON.stringify(v)}`).toEqual(keys(forward));
      expect(keys(dense.backward), `dense ${JSON.stringify(v)}`).toEqual(keys(forward));
    }
    const all = await walk(tenantRef, {});
    expect(all.forward.length).toBeGreaterThan(2);
    // Severity first (most severe first), then most open findings, then name.
    const rows = all.forward.flat();
    const rank = (r: DeviceRow) => (r.worstSeverity ? ["critical", "high", "medium", "low", "info"].indexOf(r.worstSeverity) : 9);
    for (let i = 1; i < rows.length; i++) {
      const [a, b] = [rows[i - 1]!, rows[i]!];
      expect(
        rank(a) < rank(b) ||
          (rank(a) === rank(b) && (a.openFindings > b.openFindings || (a.openFindings === b.openFindings && a.name.toLowerCase() <= b.name.toLowerCase()))),
      ).toBe(true);
    }
  });

  it.runIf(process.env.JOINSCOPE_TEST_DATABASE !== "postgresql")(
    "the id sorts and the sorts of partial indexes read a page along an index in their order, never by sorting the tenant's summaries (SQLite's plan)",
    async () => {
      // Decision 034 dropped the deviceId and objectId sort indexes: the deviceId order is the subject index's "d:" keys,
      // the objectId order the primary key's "o:" keys. Every page read must still walk an index in the page's order.
      const inner = direct();
      const { db: recording, reads } = recordingDirectDb(inner);
      for (const sort of ["deviceId", "objectId", "pendingSince", "primaryRule", "cause"] as const)
        for (const dir of ["asc", "desc"] as const)
          for (const filter of [{}, { state: "live" as const }]) {
            const params = { ...DEFAULT_DEVICE_LIST_PARAMS, size: 25, sort, dir, ...filter };
            reads.length = 0;
            const first = await findDevices(recording, { tenantRef, params, sparseRows: 0 });
            // The page after the first: a cursor in the first segment (rows with a value) when it has one.
            if (first.rows.length) await findDevices(recording, { tenantRef, params: { ...params, page: 2, after: first.rows[0]!.rowKey }, sparseRows: 0 });
            const pageReads = reads.filter((r) => /^SELECT "rowKey", "subjectKey"/.test(r.sql) && /ORDER BY/.test(r.sql) && !/OFFSET/.test(r.sql));
            expect(pageReads.length, `${sort} ${dir}`).toBeGreaterThan(0);
            for (const r of pageReads) {
              const plan = (await inner.query<{ detail: string }>(`EXPLAIN QUERY PLAN ${r.sql}`, r.params)).map((p) => p.detail);
              expect(plan.join("\n"), `${sort} ${dir} ${JSON.stringify(filter)}: ${r.sql.slice(r.sql.indexOf("WHERE"))}`).not.toMatch(/TEMP B-TREE/);
              if (sort === "deviceId" && /"deviceId" IS NOT NULL/.test(r.sql))
                expect(plan.join("\n")).toMatch(/DeviceSummary_tenantRef_subjectKey_nameKey_rowKey_idx \(tenantRef=\? AND subjectKey>\?/);
              if (sort === "objectId" && /"objectId" IS NOT NULL/.test(r.sql))
                expect(plan.join("\n")).toMatch(/sqlite_autoindex_DeviceSummary_1 \(tenantRef=\? AND rowKey>\?/);
            }
          }
    },
  );

  it("a tenant's summaries from before the upgrade are rebuilt once, before a page reads them", async () => {
    const before = await stored(tenantRef);
    await db.$transaction([
      db.deviceSummaryTally.deleteMany({ where: { tenantRef } }),
      db.deviceSummary.deleteMany({ where: { tenantRef } }),
      db.reportTally.deleteMany({ where: { tenantRef } }),
      db.tenant.update({ where: { id: tenantRef }, data: { summaryVersion: 0 } }),
    ]);
    await ensureDeviceSummaries(tenantRef);
    expect(await stored(tenantRef)).toEqual(before);
    expect((await db.tenant.findUniqueOrThrow({ where: { id: tenantRef } })).summaryVersion).toBe(SUMMARY_VERSION);
  });

  it("deleting a tenant deletes its summaries and tallies, and leaves another tenant's alone", async () => {
    const other = await createTenant(db, { tenantId: "17171717-0000-4000-8000-000000000017", name: "Fabrikam", actor: "test" });
    if (!other.ok) throw new Error(other.error.message);
    const token = await createAgentToken(db, { tenantRef: other.id, name: "agents", actor: "test" });
    if (!token.ok) throw new Error("token");
    const r = generated.reports[0]!;
    expect(
      (
        await ingestReport(db, {
          agent: { tokenId: token.id, tenantRef: other.id, tenantId: "17171717-0000-4000-8000-000000000017" },
          body: { hostname: r.hostname, capturedAt: r.capturedAt, agentVersion: "1.0.0", dsregcmd: r.dsregcmd },
        })
      ).ok,
    ).toBe(true);
    await flushFindingsQueue();
    const otherBefore = await stored(other.id);
    expect(otherBefore.summaries.length).toBe(1);

    await db.tenant.delete({ where: { id: tenantRef } });
    expect(await db.deviceSummary.count({ where: { tenantRef } })).toBe(0);
    expect(await db.deviceSummaryTally.count({ where: { tenantRef } })).toBe(0);
    expect(await db.deviceOsTally.count({ where: { tenantRef } })).toBe(0);
    expect(await db.reportTally.count({ where: { tenantRef } })).toBe(0);
    expect(await stored(other.id)).toEqual(otherBefore);
  });
});

describe("a tenant's first full sync builds its summaries once its pages are in", () => {
  it("stopped after two pages and resumed: the reports uploaded before it sit on their objects' rows, as a rebuild puts them", async () => {
    const created = createSimTenant({ seed: 2718, deviceCount: 200, now: new Date(), includeReports: true });
    const store = created.tenant;
    const sim = await startSimulator({ tenants: [store] });
    try {
      const { tenantRef, agent } = await registerSimulatedTenant(sim, store, "Northwind");
      // The agents report before the first sync: every device is one that only reported.
      const reports = created.generated!.reports;
      for (const r of reports) {
        const body = { hostname: r.hostname, capturedAt: r.capturedAt, agentVersion: r.agentVersion, dsregcmd: r.dsregcmd, events: r.events };
        const res = await ingestReport(db, { agent, body });
        if (!res.ok) throw new Error(`${r.hostname}: ${res.error.message}`);
      }
      await flushFindingsQueue();
      expect(new Set((await stored(tenantRef)).summaries.map((s) => s.state))).toEqual(new Set(["report-only"]));

      // 20 pages of 10, stopped after the second: more than a SQLite sync keeps in flight (8), so pages are left.
      const controller = new AbortController();
      const first = await runSync(db, {
        tenantRef,
        mode: "full",
        trigger: "test",
        pageSize: 10,
        leaseTtlMs: 1,
        signal: controller.signal,
        onProgress: (p) => {
          if (p.pages === 2) controller.abort();
        },
        resilience: fast,
      });
      expect(!first.ok && first.error.code).toBe("aborted");
      await new Promise((r) => setTimeout(r, 5));
      const resumed = await runSync(db, { tenantRef, mode: "full", trigger: "test", pageSize: 10, resilience: fast });
      expect(resumed.ok && resumed.run).toMatchObject({ resumed: true, mode: "full" });
      await flushFindingsQueue();

      const after = await stored(tenantRef);
      expect(after.summaries.filter((s) => s.objectId !== null).length).toBe(await db.directoryDevice.count({ where: { tenantRef } }));
      expect(await talliesStored(tenantRef)).toEqual(await talliesFromRows(tenantRef));
      // A device with an object and a report: one row, the object's, carrying the report; no report-only row left.
      const reported = reports.find((r) => r.deviceId && r.objectId)!;
      const rows = after.summaries.filter((s) => s.deviceId === reported.deviceId!.toLowerCase());
      expect(rows).toHaveLength(1);
      expect(rows[0]).toMatchObject({ objectId: reported.objectId, reportHead: true });
      expect(rows[0]!.lastReportAt).not.toBeNull();
      await rebuildDeviceSummaries(tenantRef);
      expect(await stored(tenantRef)).toEqual(after);
    } finally {
      await flushFindingsQueue();
      await sim.close();
    }
  }, 120_000);
});

describe("a findings pass of several write batches writes its summaries once its findings are in, in name order", () => {
  let sim: SimulatorHandle;
  let tenantRef: string;

  beforeAll(async () => {
    const created = createSimTenant({ seed: 3141, deviceCount: 120, now: new Date(), includeReports: true });
    sim = await startSimulator({ tenants: [created.tenant] });
    let agent: { tokenId: string; tenantRef: string; tenantId: string };
    ({ tenantRef, agent } = await registerSimulatedTenant(sim, created.tenant, "Fabrikam"));
    const sync = await runSync(db, { tenantRef, mode: "full", trigger: "test", resilience: fast });
    if (!sync.ok) throw new Error(sync.error.message);
    for (const r of created.generated!.reports) {
      const body = { hostname: r.hostname, capturedAt: r.capturedAt, agentVersion: r.agentVersion, dsregcmd: r.dsregcmd, events: r.events };
      const res = await ingestReport(db, { agent, body });
      if (!res.ok) throw new Error(`${r.hostname}: ${res.error.message}`);
    }
    await flushFindingsQueue();
  }, 120_000);
  afterAll(async () => {
    await flushFindingsQueue();
    await sim?.close();
  });

  /** The tenant as before its first findings pass: no findings, summaries without any. */
  async function withoutFindings() {
    await db.findingEvent.deleteMany({ where: { tenantRef } });
    await db.finding.deleteMany({ where: { tenantRef } });
    await rebuildDeviceSummaries(tenantRef);
  }

  async function expectSummariesCurrent() {
    const before = await stored(tenantRef);
    await rebuildDeviceSummaries(tenantRef);
    expect(await stored(tenantRef)).toEqual(before);
  }

  const pending = async () =>
    (await db.tenant.findUniqueOrThrow({ where: { id: tenantRef }, select: { summaryFindingsPending: true } })).summaryFindingsPending;

  /** Runs `fn` with every update of a summary row logged, in order, and returns the rows' keys in that order. */
  async function summaryUpdates(fn: () => Promise<unknown>): Promise<string[]> {
    const sqlite = testDatabaseKind() === "sqlite";
    await db.$executeRawUnsafe(
      `CREATE TABLE "TestSummaryWrites" ("n" ${sqlite ? "INTEGER PRIMARY KEY AUTOINCREMENT" : "BIGSERIAL PRIMARY KEY"}, "rowKey" TEXT NOT NULL)`,
    );
    if (sqlite) {
      await db.$executeRawUnsafe(
        `CREATE TRIGGER "testSummaryWrites" AFTER UPDATE ON "DeviceSummary" BEGIN INSERT INTO "TestSummaryWrites" ("rowKey") VALUES (NEW."rowKey"); END`,
      );
    } else {
      await db.$executeRawUnsafe(
        `CREATE FUNCTION "testSummaryWrites"() RETURNS trigger LANGUAGE plpgsql AS 'BEGIN INSERT INTO "TestSummaryWrites" ("rowKey") VALUES (NEW."rowKey"); RETURN NEW; END'`,
      );
      await db.$executeRawUnsafe(`CREATE TRIGGER "testSummaryWrites" AFTER UPDATE ON "DeviceSummary" FOR EACH ROW EXECUTE FUNCTION "testSummaryWrites"()`);
    }
    try {
      await fn();
      const rows = await db.$queryRawUnsafe<{ rowKey: string }[]>(`SELECT "rowKey" FROM "TestSummaryWrites" ORDER BY "n"`);
      return rows.map((r) => r.rowKey);
    } finally {
      await db.$executeRawUnsafe(sqlite ? `DROP TRIGGER "testSummaryWrites"` : `DROP FUNCTION "testSummaryWrites"() CASCADE`);
      await db.$executeRawUnsafe(`DROP TABLE "TestSummaryWrites"`);
    }
  }

  it("writes each changed summary once, after the last batch, in the order of the names (not the subjects' keys)", async () => {
    await withoutFindings();
    const updates = await summaryUpdates(() => reevaluateFindings({ tenantRef, scope: "all", writeBatch: 7 }));
    expect(await pending()).toBe(false);
    await expectSummariesCurrent();
    const rows = await db.deviceSummary.findMany({ where: { tenantRef }, select: { rowKey: true, nameKey: true, openCount: true } });
    const withFindings = rows.filter((r) => r.openCount > 0);
    expect(withFindings.length).toBeGreaterThan(20);
    // Every summary whose findings changed was written, each once.
    expect([...updates].sort()).toEqual(withFindings.map((r) => r.rowKey).sort());
    const nameKey = new Map(rows.map((r) => [r.rowKey, r.nameKey]));
    const order = (a: string, b: string) => {
      const [x, y] = [nameKey.get(a)!, nameKey.get(b)!];
      return x < y ? -1 : x > y ? 1 : a < b ? -1 : a > b ? 1 : 0;
    };
    // PostgreSQL runs a statement's row updates in its join's order, which it chooses (on a table this small, a hash
    // join in any order).
    if (testDatabaseKind() === "sqlite") expect(updates).toEqual([...updates].sort(order));
  });

  it("stopped between its batches, it leaves the flag set, and the next full pass writes every subject's summary", async () => {
    await reevaluateFindings({ tenantRef, scope: "all", writeBatch: 7 });
    const open = await db.finding.findMany({
      where: { tenantRef, status: "open" },
      select: { subjectKey: true },
      distinct: ["subjectKey"],
      orderBy: { subjectKey: "asc" },
    });
    const refused = open[Math.floor(open.length / 2)]!.subjectKey;
    await withoutFindings();
    const sqlite = testDatabaseKind() === "sqlite";
    if (sqlite) {
      await db.$executeRawUnsafe(
        `CREATE TRIGGER "refuseSubject" BEFORE INSERT ON "FindingEvent" WHEN NEW."subjectKey" = '${refused}' BEGIN SELECT RAISE(ABORT, 'refused by the test'); END`,
      );
    } else {
      await db.$executeRawUnsafe(
        `CREATE FUNCTION "refuseSubject"() RETURNS trigger LANGUAGE plpgsql AS 'BEGIN IF NEW."subjectKey" = ''${refused}'' THEN RAISE EXCEPTION ''refused by the test''; END IF; RETURN NEW; END'`,
      );
      await db.$executeRawUnsafe(`CREATE TRIGGER "refuseSubject" BEFORE INSERT ON "FindingEvent" FOR EACH ROW EXECUTE FUNCTION "refuseSubject"()`);
    }
    try {
      await expect(reevaluateFindings({ tenantRef, scope: "all", writeBatch: 7 })).rejects.toThrow("refused by the test");
    } finally {
      await db.$executeRawUnsafe(sqlite ? `DROP TRIGGER "refuseSubject"` : `DROP FUNCTION "refuseSubject"() CASCADE`);
    }
    // The batches before the refused one are in; their summaries were to be written at the end.
    const written = await db.finding.findMany({ where: { tenantRef, status: "open" }, select: { subjectKey: true }, distinct: ["subjectKey"] });
    expect(written.length).toBeGreaterThan(0);
    expect(await db.deviceSummary.count({ where: { tenantRef, subjectKey: { in: written.map((f) => f.subjectKey) }, openCount: { gt: 0 } } })).toBe(0);
    expect(await pending()).toBe(true);

    // An incremental pass writes its own subjects and leaves the flag for a full pass.
    await reevaluateFindings({ tenantRef, scope: { deviceIds: [] } });
    expect(await pending()).toBe(true);
    const again = await reevaluateFindings({ tenantRef, scope: "all", writeBatch: 7 });
    expect(again.unchanged).toBeGreaterThan(0);
    expect(await pending()).toBe(false);
    await expectSummariesCurrent();
  });
});

describe("a large tenant's rebuild drops the summaries' secondary indexes and creates them again (SQLite, decision 037)", () => {
  const sims: SimulatorHandle[] = [];
  const indexDefinitions = async () =>
    testDatabaseKind() === "sqlite"
      ? await direct().query(`SELECT "name", "sql" FROM "sqlite_master" WHERE "tbl_name" = 'DeviceSummary' AND "type" = 'index' ORDER BY "name"`)
      : await direct().query(`SELECT "indexname", "indexdef" FROM "pg_indexes" WHERE "tablename" = 'DeviceSummary' ORDER BY "indexname"`);
  async function syncedTenant(seed: number, deviceCount: number, name: string) {
    const created = createSimTenant({ seed, deviceCount, now: new Date(), includeReports: true });
    const sim = await startSimulator({ tenants: [created.tenant] });
    sims.push(sim);
    const { tenantRef, agent } = await registerSimulatedTenant(sim, created.tenant, name);
    const sync = await runSync(db, { tenantRef, mode: "full", trigger: "test", resilience: fast });
    if (!sync.ok) throw new Error(sync.error.message);
    for (const r of created.generated!.reports.slice(0, 60)) {
      const body = { hostname: r.hostname, capturedAt: r.capturedAt, agentVersion: r.agentVersion, dsregcmd: r.dsregcmd, events: r.events };
      const res = await ingestReport(db, { agent, body });
      if (!res.ok) throw new Error(`${r.hostname}: ${res.error.message}`);
    }
    await flushFindingsQueue();
    await reevaluateAllFindings(db, tenantRef, new Date());
    return tenantRef;
  }
  const dropsIndexes = (statements: { sql: string }[]) => statements.some((s) => s.sql.includes("DROP INDEX"));
  afterAll(async () => {
    await flushFindingsQueue();
    for (const sim of sims) await sim.close();
  });

  it("writes what the plain rebuild writes, and leaves the same indexes; not for a tenant other tenants outnumber, nor a small one", async () => {
    // More objects than the earlier tests' tenants together, so that this tenant's summaries are most of the table.
    const large = await syncedTenant(4242, 900, "Adatum");
    const small = await syncedTenant(4243, 40, "Litware");
    const indexes = await indexDefinitions();
    const before = await stored(large);
    expect(before.summaries.some((s) => s.lastReportAt !== null && Number(s.worstRank) < 9)).toBe(true);

    if (testDatabaseKind() === "postgresql") {
      // Other tenants' summaries are in this database: PostgreSQL keeps the indexes unless they may wait for the lock.
      expect(dropsIndexes(await bulkRebuildStatements(direct(), large, 1))).toBe(false);
    }
    const statements = await bulkRebuildStatements(direct(), large, 1, { otherTenantsMayWait: true });
    const secondary = indexes.filter((i) => (testDatabaseKind() === "sqlite" ? i.sql !== null : i.indexname !== "DeviceSummary_pkey"));
    expect(secondary.length).toBeGreaterThan(10);
    if (testDatabaseKind() === "sqlite") {
      // Every secondary index (the key's own index has no SQL), dropped before the rebuild's first write, created after its last.
      const drops = statements.filter((s) => s.sql.startsWith("DROP INDEX"));
      expect(drops.map((s) => s.sql)).toEqual(secondary.map((i) => `DROP INDEX "${String(i.name)}"`));
      expect(statements.slice(0, drops.length)).toEqual(drops);
      expect(statements.slice(-drops.length).map((s) => s.sql)).toEqual(secondary.map((i) => i.sql));
    } else {
      // PostgreSQL: the table's lock first (waited for at most PG_LOCK_WAIT), every secondary index dropped under it, each created again last.
      // After the tenant's stripe locks, as every writer of its summaries takes them (no deadlock with an upload).
      expect(statements[0]!.sql).toContain("pg_advisory_xact_lock");
      expect(statements[1]!.sql).toContain(`LOCK TABLE "DeviceSummary" IN ACCESS EXCLUSIVE MODE`);
      for (const i of secondary) expect(statements[1]!.sql).toContain(`"${String(i.indexname)}"`);
      expect(statements.slice(-secondary.length).every((s) => s.sql.startsWith("CREATE INDEX IF NOT EXISTS"))).toBe(true);
    }
    await direct().batch(statements);
    expect(await stored(large)).toEqual(before);
    expect(await talliesStored(large)).toEqual(await talliesFromRows(large));
    expect(await indexDefinitions()).toEqual(indexes);
    // The Devices list still reads its sorts' indexes (a plan that names a dropped index would fail here).
    const listed = await findDevices(direct(), { tenantRef: large, params: { ...DEFAULT_DEVICE_LIST_PARAMS, sort: "name" }, now: new Date() });
    expect(listed.rows.length).toBeGreaterThan(0);

    // rebuildDeviceSummaries takes the same path on SQLite at its default threshold only for large tenants: this one is below it.
    expect(dropsIndexes(await bulkRebuildStatements(direct(), large))).toBe(false);
    // Other tenants' summaries outnumber the small tenant's objects: CREATE INDEX would read all of them.
    expect(dropsIndexes(await bulkRebuildStatements(direct(), small, 1, { otherTenantsMayWait: true }))).toBe(false);
    const smallBefore = await stored(small);
    await rebuildDeviceSummaries(small);
    expect(await stored(small)).toEqual(smallBefore);
  }, 180_000);

  it.runIf(testDatabaseKind() === "postgresql")(
    "PostgreSQL: a reader that holds the table past PG_LOCK_WAIT leaves the indexes in place, and the rebuild runs as the plain one",
    async () => {
      const [largest] = await direct().query<{ tenantRef: string }>(
        `SELECT "tenantRef" FROM "DeviceSummary" GROUP BY "tenantRef" ORDER BY COUNT(*) DESC LIMIT 1`,
      );
      const large = largest?.tenantRef;
      const indexes = await indexDefinitions();
      const before = await stored(large!);
      const statements = await bulkRebuildStatements(direct(), large!, 1, { otherTenantsMayWait: true });
      expect(dropsIndexes(statements)).toBe(true);
      const reader = new pg.Client({ connectionString: process.env.DATABASE_URL });
      await reader.connect();
      try {
        await reader.query("BEGIN");
        await reader.query(`SELECT COUNT(*) FROM "DeviceSummary"`);
        const started = Date.now();
        await direct().batch(statements);
        expect(Date.now() - started).toBeGreaterThanOrEqual(1_900);
      } finally {
        await reader.query("ROLLBACK");
        await reader.end();
      }
      expect(await stored(large!)).toEqual(before);
      expect(await indexDefinitions()).toEqual(indexes);
    },
    60_000,
  );
});
