import "server-only";
import { randomUUID } from "node:crypto";
import { NextResponse } from "next/server";
import { errorOutcome, type ApiOutcome } from "./api-outcome";

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
      return toNextResponse(errorOutcome(error, { requestId, method: request.method, path: new URL(request.url).pathname }));
    }
  };
}

export function toNextResponse(outcome: ApiOutcome): NextResponse {
  return NextResponse.json(outcome.body, { status: outcome.status, headers: outcome.headers });
}
