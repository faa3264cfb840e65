import "server-only";
import type { TenantScope } from "@/lib/auth/tenant-scope";
import type { Db } from "@/lib/db/client";
import { auditWhere, tenantNames } from "@/lib/queries/find-audit-entries";
import type { AuditListParams } from "@/lib/url-params/audit-list-params";
import { EXPORT_BATCH_ROWS, type ExportColumn, type ExportSource } from "./export-source";

export const AUDIT_COLUMNS: readonly ExportColumn[] = [
  { key: "at", label: "When (UTC)", width: 24 },
  { key: "actor", label: "Who", width: 32 },
  { key: "action", label: "What", width: 28 },
  { key: "tenant", label: "Tenant", width: 24 },
  { key: "target", label: "Target", width: 38 },
  { key: "detail", label: "Detail", width: 80 },
];

/**
 * The Audit list (its filters, newest first) as an export (issue 20 item 6): read by keyset on (at, id) a batch at a
 * time as the other exports are (decision 014), through the same filter as the page (auditWhere, with the caller's
 * tenant scope). The detail is its JSON text.
 */
export function createAuditExportSource(db: Db, options: { params: Omit<AuditListParams, "page" | "size">; tenantScope: TenantScope }): ExportSource {
  const where = auditWhere(options.params, options.tenantScope);
  return {
    name: "audit",
    columns: AUDIT_COLUMNS,
    count: () => db.auditLog.count({ where }),
    async *batches() {
      let after: { at: Date; id: string } | null = null;
      for (;;) {
        const rows: { id: string; at: Date; actor: string; action: string; tenantRef: string | null; target: string | null; detail: unknown }[] =
          await db.auditLog.findMany({
            where: after ? { AND: [where, { OR: [{ at: { lt: after.at } }, { at: after.at, id: { lt: after.id } }] }] } : where,
            orderBy: [{ at: "desc" }, { id: "desc" }],
            take: EXPORT_BATCH_ROWS,
            select: { id: true, at: true, actor: true, action: true, tenantRef: true, target: true, detail: true },
          });
        if (rows.length === 0) return;
        const names = await tenantNames(db, rows);
        yield rows.map((r) => [
          r.at.toISOString(),
          r.actor,
          r.action,
          r.tenantRef ? (names.get(r.tenantRef) ?? r.tenantRef) : null,
          r.target,
          r.detail === null || r.detail === undefined ? null : JSON.stringify(r.detail),
        ]);
        if (rows.length < EXPORT_BATCH_ROWS) return;
        const last = rows.at(-1)!;
        after = { at: last.at, id: last.id };
      }
    },
  };
}
