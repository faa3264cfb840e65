/**
 * When a tenant's scheduled digest is due and which period it covers (issue 23, item 7; decision 024). Pure: the
 * scheduler passes `now`. Times are UTC, as the daily snapshots' days are: an admin in another zone picks the UTC
 * hour that is their morning (Settings says so).
 */
export const DIGEST_FREQUENCIES = ["daily", "weekly"] as const;
export type DigestFrequency = (typeof DIGEST_FREQUENCIES)[number];

export interface DigestSchedule {
  frequency: DigestFrequency;
  /** 0 (Sunday) to 6 (Saturday): the day a weekly digest goes out. */
  weekday: number;
  /** 0 to 23, UTC. */
  hour: number;
}

const HOUR_MS = 3600_000;
const DAY_MS = 24 * HOUR_MS;

export const WEEKDAY_NAMES = ["Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"] as const;

/** How many days a digest of this frequency covers. */
export function digestPeriodDays(frequency: DigestFrequency): number {
  return frequency === "daily" ? 1 : 7;
}

/**
 * The latest time at or before `now` the schedule names: today's (or yesterday's) `hour` for a daily digest, the
 * latest `weekday` at `hour` for a weekly one. The scheduler sends a slot once (DigestSettings.lastSlotAt): a slot
 * missed while no instance ran is sent late, at the next tick, and covers the period that ended at the slot.
 */
export function latestDigestSlot(schedule: DigestSchedule, now: Date): Date {
  const today = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate());
  let slot = today + schedule.hour * HOUR_MS;
  if (schedule.frequency === "daily") return new Date(slot > now.getTime() ? slot - DAY_MS : slot);
  slot -= ((now.getUTCDay() - schedule.weekday + 7) % 7) * DAY_MS;
  return new Date(slot > now.getTime() ? slot - 7 * DAY_MS : slot);
}

/** The period a digest sent at `slot` covers: the `digestPeriodDays` before it. */
export function digestPeriodBefore(slot: Date, frequency: DigestFrequency): { since: Date; until: Date } {
  return { since: new Date(slot.getTime() - digestPeriodDays(frequency) * DAY_MS), until: slot };
}

/** "every Monday at 08:00 UTC", "every day at 07:00 UTC". */
export function describeDigestSchedule(schedule: DigestSchedule): string {
  const at = `${String(schedule.hour).padStart(2, "0")}:00 UTC`;
  return schedule.frequency === "daily" ? `every day at ${at}` : `every ${WEEKDAY_NAMES[schedule.weekday] ?? "Monday"} at ${at}`;
}
