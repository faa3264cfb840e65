import "server-only";
import type { z } from "zod";
import { findAdminBySession, SESSION_COOKIE, type AdminIdentity } from "@/lib/auth/admin-sessions";
import { APP_ROLE_VALUES, hasRole, type Role } from "@/lib/auth/roles";
import { tenantsInScope } from "@/lib/auth/tenant-scope";
import { db } from "@/lib/db/client";
import { listTenants, type TenantSummary } from "@/lib/tenants/list-tenants";
import { selectTenant, TENANT_COOKIE } from "@/lib/tenants/selected-tenant";
import { ApiError } from "./api-error";
import { apiHandler, type HandlerContext } from "./api-handler";

/** A query string as zod sees it: a parameter given once is a string, one given several times (`subject=…&subject=…`) an array. */
export type QueryInput = Record<string, string | string[]>;

export interface AdminRouteOptions<Q extends z.ZodType, P extends z.ZodType> {
  /**
   * The least role that may call it (lib/auth/roles.ts); a signed-in caller below it gets 403 `forbidden` naming the
   * role to ask for. Required, so no route is left open by omission (e2e/authorization.spec.ts checks each one).
   */
  role: Role;
  /** The query string's schema; a failure answers 400 `invalid-query` with zod's issues as `details`. */
  query?: Q;
  /** The path parameters' schema; a failure answers 400 `invalid-path`. */
  params?: P;
  /**
   * Resolve the tenant the call is about, among the tenants the caller may see (decision 027): the `tenant` query
   * parameter (its JoinScope id) when given (404 when no tenant they may see has it: another tenant's id is answered
   * as an unknown one), else the tenant selected in the dashboard header (the cookie), else the first one (404 when none).
   */
  tenant?: boolean;
}

export interface AdminContext<Q, P> extends HandlerContext {
  admin: AdminIdentity;
  query: Q;
  params: P;
  /** The resolved tenant, when `tenant: true`. */
  tenant: TenantSummary;
}

/**
 * The one wrapper of the dashboard's API routes (the agent endpoints have their own, token-based): on top of
 * apiHandler (request id, ApiError → JSON, 500 without a stack) it checks the dashboard session from the request's
 * cookie (401), the caller's role (403), validates path and query with zod (400), and resolves the tenant (404), so the
 * handler holds only its own logic. The session is read from the request itself, not from next/headers, so the
 * routes answer the same over any HTTP server (tests/integration/admin-api.test.ts).
 */
export function adminRoute<Q extends z.ZodType = z.ZodType<Record<string, never>>, P extends z.ZodType = z.ZodType<Record<string, never>>>(
  options: AdminRouteOptions<Q, P>,
  handler: (request: Request, ctx: AdminContext<z.output<Q>, z.output<P>>) => Promise<Response>,
) {
  return apiHandler<Record<string, string>>(async (request, ctx) => {
    const cookies = readCookies(request.headers.get("cookie"));
    const admin = await findAdminBySession(db, cookies.get(SESSION_COOKIE));
    if (!admin) throw new ApiError(401, "unauthenticated", "Sign in to the dashboard first");
    if (!hasRole(admin.role, options.role))
      throw new ApiError(403, "forbidden", `This needs the ${APP_ROLE_VALUES[options.role]} role (or higher); ask a JoinScope admin for it`);

    const params = options.params ? options.params.safeParse(ctx.params) : { success: true as const, data: {} };
    if (!params.success) throw new ApiError(400, "invalid-path", params.error.issues[0]?.message ?? "Invalid path", params.error.issues);
    const url = new URL(request.url);
    const input = queryInput(url.searchParams);
    const query = options.query ? options.query.safeParse(input) : { success: true as const, data: {} };
    if (!query.success) throw new ApiError(400, "invalid-query", query.error.issues[0]?.message ?? "Invalid query", query.error.issues);

    let tenant: TenantSummary | null = null;
    if (options.tenant) {
      const asked = url.searchParams.get("tenant");
      const tenants = tenantsInScope(admin.tenantScope, await listTenants(db));
      if (asked !== null) {
        if (!UUID.test(asked))
          throw new ApiError(400, "invalid-query", "tenant is the tenant's JoinScope id (a UUID)", [{ path: ["tenant"], message: "Invalid UUID" }]);
        tenant = tenants.find((t) => t.id === asked) ?? null;
        if (!tenant) throw new ApiError(404, "not-found", "No tenant with this id is registered");
      } else {
        tenant = selectTenant(tenants, cookies.get(TENANT_COOKIE));
        if (!tenant) throw new ApiError(404, "not-found", "No tenant is registered yet");
      }
    }
    return handler(request, {
      requestId: ctx.requestId,
      admin,
      query: query.data as z.output<Q>,
      params: params.data as z.output<P>,
      tenant: tenant as TenantSummary,
    });
  });
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The query string with repeated parameters as arrays. */
export function queryInput(search: URLSearchParams): QueryInput {
  const out: QueryInput = {};
  for (const [name, value] of search) {
    const had = out[name];
    out[name] = had === undefined ? value : Array.isArray(had) ? [...had, value] : [had, value];
  }
  return out;
}

/** The Cookie header's name=value pairs (RFC 6265 §5.4; values URL-decoded as Next.js sets them). */
function readCookies(header: string | null): Map<string, string> {
  const jar = new Map<string, string>();
  if (!header) return jar;
  for (const part of header.split(";")) {
    const eq = part.indexOf("=");
    if (eq < 0) continue;
    const name = part.slice(0, eq).trim();
    let value = part.slice(eq + 1).trim();
    if (value.startsWith('"') && value.endsWith('"')) value = value.slice(1, -1);
    try {
      value = decodeURIComponent(value);
    } catch {
      // Not percent-encoded: kept as sent.
    }
    if (name && !jar.has(name)) jar.set(name, value);
  }
  return jar;
}
