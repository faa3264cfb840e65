import "server-only";
import { cookies } from "next/headers";
import { cache } from "react";
import { requireAdmin } from "@/lib/auth/require-admin";
import { db } from "@/lib/db/client";
import { listTenants } from "@/lib/tenants/list-tenants";
import { selectTenant, TENANT_COOKIE } from "@/lib/tenants/selected-tenant";

/**
 * What every dashboard page needs: the signed-in admin (or a redirect to /login), the tenants, the one
 * selected in the header (cookie, falling back to the first), and the render time for relative dates.
 * Cached per request: the layout and the page share one lookup.
 */
export const getDashboardContext = cache(async () => {
  const admin = await requireAdmin();
  const tenants = await listTenants(db);
  const wanted = (await cookies()).get(TENANT_COOKIE)?.value;
  const tenant = selectTenant(tenants, wanted);
  return { admin, tenants, tenant, now: new Date().toISOString() };
});
