import "server-only";
import { cookies } from "next/headers";
import { cache } from "react";
import { requireRole } from "@/lib/auth/require-admin";
import type { Role } from "@/lib/auth/roles";
import { tenantsInScope } from "@/lib/auth/tenant-scope";
import { db } from "@/lib/db/client";
import { listTenants } from "@/lib/tenants/list-tenants";
import { selectTenant, TENANT_COOKIE } from "@/lib/tenants/selected-tenant";

/**
 * What every dashboard page needs: the signed-in user with at least the Reader role (else a redirect to /login or to
 * /no-access: the page-level check of decision 022), the tenants they may see (their access limit, decision 027: the
 * header's switcher, and every page that works on "the selected tenant", never learn of the others), the one
 * selected in the header (cookie, falling back to the first they may see), and the render time for relative dates.
 * Cached per request: the layout and the page share one lookup.
 */
export const getDashboardContext = cache(async () => {
  const admin = await requireRole("Reader");
  const tenants = tenantsInScope(admin.tenantScope, await listTenants(db));
  const wanted = (await cookies()).get(TENANT_COOKIE)?.value;
  const tenant = selectTenant(tenants, wanted);
  return { admin, tenants, tenant, now: new Date().toISOString() };
});

/** getDashboardContext for a page that needs more than Reader (Settings: Admin; Agents: Operator). */
export async function getDashboardContextFor(minimum: Role) {
  await requireRole(minimum);
  return getDashboardContext();
}
