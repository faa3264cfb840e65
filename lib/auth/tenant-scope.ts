/**
 * The tenants a signed-in user may see (issue 20 item 3, decision 027): `null` when no access limit names the user or
 * one of their Entra groups (every tenant: the default), else exactly these Tenant ids (possibly none). Resolved once
 * per request with the session (lib/auth/admin-sessions.ts) and applied by the three wrappers: the dashboard context
 * (tenant switcher and selected tenant), adminRoute (tenant resolution) and guardedAction (the actions' tenant checks).
 */
export type TenantScope = readonly string[] | null;

/** True when the scope includes the tenant (a null tenantRef, a row of no tenant, is outside every limit). */
export function canSeeTenant(scope: TenantScope, tenantRef: string | null | undefined): boolean {
  if (scope === null) return true;
  return !!tenantRef && scope.includes(tenantRef);
}

/** The tenants of a list the scope includes, in the list's order. */
export function tenantsInScope<T extends { id: string }>(scope: TenantScope, tenants: readonly T[]): T[] {
  return scope === null ? [...tenants] : tenants.filter((t) => scope.includes(t.id));
}

/** A Prisma `where` fragment for rows with a `tenantRef` column: nothing for an unlimited user. */
export function tenantScopeWhere(scope: TenantScope): { tenantRef?: { in: string[] } } {
  return scope === null ? {} : { tenantRef: { in: [...scope] } };
}

/** The union of the tenants of every limit that matches a user; null when none matches (unlimited). */
export function scopeFromLimits(limits: readonly { tenantRefs: readonly string[] }[]): TenantScope {
  if (limits.length === 0) return null;
  return [...new Set(limits.flatMap((l) => l.tenantRefs))].sort();
}

/**
 * `AdminUser.entraGroups` when the last ID token carried the group overage indication instead of the groups (a member
 * of more than 200): the user's groups are unknown, so a group limit cannot be ruled out (decision 027).
 */
export const GROUPS_UNKNOWN = "*";

/**
 * True when an ID token says the user's groups did not fit in it: `_claim_names` naming `groups`, or `hasgroups`
 * (https://learn.microsoft.com/entra/identity-platform/id-token-claims-reference#groups-overage-claim).
 */
export function hasGroupOverage(claims: { _claim_names?: Record<string, unknown>; hasgroups?: unknown }): boolean {
  return (claims._claim_names !== undefined && "groups" in claims._claim_names) || claims.hasgroups === true || claims.hasgroups === "true";
}

/**
 * The tenants of a user whose groups are unknown (GROUPS_UNKNOWN): their own limits when any name them, else none at
 * all while any group limit exists (they might be in that group: fail closed), else every tenant.
 */
export function scopeWithUnknownGroups(ownLimits: readonly { tenantRefs: readonly string[] }[], anyGroupLimit: boolean): TenantScope {
  if (ownLimits.length > 0) return scopeFromLimits(ownLimits);
  return anyGroupLimit ? [] : null;
}

/** `AdminUser.entraGroups`: the comma-separated, lower-case object ids of the ID token's `groups` claim. */
export function parseEntraGroups(value: string | null | undefined): string[] {
  if (value === GROUPS_UNKNOWN) return [];
  return (value ?? "")
    .split(",")
    .map((g) => g.trim().toLowerCase())
    .filter((g) => g.length > 0);
}

export function formatEntraGroups(groups: readonly string[] | undefined): string {
  return [...new Set((groups ?? []).map((g) => g.trim().toLowerCase()).filter((g) => g.length > 0))].join(",");
}

/** A user as the limits match them: a local account by email; an Entra account by UPN, object id and groups. */
export interface ScopedUser {
  email: string;
  entraObjectId: string | null;
  entraGroups: string | null;
}

/**
 * The scope of a user from every limit at once (Settings → Users lists each account's): the same rule as
 * lib/access/find-tenant-scope.ts, which asks the database for the matching limits instead.
 */
export function scopeForUser(limits: readonly { kind: string; principal: string; tenantRefs: readonly string[] }[], user: ScopedUser): TenantScope {
  const principals = new Set([user.email.toLowerCase(), ...(user.entraObjectId ? [user.entraObjectId.toLowerCase()] : [])]);
  const groups = new Set(parseEntraGroups(user.entraGroups));
  const own = limits.filter((l) => l.kind === "user" && principals.has(l.principal));
  const viaGroups = limits.filter((l) => l.kind === "group" && groups.has(l.principal));
  if (user.entraGroups === GROUPS_UNKNOWN)
    return scopeWithUnknownGroups(
      own,
      limits.some((l) => l.kind === "group"),
    );
  return scopeFromLimits([...own, ...viaGroups]);
}
