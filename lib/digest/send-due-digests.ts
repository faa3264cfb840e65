import "server-only";
import { randomUUID } from "node:crypto";
import { hostname } from "node:os";
import { config } from "@/lib/config";
import { db as defaultDb, type Db } from "@/lib/db/client";
import { directDb } from "@/lib/db/direct";
import { acquireLease, releaseLease, type Lease } from "@/lib/db/lease";
import { log } from "@/lib/log/logger";
import { deliverDigest } from "./deliver-digest";
import { DIGEST_FREQUENCIES, digestPeriodBefore, latestDigestSlot, type DigestFrequency } from "./digest-schedule";
import type { WebhookOptions } from "./post-webhook";

/** Longer than a delivery can take (three channels at once, each bounded to 10-15 s): the lease never lapses mid-send. */
const LEASE_TTL_MS = 5 * 60_000;

/**
 * The sync scheduler's share (lib/sync/sync-scheduler.ts): each enabled digest whose latest slot has not been handled
 * is sent, once. Two guards, so two app instances never send one slot twice: the tenant's DigestLease (one sender at a
 * time), and under it a conditional claim of the slot (`lastSlotAt` moved forward only where it is still before the
 * slot), written before anything is sent. A slot whose delivery fails is not retried (the outcome is in Settings, and
 * "Send a test digest" checks a fix): at most once, never a flood of retries into a channel.
 */
export async function sendDueDigests(now = new Date(), options: { db?: Db; holder?: string; webhook?: WebhookOptions } = {}): Promise<number> {
  const db = options.db ?? defaultDb;
  const rows = await db.digestSettings.findMany({
    where: { enabled: true },
    select: { tenantRef: true, frequency: true, weekday: true, hour: true, lastSlotAt: true },
  });
  let sent = 0;
  for (const row of rows) {
    const frequency: DigestFrequency = (DIGEST_FREQUENCIES as readonly string[]).includes(row.frequency) ? (row.frequency as DigestFrequency) : "weekly";
    const slot = latestDigestSlot({ frequency, weekday: row.weekday, hour: row.hour }, now);
    if (row.lastSlotAt && row.lastSlotAt.getTime() >= slot.getTime()) continue;
    const lease: Lease = { table: "DigestLease", tenantRef: row.tenantRef, holder: options.holder ?? `${hostname()}:${process.pid}:${randomUUID()}` };
    if (!(await acquireLease(directDb(), lease, LEASE_TTL_MS, now))) continue;
    try {
      const claimed = await db.digestSettings.updateMany({
        where: { tenantRef: row.tenantRef, enabled: true, OR: [{ lastSlotAt: null }, { lastSlotAt: { lt: slot } }] },
        data: { lastSlotAt: slot },
      });
      if (claimed.count !== 1) continue;
      const period = digestPeriodBefore(slot, frequency);
      await deliverDigest(db, {
        tenantRef: row.tenantRef,
        ...period,
        trigger: "schedule",
        origin: config.JOINSCOPE_PUBLIC_URL ?? null,
        now,
        webhook: options.webhook,
      });
      sent++;
    } catch (error) {
      log("error", "digest delivery failed", { tenantRef: row.tenantRef, error: error instanceof Error ? error.name : "error" });
    } finally {
      await releaseLease(directDb(), lease).catch(() => undefined);
    }
  }
  return sent;
}
