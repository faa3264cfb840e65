/**
 * Issue 18: report history that stays small (decision 013). 90 days of one device's 4-hourly uploads go through the
 * ingest function the API uses into two tenants: one that stores a report per state change (the default) and one that
 * keeps every upload. The compacted store must tell the same timeline, leave the same findings and hold the same
 * latest report, in a small fraction of the rows.
 */
import { randomUUID } from "node:crypto";
import { beforeAll, describe, expect, it } from "vitest";
import { db } from "@/lib/db/client";
import { flushFindingsQueue } from "@/lib/findings/findings-scheduler";
import { ingestReport, type IngestedReport } from "@/lib/ingest/ingest-report";
import { findDeviceDetail } from "@/lib/queries/find-device-detail";
import { findDeviceReport } from "@/lib/queries/find-device-report";
import { getDeviceTimeline, type TimelineEntry } from "@/lib/queries/get-device-timeline";
import { createTenantWithToken } from "../setup/factories";
import { sampleUpload } from "../setup/sample-reports";

const DAYS = 90;
const UPLOADS = DAYS * 6;
const BASE = Date.parse("2026-09-01T00:07:00Z");
const HOUR = 3_600_000;
const DEVICE_ID = "5d7c3f1a-2b4e-4c6d-8e9f-0a1b2c3d4e5f";
const HOST = "PC-HISTORY";
const NO_CHANGE = "Report: no change in join type, PRT, device auth or thumbprint";

const utc = (ms: number) => `${new Date(ms).toISOString().slice(0, 19).replace("T", " ")}.000 UTC`;

/** Upload i of the device, in tenant `tenantId`: every one renews the PRT; a few days of trouble and change. */
function deviceUpload(i: number, tenantId: string) {
  const captured = BASE + i * 4 * HOUR;
  const failing = i >= 100 && i <= 102; // PRT and device auth fail for half a day, then recover
  const rotated = i >= 250; // the device certificate was renewed
  const base = sampleUpload({
    tenantId,
    deviceId: DEVICE_ID,
    hostname: HOST,
    deleted: failing,
    thumbprint: rotated ? "9C1B2A3D4E5F60718293A4B5C6D7E8F901234567" : undefined,
    capturedAt: new Date(captured).toISOString(),
  });
  const dsregcmd = base.dsregcmd
    .replace(/AzureAdPrtUpdateTime : .*/, `AzureAdPrtUpdateTime : ${utc(captured - 30 * 60_000)}`)
    .replace(/AzureAdPrtExpiryTime : .*/, `AzureAdPrtExpiryTime : ${utc(captured + 14 * 24 * HOUR)}`);
  const events = [
    { id: 1098, time: "2026-08-30T07:40:12Z", level: "Error", task: "AadTokenBrokerPlugin Operation", message: "Error: 0xCAA5004B Logon failure." },
    // A new event in the log from upload 300 on: the agent sends it with every upload after.
    ...(i >= 300
      ? [{ id: 1104, time: new Date(BASE + 300 * 4 * HOUR - HOUR).toISOString(), level: "Warning", task: "Device registration", message: "Key recovery ran." }]
      : []),
  ];
  return { ...base, dsregcmd, events: i >= 300 ? events.slice().reverse() : events, agentVersion: i >= 400 ? "1.1.0" : "1.0.0" };
}

interface Side {
  tenantRef: string;
  tenantId: string;
  agent: { tokenId: string; tenantRef: string; tenantId: string };
  /** The answer to each upload, by upload number. */
  answers: IngestedReport[];
  /** The answers to the two retries. */
  retries: IngestedReport[];
}

async function side(keepEveryUpload: boolean): Promise<Side> {
  const tenantId = randomUUID();
  const t = await createTenantWithToken(db, { tenantId, name: keepEveryUpload ? "Keeps every upload" : "Compacted" });
  await db.tenant.update({ where: { id: t.tenantRef }, data: { keepEveryUpload } });
  return { tenantRef: t.tenantRef, tenantId, agent: { tokenId: t.tokenId, tenantRef: t.tenantRef, tenantId }, answers: [], retries: [] };
}

async function send(s: Side, i: number, lateBy = 0): Promise<IngestedReport> {
  const body = deviceUpload(i, s.tenantId);
  const result = await ingestReport(db, { agent: s.agent, body, now: new Date(Date.parse(body.capturedAt) + 30_000 + lateBy) });
  if (!result.ok) throw new Error(result.error.message);
  return result.report;
}

let compact: Side;
let everything: Side;

beforeAll(async () => {
  compact = await side(false);
  everything = await side(true);
  for (let i = 0; i < UPLOADS; i++) {
    for (const s of [compact, everything]) {
      s.answers.push(await send(s, i));
      // An agent's retry of the upload it just sent, and (after upload 201) a late retry of upload 200.
      if (i === 50) s.retries.push(await send(s, 50, 60_000));
      if (i === 201) s.retries.push(await send(s, 200, 5 * HOUR));
    }
    // The findings pass runs as it would between uploads (debounced in production): once a simulated day.
    if (i % 6 === 5) await flushFindingsQueue();
  }
  await flushFindingsQueue();
}, 600_000);

async function timeline(s: Side): Promise<TimelineEntry[]> {
  const detail = (await findDeviceDetail(db, { tenantRef: s.tenantRef, subjectKey: `d:${DEVICE_ID}` }))!;
  return (
    await getDeviceTimeline(db, { tenantRef: s.tenantRef, subject: detail.subject, deviceId: detail.deviceId, objects: detail.objects, reportLimit: 10_000 })
  )
    .slice()
    .reverse(); // oldest first
}

describe("report history (decision 013)", () => {
  it("answers duplicates as duplicates and counts every other upload, on both stores", () => {
    for (const s of [compact, everything]) {
      expect(s.answers.filter((a) => a.duplicate)).toEqual([]);
      expect(s.retries.map((a) => a.duplicate)).toEqual([true, true]);
      expect(s.retries[0]!.reportId).toBe(s.answers[50]!.reportId);
      // The late retry of upload 200 is recognised as the stored report its run of uploads belongs to.
      expect(s.retries[1]!.reportId).toBe(s.answers[200]!.reportId);
    }
    // Compacted, an unchanged upload answers with the report it was counted in.
    expect(compact.answers[10]!.reportId).toBe(compact.answers[11]!.reportId);
    expect(everything.answers[10]!.reportId).not.toBe(everything.answers[11]!.reportId);
  });

  it("stores a report per state change, each counting its run of uploads", async () => {
    const rows = await db.deviceReport.findMany({
      where: { tenantRef: compact.tenantRef },
      orderBy: { capturedAt: "asc" },
      select: { firstCapturedAt: true, capturedAt: true, uploadCount: true, deviceAuthStatus: true, thumbprint: true, agentVersion: true },
    });
    // healthy → failing → healthy → new certificate → new event → new agent: six runs.
    expect(rows.map((r) => [r.deviceAuthStatus, r.uploadCount])).toEqual([
      ["SUCCESS", 100],
      ["FAILED", 3],
      ["SUCCESS", 147],
      ["SUCCESS", 50],
      ["SUCCESS", 100],
      ["SUCCESS", 140],
    ]);
    expect(rows.reduce((n, r) => n + r.uploadCount, 0)).toBe(UPLOADS);
    expect(rows[0]!.firstCapturedAt!.getTime()).toBe(BASE);
    expect(rows[0]!.capturedAt.getTime()).toBe(BASE + 99 * 4 * HOUR);
    expect(rows.at(-1)!.capturedAt.getTime()).toBe(BASE + (UPLOADS - 1) * 4 * HOUR);
    expect(await db.deviceReport.count({ where: { tenantRef: everything.tenantRef } })).toBe(UPLOADS);
    // Events are stored once per device, whichever uploads carried them.
    expect(await db.agentEvent.count({ where: { tenantRef: compact.tenantRef } })).toBe(2);
    expect(await db.agentEvent.count({ where: { tenantRef: everything.tenantRef } })).toBe(2);
  });

  it("tells the same timeline: every change as before, and the unchanged uploads between them as counts", async () => {
    const kept = (await timeline(everything)).filter((e) => e.kind === "report");
    const folded = (await timeline(compact)).filter((e) => e.kind === "report");
    expect(kept).toHaveLength(UPLOADS);
    // Expand each "unchanged N times between A and B" into the N no-change entries keeping every upload shows.
    let k = 0;
    for (const entry of folded) {
      if (entry.id.startsWith("report-run:")) {
        const n = Number(/unchanged (\d+) times? between/.exec(entry.summary)![1]);
        const run = kept.slice(k, k + n);
        expect(run.map((e) => e.summary)).toEqual(Array.from({ length: n }, () => NO_CHANGE));
        expect(run.at(-1)!.at).toBe(entry.at);
        expect(entry.summary).toContain(`and ${utc(Date.parse(entry.at)).replace(".000", "")}`);
        k += n;
      } else {
        expect(kept[k]!.summary, `upload ${k}`).toBe(entry.summary);
        expect(kept[k]!.at).toBe(entry.at);
        expect(kept[k]!.detail).toEqual(entry.detail);
        k++;
      }
    }
    expect(k).toBe(UPLOADS);
    expect(folded.map((e) => e.summary).filter((s) => s !== NO_CHANGE && !s.includes("unchanged"))).toEqual([
      "First report: Hybrid joined, AzureAdPrt YES, DeviceAuthStatus SUCCESS",
      "Report: AzureAdPrt YES → NO, DeviceAuthStatus SUCCESS → FAILED",
      "Report: AzureAdPrt NO → YES, DeviceAuthStatus FAILED → SUCCESS",
      "Report: Thumbprint 0BF36D245A124205D42B7FBCA6B6AB65A5B06A3C → 9C1B2A3D4E5F60718293A4B5C6D7E8F901234567",
    ]);
    // The events and the findings lifecycle read the same on both.
    const others = async (s: Side) =>
      (await timeline(s)).filter((e) => e.kind === "agent-event" || e.kind === "finding").map((e) => [e.kind, e.summary, e.kind === "agent-event" ? e.at : ""]);
    expect(await others(compact)).toEqual(await others(everything));
  });

  it("leaves the same findings", async () => {
    const findings = async (s: Side) =>
      (
        await db.finding.findMany({
          where: { tenantRef: s.tenantRef },
          orderBy: [{ subjectKey: "asc" }, { rule: "asc" }],
          select: { subjectKey: true, rule: true, status: true, severity: true, title: true, history: { select: { kind: true }, orderBy: { at: "asc" } } },
        })
      ).map((f) => ({ ...f, history: f.history.map((e) => e.kind) }));
    const compacted = await findings(compact);
    expect(compacted.length).toBeGreaterThan(0);
    expect(compacted).toEqual(await findings(everything));
  });

  it("holds the same latest report: text, parse, findings and events", async () => {
    const latest = async (s: Side) => {
      const id = s.answers.at(-1)!.reportId;
      const r = (await findDeviceReport(db, { id, tenantScope: null }))!;
      const swap = (v: unknown) => JSON.parse(JSON.stringify(v).replaceAll(s.tenantId, "TENANT"));
      return {
        text: swap(r.dsregcmdText),
        parsed: swap(r.parsed),
        capturedAt: r.capturedAt,
        receivedAt: r.receivedAt,
        findings: swap(r.findings),
        agentVersion: r.agentVersion,
        events: r.events.map(({ id: _, ...e }) => e),
      };
    };
    const compacted = await latest(compact);
    expect(compacted.text).toContain("AzureAdPrtUpdateTime : " + utc(BASE + (UPLOADS - 1) * 4 * HOUR - 30 * 60_000));
    expect(compacted.events).toHaveLength(2);
    expect(compacted).toEqual(await latest(everything));
    // The run's page says how many uploads it stands for.
    const page = (await findDeviceReport(db, { id: compact.answers.at(-1)!.reportId, tenantScope: null }))!;
    expect(page.uploadCount).toBe(140);
    expect(page.firstCapturedAt).toBe(new Date(BASE + 400 * 4 * HOUR).toISOString());
  });
});
