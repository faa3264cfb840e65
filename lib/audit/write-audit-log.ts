import "server-only";
import type { Db, Prisma } from "@/lib/db/client";

type Tx = Pick<Db, "auditLog">;

export interface AuditEntry {
  actor: string;
  action: string;
  tenantRef?: string | null;
  target?: string | null;
  detail?: Prisma.InputJsonValue;
}

/** Audit entries never contain secrets: callers pass ids and names, not tokens or credentials. */
export async function writeAuditLog(tx: Tx, entry: AuditEntry): Promise<void> {
  await tx.auditLog.create({
    data: {
      actor: entry.actor,
      action: entry.action,
      tenantRef: entry.tenantRef ?? null,
      target: entry.target ?? null,
      detail: entry.detail,
    },
  });
}
