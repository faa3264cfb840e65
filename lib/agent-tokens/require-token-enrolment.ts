import "server-only";
import { writeAuditLog } from "@/lib/audit/write-audit-log";
import { tenantScopeWhere, type TenantScope } from "@/lib/auth/tenant-scope";
import type { Db } from "@/lib/db/client";

export type RequireTokenEnrolmentResult = { ok: true; alreadyRequired: boolean } | { ok: false; error: { code: "not-found"; message: string } };

/**
 * Turns a token's direct uploads off (decision 011, Upgrade): agents before version 2 that still upload with it get
 * 401 enrolment-required from their next upload; enrolment and the devices enrolled through it are unaffected.
 */
export async function requireTokenEnrolment(
  db: Db,
  options: { id: string; actor: string; /** The caller's access limit (decision 027): another tenant's id is not found. */ tenantScope?: TenantScope },
): Promise<RequireTokenEnrolmentResult> {
  return db.$transaction(async (tx) => {
    const token = await tx.agentToken.findUnique({
      where: { id: options.id, ...tenantScopeWhere(options.tenantScope ?? null) },
      select: { id: true, tenantRef: true, name: true, prefix: true, allowsDirectUpload: true },
    });
    if (!token) return { ok: false as const, error: { code: "not-found" as const, message: "No agent token with that id" } };
    if (!token.allowsDirectUpload) return { ok: true as const, alreadyRequired: true };
    await tx.agentToken.update({ where: { id: token.id }, data: { allowsDirectUpload: false } });
    await writeAuditLog(tx, {
      actor: options.actor,
      action: "agent-token.require-enrolment",
      tenantRef: token.tenantRef,
      target: token.id,
      detail: { name: token.name, prefix: token.prefix },
    });
    return { ok: true as const, alreadyRequired: false };
  });
}
