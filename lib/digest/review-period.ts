/**
 * The weekly review's periods (issue 23, item 7): what changed over the last day, week or month, and how many days of
 * daily snapshots its trend lines span (more than the period itself: a day has one snapshot, a line needs several).
 */
export const REVIEW_PERIODS = ["day", "week", "month"] as const;
export type ReviewPeriod = (typeof REVIEW_PERIODS)[number];

const DAY_MS = 24 * 3600_000;

export const REVIEW_PERIOD_LABEL: Record<ReviewPeriod, string> = { day: "Last 24 hours", week: "Last 7 days", month: "Last 30 days" };
const PERIOD_DAYS: Record<ReviewPeriod, number> = { day: 1, week: 7, month: 30 };
const TREND_DAYS: Record<ReviewPeriod, number> = { day: 7, week: 28, month: 90 };

export function isReviewPeriod(value: unknown): value is ReviewPeriod {
  return typeof value === "string" && (REVIEW_PERIODS as readonly string[]).includes(value);
}

/** The period ending at `now`, and the days of snapshots its trend shows (today included). */
export function reviewWindow(period: ReviewPeriod, now: Date): { since: Date; until: Date; trendDays: number } {
  return { since: new Date(now.getTime() - PERIOD_DAYS[period] * DAY_MS), until: now, trendDays: TREND_DAYS[period] };
}
