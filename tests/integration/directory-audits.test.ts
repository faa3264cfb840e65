/**
 * Issue 23 item 10 end to end, on SQLite and PostgreSQL: a simulated tenant synced, then its directory audit log
 * (`/auditLogs/directoryAudits`, which the simulator derives from its device scenarios: a disabled device has a
 * "Disable device" by an administrator, a deleted one a "Delete device") pulled page by page, stored once, resumed
 * after a stop, a missing permission told in plain words, and the entries on the device's timeline.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { db } from "@/lib/db/client";
import { createGraphClient } from "@/lib/graph/graph-client";
import { pullDirectoryAudits } from "@/lib/directory-audits/pull-directory-audits";
import { findDeviceDetail } from "@/lib/queries/find-device-detail";
import { getDeviceTimeline } from "@/lib/queries/get-device-timeline";
import { runSync } from "@/lib/sync/run-sync";
import { loadTenantApp } from "@/lib/sync/load-tenant-app";
import { createTenant } from "@/lib/tenants/create-tenant";
import { setTenantApp } from "@/lib/tenants/set-tenant-app";
import { createSimTenant } from "@/simulator/create-sim-tenant";
import { startSimulator, type SimulatorHandle } from "@/simulator/server";
import type { GeneratedTenant } from "@/simulator/types";

const fast = { sleep: async () => undefined, baseDelayMs: 1, requestWindow: { requests: 1000, seconds: 1 } };
const AUDIT_ONLY_APP = { clientId: "7b2f1d4e-3c5a-4b6f-8d7e-9f0a1b2c3d4e", clientSecret: "audit-only-secret" };

describe("directory audit pull", () => {
  let sim: SimulatorHandle;
  let generated: GeneratedTenant;
  let tenantRef: string;
  let tenantId: string;

  beforeAll(async () => {
    const now = new Date();
    const created = createSimTenant({ seed: 7310, deviceCount: 240, now, tenantName: "Tailspin" });
    generated = created.generated!;
    tenantId = created.tenant.tenantId;
    // A second app registration with the audit log permission but not Directory.Read.All.
    const tenant = { ...created.tenant, extraApps: [{ ...AUDIT_ONLY_APP, permissions: ["Device.Read.All", "AuditLog.Read.All"] }] };
    sim = await startSimulator({ tenants: [tenant], reportsThrottle: null });
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
  }, 120_000);

  afterAll(async () => {
    await sim?.close();
  });

  it("stores a Disable device and a Delete device entry per scenario, once, resuming a stopped pull at its next page", async () => {
    const disabled = generated.devices.filter((d) => d.accountEnabled === false);
    const deleted = generated.deletedDevices;
    expect(disabled.length).toBeGreaterThan(2);
    const expected = disabled.length + deleted.length;

    // Stopped after two pages of two entries: the next pull resumes at the third page, not at the first.
    const first = await pullDirectoryAudits(db, { tenantRef, resilience: fast, pageSize: 2, maxPages: 2 });
    expect(first).toMatchObject({ status: "ok", pages: 2, stored: 4, resumed: false });
    expect((await db.directoryAuditPull.findUniqueOrThrow({ where: { tenantRef } })).resumeLink).toContain("$skiptoken=");
    const second = await pullDirectoryAudits(db, { tenantRef, resilience: fast, pageSize: 2 });
    expect(second).toMatchObject({ status: "ok", resumed: true, stored: expected - 4 });
    expect(second.seen).toBe(expected - 4);

    const rows = await db.directoryAudit.findMany({ where: { tenantRef } });
    expect(rows).toHaveLength(expected);
    for (const d of disabled) {
      const row = rows.find((r) => r.targetObjectId === d.id.toLowerCase() && r.activity === "Disable device");
      expect(row, String(d.displayName)).toBeDefined();
      expect(row!.initiatedBy).toMatch(/@/);
      expect(row!.detail).toEqual([{ name: "AccountEnabled", old: "[true]", new: "[false]" }]);
    }
    for (const d of deleted) expect(rows.some((r) => r.targetObjectId === d.id.toLowerCase() && r.activity === "Delete device")).toBe(true);

    // A later pull reads the overlap again and stores nothing twice.
    const again = await pullDirectoryAudits(db, { tenantRef, resilience: fast });
    expect(again).toMatchObject({ status: "ok", resumed: false, stored: 0 });
    expect(await db.directoryAudit.count({ where: { tenantRef } })).toBe(expected);
  });

  it("puts who disabled the device on its timeline", async () => {
    const d = generated.devices.find((x) => x.accountEnabled === false)!;
    const audit = await db.directoryAudit.findFirstOrThrow({ where: { tenantRef, targetObjectId: d.id.toLowerCase() } });
    const detail = (await findDeviceDetail(db, { tenantRef, subjectKey: `d:${String(d.deviceId)}` }))!;
    const timeline = await getDeviceTimeline(db, { tenantRef, subject: detail.subject, deviceId: detail.deviceId, objects: detail.objects });
    const entry = timeline.find((e) => e.kind === "directory-audit");
    expect(entry).toMatchObject({ summary: `Disable device by ${audit.initiatedBy} (Entra audit log)`, tone: "bad", at: audit.activityDateTime.toISOString() });
    expect(entry!.detail).toContainEqual({ label: "AccountEnabled", value: "[true] → [false]" });
  });

  it("a missing Directory.Read.All is a plain-words status, not an exception, and the next pull starts afresh", async () => {
    const loaded = await loadTenantApp(db, tenantRef);
    if (!loaded.ok) throw new Error(loaded.error.message);
    const graph = createGraphClient(
      { ...loaded.app, clientId: AUDIT_ONLY_APP.clientId, credential: { kind: "secret", clientSecret: AUDIT_ONLY_APP.clientSecret } },
      fast,
    );
    const r = await pullDirectoryAudits(db, { tenantRef, graph });
    expect(r.status).toBe("no-permission");
    expect(r.message).toContain("AuditLog.Read.All and Directory.Read.All");
    expect(await db.directoryAuditPull.findUniqueOrThrow({ where: { tenantRef } })).toMatchObject({
      status: "no-permission",
      windowFrom: null,
      resumeLink: null,
    });
  });
});
