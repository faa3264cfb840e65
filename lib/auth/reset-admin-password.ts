import "server-only";
import { writeAuditLog } from "@/lib/audit/write-audit-log";
import type { Db } from "@/lib/db/client";
import { CreateAdminInput } from "./admin-sessions";
import { findAdminByEmail, type AdminLookup } from "./find-admin-by-email";
import { clearAccountThrottle } from "./login-throttle";
import { hashPassword } from "./password";

export type ResetPasswordResult = { ok: true; email: string; sessionsEnded: number } | Extract<AdminLookup, { ok: false }>;

/**
 * `joinscope admin reset-password`: a new password (the same rules as `admin create`), every session of the account
 * ended (a reset usually follows a suspected leak), and its sign-in lock-out lifted. The password is never logged.
 */
export async function resetAdminPassword(db: Db, input: { email: string; password: string; actor: string }): Promise<ResetPasswordResult> {
  const admin = await findAdminByEmail(db, input.email);
  if (!admin.ok) return admin;
  const password = CreateAdminInput.shape.password.safeParse(input.password);
  if (!password.success) return { ok: false, error: { code: "invalid-input", message: password.error.issues[0]?.message ?? "Invalid password" } };
  const passwordHash = await hashPassword(password.data);
  const sessionsEnded = await db.$transaction(async (tx) => {
    await tx.adminUser.update({ where: { id: admin.id }, data: { passwordHash } });
    const { count } = await tx.adminSession.deleteMany({ where: { userRef: admin.id } });
    await writeAuditLog(tx, { actor: input.actor, action: "admin.password-reset", target: admin.id, detail: { email: admin.email, sessionsEnded: count } });
    return count;
  });
  await clearAccountThrottle(db, admin.email);
  return { ok: true, email: admin.email, sessionsEnded };
}
