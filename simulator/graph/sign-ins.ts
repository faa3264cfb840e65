/**
 * `GET /auditLogs/signIns` (https://learn.microsoft.com/graph/api/signin-list): the tenant's sign-in log newest first,
 * `$filter` (sign-ins/sign-in-filter.ts), `$top` up to 1,000 (also the default), an opaque `$skiptoken` in
 * `@odata.nextLink`. Application permission AuditLog.Read.All; a tenant without Microsoft Entra ID P1/P2 is refused
 * with the 403 Graph gives (Authentication_RequestFromNonPremiumTenantOrB2CTenant); five requests per 10 seconds per
 * app and tenant (https://learn.microsoft.com/graph/throttling-limits, "Identity and access reports service limits").
 */
import { graphError } from "../http/http-error";
import type { RequestContext } from "../http/request-context";
import { compileSignInFilter, FilterError } from "../sign-ins/sign-in-filter";
import { authenticate } from "./authenticate";
import type { GraphServices } from "./graph-services";
import { decodeToken, encodeToken } from "./opaque-token";
import { READ_AUDIT_LOG } from "./permissions";
import { refuseQueryOption } from "./request-checks";

/** The list's largest and default page. */
export const SIGN_IN_PAGE = 1000;

interface SignInToken {
  k: "signins";
  /** The tenant store's epoch: a token from an earlier simulator run is refused. */
  t: string;
  /** The log's version at the first page. */
  v: number;
  o: number;
  n: number;
  f: string | null;
}

export function listSignIns(graph: GraphServices, ctx: RequestContext, version: "v1.0" | "beta"): string {
  const { now } = graph;
  const { tenant, appId } = authenticate(graph, ctx, READ_AUDIT_LOG);
  if (!tenant.premium) {
    throw graphError(
      ctx,
      403,
      "Authentication_RequestFromNonPremiumTenantOrB2CTenant",
      "Neither tenant is B2C or tenant doesn't have premium license",
      {},
      now(),
    );
  }
  graph.reportsThrottle.take(ctx, tenant.config.tenantId, appId);
  refuseQueryOption(ctx, "$orderby", "OrderBy", now);
  refuseQueryOption(ctx, "$expand", "Expand", now);
  const q = ctx.url.searchParams;
  const skip = q.get("$skiptoken");
  let tok: SignInToken;
  if (skip) {
    const decoded = decodeToken<SignInToken>(skip);
    if (!decoded || decoded.k !== "signins" || decoded.t !== tenant.store.epoch) {
      throw graphError(ctx, 400, "BadRequest", "Invalid value specified for query parameter '$skiptoken'.", {}, now());
    }
    tok = decoded;
  } else {
    const top = q.get("$top");
    const n = top === null ? SIGN_IN_PAGE : Number(top);
    if (!Number.isInteger(n) || n < 1 || n > SIGN_IN_PAGE) {
      throw graphError(ctx, 400, "BadRequest", `Invalid page size specified: '${top}'. Must be between 1 and ${SIGN_IN_PAGE} inclusive.`, {}, now());
    }
    tok = { k: "signins", t: tenant.store.epoch, v: tenant.signInLog.version, o: 0, n, f: q.get("$filter") };
  }
  let test: ReturnType<typeof compileSignInFilter> = () => true;
  if (tok.f) {
    try {
      test = compileSignInFilter(tok.f);
    } catch (error) {
      if (error instanceof FilterError) throw graphError(ctx, 400, "BadRequest", error.message, {}, now());
      throw error;
    }
  }
  const log = tenant.signInLog;
  const selected = log.select(tok.v, tok.f ?? "", test);
  const end = Math.min(tok.o + tok.n, selected.length);
  const items: string[] = [];
  for (let i = tok.o; i < end; i++) items.push(JSON.stringify(log.get(selected[i]!)));
  const base = `${ctx.origin}/${version}`;
  let head = `{"@odata.context":${JSON.stringify(`${base}/$metadata#auditLogs/signIns`)}`;
  if (end < selected.length) {
    const params = new URLSearchParams();
    params.set("$top", String(tok.n));
    if (tok.f) params.set("$filter", tok.f);
    params.set("$skiptoken", encodeToken({ ...tok, o: end } satisfies SignInToken));
    head += `,"@odata.nextLink":${JSON.stringify(`${base}/auditLogs/signIns?${params.toString().replaceAll("%24", "$")}`)}`;
  }
  return `${head},"value":[${items.join(",")}]}`;
}
