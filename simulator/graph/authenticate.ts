/**
 * Graph's check of the bearer token: signed by the simulator's login endpoint, for Graph, not expired, from a known
 * tenant (401 InvalidAuthenticationToken otherwise), and with one of the route's roles (403
 * Authorization_RequestDenied otherwise).
 */
import { graphError } from "../http/http-error";
import type { RequestContext } from "../http/request-context";
import { GRAPH_APP_ID, graphAudiences } from "../login/access-tokens";
import type { TenantRuntime } from "../tenant-directory";
import type { GraphServices } from "./graph-services";

export interface GraphCaller {
  tenant: TenantRuntime;
  roles: string[];
  appId: string;
}

/** `requiredRoles`: any one of them is enough; null accepts any valid token. Records the caller's tenant on `ctx`. */
export function authenticate(graph: GraphServices, ctx: RequestContext, requiredRoles: string[] | null): GraphCaller {
  const { now } = graph;
  const header = ctx.req.headers.authorization ?? "";
  const wwwAuth = { "WWW-Authenticate": `Bearer realm="", authorization_uri="${ctx.origin}/common/oauth2/authorize", client_id="${GRAPH_APP_ID}"` };
  const match = /^Bearer\s+(\S+)$/i.exec(header);
  if (!match?.[1]) throw graphError(ctx, 401, "InvalidAuthenticationToken", "Access token is empty.", wwwAuth, now());
  const read = graph.accessTokens.read(match[1]);
  if (!read.ok && read.reason === "malformed")
    throw graphError(ctx, 401, "InvalidAuthenticationToken", "IDX14100: JWT is not well formed, there are no dots (.).", wwwAuth, now());
  if (!read.ok) throw graphError(ctx, 401, "InvalidAuthenticationToken", "Access token validation failure. Invalid signature.", wwwAuth, now());
  const p = read.payload;
  const aud = String(p.aud ?? "");
  if (!graphAudiences(ctx.origin).includes(aud)) {
    throw graphError(ctx, 401, "InvalidAuthenticationToken", "Access token validation failure. Invalid audience.", wwwAuth, now());
  }
  if (typeof p.exp !== "number" || p.exp <= Math.floor(now() / 1000)) {
    throw graphError(ctx, 401, "InvalidAuthenticationToken", "Lifetime validation failed, the token is expired.", wwwAuth, now());
  }
  const tenant = graph.directory.get(String(p.tid ?? ""));
  if (!tenant) throw graphError(ctx, 401, "InvalidAuthenticationToken", "Access token validation failure. Invalid issuer.", wwwAuth, now());
  ctx.tenantId = tenant.config.tenantId;
  const roles = Array.isArray(p.roles) ? p.roles.map(String) : [];
  if (requiredRoles && !requiredRoles.some((r) => roles.includes(r))) {
    throw graphError(ctx, 403, "Authorization_RequestDenied", "Insufficient privileges to complete the operation.", {}, now());
  }
  return { tenant, roles, appId: String(p.appid ?? "") };
}
