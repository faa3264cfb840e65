/**
 * One machine, one device (issue 23 item 3), on the simulator's tenant: a pending hybrid machine prints no DeviceId,
 * but its join error names the Pending object Entra Connect synced for it, under its host name. Its reports are stored
 * under that registration id, so the Devices list holds one row for the machine (the object, with the report) and its
 * findings are one subject's. Runs on SQLite and PostgreSQL.
 */
import { storedParsed, userCapture } from "@/lib/reports/stored-report-body";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createAgentToken } from "@/lib/agent-tokens/create-agent-token";
import { db } from "@/lib/db/client";
import { flushFindingsQueue, reevaluateAllFindings } from "@/lib/findings/findings-scheduler";
import { ingestReport } from "@/lib/ingest/ingest-report";
import { rebuildDeviceSummaries } from "@/lib/device-summary/rebuild-device-summaries";
import { runSync } from "@/lib/sync/run-sync";
import { createTenant } from "@/lib/tenants/create-tenant";
import { setTenantApp } from "@/lib/tenants/set-tenant-app";
import { SCENARIOS } from "@/simulator/types";
import { createSimTenant } from "@/simulator/create-sim-tenant";
import { startSimulator, type SimulatorHandle } from "@/simulator/server";
import type { GeneratedTenant } from "@/simulator/types";

describe("a pending hybrid machine is one device", () => {
  let sim: SimulatorHandle;
  let generated: GeneratedTenant;
  let tenantRef: string;
  let agent: { tokenId: string; tenantRef: string; tenantId: string };

  beforeAll(async () => {
    const now = new Date();
    const distribution = Object.fromEntries(SCENARIOS.map((s) => [s, s === "pending-hybrid" ? 0.5 : s === "healthy-hybrid" ? 0.5 : 0]));
    const created = createSimTenant({ seed: 2323, deviceCount: 24, now, includeReports: true, distribution, signIns: false });
    generated = created.generated!;
    sim = await startSimulator({ tenants: [created.tenant] });
    const t = await createTenant(db, { tenantId: created.tenant.tenantId, name: "Fabrikam", actor: "test" });
    if (!t.ok) throw new Error(t.error.message);
    tenantRef = t.id;
    const app = await setTenantApp(db, {
      tenantRef,
      cloud: "custom",
      authorityHost: sim.authorityHost,
      graphBaseUrl: sim.graphBaseUrl,
      clientId: created.tenant.clientId,
      credential: { kind: "secret", clientSecret: created.tenant.clientSecret! },
      actor: "test",
    });
    if (!app.ok) throw new Error(app.error.message);
    const sync = await runSync(db, { tenantRef, mode: "full", trigger: "test", resilience: { sleep: async () => undefined, baseDelayMs: 1 } });
    if (!sync.ok) throw new Error(sync.error.message);
    const token = await createAgentToken(db, { tenantRef, name: "agents", actor: "test" });
    if (!token.ok) throw new Error("token");
    agent = { tokenId: token.id, tenantRef, tenantId: created.tenant.tenantId };
  }, 120_000);

  afterAll(async () => {
    await flushFindingsQueue();
    await sim?.close();
  });

  it("its report is stored under the Pending object's registration id, its summary is the object's, its findings one subject's", async () => {
    const pending = generated.reports.filter((r) => r.scenario === "pending-hybrid");
    expect(pending.length).toBeGreaterThan(2);
    for (const r of generated.reports) {
      const body = { hostname: r.hostname, capturedAt: r.capturedAt, agentVersion: r.agentVersion, dsregcmd: r.dsregcmd, events: r.events };
      const res = await ingestReport(db, { agent, body });
      if (!res.ok) throw new Error(`${r.hostname}: ${res.error.message}`);
    }
    await flushFindingsQueue();
    await reevaluateAllFindings(db, tenantRef);

    for (const r of pending) {
      const object = await db.directoryDevice.findFirstOrThrow({ where: { tenantRef, objectId: r.objectId! } });
      expect(object.isPending).toBe(true);
      // dsregcmd printed no DeviceId; the stored report carries the object's, which its error named.
      expect(r.dsregcmd).not.toMatch(/^\s*DeviceId :/m);
      const stored = await db.deviceReport.findFirstOrThrow({ where: { tenantRef, hostname: r.hostname } });
      expect(stored.deviceId).toBe(object.deviceId);
      expect(storedParsed(userCapture(stored))?.deviceId ?? null).toBeNull();

      // One row in the Devices list: the object's, with the report; no row of the host alone.
      const rows = await db.deviceSummary.findMany({ where: { tenantRef, OR: [{ deviceId: object.deviceId }, { nameKey: r.hostname.toLowerCase() }] } });
      expect(rows.map((x) => x.rowKey)).toEqual([`o:${object.objectId}`]);
      expect(rows[0]!.lastReportId).toBe(stored.id);
      expect(rows[0]!.state).toBe("pending");

      // The findings of the report and of the object are one subject's.
      const subjects = await db.finding.findMany({
        where: { tenantRef, status: "open", OR: [{ hostname: r.hostname }, { deviceId: object.deviceId }] },
        select: { subjectKey: true, rule: true },
      });
      expect(new Set(subjects.map((f) => f.subjectKey))).toEqual(new Set([`d:${object.deviceId}`]));
      expect(subjects.map((f) => f.rule)).toContain("pending-registration");
    }
    // Kept summaries equal a rebuild (the tie is in the stored report, so the rebuild makes the same rows).
    const before = await db.deviceSummary.findMany({ where: { tenantRef }, orderBy: { rowKey: "asc" } });
    await rebuildDeviceSummaries(tenantRef);
    expect(await db.deviceSummary.findMany({ where: { tenantRef }, orderBy: { rowKey: "asc" } })).toEqual(before);
    expect(before.some((s) => s.rowKey.startsWith("h:"))).toBe(false);
  }, 180_000);
});
