import type { RequestContext } from "./request-context";

/** An answer other than 200, thrown from anywhere in a route and written by the server shell. */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly body: unknown,
    readonly headers: Record<string, string> = {},
  ) {
    super(`HTTP ${status}`);
  }
}

/** Graph's error body (https://learn.microsoft.com/graph/errors), with the request's ids as Graph sends them. */
export function graphError(
  ctx: RequestContext,
  status: number,
  code: string,
  message: string,
  headers: Record<string, string> = {},
  nowMs = Date.now(),
): HttpError {
  return new HttpError(
    status,
    {
      error: {
        code,
        message,
        innerError: { date: new Date(nowMs).toISOString().slice(0, 19), "request-id": ctx.requestId, "client-request-id": ctx.clientRequestId },
      },
    },
    headers,
  );
}
