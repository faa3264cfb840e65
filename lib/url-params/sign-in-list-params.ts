/**
 * The Sign-ins view's state, kept in the URL query string (shareable, survives reload): the period, the filters and the
 * event list's keyset cursor. Parsed with zod; a bad value falls back to its default instead of failing the page.
 */
import { z } from "zod";
import { pageSizeParam } from "./page-size";

export const SIGN_IN_PERIODS = ["day", "week", "month"] as const;
export type SignInPeriod = (typeof SIGN_IN_PERIODS)[number];
export const SIGN_IN_PERIOD_LABEL: Record<SignInPeriod, string> = { day: "Today", week: "This week", month: "This month" };
/** UTC days a period covers, today included (the counts are kept per UTC day). */
export const SIGN_IN_PERIOD_DAYS: Record<SignInPeriod, number> = { day: 1, week: 7, month: 30 };
/** The sign-in rules' ids (lib/rules/signin), plus the cause of a device-related sign-in nothing explained. */
export const SIGN_IN_CAUSES = [
  "ca-device-object-gone",
  "ca-device-object-mismatch",
  "ca-device-not-joined",
  "ca-device-no-prt",
  "ca-device-not-compliant",
  "ca-device-not-presented",
  "unexplained",
] as const;
export type SignInCause = (typeof SIGN_IN_CAUSES)[number];
/** Events per page: each carries its explanation (sent twice, as HTML and as the React payload), ~12 KB a row. */
export const SIGN_IN_PAGE_SIZE = 25;
/** The page sizes offered: at most 100 events (~1.2 MB of page). */
export const SIGN_IN_PAGE_SIZES: readonly number[] = [25, 50, 100];

const first = (v: unknown) => (Array.isArray(v) ? v[0] : v);
const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
/** An event's createdDateTime (ms) and row id: the row the next page follows. */
const CURSOR = /^(\d{1,15})~([0-9A-Za-z-]{1,64})$/;
const text = (max: number) => z.preprocess(first, z.string().trim().max(max).nullable()).transform((v) => (v ? v : null));

export const SignInListParamsSchema = z.object({
  period: z.preprocess(first, z.enum(SIGN_IN_PERIODS)).catch("week"),
  cause: z.preprocess(first, z.enum(SIGN_IN_CAUSES).nullable()).catch(null),
  /** A user principal name, matched lower-case (the rows store it so). */
  user: text(320)
    .transform((v) => v?.toLowerCase() ?? null)
    .catch(null),
  /** A registration id (deviceId): the machine JoinScope tied the sign-in to, or the device it presented. */
  device: z.preprocess(first, z.string().trim().toLowerCase().regex(GUID).nullable()).catch(null),
  /** Graph's appDisplayName, exactly. */
  app: text(200).catch(null),
  after: z.preprocess(first, z.string().regex(CURSOR).nullable()).catch(null),
  /** Events per page, one of SIGN_IN_PAGE_SIZES. */
  size: pageSizeParam(SIGN_IN_PAGE_SIZE, SIGN_IN_PAGE_SIZES),
});

export type SignInListParams = z.infer<typeof SignInListParamsSchema>;

export const DEFAULT_SIGN_IN_LIST_PARAMS: SignInListParams = {
  period: "week",
  cause: null,
  user: null,
  device: null,
  app: null,
  after: null,
  size: SIGN_IN_PAGE_SIZE,
};

export function parseSignInListParams(searchParams: Record<string, string | string[] | undefined>): SignInListParams {
  return SignInListParamsSchema.parse(searchParams);
}

export function parseSignInCursor(after: string | null): { at: Date; id: string } | null {
  const m = after ? CURSOR.exec(after) : null;
  return m ? { at: new Date(Number(m[1])), id: m[2]! } : null;
}

export function signInCursor(row: { createdDateTime: string; id: string }): string {
  return `${new Date(row.createdDateTime).getTime()}~${row.id}`;
}

/** The view's URL with `change` applied. The cursor is kept only when `change` gives one: any other change starts over. */
export function signInListHref(params: SignInListParams, change: Partial<SignInListParams> = {}): string {
  const next = { ...params, after: null, ...change };
  const qs = new URLSearchParams();
  if (next.period !== DEFAULT_SIGN_IN_LIST_PARAMS.period) qs.set("period", next.period);
  if (next.cause) qs.set("cause", next.cause);
  if (next.user) qs.set("user", next.user);
  if (next.device) qs.set("device", next.device);
  if (next.app) qs.set("app", next.app);
  if (next.size !== SIGN_IN_PAGE_SIZE) qs.set("size", String(next.size));
  if (next.after) qs.set("after", next.after);
  const s = qs.toString();
  return s ? `/signins?${s}` : "/signins";
}

export function isSignInListFiltered(params: SignInListParams): boolean {
  return !!(params.cause || params.user || params.device || params.app);
}

/** 00:00 UTC of the first day of the period that ends today (`now`'s UTC day). */
export function periodStart(period: SignInPeriod, now: Date): Date {
  const today = Math.floor(now.getTime() / 86_400_000) * 86_400_000;
  return new Date(today - (SIGN_IN_PERIOD_DAYS[period] - 1) * 86_400_000);
}
