/**
 * The Graph requests of the sign-in pull, in one place (the pull, "Test connection" and the tests send exactly these).
 * `GET /v1.0/auditLogs/signIns` pages 1,000 events at most, newest first, and supports `$filter` on createdDateTime,
 * conditionalAccessStatus and status/errorCode (https://learn.microsoft.com/graph/api/signin-list,
 * https://learn.microsoft.com/graph/api/resources/signin). It is throttled at five requests per 10 seconds per app and
 * tenant (https://learn.microsoft.com/graph/throttling-limits, "Identity and access reports service limits"), so the
 * client keeps to that budget. docs/domain.md, "Reading the sign-in log".
 */

/** The list's largest page. */
export const SIGN_IN_PAGE_SIZE = 1000;

/** Identity and access reports: five requests per 10 seconds per app and tenant. */
export const SIGN_IN_REQUEST_WINDOW = { requests: 5, seconds: 10 } as const;

/**
 * What the pull reads, one query after the other over the same window: every sign-in Conditional Access failed
 * (53000 and 53001 among them), then the device-authentication errors that may come without a CA failure.
 */
export const SIGN_IN_QUERIES = ["ca-failure", "device-errors"] as const;
export type SignInQuery = (typeof SIGN_IN_QUERIES)[number];

/** Graph's DateTimeOffset literal: UTC with a `Z`, which needs no escaping in a URL. */
export function odataTime(at: Date): string {
  return at.toISOString();
}

export function signInFilter(query: SignInQuery, from: Date, to: Date): string {
  const window = `createdDateTime ge ${odataTime(from)} and createdDateTime le ${odataTime(to)}`;
  return query === "ca-failure"
    ? `${window} and conditionalAccessStatus eq 'failure'`
    : `${window} and (status/errorCode eq 50097 or status/errorCode eq 50129)`;
}

export function signInsRequest(query: SignInQuery, from: Date, to: Date, pageSize = SIGN_IN_PAGE_SIZE): string {
  return `/auditLogs/signIns?$top=${pageSize}&$filter=${encodeURIComponent(signInFilter(query, from, to))}`;
}

/** "Test connection": one sign-in, to learn whether the app may read the log and the tenant has the licence. */
export const SIGN_IN_PROBE_REQUEST = "/auditLogs/signIns?$top=1";
