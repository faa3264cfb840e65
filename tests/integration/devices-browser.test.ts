/**
 * The Devices browser's filters, sorts and bulk acknowledgement (issue 17 item 2) on a simulated tenant: a full sync,
 * every generated report uploaded, a findings pass. Each filter must list exactly the devices its definition picks
 * out of the summaries (and, for a rule, out of the open findings), whether it is read as few rows (through its own
 * index) or as many (through the sort's index); each sort must order by its column, then name, rows without a value
 * last. Runs on SQLite and PostgreSQL.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createAgentToken } from "@/lib/agent-tokens/create-agent-token";
import { db } from "@/lib/db/client";
import { directDb } from "@/lib/db/direct";
import { acknowledgeDeviceFindings } from "@/lib/findings/acknowledge-device-findings";
import { flushFindingsQueue } from "@/lib/findings/findings-scheduler";
import { reevaluateAllFindings } from "@/lib/findings/findings-scheduler";
import { ingestReport } from "@/lib/ingest/ingest-report";
import { findDevices, type DeviceRow } from "@/lib/queries/find-devices";
import { runSync } from "@/lib/sync/run-sync";
import { createTenant } from "@/lib/tenants/create-tenant";
import { setTenantApp } from "@/lib/tenants/set-tenant-app";
import { DEFAULT_DEVICE_LIST_PARAMS, parseDeviceListParams, type DeviceListParams, type DeviceSort } from "@/lib/url-params/device-list-params";
import { createSimTenant } from "@/simulator/create-sim-tenant";
import { startSimulator, type SimulatorHandle } from "@/simulator/server";
import { recordingDirectDb } from "../setup/recording-direct-db";

const fast = { sleep: async () => undefined, baseDelayMs: 1 };
const DAY = 24 * 3600_000;

type Summary = Awaited<ReturnType<typeof db.deviceSummary.findMany>>[number];

/** Every row of the list for `params`, by Next links; `dense` reads it as a large tenant reads a filter that matches many devices. */
async function listAll(tenantRef: string, params: Partial<DeviceListParams>, now: Date, dense = false) {
  const base = { ...DEFAULT_DEVICE_LIST_PARAMS, ...params };
  const read = (p: DeviceListParams) => findDevices(directDb(), { tenantRef, params: p, now, ...(dense ? { sparseRows: 0 } : {}) });
  let page = await read(base);
  const rows: DeviceRow[] = [...page.rows];
  while (page.page * page.pageSize < page.total) {
    page = await read({ ...base, page: page.page + 1, after: page.rows[page.rows.length - 1]!.rowKey });
    rows.push(...page.rows);
  }
  return { rows, total: page.total };
}

describe("the Devices browser's filters, sorts and bulk acknowledgement", () => {
  let sim: SimulatorHandle;
  let tenantRef: string;
  let summaries: Summary[];
  let openFindings: { subjectKey: string; rule: string }[];
  const now = new Date();

  beforeAll(async () => {
    const created = createSimTenant({ seed: 2417, deviceCount: 220, now, includeReports: true });
    const generated = created.generated!;
    const store = created.tenant;
    sim = await startSimulator({ tenants: [store] });
    const t = await createTenant(db, { tenantId: store.tenantId, name: "Contoso", actor: "test" });
    if (!t.ok) throw new Error(t.error.message);
    tenantRef = t.id;
    const app = await setTenantApp(db, {
      tenantRef,
      cloud: "custom",
      authorityHost: sim.authorityHost,
      graphBaseUrl: sim.graphBaseUrl,
      clientId: store.clientId,
      credential: { kind: "secret", clientSecret: store.clientSecret! },
      actor: "test",
    });
    if (!app.ok) throw new Error(app.error.message);
    const full = await runSync(db, { tenantRef, mode: "full", trigger: "test", resilience: fast });
    if (!full.ok) throw new Error(full.error.message);
    const token = await createAgentToken(db, { tenantRef, name: "agents", actor: "test" });
    if (!token.ok) throw new Error("token");
    for (const r of generated.reports) {
      const body = {
        hostname: r.hostname,
        capturedAt: r.capturedAt,
        agentVersion: r.agentVersion,
        dsregcmd: r.dsregcmd,
        events: r.events,
        ...(r.computerDn ? { computerDn: r.computerDn } : {}),
      };
      const res = await ingestReport(db, { agent: { tokenId: token.id, tenantRef, tenantId: store.tenantId }, body });
      if (!res.ok) throw new Error(`${r.hostname}: ${res.error.message}`);
    }
    await flushFindingsQueue();
    await reevaluateAllFindings(db, tenantRef);
    await flushFindingsQueue();
    summaries = await db.deviceSummary.findMany({ where: { tenantRef } });
    openFindings = await db.finding.findMany({ where: { tenantRef, status: "open" }, select: { subjectKey: true, rule: true } });
  }, 180_000);
  afterAll(async () => {
    await flushFindingsQueue();
    await sim?.close();
  });

  const keys = (rows: { rowKey: string }[]) => rows.map((r) => r.rowKey).sort();

  /** Each filter, as the URL gives it, with the rows its definition picks. */
  function cases(): { name: string; query: Record<string, string>; picks: (s: Summary) => boolean }[] {
    const ruleCounts = new Map<string, number>();
    for (const f of openFindings) ruleCounts.set(f.rule, (ruleCounts.get(f.rule) ?? 0) + 1);
    const rules = [...ruleCounts.entries()].sort((a, b) => b[1] - a[1]);
    const [common, rare] = [rules[0]![0], rules[rules.length - 1]![0]];
    const withRule = (rule: string) => new Set(openFindings.filter((f) => f.rule === rule).map((f) => f.subjectKey));
    const versions = summaries.map((s) => s.operatingSystemVersion).filter((v): v is string => v !== null);
    const versionPrefix = versions[0]!.split(".").slice(0, 3).join(".");
    const majorMinor = versions[0]!.split(".").slice(0, 2).join(".");
    const pendingAges = summaries.filter((s) => s.state === "pending" && s.pendingSince).map((s) => (now.getTime() - s.pendingSince!.getTime()) / DAY);
    const pendingDays = Math.max(1, Math.floor(pendingAges.sort((a, b) => a - b)[Math.floor(pendingAges.length / 2)] ?? 1));
    const rank = ["critical", "high", "medium", "low", "info"];
    return [
      { name: `rule ${common} (most devices)`, query: { rule: common }, picks: (s) => withRule(common).has(s.subjectKey) },
      { name: `rule ${rare} (fewest devices)`, query: { rule: rare }, picks: (s) => withRule(rare).has(s.subjectKey) },
      { name: "rule nobody has", query: { rule: "no-such-rule" }, picks: () => false },
      ...["critical", "high", "medium", "low", "none"].map((severity) => ({
        name: `severity ${severity}`,
        query: { severity },
        picks: (s: Summary) => s.worstRank === (severity === "none" ? 9 : rank.indexOf(severity)),
      })),
      { name: "unregistered now", query: { outlook: "now" }, picks: (s) => s.outlook === "now" },
      { name: "at risk (next Connect cycle)", query: { outlook: "next" }, picks: (s) => s.outlook === "next" },
      { name: "broken (either)", query: { outlook: "broken" }, picks: (s) => s.outlook !== null },
      { name: "cause object-disabled", query: { cause: "object-disabled" }, picks: (s) => s.outlook !== null && s.cause === "object-disabled" },
      {
        name: "now + cause + sort by cause",
        query: { outlook: "now", cause: "object-deleted", sort: "cause" },
        picks: (s) => s.outlook === "now" && s.cause === "object-deleted",
      },
      { name: "join hybrid", query: { join: "hybrid" }, picks: (s) => s.joinType === "hybrid" },
      { name: "join entra", query: { join: "entra" }, picks: (s) => s.joinType === "entra" },
      { name: "join unknown (never reported)", query: { join: "unknown" }, picks: (s) => s.joinType === null },
      { name: "trust ServerAd", query: { trust: "ServerAd" }, picks: (s) => s.trustType === "ServerAd" },
      { name: "state pending", query: { state: "pending" }, picks: (s) => s.state === "pending" },
      { name: "os Windows", query: { os: "Windows" }, picks: (s) => s.operatingSystem === "Windows" },
      { name: `os version ${versionPrefix}`, query: { osVersion: versionPrefix }, picks: (s) => s.operatingSystemVersion?.startsWith(versionPrefix) ?? false },
      {
        name: `os Windows, version ${majorMinor} (a range of the version's index, which holds the OS)`,
        query: { os: "Windows", osVersion: majorMinor },
        picks: (s) => s.operatingSystem === "Windows" && (s.operatingSystemVersion?.startsWith(majorMinor) ?? false),
      },
      {
        name: `os Windows, version ${majorMinor}, live, hybrid joined (the OS tally with the facets it holds)`,
        query: { os: "Windows", osVersion: majorMinor, state: "live", trust: "ServerAd" },
        picks: (s) =>
          s.operatingSystem === "Windows" && (s.operatingSystemVersion?.startsWith(majorMinor) ?? false) && s.state === "live" && s.trustType === "ServerAd",
      },
      {
        name: `version ${majorMinor} with problems, any OS`,
        query: { osVersion: majorMinor, problems: "1" },
        picks: (s) => (s.operatingSystemVersion?.startsWith(majorMinor) ?? false) && s.worstRank <= 1,
      },
      {
        name: "os Windows, no trust type",
        query: { os: "Windows", trust: "none" },
        picks: (s) => s.operatingSystem === "Windows" && s.trustType === null,
      },
      { name: "sync yes", query: { sync: "yes" }, picks: (s) => s.onPremisesSyncEnabled === true },
      { name: "sync unknown", query: { sync: "unknown" }, picks: (s) => s.onPremisesSyncEnabled === null },
      {
        name: `pending for more than ${pendingDays} days`,
        query: { pendingDays: String(pendingDays) },
        picks: (s) => s.state === "pending" && s.pendingSince !== null && s.pendingSince.getTime() < now.getTime() - pendingDays * DAY,
      },
      { name: "no report in 7 days", query: { silentDays: "7" }, picks: (s) => s.lastReportAt === null || s.lastReportAt.getTime() < now.getTime() - 7 * DAY },
      {
        name: "stale (90 days)",
        query: { stale: "1" },
        picks: (s) => s.approximateLastSignInDateTime !== null && s.approximateLastSignInDateTime.getTime() < now.getTime() - 90 * DAY,
      },
      {
        name: "rule + trust + sort by OS",
        query: { rule: common, trust: "ServerAd", sort: "os" },
        picks: (s) => withRule(common).has(s.subjectKey) && s.trustType === "ServerAd",
      },
      {
        name: "search + severity",
        query: { q: "pc", severity: "high" },
        picks: (s) => (s.nameKey.includes("pc") || (s.deviceId ?? "").includes("pc") || (s.objectId ?? "").includes("pc")) && s.worstRank === 1,
      },
    ];
  }

  it("each filter lists exactly the devices it describes, read as few rows or as many", async () => {
    expect(summaries.length).toBeGreaterThan(150);
    let narrowed = 0;
    for (const c of cases()) {
      const params = parseDeviceListParams(c.query);
      const want = summaries
        .filter(c.picks)
        .map((s) => s.rowKey)
        .sort();
      const sparse = await listAll(tenantRef, params, now);
      expect(keys(sparse.rows), c.name).toEqual(want);
      expect(sparse.total, c.name).toBe(want.length);
      const dense = await listAll(tenantRef, params, now, true);
      expect(keys(dense.rows), `dense ${c.name}`).toEqual(want);
      expect(dense.total, `dense ${c.name}`).toBe(want.length);
      expect(
        dense.rows.map((r) => r.rowKey),
        `same order ${c.name}`,
      ).toEqual(sparse.rows.map((r) => r.rowKey));
      if (want.length > 0 && want.length < summaries.length) narrowed++;
    }
    // The simulated tenant gives most filters something to narrow to (not all of them or none).
    expect(narrowed).toBeGreaterThanOrEqual(15);
  });

  it("the OS and OS version filters are counted from the OS tally (decision 050), not by reading the summaries", async () => {
    const inner = directDb();
    const { db: recording, reads } = recordingDirectDb(inner);
    const version = summaries.find((s) => s.operatingSystem === "Windows" && s.operatingSystemVersion)!.operatingSystemVersion!;
    const majorMinor = version.split(".").slice(0, 2).join(".");
    const queries = [
      { os: "Windows" },
      { os: "Windows", osVersion: majorMinor },
      { os: "Windows", osVersion: majorMinor, state: "live", problems: "1" },
      { osVersion: version },
    ];
    for (const query of queries) {
      reads.length = 0;
      const params = parseDeviceListParams(query);
      // Dense (sparseRows 0), as a filter that matches most of a large tenant is read.
      const page = await findDevices(recording, { tenantRef, params, now, sparseRows: 0 });
      expect(page.total, JSON.stringify(query)).toBeGreaterThan(0);
      const counts = reads.filter((r) => /COUNT\(|SUM\(/.test(r.sql));
      expect(
        counts.map((r) => r.sql.replace(/ WHERE .*/s, "")),
        JSON.stringify(query),
      ).toEqual([`SELECT COALESCE(SUM("n"), 0) AS "n" FROM "DeviceOsTally"`]);
      if (inner.dialect === "sqlite") {
        const plan = (await inner.query<{ detail: string }>(`EXPLAIN QUERY PLAN ${counts[0]!.sql}`, counts[0]!.params)).map((p) => p.detail).join("\n");
        // The tally's key: the tenant and the OS, then the version prefix as a range of it.
        if ("os" in query && "osVersion" in query)
          expect(plan, JSON.stringify(query)).toMatch(/sqlite_autoindex_DeviceOsTally_1 \(tenantRef=\? AND os=\? AND osVersion>\? AND osVersion<\?\)/);
        else if ("os" in query) expect(plan, JSON.stringify(query)).toMatch(/sqlite_autoindex_DeviceOsTally_1 \(tenantRef=\? AND os=\?\)/);
        expect(plan).not.toMatch(/DeviceSummary/);
      }
    }
    // A filter the tallies do not hold still counts the summaries.
    reads.length = 0;
    await findDevices(recording, { tenantRef, params: parseDeviceListParams({ os: "Windows", sync: "yes" }), now, sparseRows: 0 });
    expect(reads.filter((r) => /COUNT\(\*\)/.test(r.sql) && /FROM "DeviceSummary"/.test(r.sql)).length).toBe(1);
  });

  it("a tenant's own stale threshold decides the stale filter", async () => {
    const signIns = summaries.filter((s) => s.approximateLastSignInDateTime).map((s) => (now.getTime() - s.approximateLastSignInDateTime!.getTime()) / DAY);
    const threshold = Math.max(21, Math.floor(signIns.sort((a, b) => a - b)[Math.floor(signIns.length / 2)]!));
    await db.tenant.update({ where: { id: tenantRef }, data: { staleThresholdDays: threshold } });
    try {
      const want = summaries
        .filter((s) => s.approximateLastSignInDateTime && s.approximateLastSignInDateTime.getTime() < now.getTime() - threshold * DAY)
        .map((s) => s.rowKey)
        .sort();
      expect(want.length).toBeGreaterThan(0);
      expect(keys((await listAll(tenantRef, { stale: true }, now)).rows)).toEqual(want);
    } finally {
      await db.tenant.update({ where: { id: tenantRef }, data: { staleThresholdDays: 90 } });
    }
  });

  it("each column sorts by its value, then by name, rows without a value last in either direction", async () => {
    const value: Partial<Record<DeviceSort, (r: Summary) => string | number | boolean | null>> = {
      deviceId: (r) => r.deviceId,
      objectId: (r) => r.objectId,
      trust: (r) => r.trustType,
      join: (r) => r.joinType,
      os: (r) => r.operatingSystem,
      osVersion: (r) => r.operatingSystemVersion,
      sync: (r) => (r.onPremisesSyncEnabled === null ? null : r.onPremisesSyncEnabled ? 1 : 0),
      lastSignIn: (r) => r.approximateLastSignInDateTime?.getTime() ?? null,
      pendingSince: (r) => r.pendingSince?.getTime() ?? null,
      primaryRule: (r) => r.primaryRule,
      cause: (r) => r.cause,
      state: (r) => r.state,
    };
    const byKey = new Map(summaries.map((s) => [s.rowKey, s]));
    // Byte order, as SQLite compares text and PostgreSQL's index compares these ASCII values.
    const cmp = (a: string | number, b: string | number) => (a < b ? -1 : a > b ? 1 : 0);
    for (const [sort, of] of Object.entries(value) as [DeviceSort, (r: Summary) => string | number | boolean | null][]) {
      for (const dir of ["asc", "desc"] as const) {
        const rows = (await listAll(tenantRef, { sort, dir }, now)).rows.map((r) => byKey.get(r.rowKey)!);
        expect(rows.length).toBe(summaries.length);
        const values = rows.map(of);
        const firstNull = values.indexOf(null);
        if (firstNull >= 0)
          expect(
            values.slice(firstNull).every((v) => v === null),
            `${sort} ${dir}: no value last`,
          ).toBe(true);
        expect(new Set(values.filter((v) => v !== null)).size, `${sort} has values to sort`).toBeGreaterThan(0);
        for (let i = 1; i < (firstNull >= 0 ? firstNull : rows.length); i++) {
          const c = cmp(values[i - 1] as string | number, values[i] as string | number) * (dir === "asc" ? 1 : -1);
          expect(c, `${sort} ${dir} at ${i}`).toBeLessThanOrEqual(0);
          if (c === 0) expect(cmp(rows[i - 1]!.nameKey, rows[i]!.nameKey) * (dir === "asc" ? 1 : -1), `${sort} ${dir} ties by name`).toBeLessThanOrEqual(0);
        }
      }
    }
  });

  it("bulk acknowledge: every open finding of the selected devices, one audit entry and one event each, in one go", async () => {
    const bySubject = new Map<string, number>();
    for (const f of openFindings) bySubject.set(f.subjectKey, (bySubject.get(f.subjectKey) ?? 0) + 1);
    const [a, b, c] = [...bySubject.entries()].filter(([, n]) => n >= 2).map(([k]) => k);
    // One of b's findings is acknowledged already: its comment stays, and it is not acknowledged twice.
    const earlier = await db.finding.findFirstOrThrow({ where: { tenantRef, subjectKey: b!, status: "open" }, select: { id: true } });
    await db.finding.update({
      where: { id: earlier.id },
      data: { acknowledgedAt: new Date(now.getTime() - DAY), acknowledgedBy: "someone", ackComment: "earlier" },
    });
    const auditBefore = await db.auditLog.count({ where: { tenantRef, action: "finding.acknowledge" } });

    // Bad input writes nothing.
    expect(await acknowledgeDeviceFindings(db, { tenantRef, subjectKeys: [a!, b!], comment: "  ", actor: "admin@contoso.test" })).toMatchObject({ ok: false });
    expect(await acknowledgeDeviceFindings(db, { tenantRef, subjectKeys: [], comment: "x", actor: "admin@contoso.test" })).toMatchObject({ ok: false });
    expect(await db.auditLog.count({ where: { tenantRef, action: "finding.acknowledge" } })).toBe(auditBefore);

    const expected = await db.finding.findMany({
      where: { tenantRef, subjectKey: { in: [a!, b!] }, status: "open", acknowledgedAt: null },
      select: { id: true },
    });
    const result = await acknowledgeDeviceFindings(
      db,
      { tenantRef, subjectKeys: [a!, b!, a!], comment: "Re-imaging Friday, CHG-2417", actor: "admin@contoso.test" },
      now,
    );
    expect(result).toEqual({ ok: true, acknowledged: expected.length, devices: 2 });
    const audit = await db.auditLog.findMany({ where: { tenantRef, action: "finding.acknowledge" }, select: { target: true, actor: true } });
    expect(audit.length).toBe(auditBefore + expected.length);
    expect(
      audit
        .map((e) => e.target)
        .filter((t) => expected.some((f) => f.id === t))
        .sort(),
    ).toEqual(expected.map((f) => f.id).sort());
    expect(audit.every((e) => e.actor === "admin@contoso.test")).toBe(true);
    const events = await db.findingEvent.findMany({ where: { tenantRef, kind: "acknowledged", findingRef: { in: expected.map((f) => f.id) } } });
    expect(events.length).toBe(expected.length);
    const after = await db.finding.findMany({ where: { tenantRef, subjectKey: { in: [a!, b!] }, status: "open" }, select: { id: true, ackComment: true } });
    expect(after.every((f) => f.ackComment === (f.id === earlier.id ? "earlier" : "Re-imaging Friday, CHG-2417"))).toBe(true);
    // Another device's findings are untouched; acknowledging the same devices again does nothing.
    expect(await db.finding.count({ where: { tenantRef, subjectKey: c!, acknowledgedAt: { not: null } } })).toBe(0);
    expect(await acknowledgeDeviceFindings(db, { tenantRef, subjectKeys: [a!, b!], comment: "again", actor: "admin@contoso.test" })).toEqual({
      ok: true,
      acknowledged: 0,
      devices: 0,
    });
    // A subject of this tenant named with another tenant's id matches nothing.
    expect(await acknowledgeDeviceFindings(db, { tenantRef: "another-tenant", subjectKeys: [c!], comment: "x", actor: "admin@contoso.test" })).toEqual({
      ok: true,
      acknowledged: 0,
      devices: 0,
    });
  });

  it("the URL's state parses leniently: a bad value is its default, never an error", () => {
    const bad = parseDeviceListParams({
      rule: "DROP TABLE",
      severity: "worst",
      join: "x",
      sync: "maybe",
      pendingDays: "-3",
      silentDays: "1e9",
      stale: "yes",
      sort: "color",
      cols: "nope",
      osVersion: "';--",
    });
    expect(bad).toEqual(DEFAULT_DEVICE_LIST_PARAMS);
    const good = parseDeviceListParams({
      rule: "prt-missing",
      severity: "none",
      join: "unknown",
      sync: "no",
      pendingDays: "7",
      silentDays: "30",
      stale: "1",
      sort: "osVersion",
      dir: "desc",
      cols: ["os", "state", "bogus"],
    });
    expect(good).toMatchObject({
      rule: "prt-missing",
      severity: "none",
      join: "unknown",
      sync: "no",
      pendingDays: 7,
      silentDays: 30,
      stale: true,
      sort: "osVersion",
      dir: "desc",
      cols: ["os", "state"],
    });
  });
});
