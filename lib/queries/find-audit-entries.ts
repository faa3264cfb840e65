import "server-only";
import { AUDIT_CATEGORIES } from "@/lib/audit/audit-categories";
import { tenantScopeWhere, type TenantScope } from "@/lib/auth/tenant-scope";
import type { Db, Prisma } from "@/lib/db/client";
import type { AuditListParams } from "@/lib/url-params/audit-list-params";

export interface AuditEntryRow {
  id: string;
  at: string;
  actor: string;
  action: string;
  tenantRef: string | null;
  tenantName: string | null;
  target: string | null;
  /** The entry's detail as recorded (ids, names, counts: never a secret, lib/audit/write-audit-log.ts). */
  detail: unknown;
}

const DAY_MS = 86_400_000;

/**
 * The audit entries a filter selects, for the Audit page and its export (decision 027). A user whose access is limited
 * to some tenants sees only those tenants' entries: sign-ins and other entries of no tenant are left to an Admin
 * without a limit.
 */
export function auditWhere(params: Omit<AuditListParams, "page" | "size">, scope: TenantScope): Prisma.AuditLogWhereInput {
  const and: Prisma.AuditLogWhereInput[] = [];
  if (scope !== null) and.push(tenantScopeWhere(scope));
  if (params.who) and.push({ actor: { startsWith: params.who } });
  if (params.what) {
    const c: { actions: readonly string[]; prefixes: readonly string[] } = AUDIT_CATEGORIES[params.what];
    and.push({ OR: [...(c.actions.length > 0 ? [{ action: { in: [...c.actions] } }] : []), ...c.prefixes.map((p) => ({ action: { startsWith: p } }))] });
  }
  if (params.tenant) and.push({ tenantRef: params.tenant });
  if (params.from) and.push({ at: { gte: new Date(`${params.from}T00:00:00Z`) } });
  if (params.to) and.push({ at: { lt: new Date(Date.parse(`${params.to}T00:00:00Z`) + DAY_MS) } });
  return and.length > 0 ? { AND: and } : {};
}

/** One page of the Audit list, newest first, with the total the filter selects. */
export async function findAuditEntries(
  db: Db,
  options: { params: AuditListParams; tenantScope: TenantScope },
): Promise<{ rows: AuditEntryRow[]; total: number; page: number; pageSize: number }> {
  const where = auditWhere(options.params, options.tenantScope);
  const pageSize = options.params.size;
  const [total, rows] = await Promise.all([
    db.auditLog.count({ where }),
    db.auditLog.findMany({
      where,
      orderBy: [{ at: "desc" }, { id: "desc" }],
      skip: (options.params.page - 1) * pageSize,
      take: pageSize,
      select: { id: true, at: true, actor: true, action: true, tenantRef: true, target: true, detail: true },
    }),
  ]);
  const names = await tenantNames(db, rows);
  return {
    rows: rows.map((r) => ({ ...r, at: r.at.toISOString(), tenantName: r.tenantRef ? (names.get(r.tenantRef) ?? null) : null })),
    total,
    page: options.params.page,
    pageSize,
  };
}

export async function tenantNames(db: Pick<Db, "tenant">, rows: readonly { tenantRef: string | null }[]): Promise<Map<string, string>> {
  const refs = [...new Set(rows.map((r) => r.tenantRef).filter((r): r is string => r !== null))];
  if (refs.length === 0) return new Map();
  const tenants = await db.tenant.findMany({ where: { id: { in: refs } }, select: { id: true, name: true } });
  return new Map(tenants.map((t) => [t.id, t.name]));
}
