import "server-only";
import type { Db } from "@/lib/db/client";
import { GROUPS_UNKNOWN, parseEntraGroups, scopeFromLimits, scopeWithUnknownGroups, type TenantScope } from "@/lib/auth/tenant-scope";

/**
 * The tenants a user may see (decision 027): the union of the tenants of every access limit naming the user (a local
 * account's email, an Entra account's UPN or object id) or one of the Entra groups of their last sign-in; null (every
 * tenant) when none does. One indexed query per request, made with the session lookup. A user whose last ID token
 * carried the group overage indication (GROUPS_UNKNOWN) sees no tenant while any group limit exists, unless a limit
 * names them: their groups cannot be checked.
 */
export async function findTenantScope(
  db: Pick<Db, "accessLimit">,
  user: { email: string; entraObjectId: string | null; entraGroups: string | null },
): Promise<TenantScope> {
  const userPrincipals = [user.email.toLowerCase(), ...(user.entraObjectId ? [user.entraObjectId.toLowerCase()] : [])];
  const groups = parseEntraGroups(user.entraGroups);
  const limits = await db.accessLimit.findMany({
    where: {
      OR: [{ kind: "user", principal: { in: userPrincipals } }, ...(groups.length > 0 ? [{ kind: "group", principal: { in: groups } }] : [])],
    },
    select: { tenants: { select: { tenantRef: true } } },
  });
  const found = limits.map((l) => ({ tenantRefs: l.tenants.map((t) => t.tenantRef) }));
  if (user.entraGroups === GROUPS_UNKNOWN) {
    const anyGroupLimit = (await db.accessLimit.findFirst({ where: { kind: "group" }, select: { id: true } })) !== null;
    return scopeWithUnknownGroups(found, anyGroupLimit);
  }
  return scopeFromLimits(found);
}
