import "server-only";
import type { Db } from "@/lib/db/client";

export interface AccessLimitRow {
  id: string;
  kind: "user" | "group";
  principal: string;
  /** The limited tenants that still exist, by name. */
  tenants: { id: string; name: string }[];
  /** The user's account when one has signed in under this principal (a user limit only). */
  account: { name: string; role: string | null; source: string } | null;
  updatedAt: string;
  updatedBy: string;
}

/** Settings → Users: every access limit, users first then groups, with the tenants' names. */
export async function listAccessLimits(db: Db): Promise<AccessLimitRow[]> {
  const [limits, tenants] = await Promise.all([
    db.accessLimit.findMany({
      orderBy: [{ kind: "desc" }, { principal: "asc" }],
      select: { id: true, kind: true, principal: true, updatedAt: true, updatedBy: true, tenants: { select: { tenantRef: true } } },
    }),
    db.tenant.findMany({ select: { id: true, name: true } }),
  ]);
  const names = new Map(tenants.map((t) => [t.id, t.name]));
  const userPrincipals = limits.filter((l) => l.kind === "user").map((l) => l.principal);
  const accounts =
    userPrincipals.length === 0
      ? []
      : await db.adminUser.findMany({
          where: { OR: [{ email: { in: userPrincipals } }, { entraObjectId: { in: userPrincipals } }] },
          select: { email: true, entraObjectId: true, name: true, role: true, source: true },
        });
  return limits.map((l) => {
    const account = l.kind === "user" ? accounts.find((a) => a.email === l.principal || a.entraObjectId === l.principal) : undefined;
    return {
      id: l.id,
      kind: l.kind === "group" ? "group" : "user",
      principal: l.principal,
      tenants: l.tenants
        .filter((t) => names.has(t.tenantRef))
        .map((t) => ({ id: t.tenantRef, name: names.get(t.tenantRef)! }))
        .sort((a, b) => a.name.localeCompare(b.name)),
      account: account ? { name: account.name, role: account.role, source: account.source } : null,
      updatedAt: l.updatedAt.toISOString(),
      updatedBy: l.updatedBy,
    };
  });
}
