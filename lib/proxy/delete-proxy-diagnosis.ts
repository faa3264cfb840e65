import "server-only";
import { writeAuditLog } from "@/lib/audit/write-audit-log";
import type { Db } from "@/lib/db/client";

export type DeleteProxyDiagnosisResult = { ok: true; title: string } | { ok: false; error: { code: "not-found"; message: string } };

/**
 * Deletes one saved Application Proxy diagnosis of the tenant (another tenant's id is "not found") and writes the
 * audit entry "proxy-diagnosis.delete", in one transaction.
 */
export async function deleteProxyDiagnosis(db: Db, options: { tenantRef: string; actor: string; id: string }): Promise<DeleteProxyDiagnosisResult> {
  const notFound = { ok: false, error: { code: "not-found", message: "This saved diagnosis no longer exists." } } as const;
  if (typeof options.id !== "string" || options.id.length === 0 || options.id.length > 64) return notFound;
  return db.$transaction(async (tx) => {
    const row = await tx.proxyDiagnosis.findFirst({ where: { id: options.id, tenantRef: options.tenantRef }, select: { id: true, title: true } });
    if (!row) return notFound;
    const { count } = await tx.proxyDiagnosis.deleteMany({ where: { id: row.id, tenantRef: options.tenantRef } });
    if (count === 0) return notFound;
    await writeAuditLog(tx, {
      actor: options.actor,
      action: "proxy-diagnosis.delete",
      tenantRef: options.tenantRef,
      target: row.id,
      detail: { title: row.title },
    });
    return { ok: true, title: row.title } as const;
  });
}
