import "server-only";
import { writeAuditLog } from "@/lib/audit/write-audit-log";
import { tenantScopeWhere, type TenantScope } from "@/lib/auth/tenant-scope";
import type { Db } from "@/lib/db/client";

export type RevokeAgentTokenResult = { ok: true; alreadyRevoked: boolean } | { ok: false; error: { code: "not-found"; message: string } };

/** Revocation takes effect on the next upload; the row stays for the audit trail. */
export async function revokeAgentToken(
  db: Db,
  options: {
    id: string;
    actor: string;
    now?: Date;
    /** The caller's access limit (decision 027): another tenant's id is not found. */ tenantScope?: TenantScope;
  },
): Promise<RevokeAgentTokenResult> {
  const now = options.now ?? new Date();
  return db.$transaction(async (tx) => {
    const token = await tx.agentToken.findUnique({
      where: { id: options.id, ...tenantScopeWhere(options.tenantScope ?? null) },
      select: { id: true, tenantRef: true, revokedAt: true, name: true, prefix: true },
    });
    if (!token) return { ok: false as const, error: { code: "not-found" as const, message: "No agent token with that id" } };
    if (token.revokedAt) return { ok: true as const, alreadyRevoked: true };
    await tx.agentToken.update({ where: { id: token.id }, data: { revokedAt: now } });
    await writeAuditLog(tx, {
      actor: options.actor,
      action: "agent-token.revoke",
      tenantRef: token.tenantRef,
      target: token.id,
      detail: { name: token.name, prefix: token.prefix },
    });
    return { ok: true as const, alreadyRevoked: false };
  });
}
