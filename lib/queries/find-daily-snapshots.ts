import "server-only";
import type { Db } from "@/lib/db/client";
import { JOIN_TYPES } from "@/lib/display/join-type";
import type { JoinType } from "@/lib/reports/types";
import type { Severity } from "@/lib/rules/types";
import { snapshotDay } from "@/lib/daily-snapshots/snapshot-day";
import { SEVERITIES } from "@/lib/display/severity";

export interface DailySnapshotPoint {
  day: string;
  takenAt: string;
  openFindings: number;
  openBySeverity: Record<Severity, number>;
  openByRule: Record<string, number>;
  devicesReporting: number;
  joinTypes: Record<JoinType, number>;
  /** Reports received during the UTC day before `day`. */
  reportsPreviousDay: number;
  devicesSilent: number;
  silentAfterDays: number;
  syncEnabled: boolean;
  lastSyncStatus: string | null;
  lastSyncAt: string | null;
  lastSyncSuccessAt: string | null;
  syncFailures24h: number;
}

const counts = <K extends string>(keys: readonly K[], json: unknown): Record<K, number> => {
  const o = json && typeof json === "object" ? (json as Record<string, unknown>) : {};
  return Object.fromEntries(keys.map((k) => [k, typeof o[k] === "number" ? o[k] : 0])) as Record<K, number>;
};

/** The Overview's trend: the tenant's daily snapshots of the last `days` days (today included), oldest first. */
export async function findDailySnapshots(db: Db, options: { tenantRef: string; now: Date; days?: number }): Promise<DailySnapshotPoint[]> {
  const days = options.days ?? 30;
  const first = snapshotDay(new Date(options.now.getTime() - (days - 1) * 24 * 3600_000));
  const rows = await db.dailySnapshot.findMany({
    where: { tenantRef: options.tenantRef, day: { gte: first } },
    orderBy: { day: "asc" },
    select: {
      day: true,
      takenAt: true,
      openFindings: true,
      openBySeverity: true,
      openByRule: true,
      devicesReporting: true,
      joinTypes: true,
      reportsPreviousDay: true,
      devicesSilent: true,
      silentAfterDays: true,
      syncEnabled: true,
      lastSyncStatus: true,
      lastSyncAt: true,
      lastSyncSuccessAt: true,
      syncFailures24h: true,
    },
  });
  return rows.map((r) => {
    const byRule = r.openByRule && typeof r.openByRule === "object" && !Array.isArray(r.openByRule) ? (r.openByRule as Record<string, unknown>) : {};
    return {
      ...r,
      takenAt: r.takenAt.toISOString(),
      openBySeverity: counts(SEVERITIES, r.openBySeverity),
      openByRule: Object.fromEntries(Object.entries(byRule).filter((e): e is [string, number] => typeof e[1] === "number")),
      joinTypes: counts(JOIN_TYPES, r.joinTypes),
      lastSyncAt: r.lastSyncAt?.toISOString() ?? null,
      lastSyncSuccessAt: r.lastSyncSuccessAt?.toISOString() ?? null,
    };
  });
}
