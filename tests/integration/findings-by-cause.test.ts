/**
 * Issue 17, items 3 and 4: the Findings page's grouped view and bulk acknowledgement, and the Overview's daily
 * snapshots. The tenant is the e2e demo tenant (e2e/seed.ts): agents' uploads of the project's dsregcmd fixtures and
 * Contoso's Graph objects written through the sync's page writer, then a findings pass; the uploads are spread over
 * the days around the snapshot's clock so the per-day figures have something to tell apart.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { writeDailySnapshot, SILENT_AFTER_DAYS } from "@/lib/daily-snapshots/write-daily-snapshot";
import { db } from "@/lib/db/client";
import { directDb } from "@/lib/db/direct";
import { ensureDeviceSummaries } from "@/lib/device-summary/rebuild-device-summaries";
import { acknowledgeFindings } from "@/lib/findings/acknowledge-findings";
import { flushFindingsQueue } from "@/lib/findings/findings-scheduler";
import { reevaluateAllFindings } from "@/lib/findings/findings-scheduler";
import type { GraphDevice } from "@/lib/graph/graph-schemas";
import { ingestReport } from "@/lib/ingest/ingest-report";
import { findDailySnapshots } from "@/lib/queries/find-daily-snapshots";
import { findFindingCauses } from "@/lib/queries/find-finding-causes";
import { syncDueTenants } from "@/lib/sync/sync-scheduler";
import { writeDevicePage } from "@/lib/sync/write-device-page";
import { DEFAULT_FINDING_LIST_PARAMS, type FindingListParams } from "@/lib/url-params/finding-list-params";
import { createTenantWithToken } from "../setup/factories";
import { x509AlternativeSecurityId } from "../setup/device-certificate";

const FIXTURES = join(import.meta.dirname, "../../lib/reports/fixtures");
const HOUR = 3600_000;
const DAY = 24 * HOUR;
/** The tenant the fixtures were captured in (their `TenantId`). */
const TENANT_ID = "9b4a1a97-6a87-46a9-9671-f9a62bdd307b";

/** The snapshot's clock: noon UTC today; the uploads are placed around the start of its day. */
const startOfDay = Math.floor(Date.now() / DAY) * DAY;
const T = startOfDay + 12 * HOUR;
const DAY_OF_T = new Date(T).toISOString().slice(0, 10);

/** Host name, fixture, when the agent uploaded it (capture 20 s earlier), relative to the start of the snapshot's day. */
const UPLOADS: [string, string, number][] = [
  ["PC-0142", "win11-24h2-hybrid-full.txt", -20 * HOUR],
  ["PC-0466", "win11-24h2-hybrid-disabled.txt", -10 * HOUR],
  ["PC-0087", "win10-21h1-hybrid-deleted.txt", -1 * HOUR],
  ["PC-0311", "win10-22h2-hybrid-network-fail.txt", -30 * HOUR],
  // Silent: its latest (only) report is nine days older than the snapshot.
  ["LT-2231", "win11-22h2-entra-wrong-password.txt", 12 * HOUR - 9 * DAY],
  ["LT-2240", "win11-23h2-entra-mfa-required.txt", -50 * HOUR],
  ["PC-0019", "win11-23h2-hybrid.txt", 1 * HOUR],
  ["KIOSK-07", "win10-21h2-registered.txt", 2 * HOUR],
];

/** Contoso's synced hybrid objects as GET /devices returns them (e2e/seed.ts): a thumbprint mismatch, a disabled one, one deleted. */
function contosoObjects(nowMs: number): GraphDevice[] {
  return [
    {
      id: "6f1c2a9e-4b7d-4e21-9a3f-1d2c3b4a5e01",
      deviceId: "dd5ac0a8-cb5f-461e-9269-2502cbabc065",
      displayName: "PC-0142",
      accountEnabled: true,
      thumbprint: "0F1E2D3C4B5A69788796A5B4C3D2E1F00A1B2C3D",
    },
    {
      id: "6f1c2a9e-4b7d-4e21-9a3f-1d2c3b4a5e02",
      deviceId: "74df6508-0658-4bb8-a70f-6f79c11fb95c",
      displayName: "PC-0466",
      accountEnabled: false,
      thumbprint: "98E3CFB5313F74A15D16C967C567F0130D8203A8",
    },
    {
      id: "6f1c2a9e-4b7d-4e21-9a3f-1d2c3b4a5e03",
      deviceId: "52d85f7c-30a3-4ce6-9ba8-380e35ce3f4b",
      displayName: "PC-0087",
      accountEnabled: true,
      thumbprint: "8C1D3686173FEB00592820E8A508956704187DCD",
    },
  ].map(
    ({ thumbprint, ...d }) =>
      ({
        ...d,
        trustType: "ServerAd",
        alternativeSecurityIds: [x509AlternativeSecurityId(thumbprint)],
        operatingSystem: "Windows",
        operatingSystemVersion: "10.0.22631.4037",
        profileType: "RegisteredDevice",
        registrationDateTime: new Date(nowMs - 400 * DAY).toISOString(),
        approximateLastSignInDateTime: new Date(nowMs - 2 * DAY).toISOString(),
        onPremisesSyncEnabled: true,
        onPremisesLastSyncDateTime: new Date(nowMs - DAY).toISOString(),
      }) as unknown as GraphDevice,
  );
}

let tenantRef: string;
let agent: { tokenId: string; tenantRef: string; tenantId: string };

async function upload(hostname: string, fixture: string, receivedAt: number) {
  const result = await ingestReport(db, {
    agent,
    body: {
      hostname,
      capturedAt: new Date(receivedAt - 20_000).toISOString(),
      agentVersion: "1.0.0",
      dsregcmd: readFileSync(join(FIXTURES, fixture), "utf8"),
      computerDn: `CN=${hostname},OU=Workstations,DC=corp,DC=contoso,DC=com`,
    },
    now: new Date(receivedAt),
  });
  if (!result.ok) throw new Error(`${fixture}: ${result.error.message}`);
  await flushFindingsQueue();
}

const params = (change: Partial<FindingListParams> = {}): FindingListParams => ({ ...DEFAULT_FINDING_LIST_PARAMS, ...change });

beforeAll(async () => {
  const t = await createTenantWithToken(db, { tenantId: TENANT_ID, name: "Contoso" });
  tenantRef = t.tenantRef;
  agent = { tokenId: t.tokenId, tenantRef, tenantId: t.tenantId };
  for (const [hostname, fixture, at] of UPLOADS) await upload(hostname, fixture, startOfDay + at);
  await writeDevicePage(directDb(), { tenantRef, devices: contosoObjects(T), mode: "full", now: new Date(T - 3 * DAY), syncRunRef: "test" });
  await writeDevicePage(directDb(), {
    tenantRef,
    devices: [],
    removed: [{ id: "6f1c2a9e-4b7d-4e21-9a3f-1d2c3b4a5e03", reason: "deleted" }],
    mode: "delta",
    now: new Date(T - DAY),
    syncRunRef: "test",
  });
  await reevaluateAllFindings(db, tenantRef);
  await ensureDeviceSummaries(tenantRef);
});

describe("the grouped Findings view", () => {
  it("counts every open finding once, per rule, with the devices where the rule is the cause and those where it follows from another", async () => {
    const open = await db.finding.findMany({
      where: { tenantRef, status: "open" },
      select: { rule: true, subjectKey: true, explainedBy: true, severity: true },
    });
    expect(open.length).toBeGreaterThan(5);
    const { causes, total } = await findFindingCauses(db, { tenantRef, params: params() });
    expect(total).toBe(open.length);
    expect(causes.reduce((n, c) => n + c.devices, 0)).toBe(open.length);
    for (const c of causes) {
      const mine = open.filter((f) => f.rule === c.rule);
      expect(c.devices, c.rule).toBe(new Set(mine.map((f) => f.subjectKey)).size);
      expect(c.causes, c.rule).toBe(mine.filter((f) => f.explainedBy === null).length);
      expect(c.explained, c.rule).toBe(mine.length - c.causes);
    }
    // PC-0087's deleted object is its cause; the device authentication failure follows from it there.
    const deleted = causes.find((c) => c.rule === "object-deleted")!;
    expect(deleted).toMatchObject({ devices: 1, causes: 1, explained: 0 });
    const authFailed = causes.find((c) => c.rule === "device-auth-failed")!;
    expect(authFailed.explainedBy.map((e) => e.rule)).toEqual(expect.arrayContaining(["object-deleted", "object-disabled"]));
  });

  it("lists the rules that are a device's own cause first, most such devices first, then the ones that only follow from another", async () => {
    const { causes } = await findFindingCauses(db, { tenantRef, params: params() });
    const firstFollower = causes.findIndex((c) => c.causes === 0);
    expect(firstFollower).toBeGreaterThan(0);
    expect(causes.slice(firstFollower).every((c) => c.causes === 0)).toBe(true);
    const leading = causes.slice(0, firstFollower).map((c) => c.causes);
    expect(leading).toEqual([...leading].sort((a, b) => b - a));
  });

  it("applies the page's filters: a search counts only that device's findings", async () => {
    const { causes, total } = await findFindingCauses(db, { tenantRef, params: params({ q: "PC-0466" }) });
    const expected = await db.finding.count({ where: { tenantRef, status: "open", hostname: "PC-0466" } });
    expect(total).toBe(expected);
    expect(causes.map((c) => c.rule)[0]).toBe("object-disabled");
  });
});

describe("bulk acknowledge", () => {
  it("acknowledges the selected rule's and rows' open findings with one comment: one event and one audit entry per finding", async () => {
    const rule = "device-auth-failed";
    const ofRule = await db.finding.findMany({ where: { tenantRef, status: "open", rule }, select: { id: true } });
    const extra = await db.finding.findFirstOrThrow({ where: { tenantRef, status: "open", rule: "object-deleted" }, select: { id: true } });
    expect(ofRule.length).toBeGreaterThan(1);
    const ids = [...ofRule.map((f) => f.id), extra.id];
    const now = new Date();

    const result = await acknowledgeFindings(
      db,
      {
        tenantRef,
        actor: "admin@contoso.com",
        comment: "Known: Entra Connect re-sync on Friday",
        ticket: "CHG-1234",
        rules: [rule],
        findingIds: [extra.id],
        filters: {},
      },
      now,
    );
    expect(result).toMatchObject({ ok: true, acknowledged: ids.length, acknowledgedAt: now });

    const findings = await db.finding.findMany({ where: { id: { in: ids } }, select: { acknowledgedAt: true, acknowledgedBy: true, ackComment: true } });
    expect(findings.every((f) => f.acknowledgedAt?.getTime() === now.getTime() && f.acknowledgedBy === "admin@contoso.com")).toBe(true);
    expect(new Set(findings.map((f) => f.ackComment))).toEqual(new Set(["Known: Entra Connect re-sync on Friday (CHG-1234)"]));
    const audit = await db.auditLog.findMany({ where: { action: "finding.acknowledge", tenantRef }, select: { target: true, actor: true, detail: true } });
    expect(audit.map((a) => a.target).sort()).toEqual([...ids].sort());
    expect(audit[0]!.detail).toMatchObject({ comment: "Known: Entra Connect re-sync on Friday", ticket: "CHG-1234", bulk: true });
    const events = await db.findingEvent.findMany({ where: { tenantRef, kind: "acknowledged" }, select: { findingRef: true } });
    expect(events.map((e) => e.findingRef).sort()).toEqual([...ids].sort());

    // The grouped view counts them as acknowledged; a second submission has nothing left to do and writes nothing.
    expect((await findFindingCauses(db, { tenantRef, params: params() })).causes.find((c) => c.rule === rule)!.acknowledged).toBe(ofRule.length);
    const again = await acknowledgeFindings(db, { tenantRef, actor: "admin@contoso.com", comment: "again", rules: [rule], findingIds: [extra.id] });
    expect(again).toMatchObject({ ok: false, error: { code: "nothing-to-acknowledge" } });
    expect(await db.auditLog.count({ where: { action: "finding.acknowledge", tenantRef } })).toBe(ids.length);
  });

  it("applies the filters the page showed to the selected groups, and nothing else", async () => {
    const target = await db.finding.findMany({ where: { tenantRef, status: "open", rule: "prt-missing", acknowledgedAt: null }, select: { hostname: true } });
    expect(target.length).toBeGreaterThan(1);
    const host = target[0]!.hostname!;
    const before = await db.auditLog.count({ where: { action: "finding.acknowledge", tenantRef } });
    const result = await acknowledgeFindings(db, {
      tenantRef,
      actor: "admin@contoso.com",
      comment: "One device",
      rules: ["prt-missing"],
      filters: { q: host },
    });
    expect(result).toMatchObject({ ok: true, acknowledged: 1 });
    expect(await db.auditLog.count({ where: { action: "finding.acknowledge", tenantRef } })).toBe(before + 1);
    expect(await db.finding.count({ where: { tenantRef, rule: "prt-missing", status: "open", acknowledgedAt: null } })).toBe(target.length - 1);
  });

  it("refuses a submission without a comment, without a selection, or with a bad id, and writes nothing", async () => {
    const acknowledgements = () => db.auditLog.count({ where: { action: "finding.acknowledge" } });
    const before = await acknowledgements();
    for (const input of [
      { comment: "  ", rules: ["prt-missing"] },
      { comment: "why", rules: [] },
      { comment: "why", findingIds: ["not-a-uuid"] },
      { comment: "why", rules: ["prt-missing"], ticket: "<script>" },
    ]) {
      expect(await acknowledgeFindings(db, { tenantRef, actor: "admin@contoso.com", ...input })).toMatchObject({ ok: false, error: { code: "invalid-input" } });
    }
    // Another tenant's finding id selects nothing here.
    const other = await createTenantWithToken(db, { tenantId: "11111111-2222-4333-8444-555555555555", name: "Fabrikam" });
    const id = (await db.finding.findFirstOrThrow({ where: { tenantRef, status: "open", acknowledgedAt: null }, select: { id: true } })).id;
    expect(await acknowledgeFindings(db, { tenantRef: other.tenantRef, actor: "a@b.c", comment: "why", findingIds: [id] })).toMatchObject({
      ok: false,
      error: { code: "nothing-to-acknowledge" },
    });
    expect(await acknowledgements()).toBe(before);
  });
});

describe("daily snapshots", () => {
  it("takes one snapshot per tenant per UTC day with the tenant's figures, and a second call that day writes nothing", async () => {
    await db.syncRun.createMany({
      data: [
        { tenantRef, mode: "delta", trigger: "schedule", status: "failed", startedAt: new Date(T - 30 * HOUR) },
        { tenantRef, mode: "full", trigger: "manual", status: "succeeded", startedAt: new Date(T - 5 * HOUR), finishedAt: new Date(T - 5 * HOUR + 60_000) },
        { tenantRef, mode: "delta", trigger: "schedule", status: "failed", startedAt: new Date(T - 2 * HOUR) },
      ],
    });
    expect(await writeDailySnapshot(directDb(), { tenantRef, now: new Date(T) })).toEqual({ day: DAY_OF_T, written: true });

    // Expected figures, counted here from the rows themselves.
    const open = await db.finding.findMany({ where: { tenantRef, status: "open" }, select: { rule: true, severity: true } });
    const tally = (keys: string[]) => keys.reduce<Record<string, number>>((o, k) => ((o[k] = (o[k] ?? 0) + 1), o), {});
    const reports = await db.deviceReport.findMany({ where: { tenantRef }, select: { deviceId: true, hostname: true, capturedAt: true, joinType: true } });
    const latest = new Map<string, (typeof reports)[number]>();
    for (const r of reports) {
      const key = r.deviceId ?? `h:${r.hostname.toLowerCase()}`;
      if (!latest.has(key) || latest.get(key)!.capturedAt < r.capturedAt) latest.set(key, r);
    }
    const joinTypes = { hybrid: 0, entra: 0, registered: 0, domain: 0, none: 0, ...tally([...latest.values()].map((r) => r.joinType)) };

    const [snapshot] = await findDailySnapshots(db, { tenantRef, now: new Date(T) });
    expect(snapshot).toMatchObject({
      day: DAY_OF_T,
      takenAt: new Date(T).toISOString(),
      openFindings: open.length,
      openByRule: tally(open.map((f) => f.rule)),
      devicesReporting: new Set(reports.map((r) => r.deviceId).filter(Boolean)).size,
      joinTypes,
      // PC-0142, PC-0466 and PC-0087 uploaded during the day before; PC-0311 two days before, PC-0019 and KIOSK-07 today.
      reportsPreviousDay: 3,
      devicesSilent: 1,
      silentAfterDays: SILENT_AFTER_DAYS,
      syncEnabled: false,
      lastSyncStatus: "failed",
      lastSyncAt: new Date(T - 2 * HOUR).toISOString(),
      lastSyncSuccessAt: new Date(T - 5 * HOUR + 60_000).toISOString(),
      syncFailures24h: 1,
    });
    expect(snapshot!.openBySeverity).toEqual({ critical: 0, high: 0, medium: 0, low: 0, info: 0, ...tally(open.map((f) => f.severity)) });
    expect(snapshot!.openBySeverity.critical).toBeGreaterThan(0);
    expect(joinTypes.hybrid + joinTypes.entra).toBeGreaterThan(0);

    // Later the same day, after another upload: the day keeps its first snapshot.
    await upload("PC-0020", "win11-21h2-hybrid.txt", T + HOUR);
    expect(await writeDailySnapshot(directDb(), { tenantRef, now: new Date(T + 2 * HOUR) })).toEqual({ day: DAY_OF_T, written: false });
    expect(await findDailySnapshots(db, { tenantRef, now: new Date(T + 2 * HOUR) })).toEqual([snapshot]);
  });

  it("takes the next day's snapshot once however many callers race for it, with that day's reports", async () => {
    const next = new Date(T + DAY);
    const results = await Promise.all([0, 1, 2].map(() => writeDailySnapshot(directDb(), { tenantRef, now: next })));
    expect(results.filter((r) => r.written)).toHaveLength(1);
    const rows = await findDailySnapshots(db, { tenantRef, now: next });
    expect(rows.map((r) => r.day)).toEqual([DAY_OF_T, next.toISOString().slice(0, 10)]);
    // The day of T: PC-0019 and KIOSK-07 in the morning, PC-0020 after noon.
    expect(rows[1]!.reportsPreviousDay).toBe(3);
    expect(await db.dailySnapshot.count({ where: { tenantRef } })).toBe(2);
  });

  it("is taken for every tenant by the scheduler's tick, once a day", async () => {
    const dayAfter = new Date(T + 2 * DAY);
    const day = dayAfter.toISOString().slice(0, 10);
    const tenants = await db.tenant.count();
    expect(tenants).toBeGreaterThan(1);
    await syncDueTenants(dayAfter);
    expect(await db.dailySnapshot.count({ where: { day } })).toBe(tenants);
    await syncDueTenants(new Date(dayAfter.getTime() + 60_000));
    expect(await db.dailySnapshot.count({ where: { day } })).toBe(tenants);
    expect((await db.dailySnapshot.findUniqueOrThrow({ where: { tenantRef_day: { tenantRef, day } }, select: { takenAt: true } })).takenAt).toEqual(dayAfter);
  });
});
