/**
 * The correlation engine end to end: a simulated tenant synced through Graph, its agents' reports uploaded,
 * findings evaluated and kept through their lifecycle. The generator's scenario is the ground truth.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { db } from "@/lib/db/client";
import { flushFindingsQueue } from "@/lib/findings/findings-queue";
import { reevaluateFindings } from "@/lib/findings/reevaluate-findings";
import { ingestReport } from "@/lib/ingest/ingest-report";
import { createSimTenant } from "@/lib/simulator/create-sim-tenant";
import { startSimulator, type SimulatorHandle } from "@/lib/simulator/server";
import type { GeneratedTenant, Scenario } from "@/lib/simulator/types";
import { runSync } from "@/lib/sync/run-sync";
import { createAgentToken } from "@/lib/agent-tokens/create-agent-token";
import { createTenant } from "@/lib/tenants/create-tenant";
import { setTenantApp } from "@/lib/tenants/set-tenant-app";
import { SEVERITY_ORDER } from "@/lib/rules/types";

const fast = { sleep: async () => undefined, baseDelayMs: 1 };

/** The rule each broken scenario must raise on the device the scenario is about. */
const EXPECTED: Partial<Record<Scenario, string>> = {
  "alt-security-ids-missing": "alt-security-ids-missing",
  "object-disabled": "object-disabled",
  "object-deleted": "object-deleted",
  "duplicate-device": "duplicate-device",
  "thumbprint-mismatch": "thumbprint-mismatch",
  "cert-validity-vs-registered": "cert-validity-vs-registered",
  "out-of-sync-scope": "out-of-sync-scope",
  "prt-expired": "prt-expired",
  "prt-wrong-password": "prt-missing",
  "run-as-system": "user-context-not-captured",
  "tpm-not-protected": "tpm-not-protected",
  "pending-hybrid": "pending-registration",
};
const HEALTHY: Scenario[] = ["healthy-hybrid", "healthy-entra", "healthy-registered"];

describe("findings for a synced tenant with reporting agents", () => {
  let sim: SimulatorHandle;
  let generated: GeneratedTenant;
  let tenantRef: string;
  const now = new Date();

  beforeAll(async () => {
    const created = createSimTenant({ seed: 5150, deviceCount: 240, now, includeReports: true });
    generated = created.generated!;
    sim = await startSimulator({ tenants: [created.tenant] });
    const t = await createTenant(db, { tenantId: created.tenant.tenantId, name: "Contoso", actor: "test" });
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
    await db.tenant.update({
      where: { id: tenantRef },
      data: { syncScope: { forests: [{ name: generated.syncScope.forest, include: generated.syncScope.includeDns, exclude: generated.syncScope.excludeDns }] } },
    });
    const sync = await runSync(db, { tenantRef, mode: "full", trigger: "test", resilience: fast });
    if (!sync.ok) throw new Error(sync.error.message);
    const token = await createAgentToken(db, { tenantRef, name: "agents", actor: "test" });
    if (!token.ok) throw new Error("token");
    const agent = { tokenId: token.id, tenantRef, tenantId: created.tenant.tenantId };
    for (const r of generated.reports) {
      const body = { hostname: r.hostname, capturedAt: r.capturedAt, agentVersion: r.agentVersion, dsregcmd: r.dsregcmd, events: r.events, ...(r.computerDn ? { computerDn: r.computerDn } : {}) };
      const res = await ingestReport(db, { agent, body });
      if (!res.ok) throw new Error(`${r.hostname}: ${res.error.message}`);
    }
    await flushFindingsQueue();
  }, 180_000);
  afterAll(async () => sim?.close());

  async function openFindingsFor(deviceId: string | null, objectId: string | null) {
    return db.finding.findMany({
      where: { tenantRef, status: "open", OR: [...(deviceId ? [{ deviceId }] : []), ...(objectId ? [{ objectId }] : [])] },
      select: { rule: true, severity: true },
    });
  }

  it("raises each scenario's rule on the device it is about", async () => {
    const misses: string[] = [];
    for (const r of generated.reports) {
      const rule = EXPECTED[r.scenario];
      if (!rule) continue;
      const rules = (await openFindingsFor(r.deviceId, r.objectId)).map((f) => f.rule);
      if (!rules.includes(rule)) misses.push(`${r.scenario} on ${r.hostname}: got [${rules.join(", ")}]`);
    }
    expect(misses).toEqual([]);
  });

  it("raises nothing above info on healthy devices of every join type", async () => {
    const noisy: string[] = [];
    for (const r of generated.reports.filter((x) => HEALTHY.includes(x.scenario))) {
      const findings = await openFindingsFor(r.deviceId, r.objectId);
      const loud = findings.filter((f) => SEVERITY_ORDER[f.severity as keyof typeof SEVERITY_ORDER] < SEVERITY_ORDER.info);
      if (loud.length) noisy.push(`${r.scenario} ${r.hostname}: ${loud.map((f) => `${f.rule}/${f.severity}`).join(", ")}`);
    }
    expect(noisy).toEqual([]);
  });

  it("gives the same findings when evaluated again: nothing opens, resolves or changes", async () => {
    const before = await db.finding.findMany({ where: { tenantRef }, select: { id: true, rule: true, subjectKey: true, status: true, fingerprint: true }, orderBy: { id: "asc" } });
    const again = await reevaluateFindings(db, { tenantRef, scope: "all", now });
    expect(again).toMatchObject({ opened: 0, reopened: 0, resolved: 0, updated: 0 });
    const after = await db.finding.findMany({ where: { tenantRef }, select: { id: true, rule: true, subjectKey: true, status: true, fingerprint: true }, orderBy: { id: "asc" } });
    expect(after).toEqual(before);
  });

  it("resolves a finding when its condition clears after a sync, and reopens the same finding when it returns", async () => {
    const disabled = generated.reports.find((r) => r.scenario === "object-disabled" && r.objectId)!;
    const store = sim.state.tenant(generated.tenantId);
    const finding = await db.finding.findFirstOrThrow({ where: { tenantRef, deviceId: disabled.deviceId, rule: "object-disabled" }, select: { id: true, firstSeenAt: true } });

    store.updateDevice(disabled.objectId!, { accountEnabled: true });
    const enabled = await runSync(db, { tenantRef, trigger: "test", resilience: fast });
    expect(enabled.ok && enabled.run.mode).toBe("delta");
    const resolved = await db.finding.findUniqueOrThrow({ where: { id: finding.id }, select: { status: true, resolvedAt: true } });
    expect(resolved.status).toBe("resolved");
    expect(resolved.resolvedAt).not.toBeNull();

    store.updateDevice(disabled.objectId!, { accountEnabled: false });
    await runSync(db, { tenantRef, trigger: "test", resilience: fast });
    const reopened = await db.finding.findUniqueOrThrow({ where: { id: finding.id }, select: { status: true, resolvedAt: true, firstSeenAt: true } });
    expect(reopened).toMatchObject({ status: "open", resolvedAt: null });
    expect(reopened.firstSeenAt.toISOString()).toBe(finding.firstSeenAt.toISOString());
    const history = await db.findingEvent.findMany({ where: { findingRef: finding.id }, orderBy: { at: "asc" }, select: { kind: true } });
    expect(history.map((h) => h.kind)).toEqual(["opened", "resolved", "reopened"]);
  });

  it("re-evaluates only the uploading device after an upload", async () => {
    const healthy = generated.reports.find((r) => r.scenario === "healthy-hybrid")!;
    const before = await db.finding.count({ where: { tenantRef, deviceId: healthy.deviceId, rule: "tenant-mismatch" } });
    expect(before).toBe(0);
    const token = await createAgentToken(db, { tenantRef, name: "second", actor: "test" });
    if (!token.ok) throw new Error("token");
    const otherTenant = healthy.dsregcmd.replaceAll(generated.tenantId, "99999999-8888-4777-8666-555555555555");
    const res = await ingestReport(db, {
      agent: { tokenId: token.id, tenantRef, tenantId: generated.tenantId },
      body: { hostname: healthy.hostname, capturedAt: new Date(now.getTime() + 60_000).toISOString(), agentVersion: "1.0.0", dsregcmd: otherTenant },
      now: new Date(now.getTime() + 60_000),
    });
    expect(res.ok).toBe(true);
    await flushFindingsQueue();
    const mismatch = await db.finding.findFirst({ where: { tenantRef, deviceId: healthy.deviceId, rule: "tenant-mismatch", status: "open" } });
    expect(mismatch).not.toBeNull();
  });
});
