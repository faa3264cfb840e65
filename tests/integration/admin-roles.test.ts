/**
 * Roles on accounts (issue 20, decision 022), through lib/auth's public functions: a new local account is an Admin
 * unless told otherwise, `admin set-role` changes a local account's role (audit-logged) and refuses a Microsoft
 * account, whose role comes from its ID token; a Microsoft account cannot be signed in to with a password.
 */
import { describe, expect, it } from "vitest";
import { createAdminUser, findAdminBySession, loginAdmin } from "@/lib/auth/admin-sessions";
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
