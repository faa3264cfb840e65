/**
 * An HTTPS stand-in for Entra ID (login) and Microsoft Graph on loopback, speaking their real
 * protocols so MSAL Node and the Graph client run unmodified against it (see README.md).
 *
 * Login: https://learn.microsoft.com/entra/identity-platform/v2-oauth2-client-creds-grant-flow
 * Graph paging and delta: https://learn.microsoft.com/graph/paging, https://learn.microsoft.com/graph/delta-query-overview
 * Throttling headers: https://learn.microsoft.com/graph/throttling-limits
 */
import { generateKeyPairSync, randomUUID, timingSafeEqual, X509Certificate } from "node:crypto";
import { createServer, type Server } from "node:https";
import type { IncomingMessage, ServerResponse } from "node:http";
import type { AddressInfo, Socket } from "node:net";
import { ensureSimulatorCertificates, type SimulatorCertificates } from "./certificates";
import { DeviceStore, type DeltaRef } from "./device-store";
import { createPrng, type Prng } from "./prng";
import DEVICE_V1_PROPERTIES from "@/lib/graph/vendor/device-v1-properties.json";
import { decodeJwt, signJwt, verifyJwtSignature, type JwtPayload } from "./jwt";
import type { BitlockerRecoveryKeyInfo, DeviceLocalCredentialInfo, GraphDevice } from "./types";

// ---------------------------------------------------------------------------------------------
// Public types

export interface SimApp {
  clientId: string;
  /** Client secret value; omit for certificate-only apps. */
  clientSecret?: string;
  /** Application permissions granted with admin consent, e.g. "Device.Read.All". They become the token's `roles`. */
  permissions: string[];
  /** PEM certificates registered on the app, for the client-assertion flow. */
  certificates?: string[];
  displayName?: string;
}

export interface SimTenant {
  tenantId: string;
  tenantName: string;
  /** The primary app registration (the one JoinScope is configured with). */
  clientId: string;
  clientSecret?: string;
  permissions: string[];
  clientCertificates?: string[];
  /** More app registrations in the same tenant, e.g. one without Device.Read.All. */
  extraApps?: SimApp[];
  /** Verified domains; `<label>.onmicrosoft.com` is added automatically. */
  domains?: string[];
  devices: readonly GraphDevice[];
  deletedDevices?: readonly GraphDevice[];
  bitlockerKeys?: readonly BitlockerRecoveryKeyInfo[];
  lapsCredentials?: readonly DeviceLocalCredentialInfo[];
}

export type FaultKind = "429" | "503" | "500" | "reset" | "slow" | "410";

export interface FaultSpec {
  kind: FaultKind;
  /** Tested against path + query string, e.g. /\/v1\.0\/devices/. Default: every request. */
  path?: RegExp;
  /** How many matching requests it hits. Default 1. */
  times?: number;
  /** Retry-After for 429 and 503, in seconds. Default 1. */
  retryAfterSeconds?: number;
  /** Delay for "slow", in ms. Default 2,000. */
  delayMs?: number;
}

export interface RequestLogEntry {
  time: string;
  method: string;
  /** Path and query string as received. */
  path: string;
  /** The request's User-Agent header (null when absent). */
  userAgent: string | null;
  /** 0 when the socket was reset by a fault. */
  status: number;
  durationMs: number;
  tenantId: string | null;
  requestId: string;
  fault: FaultKind | null;
}

/** Entra's per app+tenant identity budget per 10 s (docs/domain.md, *Reading devices from Graph*). */
export type RuBudget = "S" | "M" | "L" | number;

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
   * Delta as kind as before issue 25: whole objects with nulls for unset properties, no replays or duplicates.
   * Default false (strict, as Graph documents delta); for the few tests that need it.
   */
  lenientDelta?: boolean;
  /** Seed of the strict delta's duplicates and replays. Default 1. */
  seed?: number;
  /** Certificates to serve; default: ensureSimulatorCertificates() under data/simulator/tls. */
  certificates?: SimulatorCertificates;
  /** Clock, for expiry tests. Default Date.now. */
  now?: () => number;
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
  state: { tenant(tenantId: string): DeviceStore; tenants: DeviceStore[] };
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

// ---------------------------------------------------------------------------------------------
// Constants

const GRAPH_RESOURCE = "https://graph.microsoft.com";
const GRAPH_APP_ID = "00000003-0000-0000-c000-000000000000";
const RU_BUDGETS: Record<"S" | "M" | "L", number> = { S: 3500, M: 5000, L: 8000 };
const MAX_PAGE = 999;
const PAGE_CACHE_BYTES = 128 * 1024 * 1024;
const REQUEST_LOG_MAX = 100_000;
const JSON_CONTENT_TYPE = "application/json;odata.metadata=minimal;odata.streaming=true;IEEE754Compatible=false;charset=utf-8";

const READ_DEVICES = ["Device.Read.All", "Device.ReadWrite.All", "Directory.Read.All", "Directory.ReadWrite.All"];
const READ_BITLOCKER_BASIC = ["BitlockerKey.ReadBasic.All", "BitlockerKey.Read.All"];
const READ_LAPS_BASIC = ["DeviceLocalCredential.ReadBasic.All", "DeviceLocalCredential.Read.All"];

/**
 * The device properties Graph v1.0 documents (vendored with its source URL in lib/graph/vendor): `$select` of any
 * other answers 400, as Graph does for a property its v1.0 schema lacks.
 */
const DEVICE_PROPERTIES: ReadonlySet<string> = new Set(DEVICE_V1_PROPERTIES.properties);

// ---------------------------------------------------------------------------------------------
// Small helpers

class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly body: unknown,
    readonly headers: Record<string, string> = {},
  ) {
    super(`HTTP ${status}`);
  }
}

interface RequestContext {
  req: IncomingMessage;
  res: ServerResponse;
  url: URL;
  origin: string;
  requestId: string;
  clientRequestId: string;
  tenantId: string | null;
  ruCost: number;
  throttlePercentage: number | null;
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** `2025-03-10 12:00:00Z` as Entra prints timestamps in error bodies. */
const entraTimestamp = (ms: number) => `${new Date(ms).toISOString().slice(0, 19).replace("T", " ")}Z`;

function graphError(ctx: RequestContext, status: number, code: string, message: string, headers: Record<string, string> = {}, nowMs = Date.now()): HttpError {
  return new HttpError(
    status,
    { error: { code, message, innerError: { date: new Date(nowMs).toISOString().slice(0, 19), "request-id": ctx.requestId, "client-request-id": ctx.clientRequestId } } },
    headers,
  );
}

function encodeToken(data: unknown): string {
  return Buffer.from(JSON.stringify(data)).toString("base64url");
}

function decodeToken<T>(token: string): T | null {
  try {
    return JSON.parse(Buffer.from(token, "base64url").toString("utf8")) as T;
  } catch {
    return null;
  }
}

function readBody(req: IncomingMessage, limit = 1_000_000): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on("data", (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        reject(new Error("body too large"));
        req.destroy();
        return;
      }
      chunks.push(chunk);
    });
    req.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
    req.on("error", reject);
  });
}

function project(device: GraphDevice, select: readonly string[] | null): Record<string, unknown> {
  if (!select) return device;
  const out: Record<string, unknown> = { id: device.id };
  for (const key of select) if (key !== "id") out[key] = device[key] ?? null;
  return out;
}

function serializeDevices(devices: readonly GraphDevice[], select: readonly string[] | null): string {
  return `[${devices.map((d) => JSON.stringify(project(d, select))).join(",")}]`;
}

/** Byte-capped LRU of serialized pages: the bench re-reads the same pages many times. */
class PageCache {
  private map = new Map<string, string>();
  private bytes = 0;
  constructor(private readonly maxBytes: number) {}
  get(key: string): string | undefined {
    const v = this.map.get(key);
    if (v !== undefined) {
      this.map.delete(key);
      this.map.set(key, v);
    }
    return v;
  }
  set(key: string, value: string): void {
    if (value.length > this.maxBytes) return;
    this.map.set(key, value);
    this.bytes += value.length;
    while (this.bytes > this.maxBytes) {
      const [oldestKey, oldest] = this.map.entries().next().value as [string, string];
      this.map.delete(oldestKey);
      this.bytes -= oldest.length;
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Tenants and apps

interface DeltaSession {
  refs: readonly DeltaRef[];
  /** The store version the round's token was issued at (-1: the first round). */
  since: number;
  targetVersion: number;
  issuedAt: number;
}

interface TenantRuntime {
  config: SimTenant;
  store: DeviceStore;
  apps: Map<string, SimApp & { certs: Array<{ sha1: string; sha256: string; cert: X509Certificate }>; secretExpired?: boolean }>;
  domains: Set<string>;
  /** Delta bookkeeping. */
  nextDeltaSerial: number;
  expiredBeforeSerial: number;
  resetBeforeSerial: number;
  deltaSessions: Map<string, DeltaSession>;
  /** Seeded choices of the strict delta (duplicates, replays), so a test run is reproducible. */
  prng: Prng;
  filteredSnapshots: Map<string, readonly GraphDevice[]>;
}

function buildTenantRuntime(t: SimTenant, seed: number): TenantRuntime {
  const primary: SimApp = {
    clientId: t.clientId,
    ...(t.clientSecret !== undefined ? { clientSecret: t.clientSecret } : {}),
    permissions: t.permissions,
    certificates: t.clientCertificates ?? [],
    displayName: "JoinScope",
  };
  const apps = new Map<string, TenantRuntime["apps"] extends Map<string, infer V> ? V : never>();
  for (const app of [primary, ...(t.extraApps ?? [])]) {
    const certs = (app.certificates ?? []).map((pem) => {
      const cert = new X509Certificate(pem);
      return { sha1: cert.fingerprint.replaceAll(":", "").toUpperCase(), sha256: cert.fingerprint256.replaceAll(":", "").toUpperCase(), cert };
    });
    apps.set(app.clientId.toLowerCase(), { ...app, certs });
  }
  const label = t.tenantName.toLowerCase().replace(/[^a-z0-9]/g, "") || "tenant";
  const domains = new Set([`${label}.onmicrosoft.com`, ...(t.domains ?? []).map((d) => d.toLowerCase())]);
  return {
    config: t,
    store: new DeviceStore({
      tenantId: t.tenantId,
      tenantName: t.tenantName,
      devices: t.devices,
      ...(t.deletedDevices ? { deletedDevices: t.deletedDevices } : {}),
      ...(t.bitlockerKeys ? { bitlockerKeys: t.bitlockerKeys } : {}),
      ...(t.lapsCredentials ? { lapsCredentials: t.lapsCredentials } : {}),
    }),
    apps,
    domains,
    nextDeltaSerial: 1,
    expiredBeforeSerial: 0,
    resetBeforeSerial: 0,
    deltaSessions: new Map(),
    prng: createPrng(seed),
    filteredSnapshots: new Map(),
  };
}

// ---------------------------------------------------------------------------------------------
// Server

export async function startSimulator(options: StartSimulatorOptions): Promise<SimulatorHandle> {
  if (options.tenants.length === 0) throw new Error("startSimulator needs at least one tenant");
  const certificates = options.certificates ?? (await ensureSimulatorCertificates());
  const now = options.now ?? Date.now;
  const pageSize = Math.min(options.pageSize ?? 100, MAX_PAGE);
  const deltaPageSize = Math.min(options.deltaPageSize ?? 200, MAX_PAGE);
  const tokenLifetime = options.tokenLifetimeSeconds ?? 3599;
  const deltaTokenLifetimeMs = options.deltaTokenLifetimeMs ?? 7 * 24 * 3600 * 1000;
  const pageTokenLifetimeMs = options.pageTokenLifetimeMs ?? 3600 * 1000;
  const lenientDelta = options.lenientDelta ?? false;
  const ruLimit = options.ruBudget === undefined ? null : typeof options.ruBudget === "number" ? options.ruBudget : RU_BUDGETS[options.ruBudget];
  let latencyMs = options.latencyMs ?? 0;

  const { privateKey: signingKey, publicKey: signingPublicKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
  const signingKid = randomUUID().replaceAll("-", "").slice(0, 27);

  const tenants = new Map<string, TenantRuntime>();
  for (const t of options.tenants) tenants.set(t.tenantId.toLowerCase(), buildTenantRuntime(t, options.seed ?? 1));

  const faults: Array<FaultSpec & { remaining: number }> = (options.faults ?? []).map((f) => ({ ...f, remaining: f.times ?? 1 }));
  const requestLog: RequestLogEntry[] = [];
  const pageCache = new PageCache(PAGE_CACHE_BYTES);
  const ruWindows = new Map<string, { start: number; used: number }>();
  const sockets = new Set<Socket>();

  const findTenant = (segment: string): TenantRuntime | undefined => {
    const s = segment.toLowerCase();
    const byId = tenants.get(s);
    if (byId) return byId;
    for (const t of tenants.values()) if (t.domains.has(s)) return t;
    return undefined;
  };

  const issueAccessToken = (opts: { tenant: TenantRuntime; app: SimApp; origin: string; audience: string; lifetimeSeconds?: number; appidacr: "1" | "2" }): { token: string; expiresIn: number } => {
    const iat = Math.floor(now() / 1000);
    const lifetime = opts.lifetimeSeconds ?? tokenLifetime;
    const tid = opts.tenant.config.tenantId;
    const payload: JwtPayload = {
      aud: opts.audience,
      iss: `https://sts.windows.net/${tid}/`,
      iat,
      nbf: iat,
      exp: iat + lifetime,
      aio: randomUUID(),
      app_displayname: opts.app.displayName ?? "JoinScope",
      appid: opts.app.clientId,
      appidacr: opts.appidacr,
      idp: `https://sts.windows.net/${tid}/`,
      idtyp: "app",
      oid: randomUUID(),
      rh: "0.simulated.",
      roles: [...opts.app.permissions],
      sub: opts.app.clientId,
      tenant_region_scope: "EU",
      tid,
      uti: randomUUID().replaceAll("-", "").slice(0, 22),
      ver: "1.0",
      xms_tcdt: 1600000000,
    };
    return { token: signJwt({ kid: signingKid, x5t: signingKid }, payload, signingKey), expiresIn: lifetime };
  };

  // -------------------------------------------------------------------------------------------
  // Login endpoints

  const entraError = (ctx: RequestContext, status: number, error: string, code: number, description: string): HttpError => {
    const ts = entraTimestamp(now());
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
  };

  const tenantNotFound = (ctx: RequestContext, segment: string, error = "invalid_request") =>
    entraError(ctx, 400, error, 90002, `Tenant '${segment}' not found. Check to make sure you have the correct tenant ID and are signing into the correct cloud. Check with your subscription administrator, this may happen if there are no active subscriptions for the tenant.`);

  const openIdConfiguration = (ctx: RequestContext, segment: string): unknown => {
    const generic = ["common", "organizations", "consumers"].includes(segment.toLowerCase());
    const tenant = generic ? undefined : findTenant(segment);
    if (!generic && !tenant) throw tenantNotFound(ctx, segment, "invalid_tenant");
    const tid = tenant ? tenant.config.tenantId : "{tenantid}";
    const pathTenant = tenant ? tenant.config.tenantId : segment;
    const o = ctx.origin;
    return {
      token_endpoint: `${o}/${pathTenant}/oauth2/v2.0/token`,
      token_endpoint_auth_methods_supported: ["client_secret_post", "private_key_jwt", "client_secret_basic"],
      jwks_uri: `${o}/${pathTenant}/discovery/v2.0/keys`,
      response_modes_supported: ["query", "fragment", "form_post"],
      subject_types_supported: ["pairwise"],
      id_token_signing_alg_values_supported: ["RS256"],
      response_types_supported: ["code", "id_token", "code id_token", "id_token token"],
      scopes_supported: ["openid", "profile", "email", "offline_access"],
      issuer: `${o}/${tid}/v2.0`,
      request_uri_parameter_supported: false,
      userinfo_endpoint: `${ctx.origin}/oidc/userinfo`,
      authorization_endpoint: `${o}/${pathTenant}/oauth2/v2.0/authorize`,
      device_authorization_endpoint: `${o}/${pathTenant}/oauth2/v2.0/devicecode`,
      http_logout_supported: true,
      frontchannel_logout_supported: true,
      end_session_endpoint: `${o}/${pathTenant}/oauth2/v2.0/logout`,
      claims_supported: ["sub", "iss", "cloud_instance_name", "cloud_instance_host_name", "cloud_graph_host_name", "msgraph_host", "aud", "exp", "iat", "auth_time", "acr", "nonce", "preferred_username", "name", "tid", "ver", "at_hash", "c_hash", "email"],
      kerberos_endpoint: `${o}/${pathTenant}/kerberos`,
      tenant_region_scope: tenant ? "EU" : null,
      cloud_instance_name: "microsoftonline.com",
      cloud_graph_host_name: "graph.windows.net",
      msgraph_host: new URL(o).host,
      rbac_url: "https://pas.windows.net",
    };
  };

  const instanceDiscovery = (ctx: RequestContext): unknown => {
    const host = new URL(ctx.origin).host;
    return {
      tenant_discovery_endpoint: `${ctx.origin}/{tenant}/v2.0/.well-known/openid-configuration`,
      "api-version": "1.1",
      metadata: [{ preferred_network: host, preferred_cache: host, aliases: [host] }],
    };
  };

  const jwks = (): unknown => {
    const jwk = signingPublicKey.export({ format: "jwk" }) as Record<string, string>;
    return { keys: [{ kty: "RSA", use: "sig", kid: signingKid, x5t: signingKid, n: jwk.n, e: jwk.e, issuer: `${"https://sts.windows.net"}/{tenantid}/` }] };
  };

  const tokenEndpoint = async (ctx: RequestContext, segment: string): Promise<unknown> => {
    const raw = await readBody(ctx.req);
    const form = new URLSearchParams(raw);
    // client_secret_basic is allowed too.
    const basic = /^Basic\s+(.+)$/i.exec(ctx.req.headers.authorization ?? "");
    if (basic?.[1]) {
      const decoded = Buffer.from(basic[1], "base64").toString("utf8");
      const colon = decoded.indexOf(":");
      const unescape = (v: string) => {
        try {
          return decodeURIComponent(v.replaceAll("+", " "));
        } catch {
          return v;
        }
      };
      if (colon > 0) {
        if (!form.has("client_id")) form.set("client_id", unescape(decoded.slice(0, colon)));
        if (!form.has("client_secret")) form.set("client_secret", unescape(decoded.slice(colon + 1)));
      }
    }
    const tenant = findTenant(segment);
    if (!tenant) throw tenantNotFound(ctx, segment);
    ctx.tenantId = tenant.config.tenantId;
    const grantType = form.get("grant_type");
    if (grantType !== "client_credentials") {
      throw entraError(ctx, 400, "unsupported_grant_type", 70003, `The app requested an unsupported grant type '${grantType ?? ""}'.`);
    }
    const clientId = form.get("client_id");
    if (!clientId) throw entraError(ctx, 400, "invalid_request", 900144, "The request body must contain the following parameter: 'client_id'.");
    const app = tenant.apps.get(clientId.toLowerCase());
    if (!app) {
      throw entraError(ctx, 400, "unauthorized_client", 700016, `Application with identifier '${clientId}' was not found in the directory '${tenant.config.tenantName}'. This can happen if the application has not been installed by the administrator of the tenant or consented to by any user in the tenant. You may have sent your authentication request to the wrong tenant.`);
    }
    const scope = form.get("scope") ?? "";
    const scopes = scope.split(/\s+/).filter(Boolean);
    if (scopes.length !== 1 || !scopes[0]!.endsWith("/.default")) {
      throw entraError(ctx, 400, "invalid_scope", 1002012, `The provided value for scope ${scope} is not valid. Client credential flows must have a scope value with /.default suffixed to the resource identifier (application ID URI).`);
    }
    const resource = scopes[0]!.slice(0, -"/.default".length).replace(/\/$/, "");
    const acceptedResources = [GRAPH_RESOURCE, GRAPH_APP_ID, ctx.origin, `https://${new URL(ctx.origin).hostname}`];
    if (!acceptedResources.some((r) => r.toLowerCase() === resource.toLowerCase())) {
      throw entraError(ctx, 400, "invalid_resource", 500011, `The resource principal named ${resource} was not found in the tenant named ${tenant.config.tenantName}. This can happen if the application has not been installed by the administrator of the tenant or consented to by any user in the tenant. You might have sent your authentication request to the wrong tenant.`);
    }

    const secret = form.get("client_secret");
    const assertion = form.get("client_assertion");
    let appidacr: "1" | "2";
    if (assertion) {
      if (form.get("client_assertion_type") !== "urn:ietf:params:oauth:client-assertion-type:jwt-bearer") {
        throw entraError(ctx, 400, "invalid_request", 50027, "JWT token is invalid or malformed (client_assertion_type must be urn:ietf:params:oauth:client-assertion-type:jwt-bearer).");
      }
      verifyClientAssertion(ctx, tenant, app, assertion);
      appidacr = "2";
    } else if (secret !== null) {
      const expected = Buffer.from(app.clientSecret ?? "");
      const given = Buffer.from(secret);
      if (!app.clientSecret || expected.length !== given.length || !timingSafeEqual(expected, given)) {
        throw entraError(ctx, 401, "invalid_client", 7000215, `Invalid client secret provided. Ensure the secret being sent in the request is the client secret value, not the client secret ID, for a secret added to app '${app.clientId}'.`);
      }
      if (app.secretExpired) {
        // https://learn.microsoft.com/entra/identity-platform/reference-error-codes: AADSTS7000222, InvalidClientSecretExpiredKeysProvided.
        throw entraError(ctx, 401, "invalid_client", 7000222, `The provided client secret keys for app '${app.clientId}' are expired. Visit the Azure portal to create new keys for your app: https://aka.ms/NewClientSecret, or consider using certificate credentials for added security: https://aka.ms/certCreds.`);
      }
      appidacr = "1";
    } else {
      throw entraError(ctx, 401, "invalid_client", 7000218, "The request body must contain the following parameter: 'client_assertion' or 'client_secret'.");
    }
    const audience = resource === GRAPH_APP_ID ? GRAPH_RESOURCE : resource;
    const { token, expiresIn } = issueAccessToken({ tenant, app, origin: ctx.origin, audience, appidacr });
    return { token_type: "Bearer", expires_in: expiresIn, ext_expires_in: expiresIn, access_token: token };
  };

  const verifyClientAssertion = (ctx: RequestContext, tenant: TenantRuntime, app: SimApp & { certs: Array<{ sha1: string; sha256: string; cert: X509Certificate }> }, assertion: string): void => {
    const jwt = decodeJwt(assertion);
    if (!jwt) throw entraError(ctx, 401, "invalid_client", 50027, "JWT token is invalid or malformed.");
    const x5t256 = typeof jwt.header["x5t#S256"] === "string" ? Buffer.from(jwt.header["x5t#S256"], "base64url").toString("hex").toUpperCase() : null;
    const x5t = typeof jwt.header.x5t === "string" ? Buffer.from(jwt.header.x5t, "base64url").toString("hex").toUpperCase() : null;
    const registered = app.certs.find((c) => (x5t256 && c.sha256 === x5t256) || (x5t && c.sha1 === x5t));
    if (!registered) {
      throw entraError(ctx, 401, "invalid_client", 700027, `The certificate with identifier used to sign the client assertion is not registered on application. [Reason - The key was not found., Thumbprint of key used by client: '${x5t256 ?? x5t ?? ""}', Please visit the Azure Portal, Graph Explorer or directly use MS Graph to see configured keys for app Id '${app.clientId}'.]`);
    }
    if (!verifyJwtSignature(jwt, registered.cert.publicKey)) {
      throw entraError(ctx, 401, "invalid_client", 700027, "Client assertion failed signature validation.");
    }
    const p = jwt.payload;
    const nowSec = Math.floor(now() / 1000);
    if (typeof p.exp !== "number" || p.exp < nowSec - 300 || (typeof p.nbf === "number" && p.nbf > nowSec + 300)) {
      throw entraError(ctx, 401, "invalid_client", 700024, "Client assertion is not within its valid time range.");
    }
    if (p.iss !== app.clientId || p.sub !== app.clientId) {
      throw entraError(ctx, 401, "invalid_client", 700021, "Client assertion application identifier doesn't match 'client_id' parameter.");
    }
    const aud = typeof p.aud === "string" ? p.aud : "";
    if (!/\/oauth2\/(v2\.0\/)?token\/?$/.test(aud) || !aud.toLowerCase().startsWith(ctx.origin.toLowerCase())) {
      throw entraError(ctx, 401, "invalid_client", 700212, `Client assertion audience claim does not match Realm issuer (got '${aud}').`);
    }
    const tenantInAud = aud.slice(ctx.origin.length + 1).split("/")[0] ?? "";
    if (findTenant(tenantInAud) !== tenant) {
      throw entraError(ctx, 401, "invalid_client", 700212, `Client assertion audience claim does not match Realm issuer (got '${aud}').`);
    }
  };

  // -------------------------------------------------------------------------------------------
  // Graph endpoints

  const authenticate = (ctx: RequestContext, requiredRoles: string[] | null): { tenant: TenantRuntime; roles: string[]; appId: string } => {
    const header = ctx.req.headers.authorization ?? "";
    const wwwAuth = { "WWW-Authenticate": `Bearer realm="", authorization_uri="${ctx.origin}/common/oauth2/authorize", client_id="${GRAPH_APP_ID}"` };
    const match = /^Bearer\s+(\S+)$/i.exec(header);
    if (!match?.[1]) throw graphError(ctx, 401, "InvalidAuthenticationToken", "Access token is empty.", wwwAuth, now());
    const jwt = decodeJwt(match[1]);
    if (!jwt) throw graphError(ctx, 401, "InvalidAuthenticationToken", "IDX14100: JWT is not well formed, there are no dots (.).", wwwAuth, now());
    if (jwt.header.kid !== signingKid || !verifyJwtSignature(jwt, signingPublicKey)) {
      throw graphError(ctx, 401, "InvalidAuthenticationToken", "Access token validation failure. Invalid signature.", wwwAuth, now());
    }
    const p = jwt.payload;
    const aud = String(p.aud ?? "");
    if (![GRAPH_RESOURCE, GRAPH_APP_ID, ctx.origin, `https://${new URL(ctx.origin).hostname}`].includes(aud)) {
      throw graphError(ctx, 401, "InvalidAuthenticationToken", "Access token validation failure. Invalid audience.", wwwAuth, now());
    }
    if (typeof p.exp !== "number" || p.exp <= Math.floor(now() / 1000)) {
      throw graphError(ctx, 401, "InvalidAuthenticationToken", "Lifetime validation failed, the token is expired.", wwwAuth, now());
    }
    const tenant = tenants.get(String(p.tid ?? "").toLowerCase());
    if (!tenant) throw graphError(ctx, 401, "InvalidAuthenticationToken", "Access token validation failure. Invalid issuer.", wwwAuth, now());
    ctx.tenantId = tenant.config.tenantId;
    const roles = Array.isArray(p.roles) ? p.roles.map(String) : [];
    if (requiredRoles && !requiredRoles.some((r) => roles.includes(r))) {
      throw graphError(ctx, 403, "Authorization_RequestDenied", "Insufficient privileges to complete the operation.", {}, now());
    }
    return { tenant, roles, appId: String(p.appid ?? "") };
  };

  const chargeResourceUnits = (ctx: RequestContext, tenant: TenantRuntime, appId: string): void => {
    const q = ctx.url.searchParams;
    const top = q.get("$top");
    let cost = 1;
    if (q.has("$select")) cost -= 1;
    if (q.has("$expand")) cost += 1;
    if (top !== null && Number(top) < 20) cost -= 1;
    cost = Math.max(1, cost);
    ctx.ruCost = cost;
    if (ruLimit === null) return;
    const key = `${tenant.config.tenantId}/${appId}`;
    const t = now();
    let window = ruWindows.get(key);
    if (!window || t - window.start >= 10_000) {
      window = { start: t, used: 0 };
      ruWindows.set(key, window);
    }
    if (window.used + cost > ruLimit) {
      const retryAfter = Math.max(1, Math.ceil((window.start + 10_000 - t) / 1000));
      throw graphError(ctx, 429, "TooManyRequests", "Too many requests. Please try again later.", {
        "Retry-After": String(retryAfter),
        "x-ms-throttle-scope": `Tenant_Application/ReadWrite/${appId}/${tenant.config.tenantId}`,
        "x-ms-throttle-information": "ResourceUnitLimitExceeded",
      }, t);
    }
    window.used += cost;
    const pct = window.used / ruLimit;
    if (pct > 0.8) ctx.throttlePercentage = Math.round(pct * 10) / 10;
  };

  const parseSelect = (ctx: RequestContext, raw: string | null): string[] | null => {
    if (raw === null || raw.trim() === "") return null;
    const fields = raw.split(",").map((f) => f.trim()).filter(Boolean);
    for (const f of fields) {
      if (!DEVICE_PROPERTIES.has(f)) {
        throw graphError(ctx, 400, "Request_BadRequest", `Could not find a property named '${f}' on type 'microsoft.graph.device'.`, {}, now());
      }
    }
    return fields.includes("id") ? fields : ["id", ...fields];
  };

  const parseTop = (ctx: RequestContext, raw: string | null, fallback: number): number => {
    if (raw === null) return fallback;
    const n = Number(raw);
    if (!Number.isInteger(n) || n < 1 || n > MAX_PAGE) {
      throw graphError(ctx, 400, "Request_BadRequest", `Invalid page size specified: '${raw}'. Must be between 1 and ${MAX_PAGE} inclusive.`, {}, now());
    }
    return n;
  };

  /** Supports the filters JoinScope uses: `<prop> eq '<v>'` (and `and`), `startswith(displayName,'x')`, booleans. */
  const compileDeviceFilter = (ctx: RequestContext, raw: string): ((d: GraphDevice) => boolean) => {
    const clauses = raw.split(/\s+and\s+/i);
    const tests = clauses.map((clause) => {
      const c = clause.trim();
      let m = /^(\w+)\s+eq\s+'((?:[^']|'')*)'$/i.exec(c);
      if (m) {
        const prop = m[1]!;
        const value = m[2]!.replaceAll("''", "'").toLowerCase();
        if (!DEVICE_PROPERTIES.has(prop)) throw graphError(ctx, 400, "Request_BadRequest", `Could not find a property named '${prop}' on type 'microsoft.graph.device'.`, {}, now());
        return (d: GraphDevice) => String(d[prop] ?? "").toLowerCase() === value;
      }
      m = /^(\w+)\s+eq\s+(true|false|null)$/i.exec(c);
      if (m) {
        const prop = m[1]!;
        const value = m[2]!.toLowerCase() === "null" ? null : m[2]!.toLowerCase() === "true";
        return (d: GraphDevice) => (d[prop] ?? null) === value;
      }
      m = /^startswith\((\w+)\s*,\s*'((?:[^']|'')*)'\)$/i.exec(c);
      if (m) {
        const prop = m[1]!;
        const value = m[2]!.replaceAll("''", "'").toLowerCase();
        return (d: GraphDevice) => String(d[prop] ?? "").toLowerCase().startsWith(value);
      }
      throw graphError(ctx, 400, "Request_UnsupportedQuery", `Unsupported or invalid query filter clause specified for property '${c}' of resource 'Device'.`, {}, now());
    });
    return (d) => tests.every((t) => t(d));
  };

  interface ListToken {
    k: "list";
    /** When the first page was served: page tokens expire (pageTokenLifetimeMs). */
    iat: number;
    t: string;
    v: number;
    o: number;
    n: number;
    s: string[] | null;
    f: string | null;
  }

  const listDevices = (ctx: RequestContext, version: "v1.0" | "beta"): string => {
    const { tenant, appId } = authenticate(ctx, READ_DEVICES);
    chargeResourceUnits(ctx, tenant, appId);
    const q = ctx.url.searchParams;
    const skip = q.get("$skiptoken");
    let tok: ListToken;
    if (skip) {
      const decoded = decodeToken<ListToken>(skip);
      if (!decoded || decoded.k !== "list" || decoded.t !== tenant.store.epoch) {
        throw graphError(ctx, 400, "Request_BadRequest", "Invalid value specified for query parameter '$skiptoken'.", {}, now());
      }
      if (now() - decoded.iat > pageTokenLifetimeMs) {
        // A nextLink is to be followed, not kept (https://learn.microsoft.com/graph/paging): directory page tokens are
        // short-lived, and Graph answers an expired one with this code.
        throw graphError(ctx, 400, "Directory_ExpiredPageToken", "The specified page token value has expired and can no longer be included in your request.", {}, now());
      }
      tok = decoded;
    } else {
      tok = { k: "list", iat: now(), t: tenant.store.epoch, v: tenant.store.version, o: 0, n: parseTop(ctx, q.get("$top"), pageSize), s: parseSelect(ctx, q.get("$select")), f: q.get("$filter") };
    }
    const snapshot = tenant.store.snapshotAt(tok.v) ?? tenant.store.snapshot();
    let devices = snapshot.devices;
    if (tok.f) {
      const key = `${snapshot.version}|${tok.f}`;
      let filtered = tenant.filteredSnapshots.get(key);
      if (!filtered) {
        filtered = devices.filter(compileDeviceFilter(ctx, tok.f));
        tenant.filteredSnapshots.set(key, filtered);
        if (tenant.filteredSnapshots.size > 32) tenant.filteredSnapshots.delete(tenant.filteredSnapshots.keys().next().value as string);
      }
      devices = filtered;
    }
    const end = Math.min(tok.o + tok.n, devices.length);
    const cacheKey = `${tenant.store.epoch}|list|${snapshot.version}|${tok.f ?? ""}|${tok.s?.join(",") ?? "*"}|${tok.o}|${tok.n}`;
    let value = pageCache.get(cacheKey);
    if (value === undefined) {
      value = serializeDevices(devices.slice(tok.o, end), tok.s);
      pageCache.set(cacheKey, value);
    }
    const base = `${ctx.origin}/${version}`;
    const context = `${base}/$metadata#devices${tok.s ? `(${tok.s.join(",")})` : ""}`;
    let head = `{"@odata.context":${JSON.stringify(context)}`;
    if (end < devices.length) {
      const next = encodeToken({ ...tok, v: snapshot.version, o: end } satisfies ListToken);
      const params = new URLSearchParams();
      if (tok.s) params.set("$select", tok.s.join(","));
      if (tok.f) params.set("$filter", tok.f);
      params.set("$top", String(tok.n));
      params.set("$skiptoken", next);
      head += `,"@odata.nextLink":${JSON.stringify(`${base}/devices?${params.toString().replaceAll("%24", "$").replaceAll("%2C", ",")}`)}`;
    }
    return `${head},"value":${value}}`;
  };

  interface DeltaSkipToken {
    k: "dskip";
    t: string;
    id: string;
    o: number;
    n: number;
    s: string[] | null;
  }
  interface DeltaToken {
    k: "delta";
    t: string;
    v: number;
    serial: number;
    iat: number;
    s: string[] | null;
    n: number;
  }

  /**
   * A delta round's entry as JSON, resolved when its page is served. Strict (the default), as
   * https://learn.microsoft.com/graph/delta-query-overview describes the response: an updated object carries its id
   * and the (selected) properties that changed since the round's token, a new one the properties that are set
   * ("properties that were never set are omitted"), a replay all of them; a removed one
   * `{"id","@removed":{"reason"}}`. Lenient: every selected property, null when unset (what the simulator sent
   * before issue 25).
   */
  const resolveDeltaRef = (store: DeviceStore, ref: DeltaRef, since: number, select: readonly string[] | null): Record<string, unknown> => {
    if (ref.kind === "removed") return { id: ref.id, "@removed": { reason: ref.reason } };
    const device = ref.kind === "state" ? ref.device : store.getDevice(ref.id);
    if (!device) return { id: ref.id, "@removed": { reason: store.removalOf(ref.id) ?? "deleted" } };
    if (lenientDelta) return project(device, select);
    const changed = ref.kind === "state" || ref.full ? "all" : store.changedPropertiesSince(since, ref.id);
    const out: Record<string, unknown> = { id: device.id };
    const keys = select ?? Object.keys(device);
    for (const key of keys) {
      if (key === "id") continue;
      const value = device[key];
      if (changed === "all") {
        // Unset properties are left out of a new object, not sent as null.
        if (value !== null && value !== undefined) out[key] = value;
      } else if (changed.includes(key)) {
        out[key] = value ?? null;
      }
    }
    return out;
  };

  /**
   * A strict round's entries for the objects changed since `since`: each object's history within the round where
   * it matters (a removal before a restore, a state before a removal), then its current state; some entries
   * repeated earlier in the round, and some unchanged objects replayed whole. Graph documents that "the same
   * object may be returned more than once" in a round and that changes may be replayed
   * (https://learn.microsoft.com/graph/delta-query-overview#resource-representation-in-the-delta-query-response);
   * a client must apply entries in order, the last one winning.
   */
  const deltaRefs = (tenant: TenantRuntime, since: number): DeltaRef[] => {
    const store = tenant.store;
    const ids = store.changedIdsSince(since);
    if (lenientDelta) return ids.map((id) => ({ kind: "current", id }));
    const refs: DeltaRef[] = [];
    for (const id of ids) refs.push(...store.historySince(since, id), { kind: "current", id });
    const prng = tenant.prng;
    // Duplicates: a copy of an entry earlier in the round (its current state then wins again at its own place).
    for (let i = refs.length - 1; i > 0; i--) {
      const ref = refs[i]!;
      if (ref.kind === "current" && prng.chance(0.05)) refs.splice(prng.int(0, i - 1), 0, { kind: "current", id: ref.id });
    }
    // Replays: a few objects that did not change, sent whole.
    const alive = store.snapshot().devices;
    const replays = alive.length === 0 || refs.length === 0 ? 0 : Math.min(alive.length, prng.chance(0.5) ? 1 + Math.floor(refs.length / 50) : 0);
    for (let i = 0; i < replays; i++) refs.splice(prng.int(0, refs.length), 0, { kind: "current", id: prng.pick(alive).id, full: true });
    return refs;
  };

  const deltaDevices = (ctx: RequestContext, version: "v1.0" | "beta"): string => {
    const { tenant, appId } = authenticate(ctx, READ_DEVICES);
    chargeResourceUnits(ctx, tenant, appId);
    const q = ctx.url.searchParams;
    const store = tenant.store;
    const base = `${ctx.origin}/${version}`;
    const skip = q.get("$skiptoken");
    const delta = q.get("$deltatoken");
    const syncStateNotFound = () =>
      graphError(ctx, 400, "syncStateNotFound", "The sync state generation is not found. The delta token is expired and data must be synchronized again.", {}, now());

    let session: DeltaSession;
    let sessionId: string;
    let offset: number;
    let top: number;
    let select: string[] | null;

    if (skip) {
      const tok = decodeToken<DeltaSkipToken>(skip);
      if (!tok || tok.k !== "dskip" || tok.t !== store.epoch) throw syncStateNotFound();
      const found = tenant.deltaSessions.get(tok.id);
      // A round's state lives as long as its page tokens do (pageTokenLifetimeMs); then the round starts over.
      if (!found || now() - found.issuedAt > pageTokenLifetimeMs) throw syncStateNotFound();
      session = found;
      sessionId = tok.id;
      offset = tok.o;
      top = tok.n;
      select = tok.s;
    } else if (delta === "latest") {
      // `$deltatoken=latest`: no objects, only a deltaLink for changes from now on
      // (https://learn.microsoft.com/graph/delta-query-overview#optional-query-parameters).
      select = parseSelect(ctx, q.get("$select"));
      top = parseTop(ctx, q.get("$top"), deltaPageSize);
      session = { refs: [], since: store.version, targetVersion: store.version, issuedAt: now() };
      sessionId = randomUUID();
      offset = 0;
    } else if (delta) {
      const tok = decodeToken<DeltaToken>(delta);
      if (!tok || tok.k !== "delta" || tok.t !== store.epoch || tok.v > store.version) throw syncStateNotFound();
      if (tok.serial < tenant.resetBeforeSerial) {
        throw graphError(ctx, 410, "resyncRequired", "Resync required. The sync state was reset by the service; discard the delta link and start a full synchronization.", {}, now());
      }
      if (tok.serial < tenant.expiredBeforeSerial || now() - tok.iat > deltaTokenLifetimeMs) throw syncStateNotFound();
      session = { refs: deltaRefs(tenant, tok.v), since: tok.v, targetVersion: store.version, issuedAt: now() };
      sessionId = randomUUID();
      offset = 0;
      top = tok.n;
      select = tok.s;
      rememberSession(tenant, sessionId, session);
    } else {
      select = parseSelect(ctx, q.get("$select"));
      const snap = store.snapshot();
      let devices = snap.devices;
      if (q.has("$filter")) {
        const ids = [...(q.get("$filter") ?? "").matchAll(/id\s+eq\s+'([^']+)'/gi)].map((m) => m[1]!.toLowerCase());
        if (ids.length === 0) throw graphError(ctx, 400, "Request_UnsupportedQuery", "The only supported $filter on delta is id eq '{value}'.", {}, now());
        devices = devices.filter((d) => ids.includes(d.id.toLowerCase()));
      }
      // The first round: every object, whole (-1: each was created "since" the round's start).
      session = { refs: devices.map((d) => ({ kind: "current", id: d.id, full: true })), since: -1, targetVersion: snap.version, issuedAt: now() };
      top = parseTop(ctx, q.get("$top"), deltaPageSize);
      sessionId = randomUUID();
      offset = 0;
      rememberSession(tenant, sessionId, session);
    }

    const end = Math.min(offset + top, session.refs.length);
    // Cached per store version: a page re-read after the directory changed resolves its entries again.
    const cacheKey = `${store.epoch}|delta|${sessionId}|${store.version}|${select?.join(",") ?? "*"}|${offset}|${top}`;
    let value = pageCache.get(cacheKey);
    if (value === undefined) {
      value = `[${session.refs.slice(offset, end).map((r) => JSON.stringify(resolveDeltaRef(store, r, session.since, select))).join(",")}]`;
      pageCache.set(cacheKey, value);
    }
    let head = `{"@odata.context":${JSON.stringify(`${base}/$metadata#devices`)}`;
    if (end < session.refs.length) {
      const next: DeltaSkipToken = { k: "dskip", t: store.epoch, id: sessionId, o: end, n: top, s: select };
      head += `,"@odata.nextLink":${JSON.stringify(`${base}/devices/delta?$skiptoken=${encodeToken(next)}`)}`;
    } else {
      const tok: DeltaToken = { k: "delta", t: store.epoch, v: session.targetVersion, serial: tenant.nextDeltaSerial++, iat: now(), s: select, n: top };
      head += `,"@odata.deltaLink":${JSON.stringify(`${base}/devices/delta?$deltatoken=${encodeToken(tok)}`)}`;
    }
    return `${head},"value":${value}}`;
  };

  const rememberSession = (tenant: TenantRuntime, id: string, session: DeltaSession) => {
    tenant.deltaSessions.set(id, session);
    while (tenant.deltaSessions.size > 64) tenant.deltaSessions.delete(tenant.deltaSessions.keys().next().value as string);
  };

  const getDevice = (ctx: RequestContext, version: string, key: { id?: string; deviceId?: string }): string => {
    const { tenant, appId } = authenticate(ctx, READ_DEVICES);
    chargeResourceUnits(ctx, tenant, appId);
    const select = parseSelect(ctx, ctx.url.searchParams.get("$select"));
    const device = key.id ? tenant.store.getDevice(key.id) : tenant.store.findByDeviceId(key.deviceId ?? "");
    if (!device) {
      throw graphError(ctx, 404, "Request_ResourceNotFound", `Resource '${key.id ?? key.deviceId}' does not exist or one of its queried reference-property objects are not present.`, {}, now());
    }
    return JSON.stringify({ "@odata.context": `${ctx.origin}/${version}/$metadata#devices/$entity`, ...project(device, select) });
  };

  const simpleCollection = <T>(ctx: RequestContext, items: readonly T[], context: string, path: string): string => {
    const q = ctx.url.searchParams;
    const skip = q.get("$skiptoken");
    const tok = skip ? decodeToken<{ o: number; n: number }>(skip) : null;
    if (skip && !tok) throw graphError(ctx, 400, "Request_BadRequest", "Invalid value specified for query parameter '$skiptoken'.", {}, now());
    const n = tok?.n ?? parseTop(ctx, q.get("$top"), pageSize);
    const o = tok?.o ?? 0;
    const end = Math.min(o + n, items.length);
    const body: Record<string, unknown> = { "@odata.context": context };
    if (end < items.length) {
      const params = new URLSearchParams(q);
      params.set("$skiptoken", encodeToken({ o: end, n }));
      body["@odata.nextLink"] = `${ctx.origin}${path}?${params.toString()}`;
    }
    body.value = items.slice(o, end);
    return JSON.stringify(body);
  };

  const deletedDevicesRoute = (ctx: RequestContext): string => {
    const { tenant, appId } = authenticate(ctx, READ_DEVICES);
    chargeResourceUnits(ctx, tenant, appId);
    const select = parseSelect(ctx, ctx.url.searchParams.get("$select"));
    const items = tenant.store.listDeletedDevices().map((d) => project(d, select));
    return simpleCollection(ctx, items, `${ctx.origin}/beta/$metadata#directory/deletedItems/microsoft.graph.device`, ctx.url.pathname);
  };

  /**
   * BitLocker's and LAPS's list endpoints document `User-Agent` as a required request header
   * (https://learn.microsoft.com/graph/api/bitlocker-list-recoverykeys,
   * https://learn.microsoft.com/graph/api/directory-list-devicelocalcredentials): a request without one is refused.
   */
  const requireUserAgent = (ctx: RequestContext): void => {
    if (!(ctx.req.headers["user-agent"] ?? "").trim()) {
      throw graphError(ctx, 400, "BadRequest", "The 'User-Agent' header is required for this request.", {}, now());
    }
  };

  /** An OData query option the endpoint does not support, refused as Graph's query validation does. */
  const refuseQueryOption = (ctx: RequestContext, option: string, name: string): void => {
    if (ctx.url.searchParams.has(option)) {
      throw graphError(ctx, 400, "BadRequest", `Query option '${name}' is not allowed. To allow it, set the 'AllowedQueryOptions' property on EnableQueryAttribute or QueryValidationSettings.`, {}, now());
    }
  };

  const bitlockerRoute = (ctx: RequestContext): string => {
    const q = ctx.url.searchParams;
    requireUserAgent(ctx);
    // "This method does not support $top" (bitlocker-list-recoverykeys); it documents $filter by deviceId only.
    refuseQueryOption(ctx, "$top", "Top");
    refuseQueryOption(ctx, "$orderby", "OrderBy");
    refuseQueryOption(ctx, "$search", "Search");
    const wantsKey = (q.get("$select") ?? "").split(",").map((s) => s.trim()).includes("key");
    const { tenant, appId } = authenticate(ctx, wantsKey ? ["BitlockerKey.Read.All"] : READ_BITLOCKER_BASIC);
    chargeResourceUnits(ctx, tenant, appId);
    let items = tenant.store.bitlockerKeys;
    const filter = q.get("$filter");
    if (filter) {
      const m = /^deviceId\s+eq\s+'([^']+)'$/i.exec(filter.trim());
      if (!m) throw graphError(ctx, 400, "BadRequest", "Only $filter=deviceId eq '{deviceId}' is supported on recoveryKeys.", {}, now());
      const id = m[1]!.toLowerCase();
      items = items.filter((k) => k.deviceId.toLowerCase() === id);
    }
    // The key itself is never served: JoinScope only needs to know a backup exists.
    return simpleCollection(ctx, items, `${ctx.origin}/v1.0/$metadata#informationProtection/bitlocker/recoveryKeys`, ctx.url.pathname);
  };

  const lapsRoute = (ctx: RequestContext): string => {
    const q = ctx.url.searchParams;
    // $select, $filter, $search, $orderby, $top, $count and $skiptoken are documented (directory-list-devicelocalcredentials).
    requireUserAgent(ctx);
    const wantsPasswords = (q.get("$select") ?? "").split(",").map((s) => s.trim()).includes("credentials");
    const { tenant, appId } = authenticate(ctx, wantsPasswords ? ["DeviceLocalCredential.Read.All"] : READ_LAPS_BASIC);
    chargeResourceUnits(ctx, tenant, appId);
    let items = tenant.store.lapsCredentials;
    const filter = q.get("$filter");
    if (filter) {
      const m = /^(deviceName|id)\s+eq\s+'([^']+)'$/i.exec(filter.trim());
      if (!m) throw graphError(ctx, 400, "BadRequest", "Only $filter=deviceName eq '{name}' is supported.", {}, now());
      const prop = m[1]!.toLowerCase() === "id" ? "id" : "deviceName";
      const value = m[2]!.toLowerCase();
      items = items.filter((c) => c[prop].toLowerCase() === value);
    }
    return simpleCollection(ctx, items, `${ctx.origin}/v1.0/$metadata#directory/deviceLocalCredentials`, ctx.url.pathname);
  };

  // -------------------------------------------------------------------------------------------
  // Dispatch

  const route = async (ctx: RequestContext): Promise<{ status: number; body: string }> => {
    const method = ctx.req.method ?? "GET";
    const path = ctx.url.pathname.replace(/\/+$/, "") || "/";
    const ok = (body: unknown) => ({ status: 200, body: typeof body === "string" ? body : JSON.stringify(body) });
    let m: RegExpExecArray | null;

    // --- login ---
    if (method === "GET" && (m = /^\/([^/]+)\/v2\.0\/\.well-known\/openid-configuration$/.exec(path))) return ok(openIdConfiguration(ctx, decodeURIComponent(m[1]!)));
    if (method === "GET" && /^\/[^/]+\/discovery\/instance$/.test(path)) return ok(instanceDiscovery(ctx));
    if (method === "GET" && /^\/[^/]+\/discovery\/(v2\.0\/)?keys$/.test(path)) return ok(jwks());
    if ((m = /^\/([^/]+)\/oauth2\/v2\.0\/token$/.exec(path))) {
      if (method !== "POST") throw entraError(ctx, 400, "invalid_request", 900561, "The endpoint only accepts POST requests. Received a GET request.");
      return ok(await tokenEndpoint(ctx, decodeURIComponent(m[1]!)));
    }

    // --- graph ---
    m = /^\/(v1\.0|beta)(\/.*)?$/.exec(path);
    if (m) {
      const version = m[1] as "v1.0" | "beta";
      const rest = m[2] ?? "";
      if (method !== "GET") throw graphError(ctx, 405, "Request_BadRequest", "The simulator serves read-only Graph endpoints.", {}, now());
      if (rest === "/devices") return ok(listDevices(ctx, version));
      if (rest === "/devices/delta" || rest === "/devices/microsoft.graph.delta" || rest === "/devices/delta()") return ok(deltaDevices(ctx, version));
      let d = /^\/devices\(deviceId='([^']+)'\)$/.exec(decodeURIComponent(rest));
      if (d) return ok(getDevice(ctx, version, { deviceId: d[1]! }));
      d = /^\/devices\/([0-9a-fA-F-]{36})$/.exec(rest);
      if (d) return ok(getDevice(ctx, version, { id: d[1]! }));
      if (rest === "/directory/deletedItems/microsoft.graph.device") {
        if (version !== "beta") {
          throw graphError(ctx, 400, "Request_BadRequest", "Deleted devices (soft delete, preview) are listed only under /beta/directory/deletedItems/microsoft.graph.device.", {}, now());
        }
        return ok(deletedDevicesRoute(ctx));
      }
      if (rest === "/informationProtection/bitlocker/recoveryKeys") return ok(bitlockerRoute(ctx));
      if (rest === "/directory/deviceLocalCredentials") return ok(lapsRoute(ctx));
      const segment = rest.split("/").filter(Boolean).pop() ?? "";
      throw graphError(ctx, 400, "BadRequest", `Resource not found for the segment '${segment}'.`, {}, now());
    }
    throw new HttpError(404, { error: { code: "NotFound", message: `No simulator route for ${method} ${path}` } });
  };

  const takeFault = (pathAndQuery: string): (FaultSpec & { remaining: number }) | undefined => {
    const fault = faults.find((f) => f.remaining > 0 && (!f.path || f.path.test(pathAndQuery)));
    if (fault) {
      fault.remaining -= 1;
      if (fault.remaining <= 0) faults.splice(faults.indexOf(fault), 1);
    }
    return fault;
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
      if (requestLog.length >= REQUEST_LOG_MAX) requestLog.splice(0, requestLog.length - REQUEST_LOG_MAX + 1);
      requestLog.push({ time: new Date(started).toISOString(), method: req.method ?? "GET", path: pathAndQuery, userAgent: req.headers["user-agent"] ?? null, status, durationMs: now() - started, tenantId: ctx.tenantId, requestId, fault: faultKind });
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
      const fault = takeFault(pathAndQuery);
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
          case "429":
            throw graphError(ctx, 429, "TooManyRequests", "Too many requests. Please try again later.", {
              "Retry-After": String(fault.retryAfterSeconds ?? 1),
              "x-ms-throttle-scope": "Tenant_Application/ReadWrite/simulated",
              "x-ms-throttle-information": "ResourceUnitLimitExceeded",
            }, now());
          case "503":
            throw graphError(ctx, 503, "serviceNotAvailable", "The service is temporarily unavailable. Please retry after the time in Retry-After.", { "Retry-After": String(fault.retryAfterSeconds ?? 1) }, now());
          case "500":
            throw graphError(ctx, 500, "generalException", "An unspecified error has occurred.", {}, now());
          case "410":
            throw graphError(ctx, 410, "resyncRequired", "Resync required. The sync state was reset by the service; discard the delta link and start a full synchronization.", {}, now());
        }
      }
      const result = await route(ctx);
      send(result.status, result.body);
    } catch (error) {
      if (res.headersSent || res.destroyed) return;
      if (error instanceof HttpError) {
        send(error.status, JSON.stringify(error.body), error.headers);
      } else {
        // Unexpected: answer like Graph does, without a stack.
        process.stderr.write(`[simulator] ${req.method} ${pathAndQuery} request-id=${requestId}: ${error instanceof Error ? error.stack ?? error.message : String(error)}\n`);
        send(500, JSON.stringify({ error: { code: "generalException", message: "An unexpected simulator error occurred.", innerError: { "request-id": requestId } } }));
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
    const t = tenants.get(tenantId.toLowerCase());
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
        return [...tenants.values()].map((t) => t.store);
      },
    },
    injectFault: (fault) => {
      faults.push({ ...fault, remaining: fault.times ?? 1 });
    },
    clearFaults: () => {
      faults.length = 0;
    },
    expireDeltaTokens: () => {
      for (const t of tenants.values()) t.expiredBeforeSerial = t.nextDeltaSerial;
    },
    resetDeltaState: () => {
      for (const t of tenants.values()) t.resetBeforeSerial = t.nextDeltaSerial;
    },
    setLatency: (ms) => {
      latencyMs = ms;
    },
    setAppPermissions: (tenantId, clientId, permissions) => {
      const app = tenants.get(tenantId.toLowerCase())?.apps.get(clientId.toLowerCase());
      if (!app) throw new Error(`unknown app ${clientId} in ${tenantId}`);
      app.permissions = [...permissions];
    },
    expireClientSecret: (tenantId, clientId) => {
      const tenant = tenants.get(tenantId.toLowerCase());
      const app = tenant?.apps.get((clientId ?? tenant.config.clientId).toLowerCase());
      if (!app) throw new Error(`unknown app ${clientId ?? ""} in ${tenantId}`);
      app.secretExpired = true;
    },
    issueAccessToken: ({ tenantId, clientId, roles, lifetimeSeconds }) => {
      const tenant = tenants.get(tenantId.toLowerCase());
      if (!tenant) throw new Error(`unknown simulated tenant ${tenantId}`);
      const app = tenant.apps.get((clientId ?? tenant.config.clientId).toLowerCase());
      if (!app) throw new Error(`unknown app ${clientId ?? ""}`);
      return issueAccessToken({
        tenant,
        app: roles ? { ...app, permissions: roles } : app,
        origin: url,
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

export type { DeviceStore } from "./device-store";
