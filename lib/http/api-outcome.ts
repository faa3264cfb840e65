import "server-only";
import { ApiError, type ApiErrorBody } from "./api-error";
import { log } from "@/lib/log/logger";
import { isDatabaseOverloaded } from "./overload";

/** An API answer independent of the server that sends it (Next.js route handler or the Node fast path). */
export interface ApiOutcome {
  status: number;
  body: unknown;
  headers: Record<string, string>;
}

export interface RequestInfo {
  requestId: string;
  method: string;
  path: string;
}

/**
 * Any error thrown by an API handler, as the answer the client gets: ApiError → its JSON 4xx, a saturated
 * database → 503 with Retry-After, anything else → logged once and a 500 that leaks no stack.
 */
export function errorOutcome(error: unknown, request: RequestInfo): ApiOutcome {
  if (error instanceof ApiError) return apiErrorOutcome(error, request.requestId);
  if (isDatabaseOverloaded(error)) {
    log("warn", "database saturated; answered 503", { requestId: request.requestId, path: request.path });
    return apiErrorOutcome(
      new ApiError(503, "busy", "The server is busy; nothing was stored. Retry after the delay in Retry-After.", undefined, { "Retry-After": "5" }),
      request.requestId,
    );
  }
  log("error", "unhandled API error", {
    requestId: request.requestId,
    method: request.method,
    path: request.path,
    error: error instanceof Error ? `${error.name}: ${error.message}` : String(error),
  });
  return apiErrorOutcome(new ApiError(500, "internal-error", "Something went wrong on the server; nothing was stored"), request.requestId);
}

function apiErrorOutcome(error: ApiError, requestId?: string): ApiOutcome {
  const body: ApiErrorBody = { error: { code: error.code, message: error.message, requestId } };
  if (error.details !== undefined) body.error.details = error.details;
  return { status: error.status, body, headers: { ...error.headers, ...(requestId ? { "x-request-id": requestId } : {}) } };
}
