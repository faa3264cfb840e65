import type { IncomingMessage, ServerResponse } from "node:http";

/**
 * One request as the login and Graph routes see it. The routes record on it whose tenant the caller is and what the
 * request cost in Graph resource units; the server shell puts both in its response headers and request log.
 */
export interface RequestContext {
  req: IncomingMessage;
  res: ServerResponse;
  url: URL;
  /** `https://<Host header>`: the simulator answers with links to the host the client called. */
  origin: string;
  requestId: string;
  clientRequestId: string;
  tenantId: string | null;
  ruCost: number;
  throttlePercentage: number | null;
}

/** A route's answer: the shell adds the headers and writes it. */
export interface RouteResult {
  status: number;
  body: string;
  /** Headers beside the shell's own (a sign-in form's Content-Type, a redirect's Location). */
  headers?: Record<string, string>;
}

/** A 200 with a body already serialised (the paged lists build their JSON by hand) or to serialise. */
export const ok = (body: unknown): RouteResult => ({ status: 200, body: typeof body === "string" ? body : JSON.stringify(body) });
