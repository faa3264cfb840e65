/**
 * The dashboard's admin API routes over real HTTP, as Next.js serves a route handler: a fetch Request in (with the
 * browser's Cookie header), its Response streamed out chunk by chunk as the client reads it. A session for a fresh
 * admin account comes from the real sign-in (loginAdmin).
 */
import { randomUUID } from "node:crypto";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { GET as reportRaw } from "@/app/(dashboard)/reports/[id]/raw/route";
import { GET as auditExport } from "@/app/api/v1/audit/export/route";
import { GET as changeBoardExport } from "@/app/api/v1/devices/change-board/route";
import { GET as devicesExport } from "@/app/api/v1/devices/export/route";
import { GET as findingsExport } from "@/app/api/v1/findings/export/route";
import { POST as saveProxyDiagnosis } from "@/app/api/v1/proxy/diagnoses/route";
import { GET as signInFindings } from "@/app/api/v1/signins/[id]/findings/route";
import { GET as syncRuns } from "@/app/api/v1/sync-runs/route";
import { GET as tenantChanges } from "@/app/api/v1/tenants/[tenantId]/changes/route";
import { loginAdmin, SESSION_COOKIE } from "@/lib/auth/admin-sessions";
import type { Db } from "@/lib/db/client";
import { letRoutesEncode } from "../../scripts/lib/route-encoding.mjs";
import { createAdminWithCheapHash } from "./factories";

type RouteHandler = (request: Request, ctx: { params: Promise<Record<string, string>> }) => Promise<Response>;

const ROUTES: { pattern: RegExp; handler: RouteHandler; method?: "POST" }[] = [
  { pattern: /^\/api\/v1\/devices\/export$/, handler: devicesExport },
  { pattern: /^\/api\/v1\/devices\/change-board$/, handler: changeBoardExport },
  { pattern: /^\/api\/v1\/findings\/export$/, handler: findingsExport },
  { pattern: /^\/api\/v1\/sync-runs$/, handler: syncRuns },
  { pattern: /^\/api\/v1\/signins\/(?<id>[^/]+)\/findings$/, handler: signInFindings as RouteHandler },
  { pattern: /^\/api\/v1\/tenants\/(?<tenantId>[^/]+)\/changes$/, handler: tenantChanges as RouteHandler },
  { pattern: /^\/api\/v1\/audit\/export$/, handler: auditExport },
  { pattern: /^\/reports\/(?<id>[^/]+)\/raw$/, handler: reportRaw as RouteHandler },
  { pattern: /^\/api\/v1\/proxy\/diagnoses$/, handler: saveProxyDiagnosis, method: "POST" },
];

/** The headers Next.js 16 drops from a route handler's Response (next/dist/server/send-response.js). */
const NEXT_DROPS = ["content-length", "content-encoding", "transfer-encoding"];

export interface AdminApiServer {
  url: string;
  close(): Promise<void>;
}

export function startAdminApiServer(): Promise<AdminApiServer> {
  const server: Server = createServer((req, res) => {
    const path = (req.url ?? "").split("?")[0]!;
    const route = ROUTES.map((r) => ({ r, m: (r.method ?? "GET") === req.method ? r.pattern.exec(path) : null })).find((x) => x.m);
    if (!route) {
      res.writeHead(404).end();
      return;
    }
    const params = Object.fromEntries(Object.entries(route.m!.groups ?? {}).map(([k, v]) => [k, decodeURIComponent(v)]));
    // As the production server does before handing a request to Next.js (scripts/serve.mjs).
    letRoutesEncode(req, res);
    serve(route.r.handler, params, req, res).catch(() => res.destroy());
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

async function serve(route: RouteHandler, params: Record<string, string>, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const headers = new Headers();
  for (const [name, value] of Object.entries(req.headers)) {
    if (value !== undefined) headers.set(name, Array.isArray(value) ? value.join(", ") : value);
  }
  // A POST's body streams in as the handler reads it (as Next.js passes it): a handler that answers before reading
  // leaves the rest unread.
  const init: RequestInit & { duplex?: "half" } =
    req.method === "POST" ? { method: "POST", headers, body: Readable.toWeb(req) as ReadableStream<Uint8Array>, duplex: "half" } : { method: "GET", headers };
  const response = await route(new Request(`http://127.0.0.1${req.url}`, init), { params: Promise.resolve(params) });
  // As Next.js's sendResponse: each header through setHeader, without the framing headers it drops from a route's own.
  for (const [name, value] of response.headers) if (!NEXT_DROPS.includes(name)) res.setHeader(name, value);
  res.writeHead(response.status);
  if (!response.body) {
    res.end();
    return;
  }
  // Streamed with Node's backpressure, as Next.js writes a route handler's body.
  await pipeline(Readable.fromWeb(response.body as import("node:stream/web").ReadableStream<Uint8Array>), res);
}

/** A signed-in admin's Cookie header (a new account each call; Admin unless a role is given). */
export async function signedInCookie(db: Db, role: "Reader" | "Operator" | "Admin" = "Admin"): Promise<string> {
  const email = `admin-${randomUUID().slice(0, 8)}@joinscope.test`;
  await createAdminWithCheapHash(db, { email, password: "a long enough password", role });
  const login = await loginAdmin(db, { email, password: "a long enough password", clientAddress: "127.0.0.1" });
  if (!login.ok) throw new Error(login.error.message);
  return `${SESSION_COOKIE}=${login.sessionToken}`;
}
