import "server-only";
import type { Db } from "@/lib/db/client";
import { directDb, readDate } from "@/lib/db/direct";
import { FULL_PASS_TABLES, refreshPlannerStatistics } from "@/lib/db/refresh-planner-statistics";
import { log } from "@/lib/log/logger";
import { RULES_VERSION } from "@/lib/rules/rules-version";
import { withFindingsLease } from "./findings-lease";
import { runFindingsPass, type PassOptions, type ReevaluationResult } from "./run-findings-pass";

/**
 * When a findings pass runs, and who runs it: docs/decisions/009-findings-pass-coordination.md in code. Every pass
 * starts here; the pass itself is run-findings-pass.ts.
 *
 * - One pass per tenant at a time: in this process the others wait their turn (serialisedPass), and between processes
 *   and app instances for the tenant's findings lease (findings-lease.ts). A pass waits; it is never skipped, since
 *   its scope (an upload's devices) may differ from the holder's.
 * - Uploads: the device they describe is queued, and a short debounce batches a burst into one incremental pass per
 *   tenant, off the request path (enqueueFindingsEvaluation). The first upload of a tenant, or one after a rules
 *   change, makes it a full pass.
 * - A sync: an incremental pass over the objects a delta touched, a full pass after a full sync (lib/sync/run-sync.ts
 *   calls reevaluateFindings / reevaluateAllFindings).
 * - A settings change: a full pass in the background, at most one queued behind a running one (startFullReevaluation).
 * - Time: rules that move without new data (stale-device, pending age, cert-expiring, silent-device) and a newer
 *   RULES_VERSION make a tenant due for a full pass every FULL_EVALUATION_HOURS; the sync scheduler's tick runs
 *   evaluateDueTenants, and a tenant another instance made current meanwhile is skipped once its turn comes.
 * - A full pass records its time and RULES_VERSION on the tenant (recordFullPass).
 */

export type { ReevaluationResult, ReevaluationScope } from "./run-findings-pass";

/** Time-based rules (stale-device, pending age, cert-expiring, silent-device) move without new data: a full pass this often. */
export const FULL_EVALUATION_HOURS = 6;

// ---- One pass per tenant at a time -----------------------------------------------------------------------------

const passes = new Map<string, Promise<unknown>>();

/**
 * Each batch of a pass reads the existing findings, then writes in a separate transaction: two passes over the same
 * tenant at once (a full sync's, an upload's, the scheduler's) would both insert the same new finding. So one pass per
 * tenant at a time: in this process the others wait their turn here, and between processes and app instances for the
 * tenant's findings lease. `skipIf` and `after` run inside both, before and after the pass: a pass that `skipIf` finds
 * unnecessary once its turn comes is skipped (null).
 */
async function serialisedPass(
  options: PassOptions,
  around: { skipIf?: () => Promise<boolean>; after?: (result: ReevaluationResult) => Promise<void> } = {},
): Promise<ReevaluationResult | null> {
  const previous = passes.get(options.tenantRef) ?? Promise.resolve();
  const pass = previous
    .catch(() => undefined)
    .then(() =>
      withFindingsLease(directDb(), options.tenantRef, async () => {
        if (await around.skipIf?.()) return null;
        const result = await runFindingsPass(options);
        await around.after?.(result);
        return result;
      }),
    );
  const tail = pass.catch(() => undefined);
  passes.set(options.tenantRef, tail);
  try {
    return await pass;
  } finally {
    if (passes.get(options.tenantRef) === tail) passes.delete(options.tenantRef);
  }
}

/** A pass over the given scope now (in its tenant's turn): a sync's touched devices, or tests and benches. */
export async function reevaluateFindings(options: PassOptions): Promise<ReevaluationResult> {
  return (await serialisedPass(options))!;
}

/** Every device of the tenant, and the time of it: settings changes, full syncs and uploads call this. */
export async function reevaluateAllFindings(db: Db, tenantRef: string, now = new Date()): Promise<ReevaluationResult> {
  return (await serialisedPass({ tenantRef, scope: "all", now }, { after: () => recordFullPass(db, tenantRef, now) }))!;
}

/**
 * The periodic pass: every device of the tenant, unless its turn comes after another pass (another app instance's
 * scheduler) has made the tenant's findings current (isFullPassDue). Null when skipped.
 */
export async function reevaluateAllFindingsIfDue(db: Db, tenantRef: string, now = new Date()): Promise<ReevaluationResult | null> {
  return serialisedPass(
    { tenantRef, scope: "all", now },
    {
      skipIf: async () => !(await isFullPassDue(db, tenantRef, now)),
      after: () => recordFullPass(db, tenantRef, now),
    },
  );
}

async function recordFullPass(db: Db, tenantRef: string, now: Date): Promise<void> {
  await db.tenant.update({ where: { id: tenantRef }, data: { findingsEvaluatedAt: now, rulesVersion: RULES_VERSION } });
  // A full pass rewrote the findings: the pages that follow are planned for them (PostgreSQL; decision 018).
  await refreshPlannerStatistics(directDb(), FULL_PASS_TABLES);
}

// ---- Time: the periodic full pass ------------------------------------------------------------------------------

/**
 * The tenants whose findings need a full pass now: never evaluated in full, last evaluated more than
 * FULL_EVALUATION_HOURS ago, or evaluated with older rules (RULES_VERSION).
 */
export async function tenantsDueForFullEvaluation(db: Db, now = new Date()): Promise<{ id: string; name: string }[]> {
  return db.tenant.findMany({ where: dueWhere(now), select: { id: true, name: true }, orderBy: { createdAt: "asc" } });
}

/** The same test for one tenant, read again when a pass's turn comes (another instance may have just run it). */
export async function isFullPassDue(db: Db, tenantRef: string, now = new Date()): Promise<boolean> {
  return (await db.tenant.count({ where: { id: tenantRef, ...dueWhere(now) } })) > 0;
}

function dueWhere(now: Date) {
  const staleBefore = new Date(now.getTime() - FULL_EVALUATION_HOURS * 3600_000);
  return { OR: [{ findingsEvaluatedAt: null }, { findingsEvaluatedAt: { lt: staleBefore } }, { rulesVersion: { lt: RULES_VERSION } }] };
}

/**
 * The sync scheduler's tick, after the syncs: a full pass for every tenant that is due. Time-based rules move without
 * new data, and a new version of the rules changes findings on the same data.
 */
export async function evaluateDueTenants(db: Db, now = new Date()): Promise<void> {
  const due = await tenantsDueForFullEvaluation(db, now);
  for (const t of due) {
    // Another app instance's scheduler may get there first: then this one's turn finds the tenant current.
    const r = await reevaluateAllFindingsIfDue(db, t.id);
    if (r) log("info", "findings re-evaluated", { tenant: t.name, ...r });
  }
}

// ---- Settings changes ------------------------------------------------------------------------------------------

const fullPassesStarted = new Map<string, Promise<void>>();

/**
 * Re-evaluates every device of a tenant in the background after its rule settings or sync scope changed.
 * A request never waits for it; a second call while one runs queues exactly one more pass.
 */
export function startFullReevaluation(db: Db, tenantRef: string): void {
  const previous = fullPassesStarted.get(tenantRef) ?? Promise.resolve();
  const next = previous
    .then(() => reevaluateAllFindings(db, tenantRef))
    .then(
      (r) => log("info", "findings re-evaluated after a settings change", { tenantRef, ...r }),
      (error: unknown) => log("error", "findings re-evaluation failed", { tenantRef, error: error instanceof Error ? error.message : String(error) }),
    )
    .finally(() => {
      if (fullPassesStarted.get(tenantRef) === next) fullPassesStarted.delete(tenantRef);
    });
  fullPassesStarted.set(tenantRef, next);
}

// ---- Uploads ---------------------------------------------------------------------------------------------------

/**
 * Uploads enqueue the device they describe; a short debounce batches a burst of uploads into one
 * incremental re-evaluation per tenant, off the upload's request path. Each app instance evaluates the
 * uploads it received; the periodic full pass catches anything a crash dropped.
 */
interface Pending {
  deviceIds: Set<string>;
  hostnames: Set<string>;
}

const DEBOUNCE_MS = 1_000;
const pending = new Map<string, Pending>();
let timer: NodeJS.Timeout | null = null;
let running: Promise<void> | null = null;
let database: Db | null = null;

export function enqueueFindingsEvaluation(db: Db, tenantRef: string, subject: { deviceId: string | null; hostname: string }): void {
  database = db;
  const p = pending.get(tenantRef) ?? { deviceIds: new Set<string>(), hostnames: new Set<string>() };
  if (subject.deviceId) p.deviceIds.add(subject.deviceId);
  else p.hostnames.add(subject.hostname);
  pending.set(tenantRef, p);
  if (!timer) {
    timer = setTimeout(() => void flushFindingsQueue(), DEBOUNCE_MS);
    timer.unref?.();
  }
}

/**
 * Evaluates everything queued so far; resolves when done, including work another caller started meanwhile: a run
 * in progress may hold subjects queued before this call, so the flush waits for that run too.
 * Tests and shutdown call it directly.
 */
export async function flushFindingsQueue(): Promise<void> {
  if (timer) clearTimeout(timer);
  timer = null;
  for (;;) {
    if (running) {
      await running;
      continue;
    }
    if (pending.size === 0 || !database) return;
    const work = [...pending.entries()];
    pending.clear();
    running = evaluateQueued(database, work).finally(() => {
      running = null;
    });
  }
}

async function evaluateQueued(db: Db, work: [string, Pending][]): Promise<void> {
  for (const [tenantRef, p] of work) {
    try {
      // The first agent report changes tenant-wide rules (silent-device needs agents to exist), and newer rules change
      // findings on old data: evaluate everything once.
      if (await needsFullEvaluation(tenantRef)) await reevaluateAllFindings(db, tenantRef);
      else await reevaluateFindings({ tenantRef, scope: { deviceIds: [...p.deviceIds], hostnames: [...p.hostnames] } });
    } catch (error) {
      log("error", "findings re-evaluation after upload failed", { tenantRef, error: error instanceof Error ? error.message : String(error) });
    }
  }
}

/**
 * Before every upload-queued pass (about one a second under a steady stream of uploads): one read on the direct path.
 * Through Prisma it was two queries, each compiled by its query compiler every time: 6–10% of the server's CPU under
 * bench:ingest (bench/RESULTS.md, branch ingest1k).
 */
async function needsFullEvaluation(tenantRef: string): Promise<boolean> {
  const [tenant] = await directDb().query<{ findingsEvaluatedAt: unknown; rulesVersion: unknown; firstReceivedAt: unknown }>(
    `SELECT t."findingsEvaluatedAt", t."rulesVersion",
        (SELECT r."receivedAt" FROM "DeviceReport" r WHERE r."tenantRef" = t."id" ORDER BY r."receivedAt" LIMIT 1) AS "firstReceivedAt"
      FROM "Tenant" t WHERE t."id" = ?`,
    [tenantRef],
  );
  const evaluatedAt = readDate(tenant?.findingsEvaluatedAt);
  if (!tenant || !evaluatedAt || Number(tenant.rulesVersion) < RULES_VERSION) return true;
  const first = readDate(tenant.firstReceivedAt);
  return first !== null && first.getTime() > evaluatedAt.getTime();
}
