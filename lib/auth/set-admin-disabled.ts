import "server-only";
import { writeAuditLog } from "@/lib/audit/write-audit-log";
import type { Db } from "@/lib/db/client";
import { findAdminByEmail, type AdminLookup } from "./find-admin-by-email";
import { clearAccountThrottle } from "./login-throttle";

export type SetDisabledResult = { ok: true; email: string; changed: boolean; sessionsEnded: number } | Extract<AdminLookup, { ok: false }>;

/**
 * `joinscope admin disable` / `enable`. Disabling ends every session of the account in the same transaction, so
 * nothing signed in survives it; a disabled account's correct password is refused like a wrong one. Enabling
 * also lifts a sign-in lock-out of the account: the operator on the server has vouched for it.
 */
export async function setAdminDisabled(db: Db, input: { email: string; disabled: boolean; actor: string }, now = new Date()): Promise<SetDisabledResult> {
  const admin = await findAdminByEmail(db, input.email);
  if (!admin.ok) return admin;
  const result = await db.$transaction(async (tx) => {
    const { count: changed } = await tx.adminUser.updateMany({
      where: { id: admin.id, disabledAt: input.disabled ? null : { not: null } },
      data: { disabledAt: input.disabled ? now : null },
    });
    const { count: sessionsEnded } = input.disabled ? await tx.adminSession.deleteMany({ where: { userRef: admin.id } }) : { count: 0 };
    await writeAuditLog(tx, {
      actor: input.actor,
      action: input.disabled ? "admin.disable" : "admin.enable",
      target: admin.id,
      detail: { email: admin.email, changed: changed > 0, ...(input.disabled ? { sessionsEnded } : {}) },
    });
    return { changed: changed > 0, sessionsEnded };
  });
  if (!input.disabled) await clearAccountThrottle(db, admin.email);
  return { ok: true, email: admin.email, ...result };
}
