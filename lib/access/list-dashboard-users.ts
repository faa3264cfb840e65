import "server-only";
import { scopeForUser, type TenantScope } from "@/lib/auth/tenant-scope";
import type { Db } from "@/lib/db/client";

export interface DashboardUserRow {
  email: string;
  name: string;
  role: string | null;
  source: string;
  entraObjectId: string | null;
  lastLoginAt: string | null;
  disabled: boolean;
  /** The tenants they see (decision 027): null = every tenant. */
  tenantScope: TenantScope;
}

/** Settings → Users: the accounts (local, and Entra ones that signed in), each with the tenants its limits leave it. */
export async function listDashboardUsers(db: Db, options: { take?: number } = {}): Promise<DashboardUserRow[]> {
  const [users, limits] = await Promise.all([
    db.adminUser.findMany({
      orderBy: { email: "asc" },
      take: options.take ?? 500,
      select: { email: true, name: true, role: true, source: true, entraObjectId: true, entraGroups: true, lastLoginAt: true, disabledAt: true },
    }),
    db.accessLimit.findMany({ select: { kind: true, principal: true, tenants: { select: { tenantRef: true } } } }),
  ]);
  const flat = limits.map((l) => ({ kind: l.kind, principal: l.principal, tenantRefs: l.tenants.map((t) => t.tenantRef) }));
  return users.map((u) => ({
    email: u.email,
    name: u.name,
    role: u.role,
    source: u.source,
    entraObjectId: u.entraObjectId,
    lastLoginAt: u.lastLoginAt?.toISOString() ?? null,
    disabled: u.disabledAt !== null,
    tenantScope: scopeForUser(flat, {
      email: u.email,
      entraObjectId: u.source === "entra" ? u.entraObjectId : null,
      entraGroups: u.source === "entra" ? u.entraGroups : null,
    }),
  }));
}
