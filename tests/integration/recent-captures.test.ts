/**
 * Decision 035: an upload hands its parsed captures to the findings pass it queues, which uses them only for a row
 * that still holds the bytes the upload stored. The findings must be those of a pass that parses every text again.
 */
import { randomUUID } from "node:crypto";
import { describe, expect, it } from "vitest";
import { db } from "@/lib/db/client";
import { flushFindingsQueue, reevaluateAllFindings } from "@/lib/findings/findings-scheduler";
import { recentCaptureCount } from "@/lib/findings/recent-captures";
import { ingestReport } from "@/lib/ingest/ingest-report";
import { createTenantWithToken } from "../setup/factories";
import { sampleUpload } from "../setup/sample-reports";

async function tenant() {
  const tenantId = randomUUID();
  const t = await createTenantWithToken(db, { tenantId, name: `captures ${tenantId.slice(0, 8)}` });
  return { tenantRef: t.tenantRef, tenantId, agent: { tokenId: t.tokenId, tenantRef: t.tenantRef, tenantId } };
}

const findingsOf = (tenantRef: string) =>
  db.finding.findMany({
    where: { tenantRef },
    select: { subjectKey: true, rule: true, status: true, fingerprint: true, isPrimary: true, explainedBy: true, rankSeverity: true },
    orderBy: [{ subjectKey: "asc" }, { rule: "asc" }],
  });

describe("the upload's parse handed to its findings pass (decision 035)", () => {
  it("is taken by the pass, which leaves the findings a pass parsing every text leaves", async () => {
    const t = await tenant();
    await flushFindingsQueue();
    const before = recentCaptureCount();
    const uploads = [
      sampleUpload({ tenantId: t.tenantId, hostname: "PC-A1", deviceId: randomUUID(), capturedAt: "2026-11-29T07:45:00Z" }),
      sampleUpload({ tenantId: t.tenantId, hostname: "PC-A2", deviceId: randomUUID(), deleted: true, capturedAt: "2026-11-29T07:46:00Z" }),
      {
        ...sampleUpload({ tenantId: t.tenantId, hostname: "PC-A3", deviceId: randomUUID(), capturedAt: "2026-11-29T07:47:00Z" }),
        dsregcmdSystem: sampleUpload({ tenantId: t.tenantId, hostname: "PC-A3" }).dsregcmd,
      },
    ];
    for (const body of uploads) {
      const r = await ingestReport(db, { agent: t.agent, body });
      expect(r.ok).toBe(true);
    }
    expect(recentCaptureCount()).toBe(before + uploads.length);
    await flushFindingsQueue();
    expect(recentCaptureCount()).toBe(before);
    const handedOver = await findingsOf(t.tenantRef);
    expect(handedOver.length).toBeGreaterThan(0);
    // A full pass now parses every stored text (nothing remembered): it changes no finding.
    const full = await reevaluateAllFindings(db, t.tenantRef);
    expect(full.opened + full.reopened + full.resolved + full.updated).toBe(0);
    expect(await findingsOf(t.tenantRef)).toEqual(handedOver);
  });

  it("holds one entry a device: a device's next report before its pass drops the earlier one's (decision 045)", async () => {
    const t = await tenant();
    await flushFindingsQueue();
    const before = recentCaptureCount();
    const deviceId = randomUUID();
    // Three states of one device, each a new report, before the pass runs: the pass reads only the last.
    for (const [i, deleted] of [false, true, false].entries()) {
      const body = sampleUpload({ tenantId: t.tenantId, hostname: `PC-C${i}`, deviceId, deleted, capturedAt: `2026-11-29T07:4${i}:00Z` });
      const r = await ingestReport(db, { agent: t.agent, body });
      expect(r.ok && !r.report.duplicate).toBe(true);
    }
    expect(recentCaptureCount()).toBe(before + 1);
    await flushFindingsQueue();
    expect(recentCaptureCount()).toBe(before);
    const handedOver = await findingsOf(t.tenantRef);
    const full = await reevaluateAllFindings(db, t.tenantRef);
    expect(full.opened + full.reopened + full.resolved + full.updated).toBe(0);
    expect(await findingsOf(t.tenantRef)).toEqual(handedOver);
  });

  it("an upload that updates the device's report in place hands over its own text, not the one before", async () => {
    const t = await tenant();
    const deviceId = randomUUID();
    const first = sampleUpload({ tenantId: t.tenantId, hostname: "PC-B1", deviceId, capturedAt: "2026-11-29T07:45:00Z" });
    const a = await ingestReport(db, { agent: t.agent, body: first });
    // The same state four hours on: the PRT renewed, the report updated in place (decision 013).
    const later = {
      ...first,
      capturedAt: "2026-11-29T11:45:00Z",
      dsregcmd: first.dsregcmd.replace(/AzureAdPrtUpdateTime : .*/, "AzureAdPrtUpdateTime : 2026-11-29 11:15:00.000 UTC"),
    };
    const b = await ingestReport(db, { agent: t.agent, body: later });
    expect(a.ok && b.ok && b.report.reportId === a.report.reportId && !b.report.duplicate).toBe(true);
    await flushFindingsQueue();
    const handedOver = await findingsOf(t.tenantRef);
    const full = await reevaluateAllFindings(db, t.tenantRef);
    expect(full.opened + full.reopened + full.resolved + full.updated).toBe(0);
    expect(await findingsOf(t.tenantRef)).toEqual(handedOver);
  });
});
