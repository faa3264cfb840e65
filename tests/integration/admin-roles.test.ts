/**
 * Roles on accounts (issue 20, decision 022), through lib/auth's public functions: a new local account is an Admin
 * unless told otherwise, `admin set-role` changes a local account's role (audit-logged) and refuses a Microsoft
 * account, whose role comes from its ID token; a Microsoft account cannot be signed in to with a password.
 */
import { describe, expect, it } from "vitest";
import { createAdminUser, findAdminBySession, loginAdmin } from "@/lib/auth/admin-sessions";
import { findAdminByEmail } from "@/lib/auth/find-admin-by-email";
import { setAdminRole } from "@/lib/auth/set-admin-role";
import { db } from "@/lib/db/client";
import { createAdminWithCheapHash } from "../setup/factories";

describe("account roles", () => {
  it("makes a new account an Admin by default, or the role asked for", async () => {
    const admin = await createAdminUser(db, { email: "default-role@joinscope.test", name: "A", password: "long enough password" });
    const reader = await createAdminUser(db, { email: "reader-role@joinscope.test", name: "R", password: "long enough password", role: "Reader" });
    if (!admin.ok || !reader.ok) throw new Error("not created");
    expect((await db.adminUser.findUniqueOrThrow({ where: { id: admin.id } })).role).toBe("Admin");
    expect((await db.adminUser.findUniqueOrThrow({ where: { id: reader.id } })).role).toBe("Reader");
    expect((await createAdminUser(db, { email: "x@joinscope.test", name: "X", password: "long enough password", role: "Owner" as never })).ok).toBe(false);
  });

  it("set-role changes a local account's role, the session sees it at once, and the audit log records it", async () => {
    const id = await createAdminWithCheapHash(db, { email: "demote@joinscope.test", password: "the password" });
    const login = await loginAdmin(db, { email: "demote@joinscope.test", password: "the password", clientAddress: "192.0.2.50" });
    if (!login.ok) throw new Error(login.error.message);
    expect((await findAdminBySession(db, login.sessionToken))?.role).toBe("Admin");
    expect(await setAdminRole(db, { email: "Demote@joinscope.test", role: "Reader", actor: "cli" })).toEqual({
      ok: true,
      email: "demote@joinscope.test",
      role: "Reader",
      previous: "Admin",
    });
    expect((await findAdminBySession(db, login.sessionToken))?.role).toBe("Reader");
    const audit = await db.auditLog.findMany({ where: { action: "admin.role", target: id }, select: { actor: true, detail: true } });
    expect(audit.map((a) => ({ actor: a.actor, detail: typeof a.detail === "string" ? JSON.parse(a.detail) : a.detail }))).toEqual([
      { actor: "cli", detail: { email: "demote@joinscope.test", role: "Reader", previous: "Admin" } },
    ]);
    expect((await setAdminRole(db, { email: "demote@joinscope.test", role: "Root", actor: "cli" })).ok).toBe(false);
    expect(await setAdminRole(db, { email: "nobody@joinscope.test", role: "Reader", actor: "cli" })).toMatchObject({ ok: false, error: { code: "not-found" } });
  });

  it("refuses set-role and password sign-in for an account that signs in with Microsoft", async () => {
    await db.adminUser.create({
      data: { email: "entra-user@contoso.test", name: "E", passwordHash: "", source: "entra", entraTenantId: "t", entraObjectId: "o", role: "Reader" },
    });
    expect(await setAdminRole(db, { email: "entra-user@contoso.test", role: "Admin", actor: "cli" })).toMatchObject({
      ok: false,
      error: { code: "entra-account" },
    });
    const login = await loginAdmin(db, { email: "entra-user@contoso.test", password: "anything", clientAddress: "192.0.2.51" });
    expect(login).toMatchObject({ ok: false, error: { code: "invalid-credentials" } });
  });
});

describe("what set-role and the account look-up answer an operator (issue 26: only their codes were checked)", () => {
  it("names the roles for a role it does not know, the email for an unknown account, and Entra ID for a Microsoft account", async () => {
    await createAdminWithCheapHash(db, { email: "answers@joinscope.test", password: "the password" });
    await db.adminUser.create({
      data: { email: "entra-answers@contoso.test", name: "E", passwordHash: "", source: "entra", entraTenantId: "t2", entraObjectId: "o2", role: "Reader" },
    });
    expect(await setAdminRole(db, { email: "answers@joinscope.test", role: "Owner", actor: "cli" })).toEqual({
      ok: false,
      error: { code: "invalid-input", message: "The role is Reader, Operator or Admin" },
    });
    expect(await setAdminRole(db, { email: "  Nobody@joinscope.test ", role: "Reader", actor: "cli" })).toEqual({
      ok: false,
      error: { code: "not-found", message: "No account has the email nobody@joinscope.test" },
    });
    expect(await setAdminRole(db, { email: "entra-answers@contoso.test", role: "Admin", actor: "cli" })).toEqual({
      ok: false,
      error: {
        code: "entra-account",
        message: "entra-answers@contoso.test signs in with Microsoft: its role is its app role in Entra ID, read at each sign-in",
      },
    });
    // An email as typed, spaces and capitals included, names the account.
    expect(await setAdminRole(db, { email: " Answers@JoinScope.test  ", role: "Operator", actor: "cli" })).toEqual({
      ok: true,
      email: "answers@joinscope.test",
      role: "Operator",
      previous: "Admin",
    });
    expect(await db.auditLog.count({ where: { action: "admin.role" } })).toBeGreaterThan(0);
  });

  it("finds an account by its email as typed, and says why it cannot", async () => {
    const id = await createAdminWithCheapHash(db, { email: "lookup@joinscope.test", password: "the password" });
    expect(await findAdminByEmail(db, "  LookUp@joinscope.test ")).toEqual({ ok: true, id, email: "lookup@joinscope.test" });
    expect(await findAdminByEmail(db, "not an email")).toEqual({ ok: false, error: { code: "invalid-input", message: "Enter an email address" } });
    expect(await findAdminByEmail(db, "missing@joinscope.test")).toEqual({
      ok: false,
      error: { code: "not-found", message: "no admin account for missing@joinscope.test" },
    });
  });
});
