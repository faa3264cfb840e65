/**
 * Issue 18 items 3 and 5 (decision 013): a database from before the history change compacted in place, resumably,
 * and the tenant's retention. Uploads go through the ingest function the API uses; the "old" database is made by
 * writing those same uploads back the way they were stored before (one row per upload, text and parsed JSON in full,
 * the events copied into every report).
 */
import { randomUUID } from "node:crypto";
import { describe, expect, it } from "vitest";
import { db } from "@/lib/db/client";
import { directDb } from "@/lib/db/direct";
import { flushFindingsQueue } from "@/lib/findings/findings-scheduler";
import { ingestReport } from "@/lib/ingest/ingest-report";
import { findDeviceDetail } from "@/lib/queries/find-device-detail";
import { findDeviceReport } from "@/lib/queries/find-device-report";
import { getDeviceTimeline } from "@/lib/queries/get-device-timeline";
import { compactReportHistory } from "@/lib/report-history/compact-history";
import { applyReportRetention, deleteReportsStatements, oldChangesSql } from "@/lib/report-history/report-retention";
import { parseDsregcmd } from "@/lib/reports/parse-dsregcmd";
import { decodeReportText } from "@/lib/reports/report-text-codec";
import { createTenantWithToken } from "../setup/factories";
import { sampleUpload } from "../setup/sample-reports";

const HOUR = 3_600_000;
const BASE = Date.parse("2026-10-01T00:03:00Z");
const utc = (ms: number) => `${new Date(ms).toISOString().slice(0, 19).replace("T", " ")}.000 UTC`;

function deviceUpload(deviceId: string, hostname: string, i: number, tenantId: string) {
  const captured = BASE + i * 4 * HOUR;
  const base = sampleUpload({ tenantId, deviceId, hostname, deleted: i >= 40 && i < 43, capturedAt: new Date(captured).toISOString() });
  return {
    ...base,
    dsregcmd: base.dsregcmd
      .replace(/AzureAdPrtUpdateTime : .*/, `AzureAdPrtUpdateTime : ${utc(captured - 20 * 60_000)}`)
      .replace(/AzureAdPrtExpiryTime : .*/, `AzureAdPrtExpiryTime : ${utc(captured + 14 * 24 * HOUR)}`),
  };
}

async function tenantWith(keepEveryUpload: boolean) {
  const tenantId = randomUUID();
  const t = await createTenantWithToken(db, { tenantId, name: `history ${tenantId.slice(0, 6)}` });
  await db.tenant.update({ where: { id: t.tenantRef }, data: { keepEveryUpload } });
  return { tenantRef: t.tenantRef, tenantId, agent: { tokenId: t.tokenId, tenantRef: t.tenantRef, tenantId } };
}

async function replay(t: Awaited<ReturnType<typeof tenantWith>>, devices: { deviceId: string; hostname: string }[], uploads: number) {
  for (let i = 0; i < uploads; i++) {
    for (const d of devices) {
      const body = deviceUpload(d.deviceId, d.hostname, i, t.tenantId);
      const r = await ingestReport(db, { agent: t.agent, body, now: new Date(Date.parse(body.capturedAt) + 30_000) });
      if (!r.ok) throw new Error(r.error.message);
    }
  }
  await flushFindingsQueue();
}

/** Rewrites a tenant's rows as they were stored before decision 013. */
async function makeOld(tenantRef: string) {
  const rows = await db.deviceReport.findMany({ where: { tenantRef }, select: { id: true, deviceId: true, textZ: true } });
  const events = await db.agentEvent.findMany({ where: { tenantRef } });
  await db.agentEvent.deleteMany({ where: { tenantRef } });
  for (const r of rows) {
    const text = decodeReportText(r.textZ!);
    const parsed = parseDsregcmd(text, { maxBytes: Infinity });
    if (!parsed.ok) throw new Error("unparsable");
    await db.deviceReport.update({
      where: { id: r.id },
      data: { textZ: null, dsregcmdText: text, parsed: JSON.stringify(parsed.report), stateHash: null, firstCapturedAt: null },
    });
    // Every old report had its own copy of the events the agent sent.
    for (const e of events.filter((x) => x.deviceId === r.deviceId)) await db.agentEvent.create({ data: { ...e, id: randomUUID(), reportRef: r.id } });
  }
}

async function reportTimeline(tenantRef: string, deviceId: string) {
  const detail = (await findDeviceDetail(db, { tenantRef, subjectKey: `d:${deviceId}` }))!;
  const entries = await getDeviceTimeline(db, { tenantRef, subject: detail.subject, deviceId, objects: detail.objects, reportLimit: 10_000 });
  return entries.filter((e) => e.kind === "report" || e.kind === "agent-event").map((e) => [e.at, e.summary]);
}

describe("compacting a database from before the history change (item 5)", () => {
  it("folds runs of unchanged uploads in place, resumably, and gives what uploading anew would have stored", async () => {
    const devices = Array.from({ length: 3 }, (_, n) => ({ deviceId: randomUUID(), hostname: `PC-OLD${n}` }));
    const old = await tenantWith(true);
    const fresh = await tenantWith(false);
    await replay(old, devices, 60);
    await replay(fresh, devices, 60);
    await makeOld(old.tenantRef);
    expect(await db.deviceReport.count({ where: { tenantRef: old.tenantRef } })).toBe(180);
    const oldIds = (await db.deviceReport.findMany({ where: { tenantRef: old.tenantRef }, orderBy: { capturedAt: "asc" }, select: { id: true } })).map(
      (r) => r.id,
    );

    // Stopped after one device: that device is done, the others untouched; the next calls finish the rest.
    const first = await compactReportHistory(directDb(), { tenantRef: old.tenantRef, devices: 1 });
    expect(first).toEqual({ devices: 1, reportsBefore: 60, reportsAfter: 3 });
    expect(await db.deviceReport.count({ where: { tenantRef: old.tenantRef } })).toBe(123);
    let calls = 0;
    while ((await compactReportHistory(directDb(), { tenantRef: old.tenantRef, devices: 1 })).devices > 0) calls++;
    expect(calls).toBe(2);
    expect(await db.deviceReport.count({ where: { tenantRef: old.tenantRef, OR: [{ parsed: { not: "" } }, { dsregcmdText: { not: "" } }] } })).toBe(0);

    for (const d of devices) {
      const [o, f] = await Promise.all([reportTimeline(old.tenantRef, d.deviceId), reportTimeline(fresh.tenantRef, d.deviceId)]);
      expect(o).toEqual(f);
    }
    expect(await db.deviceReport.count({ where: { tenantRef: old.tenantRef } })).toBe(await db.deviceReport.count({ where: { tenantRef: fresh.tenantRef } }));
    expect(await db.agentEvent.count({ where: { tenantRef: old.tenantRef } })).toBe(3);

    // An old upload's page says which stored report it matched.
    const page = (await findDeviceReport(db, { id: oldIds[0]!, tenantScope: null }))!;
    expect(page.matchedUpload).toEqual({ id: oldIds[0], capturedAt: new Date(BASE).toISOString() });
    expect(page.uploadCount).toBe(40);
    expect(page.dsregcmdText).toContain("AzureAdPrtUpdateTime : " + utc(BASE + 39 * 4 * HOUR - 20 * 60_000));

    // A new upload after the compaction continues the device's run.
    const next = deviceUpload(devices[0]!.deviceId, devices[0]!.hostname, 60, old.tenantId);
    const r = await ingestReport(db, { agent: old.agent, body: next, now: new Date(Date.parse(next.capturedAt) + 30_000) });
    expect(r.ok && !r.report.duplicate).toBe(true);
    await flushFindingsQueue();
  }, 300_000);

  it("walks each old change once: a silent device's latest report before the changes to delete is passed over, not read again each batch", async () => {
    const t = await tenantWith(false);
    // The silent device's uploads end at upload 45 (its failing run, 40–42, then healthy again); the other device goes on.
    const silent = { deviceId: randomUUID(), hostname: "PC-SILENT" };
    const live = { deviceId: randomUUID(), hostname: "PC-LIVE" };
    await replay(t, [silent], 46);
    await replay(t, [live], 60);
    expect(await db.deviceReport.count({ where: { tenantRef: t.tenantRef } })).toBe(6);
    const at = new Date(BASE + 60 * 4 * HOUR);
    // Everything but each device's latest run is older than a day: two changes each.
    const r = await applyReportRetention(directDb(), {
      tenantRef: t.tenantRef,
      settings: { retentionChangeDays: 1, retentionTextChanges: 5 },
      now: at,
      batchSize: 1,
    });
    expect(r).toEqual({ changesDeleted: 4, textsDropped: 0, batches: 4 });
    const left = await db.deviceReport.findMany({ where: { tenantRef: t.tenantRef }, select: { deviceId: true, uploadCount: true } });
    expect(left.map((x) => [x.deviceId, x.uploadCount]).sort()).toEqual(
      [
        [silent.deviceId, 3],
        [live.deviceId, 17],
      ].sort(),
    );
  }, 300_000);

  it("deletes at most 100 reports a transaction by default, so no batch holds the uploads up for long", async () => {
    const t = await tenantWith(false);
    const device = { deviceId: randomUUID(), hostname: "PC-FLAPPING" };
    // A device whose state changes with every upload: 201 stored reports, 200 of them not its latest.
    for (let i = 0; i < 201; i++) {
      const captured = BASE + i * 4 * HOUR;
      const body = sampleUpload({ tenantId: t.tenantId, ...device, deleted: i % 2 === 1, capturedAt: new Date(captured).toISOString() });
      const r = await ingestReport(db, { agent: t.agent, body, now: new Date(captured + 30_000) });
      if (!r.ok) throw new Error(r.error.message);
    }
    await flushFindingsQueue();
    expect(await db.deviceReport.count({ where: { tenantRef: t.tenantRef } })).toBe(201);
    const r = await applyReportRetention(directDb(), {
      tenantRef: t.tenantRef,
      settings: { retentionChangeDays: 1, retentionTextChanges: 5 },
      now: new Date(BASE + 210 * 4 * HOUR),
    });
    expect(r).toEqual({ changesDeleted: 200, textsDropped: 0, batches: 2 });
    expect(await db.deviceReport.count({ where: { tenantRef: t.tenantRef } })).toBe(1);
  }, 300_000);

  it.runIf(process.env.JOINSCOPE_TEST_DATABASE !== "postgresql")("reads and deletes by index ranges on SQLite, whatever the tenant holds", async () => {
    // SQLite plans without statistics, so the plan is the same on this small database as on a large one.
    const plans = async (sql: string) =>
      (
        await directDb().query<{ detail: string }>(
          `EXPLAIN QUERY PLAN ${sql}`,
          Array.from({ length: sql.split("?").length - 1 }, () => "x"),
        )
      ).map((p) => p.detail);
    for (const after of [false, true]) {
      const plan = await plans(oldChangesSql(500, after));
      expect(plan[0]).toMatch(/^SEARCH x USING INDEX DeviceReport_tenantRef_capturedAt_idx \(tenantRef=\? AND capturedAt/);
      // "A later report of the device" starts where the report checked is, not at the device's first report.
      const later = plan.filter((p) => p.startsWith("SEARCH y"));
      expect(later).toHaveLength(2);
      for (const p of later) expect(p).toContain("(tenantRef=? AND deviceId=? AND capturedAt>?)");
    }
    for (const s of deleteReportsStatements("t", ["a", "b"])) {
      for (const p of await plans(s.sql)) expect(p, s.sql).toMatch(/USING (COVERING )?INDEX \w*(reportRef|DeviceReport_1)\w* \((reportRef|id)=\?\)/);
    }
  });
});

describe("retention (item 3)", () => {
  it("deletes old changes and old texts in small batches, never a device's latest report, and uploads go on", async () => {
    const t = await tenantWith(false);
    const devices = Array.from({ length: 2 }, (_, n) => ({ deviceId: randomUUID(), hostname: `PC-RET${n}` }));
    await replay(t, devices, 60);
    // Per device: healthy (40 uploads) → failing (3) → healthy (17): three changes, the last one current.
    expect(await db.deviceReport.count({ where: { tenantRef: t.tenantRef } })).toBe(6);
    const end = BASE + 60 * 4 * HOUR;
    const at = new Date(end);

    // Texts of all but each device's latest change dropped; nothing older than 400 days.
    const texts = await applyReportRetention(directDb(), {
      tenantRef: t.tenantRef,
      settings: { retentionChangeDays: 400, retentionTextChanges: 1 },
      now: at,
      batchSize: 1,
      // One device's reports ranked per read: the second device is reached through the keyset.
      rankDevices: 1,
    });
    expect(texts).toEqual({ changesDeleted: 0, textsDropped: 4, batches: 4 });
    const withText = await db.deviceReport.findMany({ where: { tenantRef: t.tenantRef, textZ: { not: null } }, select: { uploadCount: true } });
    expect(withText.map((r) => r.uploadCount)).toEqual([17, 17]);
    const dropped = await db.deviceReport.findFirstOrThrow({ where: { tenantRef: t.tenantRef, textZ: null }, select: { id: true } });
    const page = (await findDeviceReport(db, { id: dropped.id, tenantScope: null }))!;
    expect(page.dsregcmdText).toBeNull();
    expect(page.joinType).toBe("hybrid");

    // Changes last seen more than 2 days before the end (the failing run ended 3 days before it): each device keeps
    // only its latest report (its run began 17 uploads ago).
    const old = await applyReportRetention(directDb(), {
      tenantRef: t.tenantRef,
      settings: { retentionChangeDays: 2, retentionTextChanges: 1 },
      now: at,
      batchSize: 1,
    });
    expect(old.changesDeleted).toBe(4);
    const left = await db.deviceReport.findMany({ where: { tenantRef: t.tenantRef }, select: { uploadCount: true, textZ: true } });
    expect(left.map((r) => [r.uploadCount, r.textZ !== null])).toEqual([
      [17, true],
      [17, true],
    ]);
    // Even a device silent for longer than the retention keeps its latest report.
    expect(
      (
        await applyReportRetention(directDb(), {
          tenantRef: t.tenantRef,
          settings: { retentionChangeDays: 1, retentionTextChanges: 1 },
          now: new Date(end + 30 * 24 * HOUR),
        })
      ).changesDeleted,
    ).toBe(0);

    const next = deviceUpload(devices[1]!.deviceId, devices[1]!.hostname, 60, t.tenantId);
    const r = await ingestReport(db, { agent: t.agent, body: next, now: new Date(Date.parse(next.capturedAt) + 30_000) });
    expect(r.ok && !r.report.duplicate).toBe(true);
    expect((await db.deviceReport.findMany({ where: { tenantRef: t.tenantRef }, select: { uploadCount: true } })).map((x) => x.uploadCount).sort()).toEqual([
      17, 18,
    ]);
    await flushFindingsQueue();
  }, 300_000);
});
