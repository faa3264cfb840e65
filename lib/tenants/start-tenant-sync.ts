import "server-only";
import type { Db } from "@/lib/db/client";
import { log } from "@/lib/log/logger";
import { pullDirectoryAuditsAfterSync } from "@/lib/directory-audits/pull-directory-audits";
import { pullSignInsAfterSync } from "@/lib/signins/pull-after-sync";
import { runSync, type SyncOutcome } from "@/lib/sync/run-sync";

export type StartTenantSyncResult = { ok: true; state: "started" | "finished" } | { ok: false; error: { code: string; message: string } };

const WAIT_FOR_RUN_MS = 4_000;

/**
 * Starts runSync without waiting for it to finish (a full sync of a large tenant takes minutes), but
 * waits a moment for it to either open its run row (started) or return early (already running, no
 * credentials, a quick failure) so the dashboard can say which.
 */
export async function startTenantSync(db: Db, options: { tenantRef: string; mode: "auto" | "full" }): Promise<StartTenantSyncResult> {
  const since = new Date(Date.now() - 1_000);
  const outcome = runSync(db, { tenantRef: options.tenantRef, mode: options.mode, trigger: "manual" }).then(
    (result) => {
      if (!result.ok && result.error.code !== "already-running") {
        log("warn", "manual sync failed", { tenantRef: options.tenantRef, code: result.error.code, error: result.error.message });
      }
      // The blocked sign-ins follow the directory; the sync's outcome does not wait for them.
      if (result.ok) void pullSignInsAfterSync(db, options.tenantRef).then(() => pullDirectoryAuditsAfterSync(db, options.tenantRef));
      return result;
    },
    (error: unknown): SyncOutcome => {
      log("error", "manual sync crashed", { tenantRef: options.tenantRef, error: error instanceof Error ? error.message : String(error) });
      return { ok: false, error: { code: "graph", message: "The sync stopped on an unexpected error; see the server log" } };
    },
  );
  let settled: SyncOutcome | null = null;
  void outcome.then((r) => (settled = r));

  const deadline = Date.now() + WAIT_FOR_RUN_MS;
  while (Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 150));
    if (settled) break;
    // openRun sets heartbeatAt when it creates or resumes the run.
    const opened = await db.syncRun.findFirst({
      where: { tenantRef: options.tenantRef, status: "running", heartbeatAt: { gte: since } },
      select: { id: true },
    });
    if (opened) return { ok: true, state: "started" };
  }
  const result = settled as SyncOutcome | null;
  if (!result) return { ok: true, state: "started" };
  if (result.ok) return { ok: true, state: "finished" };
  return { ok: false, error: result.error };
}
