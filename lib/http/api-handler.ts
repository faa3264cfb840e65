import "server-only";
import { randomUUID } from "node:crypto";
import { NextResponse } from "next/server";
import { errorOutcome, type ApiOutcome } from "./api-outcome";
import { transportSecurityHeaders } from "./public-origin";

export interface HandlerContext {
  requestId: string;
}

type Handler<P> = (request: Request, ctx: HandlerContext & { params: P }) => Promise<Response>;

/**
 * Wraps every API route: request id, ApiError → JSON 4xx, anything unexpected → logged once and answered
 * with a 500 that leaks no stack; HSTS when served over HTTPS (next.config.ts adds the headers that never vary).
 * Handlers contain only their own logic.
 */
export function apiHandler<P = Record<string, never>>(handler: Handler<P>) {
  return async (request: Request, routeCtx: { params: Promise<P> }): Promise<Response> => {
    const requestId = request.headers.get("x-request-id")?.slice(0, 64) || randomUUID();
    let response: Response;
    try {
      const params = routeCtx?.params ? await routeCtx.params : ({} as P);
      response = await handler(request, { requestId, params });
    } catch (error) {
      response = toNextResponse(errorOutcome(error, { requestId, method: request.method, path: new URL(request.url).pathname }));
    }
    response.headers.set("x-request-id", requestId);
    for (const [name, value] of Object.entries(transportSecurityHeaders(request.headers))) response.headers.set(name, value);
    return response;
  };
}

export function toNextResponse(outcome: ApiOutcome): NextResponse {
  return NextResponse.json(outcome.body, { status: outcome.status, headers: outcome.headers });
}
