/**
 * The agents' three endpoints over real HTTP, served as the production server serves them (scripts/serve.mjs): the
 * upload on the Node fast path (or, with `reports: "route"`, through its Next.js route handler, as `next dev` does),
 * enrolment and key rotation through their Next.js route handlers, each request carrying the connection's address in
 * the header serve.mjs sets.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { Readable } from "node:stream";
import { POST as enrolRoute } from "@/app/api/v1/agents/enrol/route";
import { POST as keyRoute } from "@/app/api/v1/agents/key/route";
import { POST as reportsRoute } from "@/app/api/v1/reports/route";
import { CLIENT_ADDRESS_HEADER } from "@/lib/http/client-address";
import { handleFastPath } from "@/lib/ingest/node-fast-path";

type RouteHandler = (request: Request, ctx: { params: Promise<Record<string, never>> }) => Promise<Response>;

export interface AgentApiServer {
  url: string;
  close(): Promise<void>;
}

export function startAgentApiServer(options: { reports: "fast-path" | "route" } = { reports: "fast-path" }): Promise<AgentApiServer> {
  const routes: Record<string, RouteHandler> = {
    "/api/v1/agents/enrol": enrolRoute,
    "/api/v1/agents/key": keyRoute,
    ...(options.reports === "route" ? { "/api/v1/reports": reportsRoute } : {}),
  };
  const server: Server = createServer((req, res) => {
    req.headers[CLIENT_ADDRESS_HEADER] = req.socket.remoteAddress ?? "";
    if (handleFastPath(req, res)) return;
    const route = req.method === "POST" ? routes[(req.url ?? "").split("?")[0]!] : undefined;
    if (!route) {
      res.writeHead(404).end();
      return;
    }
    serveThroughRoute(route, req, res).catch(() => res.destroy());
  });
  // As scripts/serve.mjs: an idle connection outlives the client's reuse of it. With Node's 5 s default, a loaded machine
  // let the server close a kept-alive socket just as fetch reused it (ECONNRESET in export.test.ts under load).
  server.keepAliveTimeout = 65_000;
  return new Promise((resolve) => {
    server.listen(0, "127.0.0.1", () => {
      const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
      resolve({ url, close: () => new Promise<void>((done) => server.close(() => done())) });
    });
  });
}

/** What Next.js does with a request for a route handler: a fetch Request in, its Response written out. */
async function serveThroughRoute(route: RouteHandler, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const headers = new Headers();
  for (const [name, value] of Object.entries(req.headers)) {
    if (value !== undefined) headers.set(name, Array.isArray(value) ? value.join(", ") : value);
  }
  const request = new Request(`http://127.0.0.1${req.url}`, {
    method: "POST",
    headers,
    body: Readable.toWeb(req) as ReadableStream<Uint8Array>,
    duplex: "half",
  } as RequestInit);
  const response = await route(request, { params: Promise.resolve({}) });
  const body = Buffer.from(await response.arrayBuffer());
  res.writeHead(response.status, Object.fromEntries(response.headers));
  // A body the handler refused before reading (413 on the declared length) is not drained: close, as serve.mjs's fast path does.
  res.end(body, () => {
    if (!req.complete) req.destroy();
  });
}
