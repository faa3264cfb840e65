/**
 * The correlation engine end to end: a simulated tenant synced through Graph, its agents' reports uploaded,
 * findings evaluated and kept through their lifecycle. The generator's scenario is the ground truth.
 */
import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { db } from "@/lib/db/client";
import { acknowledgeFinding } from "@/lib/findings/acknowledge-finding";
import { toDirectoryObject } from "@/lib/sync/directory-object-from-graph";
import { loadSubjectContext } from "@/lib/findings/load-subject-context";
import { fingerprintFinding } from "@/lib/findings/fingerprint-finding";
import { withFindingsLease } from "@/lib/findings/findings-lease";
import { directDb } from "@/lib/db/direct";
import { enqueueFindingsEvaluation, flushFindingsQueue } from "@/lib/findings/findings-scheduler";
import { FULL_EVALUATION_HOURS, tenantsDueForFullEvaluation } from "@/lib/findings/findings-scheduler";
import { reevaluateAllFindings, reevaluateAllFindingsIfDue, reevaluateFindings, reevaluateFindings as reevaluate } from "@/lib/findings/findings-scheduler";
import { ingestReport } from "@/lib/ingest/ingest-report";
import { createSimTenant } from "@/simulator/create-sim-tenant";
import { startSimulator, type SimulatorHandle } from "@/simulator/server";
import type { GeneratedTenant, Scenario } from "@/simulator/types";
import { runSync } from "@/lib/sync/run-sync";
import { createAgentToken } from "@/lib/agent-tokens/create-agent-token";
import { createTenant } from "@/lib/tenants/create-tenant";
import { setTenantApp } from "@/lib/tenants/set-tenant-app";
import { RULES_VERSION } from "@/lib/rules/rules-version";
import { SEVERITY_ORDER, type Evidence, type Severity } from "@/lib/rules/types";
import { testDatabaseKind } from "../setup/databases";

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
      data: {
        syncScope: { forests: [{ name: generated.syncScope.forest, include: generated.syncScope.includeDns, exclude: generated.syncScope.excludeDns }] },
      },
    });
    const sync = await runSync(db, { tenantRef, mode: "full", trigger: "test", resilience: fast });
    if (!sync.ok) throw new Error(sync.error.message);
    const token = await createAgentToken(db, { tenantRef, name: "agents", actor: "test" });
    if (!token.ok) throw new Error("token");
    const agent = { tokenId: token.id, tenantRef, tenantId: created.tenant.tenantId };
    for (const r of generated.reports) {
      const body = {
        hostname: r.hostname,
        capturedAt: r.capturedAt,
        agentVersion: r.agentVersion,
        dsregcmd: r.dsregcmd,
        events: r.events,
        ...(r.computerDn ? { computerDn: r.computerDn } : {}),
      };
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

  it("reads directory objects through the driver exactly as the Prisma mapping sees them", async () => {
    const ctx = await loadSubjectContext({ tenantRef, scope: "all" });
    const loaded = (await ctx.build(ctx.keys)).map((p) => p.load());
    const rows = await db.directoryDevice.findMany({ where: { tenantRef } });
    const expected = new Map(rows.map((r) => [r.objectId, toDirectoryObject(r)]));
    const seen = loaded.flatMap((s) => [s.subject.directory, ...s.subject.otherObjects]).filter((o) => o !== null);
    expect(seen.length).toBeGreaterThan(200);
    for (const object of seen) expect(object).toEqual(expected.get(object.objectId));
  });

  it("gives the same findings when evaluated again: nothing opens, resolves or changes", async () => {
    const before = await db.finding.findMany({
      where: { tenantRef },
      select: { id: true, rule: true, subjectKey: true, status: true, fingerprint: true },
      orderBy: { id: "asc" },
    });
    const again = await reevaluateFindings({ tenantRef, scope: "all", now });
    expect(again).toMatchObject({ opened: 0, reopened: 0, resolved: 0, updated: 0 });
    const after = await db.finding.findMany({
      where: { tenantRef },
      select: { id: true, rule: true, subjectKey: true, status: true, fingerprint: true },
      orderBy: { id: "asc" },
    });
    expect(after).toEqual(before);
  });

  it("evaluates the same on a thread of its own (a large pass's evaluation thread): nothing opens, resolves or changes", async () => {
    const select = { id: true, rule: true, subjectKey: true, status: true, fingerprint: true, evidence: true, remediation: true } as const;
    const before = await db.finding.findMany({ where: { tenantRef }, select, orderBy: { id: "asc" } });
    const again = await reevaluateFindings({ tenantRef, scope: "all", now, evaluateOnWorker: true });
    expect(again).toMatchObject({ opened: 0, reopened: 0, resolved: 0, updated: 0 });
    expect(again.unchanged).toBe(before.filter((f) => f.status === "open").length);
    expect(await db.finding.findMany({ where: { tenantRef }, select, orderBy: { id: "asc" } })).toEqual(before);
  });

  it("resolves a finding when its condition clears after a sync, and reopens the same finding when it returns", async () => {
    const disabled = generated.reports.find((r) => r.scenario === "object-disabled" && r.objectId)!;
    const store = sim.state.tenant(generated.tenantId);
    const finding = await db.finding.findFirstOrThrow({
      where: { tenantRef, deviceId: disabled.deviceId, rule: "object-disabled" },
      select: { id: true, firstSeenAt: true },
    });

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

/**
 * The lifecycle rules one finding at a time, on a directory written by hand: two Entra-joined objects as the sync
 * stores them (the second disabled), no agents. Each step is a full pass at a later time.
 */
describe("findings lifecycle", () => {
  const t0 = new Date("2026-03-02T08:00:00.000Z");
  const at = (hours: number) => new Date(t0.getTime() + hours * 3_600_000);
  const device = (tenantRef: string, n: number, fields: { accountEnabled?: boolean; displayName?: string } = {}) => ({
    tenantRef,
    objectId: `0000000${n}-aaaa-4bbb-8ccc-dddddddddddd`,
    deviceId: `1111111${n}-2222-4333-8444-555555555555`,
    displayName: fields.displayName ?? `PC-000${n}`,
    accountEnabled: fields.accountEnabled ?? true,
    trustType: "AzureAd",
    operatingSystem: "Windows",
    operatingSystemVersion: "10.0.22631.4890",
    registrationDateTime: new Date("2025-01-10T09:00:00.000Z"),
    approximateLastSignInDateTime: at(-2),
    otherProperties: {},
  });

  async function makeTenant(order: "forward" | "reverse") {
    const t = await createTenant(db, { tenantId: randomUUID(), name: "Fabrikam", actor: "test" });
    if (!t.ok) throw new Error(t.error.message);
    await db.tenant.update({ where: { id: t.id }, data: { lastSyncAt: t0 } });
    const rows = [device(t.id, 1), device(t.id, 2, { accountEnabled: false })];
    for (const row of order === "forward" ? rows : rows.reverse()) await db.directoryDevice.create({ data: row });
    return t.id;
  }
  const disabledFinding = (tenantRef: string) =>
    db.finding.findFirstOrThrow({
      where: { tenantRef, rule: "object-disabled" },
      include: { history: { orderBy: [{ at: "asc" }, { id: "asc" }], select: { kind: true, at: true, detail: true } } },
    });

  // writeBatch 1: a transaction per subject, the next subject read and evaluated while the last one is written
  // (on SQLite by the writer thread, as a full pass of a large tenant does).
  it.each([
    ["in one transaction", undefined],
    ["a transaction per subject, pipelined", 1],
  ])("opens, updates, resolves and reopens the same row, and keeps what each step must keep (%s)", async (_, writeBatch) => {
    const tenantRef = await makeTenant("forward");
    const reevaluateFindings = (options: Parameters<typeof reevaluate>[0]) => reevaluate({ ...options, writeBatch });
    const opened = await reevaluateFindings({ tenantRef, scope: "all", now: at(1) });
    expect(opened).toMatchObject({ subjects: 2, reopened: 0, resolved: 0, updated: 0 });
    expect(opened.opened).toBeGreaterThan(1); // object-disabled, and the rules about the missing certificate
    const first = await disabledFinding(tenantRef);
    expect(first).toMatchObject({
      status: "open",
      subjectKey: "d:11111112-2222-4333-8444-555555555555",
      deviceId: "11111112-2222-4333-8444-555555555555",
      hostname: "PC-0002",
    });
    expect(first.firstSeenAt.toISOString()).toBe(at(1).toISOString());
    // Written through the driver, read by Prisma: JSON columns come back as JSON, the fingerprint is of that content.
    expect(Array.isArray(first.evidence) && Array.isArray(first.remediation)).toBe(true);
    expect(first.fingerprint).toBe(
      fingerprintFinding({
        severity: first.severity as Severity,
        title: first.title,
        explanation: first.explanation,
        evidence: canonicalEvidence(first.evidence),
        remediation: first.remediation as string[],
      }),
    );
    expect(first.history.map((h) => h.kind)).toEqual(["opened"]);

    const ack = await acknowledgeFinding(db, { findingId: first.id, comment: "Kiosk, disabled on purpose", actor: "admin" }, at(2));
    expect(ack.ok).toBe(true);

    // Same condition, other content (the remediation names the device): the row is rewritten, nothing else changes.
    await db.directoryDevice.updateMany({ where: { tenantRef, deviceId: first.deviceId }, data: { displayName: "KIOSK-0002" } });
    const updated = await reevaluateFindings({ tenantRef, scope: "all", now: at(3) });
    expect(updated).toMatchObject({ opened: 0, reopened: 0, resolved: 0 });
    expect(updated.updated).toBeGreaterThanOrEqual(1);
    const second = await disabledFinding(tenantRef);
    expect(second.id).toBe(first.id);
    expect(JSON.stringify(second.remediation)).toContain("KIOSK-0002");
    expect(second.hostname).toBe("KIOSK-0002");
    expect(second.firstSeenAt.toISOString()).toBe(at(1).toISOString());
    expect(second.lastSeenAt.toISOString()).toBe(at(3).toISOString());
    expect(second.acknowledgedBy).toBe("admin");
    expect(second.history.map((h) => h.kind)).toEqual(["opened", "acknowledged"]);

    // Nothing changed: only lastSeenAt moves.
    const same = await reevaluateFindings({ tenantRef, scope: "all", now: at(4) });
    expect(same).toMatchObject({ opened: 0, reopened: 0, resolved: 0, updated: 0, unchanged: opened.opened });
    const third = await disabledFinding(tenantRef);
    expect({ ...third, lastSeenAt: null }).toEqual({ ...second, lastSeenAt: null });
    expect(third.lastSeenAt.toISOString()).toBe(at(4).toISOString());

    await db.directoryDevice.updateMany({ where: { tenantRef, deviceId: first.deviceId }, data: { accountEnabled: true } });
    expect(await reevaluateFindings({ tenantRef, scope: "all", now: at(5) })).toMatchObject({ resolved: 1, opened: 0, reopened: 0 });
    const resolved = await disabledFinding(tenantRef);
    expect(resolved.status).toBe("resolved");
    expect(resolved.resolvedAt?.toISOString()).toBe(at(5).toISOString());
    expect(resolved.acknowledgedBy).toBe("admin");

    // Passes that still find it cleared leave it alone (issue 26): resolvedAt stays, no second "resolved" event.
    for (const hours of [5.25, 5.5]) {
      expect(await reevaluateFindings({ tenantRef, scope: "all", now: at(hours) })).toMatchObject({ resolved: 0, opened: 0, reopened: 0, updated: 0 });
    }
    const still = await disabledFinding(tenantRef);
    expect(still).toEqual(resolved);
    expect(still.history.map((h) => h.kind)).toEqual(["opened", "acknowledged", "resolved"]);

    await db.directoryDevice.updateMany({ where: { tenantRef, deviceId: first.deviceId }, data: { accountEnabled: false } });
    expect(await reevaluateFindings({ tenantRef, scope: "all", now: at(6) })).toMatchObject({ reopened: 1, opened: 0, resolved: 0 });
    const reopened = await disabledFinding(tenantRef);
    expect(reopened).toMatchObject({ id: first.id, status: "open", resolvedAt: null, acknowledgedAt: null, acknowledgedBy: null, ackComment: null });
    expect(reopened.firstSeenAt.toISOString()).toBe(at(1).toISOString());
    expect(reopened.lastSeenAt.toISOString()).toBe(at(6).toISOString());
    expect(reopened.history.map((h) => [h.kind, h.at.toISOString()])).toEqual([
      ["opened", at(1).toISOString()],
      ["acknowledged", at(2).toISOString()],
      ["resolved", at(5).toISOString()],
      ["reopened", at(6).toISOString()],
    ]);

    // The object disappears from the directory altogether: its open findings resolve.
    await db.directoryDevice.deleteMany({ where: { tenantRef, deviceId: first.deviceId } });
    const vanished = await reevaluateFindings({ tenantRef, scope: "all", now: at(7) });
    expect(vanished).toMatchObject({ subjects: 1, opened: 0 });
    expect(vanished.resolved).toBe(await db.finding.count({ where: { tenantRef, deviceId: first.deviceId } }));
    const gone = await disabledFinding(tenantRef);
    expect(gone.status).toBe("resolved");
    expect(gone.history.at(-1)).toMatchObject({ kind: "resolved", detail: "The device is no longer known" });
  });

  it("returns from a flush only once the uploads queued meanwhile are evaluated", async () => {
    const tenantRef = await makeTenant("forward");
    await reevaluateFindings({ tenantRef, scope: "all", now: at(1) });
    await db.tenant.update({ where: { id: tenantRef }, data: { findingsEvaluatedAt: at(1), rulesVersion: RULES_VERSION } });
    const [one, two] = [device(tenantRef, 1), device(tenantRef, 2)];
    await db.directoryDevice.updateMany({ where: { tenantRef, deviceId: two.deviceId }, data: { accountEnabled: true } });
    await reevaluateFindings({ tenantRef, scope: "all", now: at(2) });
    await db.directoryDevice.updateMany({ where: { tenantRef, deviceId: one.deviceId }, data: { accountEnabled: false } });

    // One flush is evaluating the first upload when the second arrives and a second flush is awaited.
    enqueueFindingsEvaluation(db, tenantRef, { deviceId: two.deviceId, hostname: two.displayName });
    const first = flushFindingsQueue();
    enqueueFindingsEvaluation(db, tenantRef, { deviceId: one.deviceId, hostname: one.displayName });
    await flushFindingsQueue();
    const disabled = await db.finding.findFirst({ where: { tenantRef, deviceId: one.deviceId, rule: "object-disabled", status: "open" } });
    await first;
    expect(disabled).not.toBeNull();
  });

  it("re-evaluates a tenant in full when it never was, six hours after the last time, and when its findings came from older rules", async () => {
    const tenantRef = await makeTenant("forward");
    const due = async (now: Date) => (await tenantsDueForFullEvaluation(db, now)).some((t) => t.id === tenantRef);
    expect(await due(at(1))).toBe(true);
    await reevaluateAllFindings(db, tenantRef, at(1));
    expect(await db.tenant.findUniqueOrThrow({ where: { id: tenantRef }, select: { rulesVersion: true } })).toEqual({ rulesVersion: RULES_VERSION });
    expect(await due(at(2))).toBe(false);
    expect(await due(at(1 + FULL_EVALUATION_HOURS + 0.1))).toBe(true);

    // Findings from an older version of the rules: due at once, and the next upload's evaluation is a full pass.
    await db.tenant.update({ where: { id: tenantRef }, data: { rulesVersion: RULES_VERSION - 1 } });
    expect(await due(at(2))).toBe(true);
    const one = device(tenantRef, 1);
    enqueueFindingsEvaluation(db, tenantRef, { deviceId: one.deviceId, hostname: one.displayName });
    await flushFindingsQueue();
    const tenant = await db.tenant.findUniqueOrThrow({ where: { id: tenantRef }, select: { rulesVersion: true, findingsEvaluatedAt: true } });
    expect(tenant.rulesVersion).toBe(RULES_VERSION);
    expect(tenant.findingsEvaluatedAt!.getTime()).toBeGreaterThan(at(1).getTime());

    // Current rules, evaluated in full after its only reports arrived (none here): the next upload's pass is incremental.
    enqueueFindingsEvaluation(db, tenantRef, { deviceId: one.deviceId, hostname: one.displayName });
    await flushFindingsQueue();
    expect(await db.tenant.findUniqueOrThrow({ where: { id: tenantRef }, select: { findingsEvaluatedAt: true } })).toEqual({
      findingsEvaluatedAt: tenant.findingsEvaluatedAt,
    });
  });

  it("waits for another instance's pass over the tenant (the findings lease), and skips a periodic pass another instance made unnecessary", async () => {
    const tenantRef = await makeTenant("forward");
    // Another app instance holds the tenant's lease for the next 1.5 s and does not renew it (it crashed).
    const expiresAt = new Date(Date.now() + 1_500);
    await db.findingsLease.create({ data: { tenantRef, holder: "other-instance", expiresAt } });
    const result = await reevaluateAllFindings(db, tenantRef, at(1));
    expect(Date.now()).toBeGreaterThanOrEqual(expiresAt.getTime());
    expect(result.opened).toBeGreaterThan(0);
    expect(await db.findingsLease.count({ where: { tenantRef } })).toBe(0);

    // The other instance's scheduler found the tenant due at the same time, and gets its turn after this pass.
    expect(await reevaluateAllFindingsIfDue(db, tenantRef, at(2))).toBeNull();
    expect(await reevaluateAllFindingsIfDue(db, tenantRef, at(1 + FULL_EVALUATION_HOURS + 1))).toMatchObject({ opened: 0, unchanged: result.opened });
  });

  it("runs passes over one tenant one at a time, so concurrent passes never insert the same finding twice", async () => {
    const tenantRef = await makeTenant("forward");
    const results = await Promise.all([
      reevaluateFindings({ tenantRef, scope: "all", now: at(1) }),
      reevaluateFindings({ tenantRef, scope: { deviceIds: [device(tenantRef, 2).deviceId] }, now: at(1) }),
      reevaluateFindings({ tenantRef, scope: "all", now: at(2) }),
    ]);
    const rows = await db.finding.count({ where: { tenantRef } });
    expect(results[0].opened).toBe(rows);
    expect(results.slice(1).map((r) => r.opened)).toEqual([0, 0]);
    expect(await db.findingEvent.count({ where: { tenantRef, kind: "opened" } })).toBe(rows);
  });

  it("gives the same findings whatever order the directory rows were written in", async () => {
    const content = async (tenantRef: string, writeBatch?: number) => {
      await reevaluateFindings({ tenantRef, scope: "all", now: at(1), writeBatch });
      const rows = await db.finding.findMany({
        where: { tenantRef },
        select: { subjectKey: true, rule: true, severity: true, title: true, explanation: true, fingerprint: true, status: true },
      });
      return rows.sort((a, b) => `${a.subjectKey}|${a.rule}`.localeCompare(`${b.subjectKey}|${b.rule}`));
    };
    const forward = await content(await makeTenant("forward"));
    const reverse = await content(await makeTenant("reverse"));
    expect(forward.length).toBeGreaterThan(0);
    expect(reverse).toEqual(forward);
    expect(await content(await makeTenant("reverse"), 1)).toEqual(forward);
  });

  it("writes the same findings when each transaction is handed to the writer in parts", async () => {
    // 230 subjects, 150 per transaction: transactions of two read batches (100 + 50 subjects, then 80); on SQLite the
    // writer thread keeps each first part until the transaction's commit arrives.
    const content = async (writeBatch?: number, evaluateOnWorker?: boolean) => {
      const t = await createTenant(db, { tenantId: randomUUID(), name: "Northwind", actor: "test" });
      if (!t.ok) throw new Error(t.error.message);
      await db.tenant.update({ where: { id: t.id }, data: { lastSyncAt: t0 } });
      await db.directoryDevice.createMany({ data: Array.from({ length: 230 }, (_, n) => device(t.id, 100 + n, { accountEnabled: n % 3 !== 0 })) });
      const result = await reevaluateFindings({ tenantRef: t.id, scope: "all", now: at(1), writeBatch, evaluateOnWorker });
      const rows = await db.finding.findMany({
        where: { tenantRef: t.id },
        select: { subjectKey: true, rule: true, fingerprint: true, status: true, history: { select: { kind: true } } },
      });
      return { result, rows: rows.sort((a, b) => `${a.subjectKey}|${a.rule}`.localeCompare(`${b.subjectKey}|${b.rule}`)) };
    };
    const whole = await content();
    const parts = await content(150);
    expect(whole.result.subjects).toBe(230);
    expect(parts).toEqual(whole);
    // And evaluated on the pass's evaluation thread, three read batches in flight.
    expect(await content(150, true)).toEqual(whole);
    // Twenty-three read batches of ten: the thread holds six at a time and the pass evaluates some itself (the first
    // while the thread boots), and the results are written in order whichever thread evaluated them.
    const shared = await content(10, true);
    expect(shared.result).toEqual(whole.result);
    expect(shared.rows).toEqual(whole.rows);
    expect(parts.rows.every((r) => r.history.length === 1 && r.history[0]!.kind === "opened")).toBe(true);
  });

  it("fails the pass when a pipelined write fails, and the next pass writes what is missing", async () => {
    const tenantRef = await makeTenant("forward");
    // The second subject's transaction fails on the writer thread (SQLite's, or PostgreSQL's connection of its own)
    // while the pass has moved on.
    const subjectKey = `d:${device(tenantRef, 2).deviceId}`;
    if (testDatabaseKind() === "sqlite") {
      await db.$executeRawUnsafe(
        `CREATE TRIGGER "failSecondSubject" BEFORE INSERT ON "FindingEvent" WHEN NEW."subjectKey" = '${subjectKey}' BEGIN SELECT RAISE(ABORT, 'refused by the test'); END`,
      );
    } else {
      await db.$executeRawUnsafe(
        `CREATE FUNCTION "failSecondSubject"() RETURNS trigger LANGUAGE plpgsql AS 'BEGIN IF NEW."subjectKey" = ''${subjectKey}'' THEN RAISE EXCEPTION ''refused by the test''; END IF; RETURN NEW; END'`,
      );
      await db.$executeRawUnsafe(`CREATE TRIGGER "failSecondSubject" BEFORE INSERT ON "FindingEvent" FOR EACH ROW EXECUTE FUNCTION "failSecondSubject"()`);
    }
    try {
      await expect(reevaluateFindings({ tenantRef, scope: "all", now: at(1), writeBatch: 1 })).rejects.toThrow("refused by the test");
    } finally {
      await db.$executeRawUnsafe(testDatabaseKind() === "sqlite" ? `DROP TRIGGER "failSecondSubject"` : `DROP FUNCTION "failSecondSubject"() CASCADE`);
    }
    const written = await db.finding.count({ where: { tenantRef } });
    expect(await db.finding.count({ where: { tenantRef, subjectKey: `d:${device(tenantRef, 2).deviceId}` } })).toBe(0);
    const again = await reevaluateFindings({ tenantRef, scope: "all", now: at(2), writeBatch: 1 });
    expect(again.unchanged).toBe(written);
    expect(await db.finding.count({ where: { tenantRef } })).toBe(written + again.opened);
    expect(await db.findingEvent.count({ where: { tenantRef, kind: "opened" } })).toBe(written + again.opened);
  });
});

/** Prisma returns jsonb objects with their keys reordered on PostgreSQL; the rules emit source, field, value, expected. */
function canonicalEvidence(value: unknown): Evidence[] {
  return (value as Evidence[]).map(({ source, field, value: v, ...rest }) => ({
    source,
    field,
    value: v,
    ...("expected" in rest ? { expected: rest.expected } : {}),
  }));
}

describe("the findings lease (one pass per tenant at a time, across processes)", () => {
  it("makes a second pass wait for the first, even past the lease's lifetime while the first renews it", async () => {
    const t = await createTenant(db, { tenantId: randomUUID(), name: "Lease", actor: "test" });
    if (!t.ok) throw new Error(t.error.message);
    const direct = directDb();
    const order: string[] = [];
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    // Each call names its holder itself (host, process, a random id), as two processes' passes would.
    const options = { ttlMs: 3_000, pollMs: 20 };
    const first = withFindingsLease(
      direct,
      t.id,
      async () => {
        order.push("first in");
        await held;
        order.push("first out");
      },
      options,
    );
    while (order.length === 0) await new Promise((r) => setTimeout(r, 10));
    const second = withFindingsLease(direct, t.id, async () => void order.push("second in"), options);
    // Over twice the lease's 3 s: it lives on only because the first pass renews it (every second).
    await new Promise((r) => setTimeout(r, 7_000));
    expect(order).toEqual(["first in"]);
    release();
    await Promise.all([first, second]);
    expect(order).toEqual(["first in", "first out", "second in"]);
  }, 30_000);

  it("asks again every pollMs while another instance holds the lease, every 250 ms unless told", async () => {
    const tenants: string[] = [];
    for (const name of ["Lease told", "Lease default"]) {
      const t = await createTenant(db, { tenantId: randomUUID(), name, actor: "test" });
      if (!t.ok) throw new Error(t.error.message);
      tenants.push(t.id);
      // Another app instance holds each tenant's lease for the next minute.
      await db.findingsLease.create({ data: { tenantRef: t.id, holder: "other-instance", expiresAt: new Date(Date.now() + 60_000) } });
    }
    const direct = directDb();
    const timer = vi.spyOn(globalThis, "setTimeout");
    try {
      const waits = (ms: number) => timer.mock.calls.filter(([, delay]) => delay === ms).length;
      const told = withFindingsLease(direct, tenants[0]!, async () => "told", { pollMs: 40 });
      const untold = withFindingsLease(direct, tenants[1]!, async () => "default");
      await vi.waitFor(
        () => {
          expect(waits(40)).toBeGreaterThanOrEqual(2);
          expect(waits(250)).toBeGreaterThanOrEqual(1);
        },
        { timeout: 10_000, interval: 20 },
      );
      // The other instance lets go: both get their turn.
      await db.findingsLease.deleteMany({ where: { tenantRef: { in: tenants } } });
      expect(await Promise.all([told, untold])).toEqual(["told", "default"]);
    } finally {
      timer.mockRestore();
    }
  }, 30_000);
});
