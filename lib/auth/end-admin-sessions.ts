import "server-only";
import { writeAuditLog } from "@/lib/audit/write-audit-log";
import type { Db } from "@/lib/db/client";
import { findAdminByEmail, type AdminLookup } from "./find-admin-by-email";

export type EndSessionsResult = { ok: true; email: string; sessionsEnded: number } | Extract<AdminLookup, { ok: false }>;

/** Signs an account out everywhere (a lost laptop, a shared browser): every session row goes, audit-logged. */
export async function endAdminSessions(db: Db, input: { email: string; actor: string }): Promise<EndSessionsResult> {
  const admin = await findAdminByEmail(db, input.email);
  if (!admin.ok) return admin;
  const sessionsEnded = await db.$transaction(async (tx) => {
    const { count } = await tx.adminSession.deleteMany({ where: { userRef: admin.id } });
    await writeAuditLog(tx, { actor: input.actor, action: "admin.sessions-end", target: admin.id, detail: { email: admin.email, sessionsEnded: count } });
    return count;
  });
  return { ok: true, email: admin.email, sessionsEnded };
}
