import "server-only";
import type { Db } from "@/lib/db/client";
import { log } from "@/lib/log/logger";
import { RULES_VERSION } from "@/lib/rules/rules-version";
import { reevaluateAllFindings, reevaluateFindings } from "./reevaluate-findings";

/**
 * Uploads enqueue the device they describe; a short debounce batches a burst of uploads into one
 * incremental re-evaluation per tenant, off the upload's request path. Each app instance evaluates the
 * uploads it received; the daily full pass (scheduler) catches anything a crash dropped.
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
 * Evaluates everything queued so far; resolves when done, including work another caller started meanwhile
 * (a flush that found a run in progress used to return while the run that took its subjects was still going).
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
      if (await needsFullEvaluation(db, tenantRef)) await reevaluateAllFindings(db, tenantRef);
      else await reevaluateFindings(db, { tenantRef, scope: { deviceIds: [...p.deviceIds], hostnames: [...p.hostnames] } });
    } catch (error) {
      log("error", "findings re-evaluation after upload failed", { tenantRef, error: error instanceof Error ? error.message : String(error) });
    }
  }
}

async function needsFullEvaluation(db: Db, tenantRef: string): Promise<boolean> {
  const tenant = await db.tenant.findUnique({ where: { id: tenantRef }, select: { findingsEvaluatedAt: true, rulesVersion: true } });
  if (!tenant?.findingsEvaluatedAt || tenant.rulesVersion < RULES_VERSION) return true;
  const first = await db.deviceReport.findFirst({ where: { tenantRef }, orderBy: { receivedAt: "asc" }, select: { receivedAt: true } });
  return first !== null && first.receivedAt > tenant.findingsEvaluatedAt;
}
