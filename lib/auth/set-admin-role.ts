import "server-only";
import { writeAuditLog } from "@/lib/audit/write-audit-log";
import type { Db } from "@/lib/db/client";
import { RoleSchema, type Role } from "./roles";

/**
 * `joinscope admin set-role`: a local account's role (decision 022), audit-logged. An account that signs in with
 * Microsoft takes its role from its ID token at each sign-in, so it is refused here: change its app role in Entra ID.
 */
export async function setAdminRole(
  db: Db,
  input: { email: string; role: string; actor: string },
): Promise<
  | { ok: true; email: string; role: Role; previous: string | null }
  | { ok: false; error: { code: "invalid-input" | "not-found" | "entra-account"; message: string } }
> {
  const role = RoleSchema.safeParse(input.role);
  if (!role.success) return { ok: false, error: { code: "invalid-input", message: "The role is Reader, Operator or Admin" } };
  const email = input.email.trim().toLowerCase();
  return db.$transaction(async (tx) => {
    const user = await tx.adminUser.findUnique({ where: { email }, select: { id: true, role: true, source: true } });
    if (!user) return { ok: false as const, error: { code: "not-found" as const, message: `No account has the email ${email}` } };
    if (user.source !== "local")
      return {
        ok: false as const,
        error: { code: "entra-account" as const, message: `${email} signs in with Microsoft: its role is its app role in Entra ID, read at each sign-in` },
      };
    await tx.adminUser.update({ where: { id: user.id }, data: { role: role.data } });
    await writeAuditLog(tx, { actor: input.actor, action: "admin.role", target: user.id, detail: { email, role: role.data, previous: user.role } });
    return { ok: true as const, email, role: role.data, previous: user.role };
  });
}
