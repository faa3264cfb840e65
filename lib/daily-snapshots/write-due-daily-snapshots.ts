import "server-only";
import { db } from "@/lib/db/client";
import { directDb } from "@/lib/db/direct";
import { writeDailySnapshot } from "./write-daily-snapshot";

/**
 * The sync scheduler's share (lib/sync/sync-scheduler.ts): each tenant's snapshot of the day, at the first tick of
 * the day (a primary-key lookup per tenant on the other ticks). Runs after the tick's summary rebuild, syncs and
 * findings passes, so the first snapshot of a day sees them.
 */
export async function writeDueDailySnapshots(now = new Date()): Promise<number> {
  const tenants = await db.tenant.findMany({ select: { id: true } });
  let written = 0;
  for (const t of tenants) if ((await writeDailySnapshot(directDb(), { tenantRef: t.id, now })).written) written++;
  return written;
}
