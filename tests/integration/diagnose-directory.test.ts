/**
 * Issue 23, item 6: the paste box knows the directory. A pasted `dsregcmd /status` (the project's fixtures) whose
 * DeviceId a synced tenant holds is judged with its directory object, as the findings pass judges an upload, and can be
 * attached to the device as a report through the upload's ingest code, audit-logged. Graph objects are written
 * through the sync's page writer, as in e2e/seed.ts.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { db } from "@/lib/db/client";
import { directDb } from "@/lib/db/direct";
import { attachPastedReport } from "@/lib/diagnose/attach-pasted-report";
import { diagnoseWithDirectory } from "@/lib/diagnose/diagnose-with-directory";
import { flushFindingsQueue } from "@/lib/findings/findings-scheduler";
import type { GraphDevice } from "@/lib/graph/graph-schemas";
import { parseDsregcmd } from "@/lib/reports/parse-dsregcmd";
import { writeDevicePage } from "@/lib/sync/write-device-page";
import { createTenantWithToken } from "../setup/factories";

const FIXTURES = join(import.meta.dirname, "../../lib/reports/fixtures");
const TENANT_ID = "9b4a1a97-6a87-46a9-9671-f9a62bdd307b";
const DAY = 24 * 3600_000;
/** PC-0466: a hybrid device whose object an admin disabled; its capture shows DeviceAuthStatus FAILED (AADSTS135011). */
const DISABLED = {
  objectId: "6f1c2a9e-4b7d-4e21-9a3f-1d2c3b4a5e02",
  deviceId: "74df6508-0658-4bb8-a70f-6f79c11fb95c",
  text: readFileSync(join(FIXTURES, "win11-24h2-hybrid-disabled.txt"), "utf8"),
};
/** PC-0142's capture: a DeviceId this tenant's directory does not hold. */
const UNKNOWN = readFileSync(join(FIXTURES, "win11-24h2-hybrid-full.txt"), "utf8");

const nowMs = Date.now();
let tenantRef: string;

function parse(text: string) {
  const parsed = parseDsregcmd(text);
  if (!parsed.ok) throw new Error(parsed.error.message);
  return parsed.report;
}

beforeAll(async () => {
  tenantRef = (await createTenantWithToken(db, { tenantId: TENANT_ID, name: "Contoso" })).tenantRef;
  await writeDevicePage(directDb(), {
    tenantRef,
    devices: [
      {
        id: DISABLED.objectId,
        deviceId: DISABLED.deviceId,
        displayName: "PC-0466",
        accountEnabled: false,
        trustType: "ServerAd",
        operatingSystem: "Windows",
        profileType: "RegisteredDevice",
        alternativeSecurityIds: [],
        registrationDateTime: new Date(nowMs - 400 * DAY).toISOString(),
        onPremisesSyncEnabled: true,
      } as unknown as GraphDevice,
    ],
    mode: "full",
    now: new Date(nowMs - DAY),
    syncRunRef: "test",
  });
  await db.tenant.update({ where: { id: tenantRef }, data: { lastSyncAt: new Date(nowMs - DAY), lastFullSyncAt: new Date(nowMs - DAY) } });
});

describe("diagnoseWithDirectory", () => {
  it("names the synced device and adds the directory's findings: the disabled object is the primary cause", async () => {
    const result = await diagnoseWithDirectory({
      tenantRef,
      report: parse(DISABLED.text),
      capturedAt: new Date(nowMs - 3600_000).toISOString(),
      now: new Date(nowMs).toISOString(),
    });
    expect(result?.device).toEqual({
      subjectKey: `d:${DISABLED.deviceId}`,
      deviceId: DISABLED.deviceId,
      objectId: DISABLED.objectId,
      name: "PC-0466",
      state: "disabled",
    });
    expect(result?.primaryRule).toBe("object-disabled");
    expect(result?.findings[0]?.rule).toBe("object-disabled");
    expect(result?.findings.find((f) => f.rule === "device-auth-failed")?.remediation[0]).toMatch(/^Fix the primary cause first: "Device object disabled/);
    // Nothing is stored by a diagnosis.
    expect(await db.deviceReport.count({ where: { tenantRef } })).toBe(0);
  });

  it("is null for a DeviceId the directory does not hold, so the paste box runs the report's own rules", async () => {
    expect(await diagnoseWithDirectory({ tenantRef, report: parse(UNKNOWN), capturedAt: null, now: new Date(nowMs).toISOString() })).toBeNull();
  });
});

describe("attachPastedReport", () => {
  const base = () => ({
    tenantRef,
    tenantId: TENANT_ID,
    actor: "admin@contoso.com",
    text: DISABLED.text,
    deviceId: DISABLED.deviceId,
    capturedAt: null as string | null,
  });

  it("refuses, storing nothing, a report without a capture time, another device's report, or a DeviceId not in the directory", async () => {
    expect(await attachPastedReport(db, base())).toMatchObject({ ok: false, error: { code: "no-capture-time" } });
    const capturedAt = new Date(nowMs - 3600_000).toISOString();
    expect(await attachPastedReport(db, { ...base(), capturedAt, deviceId: "dd5ac0a8-cb5f-461e-9269-2502cbabc065" })).toMatchObject({
      ok: false,
      error: { code: "device-mismatch" },
    });
    expect(await attachPastedReport(db, { ...base(), capturedAt, text: UNKNOWN, deviceId: "dd5ac0a8-cb5f-461e-9269-2502cbabc065" })).toMatchObject({
      ok: false,
      error: { code: "not-in-directory" },
    });
    expect(await attachPastedReport(db, { ...base(), capturedAt, text: "not dsregcmd" })).toMatchObject({ ok: false });
    expect(await db.deviceReport.count({ where: { tenantRef } })).toBe(0);
    expect(await db.auditLog.count({ where: { tenantRef, action: "report.attach-paste" } })).toBe(0);
  });

  it("stores it as a paste report of the device through the upload's ingest code, audit-logged, and the findings pass judges it", async () => {
    const capturedAt = new Date(nowMs - 3600_000).toISOString();
    const result = await attachPastedReport(db, { ...base(), capturedAt });
    expect(result).toMatchObject({ ok: true, subjectKey: `d:${DISABLED.deviceId}`, duplicate: false });
    if (!result.ok) return;
    const report = await db.deviceReport.findUniqueOrThrow({
      where: { id: result.reportId },
      select: { source: true, hostname: true, deviceId: true, capturedAt: true, agentTokenRef: true },
    });
    expect(report).toEqual({ source: "paste", hostname: "PC-0466", deviceId: DISABLED.deviceId, capturedAt: new Date(capturedAt), agentTokenRef: null });
    const audit = await db.auditLog.findFirstOrThrow({ where: { tenantRef, action: "report.attach-paste" }, select: { actor: true, target: true } });
    expect(audit).toEqual({ actor: "admin@contoso.com", target: result.reportId });
    expect(await db.reportUser.findUnique({ where: { reportRef: result.reportId }, select: { userPrincipalName: true } })).toEqual({
      userPrincipalName: "lee.gu@contoso.com",
    });
    await flushFindingsQueue();
    const findings = await db.finding.findMany({
      where: { tenantRef, subjectKey: `d:${DISABLED.deviceId}`, status: "open" },
      select: { rule: true, isPrimary: true },
    });
    expect(findings.find((f) => f.isPrimary)?.rule).toBe("object-disabled");
    expect(findings.map((f) => f.rule)).toContain("device-auth-failed");

    // The same paste again is the stored report (idempotent, as uploads are), and audit-logged as such.
    expect(await attachPastedReport(db, { ...base(), capturedAt })).toMatchObject({ ok: true, reportId: result.reportId, duplicate: true });
    expect(await db.deviceReport.count({ where: { tenantRef } })).toBe(1);
  });
});
