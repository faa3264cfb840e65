import "server-only";
import { config } from "@/lib/config";
import { db } from "@/lib/db/client";
import { log } from "@/lib/log/logger";
import { evaluateDueTenants } from "@/lib/findings/findings-scheduler";
import { writeDueDailySnapshots } from "@/lib/daily-snapshots/write-due-daily-snapshots";
import { rebuildStaleDeviceSummaries } from "@/lib/device-summary/rebuild-device-summaries";
import { pullDirectoryAuditsAfterSync } from "@/lib/directory-audits/pull-directory-audits";
import { pullSignInsAfterSync } from "@/lib/signins/pull-after-sync";
import { maintainReportHistory } from "@/lib/report-history/maintain-report-history";
import { sendDueDigests } from "@/lib/digest/send-due-digests";
import { runSync } from "./run-sync";

const TICK_MS = 60_000;
let timer: NodeJS.Timeout | null = null;
let busy = false;

/**
 * Delta-syncs every tenant with an app registration once per JOINSCOPE_SYNC_INTERVAL_MINUTES. Several
 * app instances may run this: the per-tenant lease lets exactly one of them sync a tenant at a time.
 */
export function startSyncScheduler(): void {
  if (timer || config.JOINSCOPE_SYNC_INTERVAL_MINUTES === 0) return;
  const tick = () => void syncDueTenants().catch((error: unknown) => log("error", "sync scheduler tick failed", { error: String(error) }));
  timer = setInterval(tick, TICK_MS);
  timer.unref();
  setTimeout(tick, 5_000).unref();
  log("info", "sync scheduler started", { intervalMinutes: config.JOINSCOPE_SYNC_INTERVAL_MINUTES });
}

export async function syncDueTenants(now = new Date()): Promise<void> {
  if (busy) return;
  busy = true;
  try {
    // After an upgrade that added or changed the device summaries: rebuilt before the first page has to wait for it.
    await rebuildStaleDeviceSummaries();
    const due = new Date(now.getTime() - config.JOINSCOPE_SYNC_INTERVAL_MINUTES * 60_000);
    const tenants = await db.tenant.findMany({
      where: { syncEnabled: true, clientId: { not: null }, credentialCiphertext: { not: null }, OR: [{ lastSyncAt: null }, { lastSyncAt: { lt: due } }] },
      select: { id: true, name: true },
    });
    for (const t of tenants) {
      const outcome = await runSync(db, { tenantRef: t.id, mode: "auto", trigger: "schedule" });
      if (outcome.ok) {
        const r = outcome.run;
        log("info", "sync finished", { tenant: t.name, mode: r.mode, pages: r.pages, added: r.added, changed: r.changed, deleted: r.deleted, ms: r.elapsedMs });
        // Blocked sign-ins are joined with the directory just synced; a missing licence or permission is only a warning.
        await pullSignInsAfterSync(db, t.id);
        // Who disabled or deleted a device (the directory audit log), for the device timelines; same kind of warning.
        await pullDirectoryAuditsAfterSync(db, t.id);
      } else if (outcome.error.code !== "already-running") {
        log("warn", "sync failed", { tenant: t.name, code: outcome.error.code, error: outcome.error.message });
        // Record the attempt so a broken tenant is retried at the next interval, not every minute.
        await db.tenant.update({ where: { id: t.id }, data: { lastSyncAt: new Date() } });
      }
    }
    // The periodic full findings pass (decision 009): lib/findings/findings-scheduler.ts decides which tenants are due.
    await evaluateDueTenants(db, now);
    // The Overview's trends: each tenant's snapshot of the day, taken once (the first tick of the day does it).
    const snapshots = await writeDueDailySnapshots(now);
    if (snapshots) log("info", "daily snapshots written", { tenants: snapshots });
    // The digests whose slot came (issue 23, item 7): after the snapshot, so a digest sent at 00:xx sees the day's row.
    await sendDueDigests(now);
    // The report history: old reports compacted (after an upgrade), retention applied hourly (decision 013).
    await maintainReportHistory(now);
  } finally {
    busy = false;
  }
}
