/**
 * The login endpoints' error body, as Entra ID sends it: an OAuth 2.0 error with the AADSTS code in its description
 * (https://learn.microsoft.com/entra/identity-platform/reference-error-codes).
 */
import { randomUUID } from "node:crypto";
import { HttpError } from "../http/http-error";
import type { RequestContext } from "../http/request-context";

/** `2025-03-10 12:00:00Z` as Entra prints timestamps in error bodies. */
const entraTimestamp = (ms: number) => `${new Date(ms).toISOString().slice(0, 19).replace("T", " ")}Z`;

export function entraError(ctx: RequestContext, status: number, error: string, code: number, description: string, nowMs: number): HttpError {
  const ts = entraTimestamp(nowMs);
  const traceId = randomUUID();
  return new HttpError(status, {
    error,
    error_description: `AADSTS${code}: ${description} Trace ID: ${traceId} Correlation ID: ${ctx.clientRequestId} Timestamp: ${ts}`,
    error_codes: [code],
    timestamp: ts,
    trace_id: traceId,
    correlation_id: ctx.clientRequestId,
    error_uri: `${ctx.origin}/error?code=${code}`,
  });
}

/** AADSTS90002: the path names no tenant the simulator holds (by id or verified domain). */
export const tenantNotFound = (ctx: RequestContext, segment: string, nowMs: number, error = "invalid_request") =>
  entraError(
    ctx,
    400,
    error,
    90002,
    `Tenant '${segment}' not found. Check to make sure you have the correct tenant ID and are signing into the correct cloud. Check with your subscription administrator, this may happen if there are no active subscriptions for the tenant.`,
    nowMs,
  );
