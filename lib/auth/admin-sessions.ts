import "server-only";
import { createHash, randomBytes } from "node:crypto";
import { z } from "zod";
import { writeAuditLog } from "@/lib/audit/write-audit-log";
import { config } from "@/lib/config";
import type { Db } from "@/lib/db/client";
import { hashPassword, verifyPassword } from "./password";

export const SESSION_COOKIE = "joinscope_session";

export interface AdminIdentity {
  id: string;
  email: string;
  name: string;
}

function hashSessionToken(token: string): string {
  return createHash("sha256").update(token).digest("hex");
}

export const LoginInput = z.object({
  email: z.string().trim().toLowerCase().email("Enter the email address of your JoinScope account"),
  password: z.string().min(1, "Enter your password").max(1024),
});

export type LoginResult =
  | { ok: true; sessionToken: string; expiresAt: Date; admin: AdminIdentity }
  | { ok: false; error: { code: "invalid-input" | "invalid-credentials"; message: string } };

export async function loginAdmin(db: Db, input: z.input<typeof LoginInput>, now = new Date()): Promise<LoginResult> {
  const parsed = LoginInput.safeParse(input);
  if (!parsed.success) return { ok: false, error: { code: "invalid-input", message: parsed.error.issues[0]?.message ?? "Invalid input" } };
  const user = await db.adminUser.findUnique({
    where: { email: parsed.data.email },
    select: { id: true, email: true, name: true, passwordHash: true },
  });
  // Verify against a fixed hash when the user is unknown so timing does not reveal which emails exist.
  const ok = await verifyPassword(parsed.data.password, user?.passwordHash ?? UNKNOWN_USER_HASH);
  if (!user || !ok) return { ok: false, error: { code: "invalid-credentials", message: "Wrong email or password." } };
  const sessionToken = randomBytes(32).toString("base64url");
  const expiresAt = new Date(now.getTime() + config.JOINSCOPE_SESSION_HOURS * 3600_000);
  await db.$transaction(async (tx) => {
    await tx.adminSession.create({ data: { userRef: user.id, tokenHash: hashSessionToken(sessionToken), expiresAt } });
    await tx.adminUser.update({ where: { id: user.id }, data: { lastLoginAt: now } });
    await writeAuditLog(tx, { actor: user.email, action: "admin.login", target: user.id });
  });
  return { ok: true, sessionToken, expiresAt, admin: { id: user.id, email: user.email, name: user.name } };
}

const UNKNOWN_USER_HASH = "scrypt$32768$8$1$AAAAAAAAAAAAAAAAAAAAAA$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA";

export async function findAdminBySession(db: Db, sessionToken: string | undefined, now = new Date()): Promise<AdminIdentity | null> {
  if (!sessionToken || sessionToken.length > 100) return null;
  const session = await db.adminSession.findUnique({
    where: { tokenHash: hashSessionToken(sessionToken) },
    select: { expiresAt: true, user: { select: { id: true, email: true, name: true } } },
  });
  if (!session || session.expiresAt <= now) return null;
  return session.user;
}

export async function logoutAdmin(db: Db, sessionToken: string | undefined): Promise<void> {
  if (!sessionToken) return;
  await db.adminSession.deleteMany({ where: { tokenHash: hashSessionToken(sessionToken) } });
}

export const CreateAdminInput = z.object({
  email: z.string().trim().toLowerCase().email(),
  name: z.string().trim().min(1).max(200),
  password: z.string().min(12, "Use at least 12 characters").max(1024),
});

export async function createAdminUser(
  db: Db,
  input: z.input<typeof CreateAdminInput>,
  actor = "cli",
): Promise<{ ok: true; id: string } | { ok: false; error: { code: "invalid-input" | "duplicate"; message: string } }> {
  const parsed = CreateAdminInput.safeParse(input);
  if (!parsed.success) return { ok: false, error: { code: "invalid-input", message: parsed.error.issues[0]?.message ?? "Invalid input" } };
  const passwordHash = await hashPassword(parsed.data.password);
  const existing = await db.adminUser.findUnique({ where: { email: parsed.data.email }, select: { id: true } });
  if (existing) return { ok: false, error: { code: "duplicate", message: `${parsed.data.email} already has an account` } };
  const user = await db.$transaction(async (tx) => {
    const created = await tx.adminUser.create({
      data: { email: parsed.data.email, name: parsed.data.name, passwordHash },
      select: { id: true },
    });
    await writeAuditLog(tx, { actor, action: "admin.create", target: created.id, detail: { email: parsed.data.email } });
    return created;
  });
  return { ok: true, id: user.id };
}
