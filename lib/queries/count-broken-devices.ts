import "server-only";
import type { DirectDb } from "@/lib/db/direct";
import type { Outlook } from "@/lib/rules/broken-device";

export interface BrokenDeviceCounts {
  now: number;
  next: number;
  /** Per outlook, its causes with their devices, most devices first (ties by rule id). */
  byCause: Record<Outlook, { cause: string; devices: number }[]>;
}

/**
 * How many devices Conditional Access treats as unregistered now and at the next Entra Connect cycle, by cause: one
 * GROUP BY over the summaries' outlook index (DeviceSummary_outlook_idx), which holds the broken devices' entries
 * only once outlook is set, so it reads as many index entries as there are broken devices. The same rows the Devices
 * list's outlook filter lists and the Findings list's outlook filter takes its findings from (lib/rules/broken-device.ts).
 */
export async function countBrokenDevices(direct: DirectDb, tenantRef: string): Promise<BrokenDeviceCounts> {
  const source = direct.dialect === "sqlite" ? `"DeviceSummary" INDEXED BY "DeviceSummary_outlook_idx"` : `"DeviceSummary"`;
  const rows = await direct.query<{ outlook: string; cause: string | null; n: unknown }>(
    `SELECT "outlook", "cause", COUNT(*) AS "n" FROM ${source} WHERE "tenantRef" = ? AND "outlook" IN ('now', 'next') GROUP BY "outlook", "cause"`,
    [tenantRef],
  );
  const counts: BrokenDeviceCounts = { now: 0, next: 0, byCause: { now: [], next: [] } };
  for (const r of rows) {
    const outlook = r.outlook === "now" ? "now" : "next";
    const n = Number(r.n);
    counts[outlook] += n;
    counts.byCause[outlook].push({ cause: r.cause ?? "unknown", devices: n });
  }
  for (const list of Object.values(counts.byCause)) list.sort((a, b) => b.devices - a.devices || (a.cause < b.cause ? -1 : 1));
  return counts;
}
