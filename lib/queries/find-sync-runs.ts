import "server-only";
import type { Db } from "@/lib/db/client";

export interface SyncRunRow {
  id: string;
  mode: string;
  trigger: string;
  status: string;
  /** A run marked running whose heartbeat stopped: its process died; the next sync resumes or abandons it. */
  stalled: boolean;
  startedAt: string;
  finishedAt: string | null;
  heartbeatAt: string | null;
  pages: number;
  devicesSeen: number;
  devicesAdded: number;
  devicesChanged: number;
  devicesDeleted: number;
  throttledWaits: number;
  throttledMs: number;
  fallbackReason: string | null;
  error: string | null;
  warnings: string[];
}

/** A running run that has not written a page (or heartbeat) for this long is treated as stalled. */
export const STALLED_AFTER_MS = 5 * 60_000;

/** The tenant's latest sync runs, newest first. */
export async function findSyncRuns(db: Db, options: { tenantRef: string; take?: number; now?: Date }): Promise<SyncRunRow[]> {
  const now = options.now ?? new Date();
  const rows = await db.syncRun.findMany({
    where: { tenantRef: options.tenantRef },
    orderBy: [{ startedAt: "desc" }, { id: "asc" }],
    take: options.take ?? 50,
    select: {
      id: true,
      mode: true,
      trigger: true,
      status: true,
      startedAt: true,
      finishedAt: true,
      heartbeatAt: true,
      pages: true,
      devicesSeen: true,
      devicesAdded: true,
      devicesChanged: true,
      devicesDeleted: true,
      throttledWaits: true,
      throttledMs: true,
      fallbackReason: true,
      error: true,
      warnings: true,
    },
  });
  return rows.map((r) => ({
    ...r,
    stalled: r.status === "running" && now.getTime() - (r.heartbeatAt ?? r.startedAt).getTime() > STALLED_AFTER_MS,
    startedAt: r.startedAt.toISOString(),
    finishedAt: r.finishedAt?.toISOString() ?? null,
    heartbeatAt: r.heartbeatAt?.toISOString() ?? null,
    warnings: Array.isArray(r.warnings) ? r.warnings.filter((w): w is string => typeof w === "string") : [],
  }));
}

/** True while a run of the tenant is live (running with a recent heartbeat): the Sync page keeps polling. */
export function hasLiveRun(runs: readonly SyncRunRow[]): boolean {
  return runs.some((r) => r.status === "running" && !r.stalled);
}
