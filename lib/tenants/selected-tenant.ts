import type { TenantSummary } from "./list-tenants";

/** The cookie that holds the tenant chosen in the dashboard header (its JoinScope id); the API routes read it too. */
export const TENANT_COOKIE = "joinscope_tenant";

/**
 * The tenant a dashboard page or an admin API call works on: the one asked for (`wanted`, from the cookie), or the
 * first one when it names none that exists (deleted since, or never set). Null when no tenant is registered.
 */
export function selectTenant<T extends Pick<TenantSummary, "id">>(tenants: readonly T[], wanted: string | undefined | null): T | null {
  return tenants.find((t) => t.id === wanted) ?? tenants[0] ?? null;
}
