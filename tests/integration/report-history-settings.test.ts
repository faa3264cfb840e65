/**
 * Issue 18 (decisions 013 and 025): a tenant's retention settings as the Settings page saves them, the database's size
 * and each tenant's share as the page shows them, and the scheduler's VACUUM of the tables uploads update in place.
 * Uploads go through the ingest function the API uses.
 */
import { randomUUID } from "node:crypto";
import { describe, expect, it } from "vitest";
import { db } from "@/lib/db/client";
import { directDb } from "@/lib/db/direct";
import { flushFindingsQueue } from "@/lib/findings/findings-scheduler";
import { ingestReport } from "@/lib/ingest/ingest-report";
import { findDatabaseSize } from "@/lib/queries/find-database-size";
import { vacuumBloatedTables } from "@/lib/report-history/vacuum-bloated-tables";
import { updateTenantSettings } from "@/lib/tenants/update-tenant-settings";
import { createTenantWithToken } from "../setup/factories";
import { sampleUpload } from "../setup/sample-reports";

const HOUR = 3_600_000;
const BASE = Date.parse("2026-10-01T00:03:00Z");

async function tenantWithUploads(devices: number, uploads: number) {
  const tenantId = randomUUID();
  const t = await createTenantWithToken(db, { tenantId, name: `storage ${tenantId.slice(0, 6)}` });
  const agent = { tokenId: t.tokenId, tenantRef: t.tenantRef, tenantId };
  for (let i = 0; i < uploads; i++) {
    for (let d = 0; d < devices; d++) {
      // A healthy machine's 4-hourly upload: only the capture time changes, so each is counted in the device's report.
      const body = sampleUpload({ tenantId, deviceId: `00000000-0000-4000-8000-${String(d).padStart(12, "0")}`, hostname: `PC-S${d}`, capturedAt: new Date(BASE + i * 4 * HOUR).toISOString() });
      const r = await ingestReport(db, { agent, body, now: new Date(BASE + i * 4 * HOUR + 30_000) });
      if (!r.ok) throw new Error(r.error.message);
    }
  }
  await flushFindingsQueue();
  return t.tenantRef;
}

describe("retention settings (item 3)", () => {
  it("refuses values out of range with the reason and the field, and saves values in range with an audit entry", async () => {
    const t = await createTenantWithToken(db, { tenantId: randomUUID(), name: "Retention" });
    const before = await db.tenant.findUniqueOrThrow({ where: { id: t.tenantRef }, select: { retentionChangeDays: true, retentionTextChanges: true, keepEveryUpload: true } });
    expect(before).toEqual({ retentionChangeDays: 400, retentionTextChanges: 5, keepEveryUpload: false });

    const tooShort = await updateTenantSettings(db, { tenantRef: t.tenantRef, actor: "admin@test", retentionChangeDays: 6, retentionTextChanges: 5 });
    expect(tooShort).toMatchObject({ ok: false, error: { code: "invalid-input", path: ["retentionChangeDays"] } });
    expect(!tooShort.ok && tooShort.error.message).toContain("at least 7 days");
    const noText = await updateTenantSettings(db, { tenantRef: t.tenantRef, actor: "admin@test", retentionChangeDays: 90, retentionTextChanges: 0 });
    expect(noText).toMatchObject({ ok: false, error: { code: "invalid-input", path: ["retentionTextChanges"] } });
    const notWhole = await updateTenantSettings(db, { tenantRef: t.tenantRef, actor: "admin@test", retentionChangeDays: 90.5 });
    expect(!notWhole.ok && notWhole.error.message).toBe("Use whole days");
    const empty = await updateTenantSettings(db, { tenantRef: t.tenantRef, actor: "admin@test", retentionTextChanges: Number.NaN });
    expect(!empty.ok && empty.error.message).toBe("Enter how many raw texts are kept per device");
    // Nothing half-written by the refusals.
    expect(await db.tenant.findUniqueOrThrow({ where: { id: t.tenantRef }, select: { retentionChangeDays: true, retentionTextChanges: true, keepEveryUpload: true } })).toEqual(before);

    const saved = await updateTenantSettings(db, { tenantRef: t.tenantRef, actor: "admin@test", retentionChangeDays: 90, retentionTextChanges: 2, keepEveryUpload: true });
    expect(saved).toEqual({ ok: true, scopeChanged: false });
    expect(await db.tenant.findUniqueOrThrow({ where: { id: t.tenantRef }, select: { retentionChangeDays: true, retentionTextChanges: true, keepEveryUpload: true } })).toEqual({
      retentionChangeDays: 90,
      retentionTextChanges: 2,
      keepEveryUpload: true,
    });
    const audit = await db.auditLog.findFirstOrThrow({ where: { tenantRef: t.tenantRef, action: "tenant.update-settings" }, orderBy: { at: "desc" } });
    expect(audit.detail).toEqual({ retentionChangeDays: 90, retentionTextChanges: 2, keepEveryUpload: true });
  });
});

describe("the database's size and each tenant's share (item 3)", () => {
  it("splits each table between the tenants by their rows: a tenant with uploads holds more than one without", async () => {
    const busy = await tenantWithUploads(4, 3);
    const idle = (await createTenantWithToken(db, { tenantId: randomUUID(), name: "storage idle" })).tenantRef;
    const size = await findDatabaseSize(directDb(), { maxAgeMs: 0 });

    expect(size.totalBytes).toBeGreaterThan(0);
    const b = size.tenants.find((t) => t.tenantRef === busy)!;
    const i = size.tenants.find((t) => t.tenantRef === idle)!;
    expect(b.reports).toBe(await db.deviceReport.count({ where: { tenantRef: busy } }));
    expect(b.reports).toBe(4); // one report a device: the three uploads of each said the same
    expect(i.reports).toBe(0);
    expect(b.bytes).toBeGreaterThan(i.bytes);
    expect(i.bytes).toBeGreaterThan(0); // its Tenant and AgentToken rows
    // Every byte is some tenant's or shared, none counted twice.
    const tenantBytes = size.tenants.reduce((n, t) => n + t.bytes, 0);
    expect(tenantBytes + size.sharedBytes).toBe(size.totalBytes);
    expect(tenantBytes).toBeLessThanOrEqual(size.totalBytes);
    for (const t of size.tenants) expect(t.share).toBeCloseTo(t.bytes / size.totalBytes, 10);

    // A new tenant is measured at once, not after the cache's five minutes.
    const added = (await createTenantWithToken(db, { tenantId: randomUUID(), name: "storage added" })).tenantRef;
    expect((await findDatabaseSize(directDb())).tenants.map((t) => t.tenantRef)).toContain(added);
  }, 120_000);
});

describe("VACUUM of the tables uploads update in place (item 2, decision 025)", () => {
  it("vacuums the report tables once their dead row versions pile up on PostgreSQL; nothing to do on SQLite", async () => {
    const direct = directDb();
    await tenantWithUploads(2, 30);
    if (direct.dialect === "sqlite") {
      expect(await vacuumBloatedTables(direct, { minDead: 1, ratio: 0 })).toEqual([]);
      return;
    }
    // The statistics reach the server's counters within about a second of each transaction.
    let vacuumed: string[] = [];
    for (let attempt = 0; attempt < 20 && !vacuumed.includes("DeviceReport"); attempt++) {
      await new Promise((r) => setTimeout(r, 500));
      vacuumed = [...vacuumed, ...(await vacuumBloatedTables(direct, { minDead: 40, ratio: 0 }))];
    }
    // 60 uploads, 58 of them updates of their device's report and summary in place.
    expect(vacuumed).toEqual(expect.arrayContaining(["DeviceReport", "DeviceSummary"]));
    const [stats] = await direct.query<{ dead: unknown }>(`SELECT "n_dead_tup" AS "dead" FROM pg_stat_user_tables WHERE "relname" = 'DeviceReport'`);
    expect(Number(stats!.dead)).toBeLessThan(40);
    expect(await vacuumBloatedTables(direct, { minDead: 40, ratio: 0 })).not.toContain("DeviceReport");
  }, 120_000);
});
