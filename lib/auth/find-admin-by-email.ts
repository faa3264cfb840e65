import "server-only";
import { z } from "zod";
import type { Db } from "@/lib/db/client";

export const AdminEmail = z.string().trim().toLowerCase().max(254).email("Enter an email address");

export type AdminLookup = { ok: true; id: string; email: string } | { ok: false; error: { code: "invalid-input" | "not-found"; message: string } };

/** The account an operator names on the command line. */
export async function findAdminByEmail(db: Pick<Db, "adminUser">, email: string): Promise<AdminLookup> {
  const parsed = AdminEmail.safeParse(email);
  if (!parsed.success) return { ok: false, error: { code: "invalid-input", message: parsed.error.issues[0]?.message ?? "Invalid email" } };
  const user = await db.adminUser.findUnique({ where: { email: parsed.data }, select: { id: true, email: true } });
  if (!user) return { ok: false, error: { code: "not-found", message: `no admin account for ${parsed.data}` } };
  return { ok: true, ...user };
}
