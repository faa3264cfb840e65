import { cookies } from "next/headers";
import { z } from "zod";
import { findAdminBySession, SESSION_COOKIE } from "@/lib/auth/admin-sessions";
import { db } from "@/lib/db/client";
import { ApiError } from "@/lib/http/api-error";
import { apiHandler } from "@/lib/http/api-handler";
import { streamFindingsCsv } from "@/lib/queries/stream-findings-csv";
import { listTenants } from "@/lib/tenants/list-tenants";
import { parseFindingListParams } from "@/lib/ui/finding-list-params";
import { TENANT_COOKIE } from "../../../../(dashboard)/_lib/dashboard-context";

export const dynamic = "force-dynamic";

const TenantParam = z.string().uuid("tenant is the tenant's JoinScope id (a UUID)").optional();

/**
 * GET /api/v1/findings/export?tenant=…&status=…&severity=…&rule=…&q=…&ack=… — the Findings page's filtered
 * list as CSV. Dashboard session only (the cookie), never an agent token. Without `tenant`, the tenant
 * selected in the dashboard header.
 */
export const GET = apiHandler(async (request) => {
  const jar = await cookies();
  const admin = await findAdminBySession(db, jar.get(SESSION_COOKIE)?.value);
  if (!admin) throw new ApiError(401, "unauthenticated", "Sign in to the dashboard first");
  const search = new URL(request.url).searchParams;
  const tenantParam = TenantParam.safeParse(search.get("tenant") ?? undefined);
  if (!tenantParam.success) throw new ApiError(400, "invalid-query", tenantParam.error.issues[0]?.message ?? "Invalid query", tenantParam.error.issues);
  const tenants = await listTenants(db);
  const wanted = tenantParam.data ?? jar.get(TENANT_COOKIE)?.value;
  const tenant = tenantParam.data ? tenants.find((t) => t.id === tenantParam.data) : (tenants.find((t) => t.id === wanted) ?? tenants[0]);
  if (!tenant) throw new ApiError(404, "not-found", "No such tenant");

  // The same lenient parsing as the page: the link is built from it, so a bad value means the default.
  const params = parseFindingListParams(Object.fromEntries(search.entries()));
  const slug = tenant.name.toLowerCase().replace(/[^a-z0-9]+/g, "-").replace(/^-|-$/g, "") || "tenant";
  const date = new Date().toISOString().slice(0, 10);
  return new Response(streamFindingsCsv(db, { tenantRef: tenant.id, params }), {
    headers: {
      "content-type": "text/csv; charset=utf-8",
      "content-disposition": `attachment; filename="joinscope-findings-${slug}-${date}.csv"`,
      "cache-control": "no-store",
      "x-content-type-options": "nosniff",
    },
  });
});
