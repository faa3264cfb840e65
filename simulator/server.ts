/**
 * An HTTPS stand-in for Entra ID (login) and Microsoft Graph on loopback, speaking their real
 * protocols so MSAL Node and the Graph client run unmodified against it (see README.md).
 *
 * This file is the server shell: it listens, builds each request's context, applies latency and injected faults,
 * hands the request to the login routes (login/) or the Graph routes (graph/), writes the answer with Graph's and
 * Entra's headers, and logs it. The handle it returns is how tests drive the simulated directory.
 *
 * Login: https://learn.microsoft.com/entra/identity-platform/v2-oauth2-client-creds-grant-flow
 * Graph paging and delta: https://learn.microsoft.com/graph/paging, https://learn.microsoft.com/graph/delta-query-overview
 * Throttling headers: https://learn.microsoft.com/graph/throttling-limits
 */
import { randomUUID } from "node:crypto";
import { createServer, type Server } from "node:https";
import type { IncomingMessage, ServerResponse } from "node:http";
import type { AddressInfo, Socket } from "node:net";
import { ensureSimulatorCertificates, type SimulatorCertificates } from "./certificates";
import type { DeviceStore } from "./device-store";
import { createFaultQueue, faultError, type FaultKind, type FaultSpec } from "./faults/fault-injection";
import { createRequestWindow, type RequestWindowLimit } from "./faults/request-window";
import { createThrottlingBudget, type RuBudget } from "./faults/throttling-budget";
import { routeGraph } from "./graph/graph-routes";
import type { GraphServices } from "./graph/graph-services";
import { PAGE_CACHE_BYTES, PageCache } from "./graph/page-cache";
import { MAX_PAGE } from "./graph/query-options";
import { HttpError } from "./http/http-error";
import type { RequestContext } from "./http/request-context";
import { createAccessTokens, GRAPH_RESOURCE } from "./login/access-tokens";
import { routeLogin } from "./login/login-routes";
import type { LoginServices } from "./login/login-services";
import { appendRequestLog, type RequestLogEntry } from "./request-log";
import type { SignInLog } from "./sign-ins/sign-in-log";
import { createTenantDirectory, type SimTenant } from "./tenant-directory";

export type { DeviceStore } from "./device-store";
export type { FaultKind, FaultSpec } from "./faults/fault-injection";
export type { RuBudget } from "./faults/throttling-budget";
export type { RequestLogEntry } from "./request-log";
export type { SignInLog } from "./sign-ins/sign-in-log";
export type { SimSignIn } from "./sign-ins/sim-sign-in";
export type { SimApp, SimTenant, SimUser } from "./tenant-directory";

export interface StartSimulatorOptions {
  /** 0 (default) picks a free port. */
  port?: number;
  /** Listen address. Default 127.0.0.1. */
  host?: string;
  tenants: SimTenant[];
  faults?: FaultSpec[];
  /** Added before every response (the ingest bench uses 20). */
  latencyMs?: number;
  /** Default page size when the caller sends no $top (Graph's directory default is 100). */
  pageSize?: number;
  /** Delta page size when no $top is sent. Default 200. */
  deltaPageSize?: number;
  /** Off by default. When set, each app+tenant gets this many resource units per 10 s, then 429. */
  ruBudget?: RuBudget;
  /** Access-token lifetime. Default 3,599 s like Entra. */
  tokenLifetimeSeconds?: number;
  /** Delta tokens older than this answer 400 syncStateNotFound. Default 7 days. */
  deltaTokenLifetimeMs?: number;
  /**
   * Page tokens ($skiptoken of /devices and of a delta round) older than this answer 400 (Directory_ExpiredPageToken
   * on /devices, syncStateNotFound within a delta round). Default 1 hour.
   */
  pageTokenLifetimeMs?: number;
  /**
   * Delta kinder than Graph: whole objects with nulls for unset properties, no replays or duplicates (decision 010).
   * Default false (strict, as Graph documents delta); for a test that needs it.
   */
  lenientDelta?: boolean;
  /** Seed of the strict delta's duplicates and replays. Default 1. */
  seed?: number;
  /** Certificates to serve; default: ensureSimulatorCertificates() under data/simulator/tls. */
  certificates?: SimulatorCertificates;
  /** Clock, for expiry tests. Default Date.now. */
  now?: () => number;
  /**
   * Requests per window per app and tenant on `/auditLogs/signIns`, then 429 + Retry-After. Default Graph's five per
   * 10 seconds; null turns it off (the bench).
   */
  reportsThrottle?: RequestWindowLimit | null;
  /** Added to every `/auditLogs/signIns` answer (the sign-in log answers slowly). Default 0. */
  signInLatencyMs?: number;
}

export interface TenantSummary {
  tenantId: string;
  tenantName: string;
  clientId: string;
  clientSecret: string | undefined;
  permissions: string[];
  authority: string;
}

export interface SimulatorHandle {
  /** https://127.0.0.1:PORT — both the login host and the Graph host. */
  url: string;
  port: number;
  /** Login host without scheme, like `login.microsoftonline.com` (lib/graph's CloudEndpoints.authorityHost): `127.0.0.1:PORT`. Authority = `https://${authorityHost}/${tenantId}`. */
  authorityHost: string;
  /** Graph service root (no version), like https://graph.microsoft.com. */
  graphBaseUrl: string;
  /** What MSAL needs: `{ authority, knownAuthorities }` (instance discovery would otherwise call login.microsoftonline.com). */
  msalAuthority(tenantId: string): { authority: string; knownAuthorities: string[] };
  caPem: string;
  caPath: string;
  tenants: TenantSummary[];
  /** Mutable directory state: change devices between syncs to drive delta. */
  state: {
    tenant(tenantId: string): DeviceStore;
    tenants: DeviceStore[];
    /** The tenant's sign-in log: add events between pulls. */
    signIns(tenantId: string): SignInLog;
  };
  /** The tenant gains or loses Microsoft Entra ID P1/P2: without it `/auditLogs/signIns` answers 403. */
  setPremium(tenantId: string, premium: boolean): void;
  injectFault(fault: FaultSpec): void;
  clearFaults(): void;
  /** Every delta token issued so far answers 400 syncStateNotFound (expired sync state). */
  expireDeltaTokens(): void;
  /** Every delta token issued so far answers 410 Gone (service-side reset). */
  resetDeltaState(): void;
  setLatency(ms: number): void;
  /**
   * Admin consent granted (or revoked) while JoinScope runs: tokens issued from now on carry these roles; tokens
   * issued before keep theirs until they expire, as Entra's do.
   */
  setAppPermissions(tenantId: string, clientId: string, permissions: string[]): void;
  /** The app's client secret expires: the token endpoint answers 401 AADSTS7000222 for it from now on. */
  expireClientSecret(tenantId: string, clientId?: string): void;
  /** Issues an access token directly (e.g. an already-expired one for 401 tests). */
  issueAccessToken(options: { tenantId: string; clientId?: string; roles?: string[]; lifetimeSeconds?: number }): string;
  requestLog: RequestLogEntry[];
  close(): Promise<void>;
}

const JSON_CONTENT_TYPE = "application/json;odata.metadata=minimal;odata.streaming=true;IEEE754Compatible=false;charset=utf-8";

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export async function startSimulator(options: StartSimulatorOptions): Promise<SimulatorHandle> {
  if (options.tenants.length === 0) throw new Error("startSimulator needs at least one tenant");
  const certificates = options.certificates ?? (await ensureSimulatorCertificates());
  const now = options.now ?? Date.now;
  let latencyMs = options.latencyMs ?? 0;

  const directory = createTenantDirectory(options.tenants, options.seed ?? 1);
  const accessTokens = createAccessTokens({ lifetimeSeconds: options.tokenLifetimeSeconds ?? 3599, now });
  const login: LoginServices = { directory, accessTokens, now, codes: new Map() };
  const graph: GraphServices = {
    directory,
    accessTokens,
    budget: createThrottlingBudget({ budget: options.ruBudget, now }),
    pageCache: new PageCache(PAGE_CACHE_BYTES),
    now,
    pageSize: Math.min(options.pageSize ?? 100, MAX_PAGE),
    deltaPageSize: Math.min(options.deltaPageSize ?? 200, MAX_PAGE),
    pageTokenLifetimeMs: options.pageTokenLifetimeMs ?? 3600 * 1000,
    deltaTokenLifetimeMs: options.deltaTokenLifetimeMs ?? 7 * 24 * 3600 * 1000,
    lenientDelta: options.lenientDelta ?? false,
    reportsThrottle: createRequestWindow({ limit: options.reportsThrottle === undefined ? { requests: 5, windowSeconds: 10 } : options.reportsThrottle, now }),
    signInLatencyMs: options.signInLatencyMs ?? 0,
  };
  const faults = createFaultQueue(options.faults ?? []);
  const requestLog: RequestLogEntry[] = [];
  const sockets = new Set<Socket>();

  const route = async (ctx: RequestContext) => {
    const method = ctx.req.method ?? "GET";
    const path = ctx.url.pathname.replace(/\/+$/, "") || "/";
    if (graph.signInLatencyMs > 0 && path.endsWith("/auditLogs/signIns")) await sleep(graph.signInLatencyMs);
    const answer = (await routeLogin(login, ctx, method, path)) ?? routeGraph(graph, ctx, method, path);
    if (answer) return answer;
    throw new HttpError(404, { error: { code: "NotFound", message: `No simulator route for ${method} ${path}` } });
  };

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const started = now();
    const requestId = randomUUID();
    const incomingClientId = req.headers["client-request-id"];
    const origin = `https://${req.headers.host ?? `127.0.0.1:${port}`}`;
    const url = new URL(req.url ?? "/", origin);
    // MSAL sends client-request-id as a query parameter on the token endpoint, Graph clients as a header.
    const clientRequestId = (typeof incomingClientId === "string" && incomingClientId) || url.searchParams.get("client-request-id") || requestId;
    const ctx: RequestContext = { req, res, url, origin, requestId, clientRequestId, tenantId: null, ruCost: 1, throttlePercentage: null };
    const pathAndQuery = req.url ?? "/";
    let faultKind: FaultKind | null = null;
    const log = (status: number) => {
      appendRequestLog(requestLog, {
        time: new Date(started).toISOString(),
        method: req.method ?? "GET",
        path: pathAndQuery,
        userAgent: req.headers["user-agent"] ?? null,
        status,
        durationMs: now() - started,
        tenantId: ctx.tenantId,
        requestId,
        fault: faultKind,
      });
    };

    const baseHeaders: Record<string, string> = {
      "request-id": requestId,
      "client-request-id": clientRequestId,
      "x-ms-ags-diagnostic": JSON.stringify({ ServerInfo: { DataCenter: "Simulator", Slice: "E", Ring: "0", ScaleUnit: "000", RoleInstance: "SIM" } }),
      "Strict-Transport-Security": "max-age=31536000",
      "Cache-Control": "no-store, no-cache",
    };

    const send = (status: number, body: string, extra: Record<string, string> = {}) => {
      const isGraph = /^\/(v1\.0|beta)\//.test(url.pathname);
      const headers: Record<string, string> = {
        ...baseHeaders,
        "Content-Type": isGraph ? JSON_CONTENT_TYPE : "application/json; charset=utf-8",
        "Content-Length": String(Buffer.byteLength(body)),
        ...(isGraph ? { "OData-Version": "4.0", "x-ms-resource-unit": String(ctx.ruCost) } : {}),
        ...(ctx.throttlePercentage !== null ? { "x-ms-throttle-limit-percentage": String(ctx.throttlePercentage) } : {}),
        ...extra,
      };
      res.writeHead(status, headers);
      res.end(body);
      log(status);
    };

    try {
      if (latencyMs > 0) await sleep(latencyMs);
      const fault = faults.take(pathAndQuery);
      if (fault) {
        faultKind = fault.kind;
        switch (fault.kind) {
          case "reset":
            log(0);
            req.socket.destroy();
            return;
          case "slow":
            await sleep(fault.delayMs ?? 2000);
            break;
          default:
            throw faultError(ctx, { kind: fault.kind, retryAfterSeconds: fault.retryAfterSeconds, nowMs: now() });
        }
      }
      const result = await route(ctx);
      send(result.status, result.body, result.headers);
    } catch (error) {
      if (res.headersSent || res.destroyed) return;
      if (error instanceof HttpError) {
        send(error.status, JSON.stringify(error.body), error.headers);
      } else {
        // Unexpected: answer like Graph does, without a stack.
        process.stderr.write(
          `[simulator] ${req.method} ${pathAndQuery} request-id=${requestId}: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
        );
        send(
          500,
          JSON.stringify({ error: { code: "generalException", message: "An unexpected simulator error occurred.", innerError: { "request-id": requestId } } }),
        );
      }
    }
  };

  const server: Server = createServer({ key: certificates.keyPem, cert: certificates.certPem, keepAlive: true }, (req, res) => {
    void handle(req, res);
  });
  server.on("connection", (socket: Socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
  });
  server.on("tlsClientError", () => {
    // A client that does not trust the CA hangs up during the handshake; nothing to answer.
  });

  const host = options.host ?? "127.0.0.1";
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? 0, host, () => {
      server.off("error", reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  const hostForUrl = host.includes(":") ? `[${host}]` : host === "0.0.0.0" ? "127.0.0.1" : host;
  const url = `https://${hostForUrl}:${port}`;

  const storeFor = (tenantId: string): DeviceStore => {
    const t = directory.get(tenantId);
    if (!t) throw new Error(`unknown simulated tenant ${tenantId}`);
    return t.store;
  };

  return {
    url,
    port,
    authorityHost: new URL(url).host,
    graphBaseUrl: url,
    msalAuthority: (tenantId) => ({ authority: `${url}/${tenantId}`, knownAuthorities: [new URL(url).host] }),
    caPem: certificates.caPem,
    caPath: certificates.caPath,
    tenants: options.tenants.map((t) => ({
      tenantId: t.tenantId,
      tenantName: t.tenantName,
      clientId: t.clientId,
      clientSecret: t.clientSecret,
      permissions: [...t.permissions],
      authority: `${url}/${t.tenantId}`,
    })),
    state: {
      tenant: storeFor,
      get tenants() {
        return directory.all().map((t) => t.store);
      },
      signIns: (tenantId) => {
        const t = directory.get(tenantId);
        if (!t) throw new Error(`unknown simulated tenant ${tenantId}`);
        return t.signInLog;
      },
    },
    setPremium: (tenantId, premium) => {
      const t = directory.get(tenantId);
      if (!t) throw new Error(`unknown simulated tenant ${tenantId}`);
      t.premium = premium;
    },
    injectFault: (fault) => faults.add(fault),
    clearFaults: () => faults.clear(),
    expireDeltaTokens: () => {
      for (const t of directory.all()) t.expiredBeforeSerial = t.nextDeltaSerial;
    },
    resetDeltaState: () => {
      for (const t of directory.all()) t.resetBeforeSerial = t.nextDeltaSerial;
    },
    setLatency: (ms) => {
      latencyMs = ms;
    },
    setAppPermissions: (tenantId, clientId, permissions) => {
      const app = directory.get(tenantId)?.apps.get(clientId.toLowerCase());
      if (!app) throw new Error(`unknown app ${clientId} in ${tenantId}`);
      app.permissions = [...permissions];
    },
    expireClientSecret: (tenantId, clientId) => {
      const tenant = directory.get(tenantId);
      const app = tenant?.apps.get((clientId ?? tenant.config.clientId).toLowerCase());
      if (!app) throw new Error(`unknown app ${clientId ?? ""} in ${tenantId}`);
      app.secretExpired = true;
    },
    issueAccessToken: ({ tenantId, clientId, roles, lifetimeSeconds }) => {
      const tenant = directory.get(tenantId);
      if (!tenant) throw new Error(`unknown simulated tenant ${tenantId}`);
      const app = tenant.apps.get((clientId ?? tenant.config.clientId).toLowerCase());
      if (!app) throw new Error(`unknown app ${clientId ?? ""}`);
      return accessTokens.issue({
        tenant,
        app: roles ? { ...app, permissions: roles } : app,
        audience: GRAPH_RESOURCE,
        appidacr: "1",
        ...(lifetimeSeconds !== undefined ? { lifetimeSeconds } : {}),
      }).token;
    },
    requestLog,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        for (const s of sockets) s.destroy();
      }),
  };
}
