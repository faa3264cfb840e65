/**
 * Decision 045: what an upload's writes and reads cost. A new report's id is time-ordered, so the report, its user and
 * its events append to their id and reportRef indexes; a device's latest report is read from the end of an index
 * holding its order (capture time, then id), without a sort.
 */
import { randomUUID } from "node:crypto";
import { describe, expect, it } from "vitest";
import { db } from "@/lib/db/client";
import { directDb } from "@/lib/db/direct";
import { deviceLatestReportSql } from "@/lib/db/latest-report-sql";
import { flushFindingsQueue } from "@/lib/findings/findings-scheduler";
import { ingestReport } from "@/lib/ingest/ingest-report";
import { createTenantWithToken } from "../setup/factories";
import { sampleUpload } from "../setup/sample-reports";

async function tenant() {
  const tenantId = randomUUID();
  const t = await createTenantWithToken(db, { tenantId, name: "Write order" });
  return { tenantRef: t.tenantRef, tenantId, agent: { tokenId: t.tokenId, tenantRef: t.tenantRef, tenantId } };
}

describe("an upload's writes and reads (decision 045)", () => {
  it("stores each new report under an id that sorts after the ids of the reports stored before it", async () => {
    const t = await tenant();
    const ids: string[] = [];
    for (let i = 0; i < 24; i++) {
      // Another device each time: every upload is a new report.
      const upload = sampleUpload({
        tenantId: t.tenantId,
        deviceId: randomUUID(),
        hostname: `PC-ORDER-${i}`,
        capturedAt: `2026-11-29T07:${String(i).padStart(2, "0")}:00Z`,
      });
      const r = await ingestReport(db, { agent: t.agent, body: upload });
      if (!r.ok) throw new Error(r.error.message);
      expect(r.report.duplicate).toBe(false);
      ids.push(r.report.reportId);
    }
    await flushFindingsQueue();
    expect(ids).toEqual([...ids].sort());
    expect(new Set(ids).size).toBe(ids.length);
    for (const id of ids) expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-8[0-9a-f]{3}-[0-9a-f]{12}$/);
  });

  it("reads a device's latest report without sorting (SQLite's plan), and of two captured at the same moment the one with the higher id", async () => {
    const t = await tenant();
    const deviceId = randomUUID();
    const capturedAt = "2026-11-29T08:00:00Z";
    for (const hostname of ["PC-SAME-A", "PC-SAME-B", "PC-SAME-C"]) {
      // The same capture time, another host name: three reports of one device captured at the same moment.
      const r = await ingestReport(db, { agent: t.agent, body: sampleUpload({ tenantId: t.tenantId, deviceId, hostname, capturedAt }) });
      if (!r.ok) throw new Error(r.error.message);
    }
    await flushFindingsQueue();
    const direct = directDb();
    const sql = deviceLatestReportSql(`x."id", x."hostname"`, "deviceId");
    const [latest] = await direct.query<{ id: string; hostname: string }>(sql, [t.tenantRef, deviceId]);
    const all = await db.deviceReport.findMany({ where: { tenantRef: t.tenantRef, deviceId }, select: { id: true } });
    expect(all).toHaveLength(3);
    expect(latest!.id).toBe(
      all
        .map((r) => r.id)
        .sort()
        .at(-1),
    );
    // Time-ordered ids: the report stored last.
    expect(latest!.hostname).toBe("PC-SAME-C");
    if (direct.dialect === "sqlite") {
      const plan = (await direct.query<{ detail: string }>(`EXPLAIN QUERY PLAN ${sql}`, [t.tenantRef, deviceId])).map((r) => r.detail).join("\n");
      expect(plan).toMatch(/DeviceReport_tenantRef_deviceId_capturedAt_id_idx \(tenantRef=\? AND deviceId=\?\)/);
      expect(plan).not.toMatch(/TEMP B-TREE/);
    }
  });
});
