import "server-only";
import { createHash, randomBytes } from "node:crypto";
import { z } from "zod";
import { findTenantScope } from "@/lib/access/find-tenant-scope";
import { writeAuditLog } from "@/lib/audit/write-audit-log";
import { config } from "@/lib/config";
import type { Db } from "@/lib/db/client";
import { beginLoginAttempt, lockedMessage } from "./login-throttle";
import { hashPassword, needsRehash, UNKNOWN_USER_HASH, verifyPassword } from "./password";
import { parseRole, RoleSchema, type Role } from "./roles";
import type { TenantScope } from "./tenant-scope";

export const SESSION_COOKIE = "joinscope_session";

export interface AdminIdentity {
  id: string;
  email: string;
  name: string;
  /** lib/auth/roles.ts; null: signed in without a role (only the no-access page). */
  role: Role | null;
  /** How the account signs in: a local password or Sign in with Microsoft. */
  source: "local" | "entra";
  /** The tenants they may see (lib/auth/tenant-scope.ts, decision 027): null = every tenant. */
  tenantScope: TenantScope;
}

type TxDb = Parameters<Parameters<Db["$transaction"]>[0]>[0];

/**
 * A new session for the user (a fresh random token; only its SHA-256 is stored). The session the browser held before,
 * if any, ends in the same transaction: every sign-in rotates the cookie's value.
 */
export async function startSession(
  tx: TxDb,
  userRef: string,
  previousToken: string | undefined,
  now: Date,
): Promise<{ sessionToken: string; expiresAt: Date }> {
  const sessionToken = randomBytes(32).toString("base64url");
  const expiresAt = new Date(now.getTime() + config.JOINSCOPE_SESSION_HOURS * 3600_000);
  if (previousToken && previousToken.length <= 100) await tx.adminSession.deleteMany({ where: { tokenHash: hashSessionToken(previousToken) } });
  await tx.adminSession.create({ data: { userRef, tokenHash: hashSessionToken(sessionToken), expiresAt } });
  return { sessionToken, expiresAt };
}

function hashSessionToken(token: string): string {
  return createHash("sha256").update(token).digest("hex");
}

export const LoginInput = z.object({
  email: z
    .string()
    .trim()
    .toLowerCase()
    .max(254, "Enter the email address of your JoinScope account")
    .email("Enter the email address of your JoinScope account"),
  password: z.string().min(1, "Enter your password").max(1024),
  /** lib/http/client-address.ts: the per-address budget's key, and what the audit log records. */
  clientAddress: z.string().max(64).default("unknown"),
});

export type LoginResult =
  | { ok: true; sessionToken: string; expiresAt: Date; admin: AdminIdentity }
  | { ok: false; error: { code: "invalid-input" | "invalid-credentials" | "local-login-off"; message: string } }
  | { ok: false; error: { code: "locked"; message: string; retryAfterSeconds: number } };

const INVALID_CREDENTIALS = { code: "invalid-credentials", message: "Wrong email or password." } as const;

/**
 * Signs an admin in, unless the account or the client address is locked (lib/auth/login-throttle.ts): then even the
 * right password is refused without being checked. Every refused attempt is audit-logged with the email as typed and
 * the client address, never the password; attempts from an address that is already blocked are not, which bounds
 * how fast one client can grow the log.
 */
export async function loginAdmin(db: Db, input: z.input<typeof LoginInput>, now = new Date(), previousSessionToken?: string): Promise<LoginResult> {
  if (!config.JOINSCOPE_LOCAL_LOGIN)
    return { ok: false, error: { code: "local-login-off", message: "Local accounts are turned off here: sign in with Microsoft." } };
  const parsed = LoginInput.safeParse(input);
  if (!parsed.success) return { ok: false, error: { code: "invalid-input", message: parsed.error.issues[0]?.message ?? "Invalid input" } };
  const { email, password, clientAddress } = parsed.data;
  const failure = (reason: "invalid-credentials" | "disabled" | "locked", target: string | null = null) =>
    writeAuditLog(db, {
      actor: email,
      action: "admin.login.failed",
      target,
      detail: { email: String(input.email).slice(0, 320), address: clientAddress, reason },
    });

  const attempt = await beginLoginAttempt(db, { account: email, address: clientAddress });
  if (!attempt.allowed) {
    if (attempt.lockStarted) {
      const minutes = Math.round(attempt.retryAfterSeconds / 60);
      await writeAuditLog(db, {
        actor: email,
        action: "admin.login.locked",
        detail: { scope: attempt.scope, email: String(input.email).slice(0, 320), address: clientAddress, minutes },
      });
    }
    if (attempt.lockStarted || attempt.scope === "account") await failure("locked");
    return { ok: false, error: { code: "locked", message: lockedMessage(attempt.retryAfterSeconds), retryAfterSeconds: attempt.retryAfterSeconds } };
  }

  const user = await db.adminUser.findUnique({
    where: { email },
    select: { id: true, email: true, name: true, passwordHash: true, disabledAt: true, role: true, source: true },
  });
  // Verify against a hash of the same cost when the user is unknown so timing does not reveal which emails exist;
  // a disabled account is checked too, and answered like a wrong password, so the answer does not confirm it.
  // An account made by Sign in with Microsoft has no password: it is answered as an unknown email.
  const local = user?.source === "local" ? user : null;
  const ok = await verifyPassword(password, local?.passwordHash ?? UNKNOWN_USER_HASH);
  if (!user || !local || !ok || user.disabledAt) {
    await failure(user?.disabledAt && ok ? "disabled" : "invalid-credentials", user?.id ?? null);
    return { ok: false, error: INVALID_CREDENTIALS };
  }
  await attempt.succeeded();
  // A hash made at another scrypt cost than the current one (lib/auth/password.ts) is replaced now that the password is known.
  const upgradedHash = needsRehash(user.passwordHash) ? await hashPassword(password) : null;
  const { sessionToken, expiresAt } = await db.$transaction(async (tx) => {
    const session = await startSession(tx, user.id, previousSessionToken, now);
    await tx.adminUser.update({ where: { id: user.id }, data: { lastLoginAt: now, ...(upgradedHash ? { passwordHash: upgradedHash } : {}) } });
    await writeAuditLog(tx, {
      actor: user.email,
      action: "admin.login",
      target: user.id,
      detail: { address: clientAddress, ...(upgradedHash ? { passwordHashUpgraded: true } : {}) },
    });
    return session;
  });
  const tenantScope = await findTenantScope(db, { email: user.email, entraObjectId: null, entraGroups: null });
  return {
    ok: true,
    sessionToken,
    expiresAt,
    admin: { id: user.id, email: user.email, name: user.name, role: parseRole(user.role), source: "local", tenantScope },
  };
}

export async function findAdminBySession(db: Db, sessionToken: string | undefined, now = new Date()): Promise<AdminIdentity | null> {
  if (!sessionToken || sessionToken.length > 100) return null;
  const session = await db.adminSession.findUnique({
    where: { tokenHash: hashSessionToken(sessionToken) },
    select: {
      expiresAt: true,
      user: { select: { id: true, email: true, name: true, disabledAt: true, role: true, source: true, entraObjectId: true, entraGroups: true } },
    },
  });
  // `admin disable` deletes the sessions; the check here also covers one created while it ran.
  if (!session || session.expiresAt <= now || session.user.disabledAt) return null;
  // Local sessions made before local accounts were turned off end with that setting.
  if (session.user.source === "local" && !config.JOINSCOPE_LOCAL_LOGIN) return null;
  const { id, email, name, role, source } = session.user;
  const entra = source === "entra";
  // An Entra account is matched by its UPN, object id and groups; a local one by its email only (decision 027).
  const tenantScope = await findTenantScope(db, {
    email,
    entraObjectId: entra ? session.user.entraObjectId : null,
    entraGroups: entra ? session.user.entraGroups : null,
  });
  return { id, email, name, role: parseRole(role), source: entra ? "entra" : "local", tenantScope };
}

export async function logoutAdmin(db: Db, sessionToken: string | undefined): Promise<void> {
  if (!sessionToken) return;
  await db.adminSession.deleteMany({ where: { tokenHash: hashSessionToken(sessionToken) } });
}

export const CreateAdminInput = z.object({
  email: z.string().trim().toLowerCase().email(),
  name: z.string().trim().min(1).max(200),
  password: z.string().min(12, "Use at least 12 characters").max(1024),
  /** Accounts made before roles existed became Admins (migration 20261209150000); a new one is an Admin unless told. */
  role: RoleSchema.default("Admin"),
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
      data: { email: parsed.data.email, name: parsed.data.name, passwordHash, role: parsed.data.role },
      select: { id: true },
    });
    await writeAuditLog(tx, { actor, action: "admin.create", target: created.id, detail: { email: parsed.data.email, role: parsed.data.role } });
    return created;
  });
  return { ok: true, id: user.id };
}
