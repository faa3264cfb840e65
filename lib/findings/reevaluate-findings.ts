import "server-only";
import { createHash, randomUUID } from "node:crypto";
import type { Db, Prisma } from "@/lib/db/client";
import { evaluateDeviceRules } from "@/lib/rules/evaluate-device-rules";
import type { Finding } from "@/lib/rules/types";
import { loadSubjectContext, type LoadedSubject } from "./load-device-subjects";
import { chunk } from "@/lib/db/in-list";

export type ReevaluationScope = "all" | { deviceIds?: string[]; objectIds?: string[]; hostnames?: string[] };

export interface ReevaluationResult {
  subjects: number;
  opened: number;
  reopened: number;
  resolved: number;
  updated: number;
  unchanged: number;
}

/** Subjects per transaction; also the size of every IN list (Prisma allows 999 bound parameters on SQLite). */
const WRITE_BATCH = 400;

export function fingerprintFinding(f: Finding): string {
  return createHash("sha256")
    .update(JSON.stringify([f.severity, f.title, f.explanation, f.evidence, f.remediation]))
    .digest("hex");
}

/**
 * Re-evaluates the rules for a tenant's devices and applies the findings lifecycle: a finding is opened
 * when first seen, keeps firstSeenAt/lastSeenAt, is resolved when its condition clears and reopened if it
 * returns. Scope "all" also resolves findings whose subject no longer exists. Idempotent: the same data
 * evaluated twice changes nothing but lastSeenAt.
 */
export async function reevaluateFindings(db: Db, options: { tenantRef: string; scope: ReevaluationScope; now?: Date }): Promise<ReevaluationResult> {
  const now = options.now ?? new Date();
  const ctx = await loadSubjectContext(db, { tenantRef: options.tenantRef, scope: options.scope });
  const result: ReevaluationResult = { subjects: 0, opened: 0, reopened: 0, resolved: 0, updated: 0, unchanged: 0 };
  for (let i = 0; i < ctx.keys.length; i += WRITE_BATCH) {
    const subjects = await ctx.build(ctx.keys.slice(i, i + WRITE_BATCH));
    const evaluated = subjects.map((s) => {
      const findings = evaluateDeviceRules(s.subject, { ...ctx.settings, now: now.toISOString() });
      // One row per (subject, rule): the rules emit at most one finding per rule; keep the first (worst) if not.
      const byRule = new Map<string, Finding>();
      for (const f of findings) if (!byRule.has(f.rule)) byRule.set(f.rule, f);
      return { s, findings: [...byRule.values()] };
    });
    result.subjects += subjects.length;
    await applyBatch(db, options.tenantRef, evaluated, now, result);
  }
  if (options.scope === "all") {
    // Subjects that vanished entirely (e.g. a report-only host that later joined under a deviceId).
    const live = new Set(ctx.keys);
    const open = await db.finding.findMany({ where: { tenantRef: options.tenantRef, status: "open" }, select: { id: true, subjectKey: true } });
    const orphaned = open.filter((f) => !live.has(f.subjectKey));
    for (const part of chunk(orphaned, WRITE_BATCH)) {
      await db.$transaction(async (tx) => {
        await tx.finding.updateMany({ where: { id: { in: part.map((f) => f.id) } }, data: { status: "resolved", resolvedAt: now } });
        await tx.findingEvent.createMany({
          data: part.map((f) => ({ tenantRef: options.tenantRef, findingRef: f.id, subjectKey: f.subjectKey, kind: "resolved", at: now, detail: "The device is no longer known" })),
        });
      });
      result.resolved += part.length;
    }
  }
  return result;
}

async function applyBatch(
  db: Db,
  tenantRef: string,
  batch: { s: LoadedSubject; findings: Finding[] }[],
  now: Date,
  result: ReevaluationResult,
): Promise<void> {
  const keys = batch.map((b) => b.s.key);
  await db.$transaction(
    async (tx) => {
      const existing = await tx.finding.findMany({
        where: { tenantRef, subjectKey: { in: keys } },
        select: { id: true, subjectKey: true, rule: true, status: true, fingerprint: true },
      });
      const byKey = new Map(existing.map((f) => [`${f.subjectKey}|${f.rule}`, f]));
      const creates: Prisma.FindingCreateManyInput[] = [];
      const events: Prisma.FindingEventCreateManyInput[] = [];
      const touchIds: string[] = [];
      const resolveIds: { id: string; subjectKey: string }[] = [];
      const seen = new Set<string>();

      for (const { s, findings } of batch) {
        for (const f of findings) {
          const k = `${s.key}|${f.rule}`;
          seen.add(k);
          const fingerprint = fingerprintFinding(f);
          const row = byKey.get(k);
          const content = {
            severity: f.severity,
            title: f.title,
            explanation: f.explanation,
            evidence: f.evidence as unknown as Prisma.InputJsonValue,
            remediation: f.remediation as unknown as Prisma.InputJsonValue,
            fingerprint,
            deviceId: s.deviceId,
            objectId: s.objectId,
            hostname: s.hostname,
          };
          if (!row) {
            const id = randomUUID();
            creates.push({ id, tenantRef, subjectKey: s.key, rule: f.rule, status: "open", firstSeenAt: now, lastSeenAt: now, ...content });
            events.push({ tenantRef, findingRef: id, subjectKey: s.key, kind: "opened", at: now, detail: f.title });
            result.opened++;
          } else if (row.status === "resolved") {
            await tx.finding.update({ where: { id: row.id }, data: { ...content, status: "open", resolvedAt: null, lastSeenAt: now, acknowledgedAt: null, acknowledgedBy: null, ackComment: null } });
            events.push({ tenantRef, findingRef: row.id, subjectKey: s.key, kind: "reopened", at: now, detail: f.title });
            result.reopened++;
          } else if (row.fingerprint !== fingerprint) {
            await tx.finding.update({ where: { id: row.id }, data: { ...content, lastSeenAt: now } });
            result.updated++;
          } else {
            touchIds.push(row.id);
            result.unchanged++;
          }
        }
      }
      for (const row of existing) {
        if (row.status === "open" && !seen.has(`${row.subjectKey}|${row.rule}`)) resolveIds.push({ id: row.id, subjectKey: row.subjectKey });
      }
      if (creates.length) await tx.finding.createMany({ data: creates });
      for (const part of chunk(touchIds, WRITE_BATCH)) {
        await tx.finding.updateMany({ where: { id: { in: part } }, data: { lastSeenAt: now } });
      }
      for (const part of chunk(resolveIds, WRITE_BATCH)) {
        await tx.finding.updateMany({ where: { id: { in: part.map((r) => r.id) } }, data: { status: "resolved", resolvedAt: now } });
      }
      if (resolveIds.length) {
        for (const r of resolveIds) events.push({ tenantRef, findingRef: r.id, subjectKey: r.subjectKey, kind: "resolved", at: now, detail: "The condition cleared" });
        result.resolved += resolveIds.length;
      }
      if (events.length) await tx.findingEvent.createMany({ data: events });
    },
    { timeout: 120_000, maxWait: 60_000 },
  );
}

/** Every device of the tenant, and the time of it: settings changes, full syncs and the periodic pass call this. */
export async function reevaluateAllFindings(db: Db, tenantRef: string, now = new Date()): Promise<ReevaluationResult> {
  const result = await reevaluateFindings(db, { tenantRef, scope: "all", now });
  await db.tenant.update({ where: { id: tenantRef }, data: { findingsEvaluatedAt: now } });
  return result;
}
