import "server-only";
import type { Db, Prisma } from "@/lib/db/client";
import { exportAuditAction } from "./audit-categories";
import { writeAuditLog } from "./write-audit-log";

/**
 * An export, audit-logged when it starts (issue 20 item 6): who downloaded which list of which tenant, in which format,
 * with which filters (the query string's values: filters and selected row keys, never a secret).
 */
export async function recordExport(
  db: Pick<Db, "auditLog">,
  entry: { actor: string; what: string; tenantRef: string | null; format: string; filters: Record<string, unknown> },
): Promise<void> {
  const filters = Object.fromEntries(
    Object.entries(entry.filters).filter(([, v]) => v !== undefined && v !== null && v !== "" && !(Array.isArray(v) && v.length === 0)),
  );
  await writeAuditLog(db, {
    actor: entry.actor,
    action: exportAuditAction(entry.what),
    tenantRef: entry.tenantRef,
    // Through JSON: dates become ISO strings, as the audit detail stores them.
    detail: JSON.parse(JSON.stringify({ format: entry.format, filters })) as Prisma.InputJsonValue,
  });
}
