import "server-only";
import { randomUUID } from "node:crypto";
import { NextResponse } from "next/server";
import { ApiError, type ApiErrorBody } from "./api-error";
import { log } from "./logger";
import { isDatabaseOverloaded } from "./overload";

export interface HandlerContext {
  requestId: string;
}

type Handler<P> = (request: Request, ctx: HandlerContext & { params: P }) => Promise<Response>;

/**
 * Wraps every API route: request id, ApiError → JSON 4xx, anything unexpected → logged once and answered
 * with a 500 that leaks no stack. Handlers contain only their own logic.
 */
export function apiHandler<P = Record<string, never>>(handler: Handler<P>) {
  return async (request: Request, routeCtx: { params: Promise<P> }): Promise<Response> => {
    const requestId = request.headers.get("x-request-id")?.slice(0, 64) || randomUUID();
    try {
      const params = routeCtx?.params ? await routeCtx.params : ({} as P);
      const response = await handler(request, { requestId, params });
      response.headers.set("x-request-id", requestId);
      return response;
    } catch (error) {
      if (error instanceof ApiError) return errorResponse(error, requestId);
      if (isDatabaseOverloaded(error)) {
        log("warn", "database saturated; answered 503", { requestId, path: new URL(request.url).pathname });
        return errorResponse(
          new ApiError(503, "busy", "The server is busy; nothing was stored. Retry after the delay in Retry-After.", undefined, { "Retry-After": "5" }),
          requestId,
        );
      }
      log("error", "unhandled API error", {
        requestId,
        method: request.method,
        path: new URL(request.url).pathname,
        error: error instanceof Error ? `${error.name}: ${error.message}` : String(error),
      });
      return errorResponse(new ApiError(500, "internal-error", "Something went wrong on the server; nothing was stored"), requestId);
    }
  };
}

export function errorResponse(error: ApiError, requestId?: string): Response {
  const body: ApiErrorBody = { error: { code: error.code, message: error.message, requestId } };
  if (error.details !== undefined) body.error.details = error.details;
  return NextResponse.json(body, {
    status: error.status,
    headers: { ...error.headers, ...(requestId ? { "x-request-id": requestId } : {}) },
  });
}
