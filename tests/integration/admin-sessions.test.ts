/**
 * Sessions and account operations through lib/auth's public functions (issue 26): the survivors of the mutation
 * study were an expired session accepted and any password accepted, which only the browser suite might have noticed.
 * JOINSCOPE_SESSION_HOURS is the default 12 here; the sign-in limits come from tests/setup/per-file-database.ts.
 */
import { describe, expect, it } from "vitest";
import { createAdminUser, findAdminBySession, loginAdmin, logoutAdmin, startSession } from "@/lib/auth/admin-sessions";
import { endAdminSessions } from "@/lib/auth/end-admin-sessions";
import { findAdminByEmail } from "@/lib/auth/find-admin-by-email";
import { resetAdminPassword } from "@/lib/auth/reset-admin-password";
import { setAdminDisabled } from "@/lib/auth/set-admin-disabled";
import { config } from "@/lib/config";
import { db } from "@/lib/db/client";
import { createAdminWithCheapHash } from "../setup/factories";

const HOUR_MS = 3_600_000;
const PASSWORD = "correct horse battery staple";

let addressCounter = 0;
/** A fresh client address per attempt, so the per-address budget never interferes with what a test measures. */
const address = () => `198.18.0.${++addressCounter}`;

/** Cheap to guess at (tests/setup/factories.ts); createAdminUser itself is tested below. */
const newAdmin = (email: string) => createAdminWithCheapHash(db, { email, password: PASSWORD, name: "Session Admin" });

async function signIn(email: string, password = PASSWORD, now = new Date()) {
  const login = await loginAdmin(db, { email, password, clientAddress: address() }, now);
  if (!login.ok) throw new Error(`sign-in refused: ${login.error.code}`);
  return login;
}

/** The audit entries of one action about one account (its id, or the email typed for an unknown one), oldest first. */
async function auditOf(action: string, target: string) {
  const rows = await db.auditLog.findMany({ where: { action }, orderBy: { at: "asc" } });
  return rows
    .filter((a) => a.target === target || (a.detail as { email?: string } | null)?.email === target)
    .map((a) => ({ actor: a.actor, target: a.target, detail: a.detail }));
}

describe("session lifetime", () => {
  it("accepts a session until JOINSCOPE_SESSION_HOURS after sign-in and refuses it from that instant on", async () => {
    const id = await newAdmin("expiry@joinscope.test");
    const signedInAt = new Date("2026-03-02T08:00:00.000Z");
    const login = await signIn("expiry@joinscope.test", PASSWORD, signedInAt);
    expect(login.expiresAt.toISOString()).toBe("2026-03-02T20:00:00.000Z");
    expect(login.admin).toEqual({ id, email: "expiry@joinscope.test", name: "Session Admin", role: "Admin", source: "local", tenantScope: null });
    expect(login.sessionToken).toMatch(/^[A-Za-z0-9_-]{43}$/); // 32 random bytes, base64url

    const at = (ms: number) => findAdminBySession(db, login.sessionToken, new Date(signedInAt.getTime() + ms));
    expect(await at(0)).toEqual({ id, email: "expiry@joinscope.test", name: "Session Admin", role: "Admin", source: "local", tenantScope: null });
    expect(await at(12 * HOUR_MS - 1)).toMatchObject({ id });
    expect(await at(12 * HOUR_MS)).toBeNull();
    expect(await at(13 * HOUR_MS)).toBeNull();
    expect(await at(30 * 24 * HOUR_MS)).toBeNull();
  });

  it("knows no session for a missing, unknown or altered token", async () => {
    await newAdmin("tokens@joinscope.test");
    const login = await signIn("tokens@joinscope.test");
    expect(await findAdminBySession(db, undefined)).toBeNull();
    expect(await findAdminBySession(db, "")).toBeNull();
    expect(await findAdminBySession(db, "x".repeat(43))).toBeNull();
    expect(await findAdminBySession(db, `${login.sessionToken}x`)).toBeNull();
    expect(await findAdminBySession(db, login.sessionToken.toUpperCase())).toBeNull();
    expect(await findAdminBySession(db, login.sessionToken)).not.toBeNull();
  });

  it("stores only a hash of the session token", async () => {
    await newAdmin("hashed@joinscope.test");
    const login = await signIn("hashed@joinscope.test");
    const rows = await db.adminSession.findMany({ where: { user: { email: "hashed@joinscope.test" } }, select: { tokenHash: true } });
    expect(rows).toHaveLength(1);
    expect(rows[0]!.tokenHash).toMatch(/^[0-9a-f]{64}$/);
    expect(JSON.stringify(rows)).not.toContain(login.sessionToken);
  });

  it("signs out one browser, leaving the account's other sessions, and ignores a missing cookie", async () => {
    await newAdmin("logout@joinscope.test");
    const laptop = await signIn("logout@joinscope.test");
    const phone = await signIn("logout@joinscope.test");
    expect(laptop.sessionToken).not.toBe(phone.sessionToken);
    await logoutAdmin(db, undefined);
    await logoutAdmin(db, laptop.sessionToken);
    expect(await findAdminBySession(db, laptop.sessionToken)).toBeNull();
    expect(await findAdminBySession(db, phone.sessionToken)).not.toBeNull();
  });
});

describe("sign-in", () => {
  it("refuses a wrong password, an unknown email and a disabled account alike, and opens no session", async () => {
    const id = await newAdmin("pw@joinscope.test");
    const refused = { ok: false, error: { code: "invalid-credentials", message: "Wrong email or password." } };
    expect(await loginAdmin(db, { email: "pw@joinscope.test", password: "correct horse battery stapl", clientAddress: address() })).toEqual(refused);
    expect(await loginAdmin(db, { email: "nobody-pw@joinscope.test", password: PASSWORD, clientAddress: address() })).toEqual(refused);
    await db.adminUser.update({ where: { id }, data: { disabledAt: new Date() } });
    expect(await loginAdmin(db, { email: "pw@joinscope.test", password: PASSWORD, clientAddress: address() })).toEqual(refused);
    expect(await loginAdmin(db, { email: "pw@joinscope.test", password: "not the password", clientAddress: address() })).toEqual(refused);
    expect(await db.adminSession.count({ where: { userRef: id } })).toBe(0);

    // The audit log tells the operator what the answer hides: which attempt had the right password of a disabled account.
    const failed = [...(await auditOf("admin.login.failed", id)), ...(await auditOf("admin.login.failed", "nobody-pw@joinscope.test"))];
    expect(failed.map((f) => [f.target, (f.detail as { reason: string }).reason])).toEqual([
      [id, "invalid-credentials"],
      [id, "disabled"],
      [id, "invalid-credentials"],
      [null, "invalid-credentials"],
    ]);
    expect((await db.adminUser.findUniqueOrThrow({ where: { id } })).lastLoginAt).toBeNull();
  });

  it("records the sign-in: last login time and an audit entry with the client address", async () => {
    const id = await newAdmin("recorded@joinscope.test");
    const now = new Date("2026-03-02T09:30:00.000Z");
    await loginAdmin(db, { email: " Recorded@JoinScope.test", password: PASSWORD, clientAddress: "203.0.113.40" }, now);
    expect((await db.adminUser.findUniqueOrThrow({ where: { id } })).lastLoginAt?.toISOString()).toBe("2026-03-02T09:30:00.000Z");
    await loginAdmin(db, { email: "recorded@joinscope.test", password: PASSWORD, clientAddress: "203.0.113.41" }, now);
    // The account's hash had an old cost (tests/setup/factories.ts): the first sign-in replaced it, the second had nothing to replace.
    expect(await auditOf("admin.login", id)).toEqual([
      { actor: "recorded@joinscope.test", target: id, detail: { address: "203.0.113.40", passwordHashUpgraded: true } },
      { actor: "recorded@joinscope.test", target: id, detail: { address: "203.0.113.41" } },
    ]);
  });

  it("answers malformed input with the form's message before any password is checked", async () => {
    const auditBefore = await db.auditLog.count();
    expect(await loginAdmin(db, { email: "not an email", password: PASSWORD })).toEqual({
      ok: false,
      error: { code: "invalid-input", message: "Enter the email address of your JoinScope account" },
    });
    expect(await loginAdmin(db, { email: "someone@joinscope.test", password: "" })).toEqual({
      ok: false,
      error: { code: "invalid-input", message: "Enter your password" },
    });
    expect(await loginAdmin(db, { email: `${"a".repeat(250)}@joinscope.test`, password: PASSWORD })).toEqual({
      ok: false,
      error: { code: "invalid-input", message: "Enter the email address of your JoinScope account" },
    });
    expect(await loginAdmin(db, { email: "someone@joinscope.test", password: "x".repeat(1025) })).toMatchObject({
      ok: false,
      error: { code: "invalid-input" },
    });
    expect(await loginAdmin(db, { email: "someone@joinscope.test", password: PASSWORD, clientAddress: "1".repeat(65) })).toMatchObject({
      ok: false,
      error: { code: "invalid-input" },
    });
    expect(await db.auditLog.count()).toBe(auditBefore);
  });
});

describe("what a refused sign-in records", () => {
  it("keeps at most 320 characters of the email as typed, and 'unknown' for a missing client address", async () => {
    const typed = `${" ".repeat(400)}nobody-long@joinscope.test`;
    await loginAdmin(db, { email: typed, password: PASSWORD });
    const [entry] = await auditOf("admin.login.failed", " ".repeat(320));
    expect(entry?.detail).toEqual({ email: " ".repeat(320), address: "unknown", reason: "invalid-credentials" });
  });

  it("keeps at most 320 characters of the email as typed in the entry of the lock it starts too", async () => {
    const typed = `${" ".repeat(400)}locked-long@joinscope.test`;
    // JOINSCOPE_LOGIN_MAX_FAILURES is 3 here (tests/setup/per-file-database.ts): the fourth attempt starts the lock.
    for (let i = 0; i < 4; i++) await loginAdmin(db, { email: typed, password: "wrong guess", clientAddress: address() });
    const locks = await db.auditLog.findMany({ where: { action: "admin.login.locked", actor: "locked-long@joinscope.test" } });
    expect(locks.map((a) => (a.detail as { email: string }).email)).toEqual([" ".repeat(320)]);
  });
});

describe("account operations", () => {
  it("creates an account once, with at least 12 characters of password, audit-logged", async () => {
    expect(await createAdminUser(db, { email: "short@joinscope.test", name: "Short", password: "elevenchars" })).toEqual({
      ok: false,
      error: { code: "invalid-input", message: "Use at least 12 characters" },
    });
    expect(await createAdminUser(db, { email: "blank@joinscope.test", name: "   ", password: "twelve chars" })).toMatchObject({
      ok: false,
      error: { code: "invalid-input" },
    });
    expect(await createAdminUser(db, { email: "long@joinscope.test", name: "n".repeat(201), password: "twelve chars" })).toMatchObject({
      ok: false,
      error: { code: "invalid-input" },
    });
    expect(await createAdminUser(db, { email: "not an email", name: "N", password: "twelve chars" })).toMatchObject({
      ok: false,
      error: { code: "invalid-input" },
    });
    const created = await createAdminUser(db, { email: " Twice@JoinScope.test ", name: " Twice ", password: "twelve chars" });
    expect(created.ok).toBe(true);
    expect(await createAdminUser(db, { email: "twice@joinscope.test", name: "Again", password: "twelve chars" })).toEqual({
      ok: false,
      error: { code: "duplicate", message: "twice@joinscope.test already has an account" },
    });
    const id = created.ok ? created.id : "";
    expect(await db.adminUser.findUniqueOrThrow({ where: { id }, select: { email: true, name: true } })).toEqual({
      email: "twice@joinscope.test",
      name: "Twice",
    });
    // The actor defaults to "cli", the command line being where accounts are created.
    expect(await auditOf("admin.create", id)).toEqual([{ actor: "cli", target: id, detail: { email: "twice@joinscope.test", role: "Admin" } }]);
  });

  it("finds an account by its email as typed, and names a missing or malformed one", async () => {
    const id = await newAdmin("lookup@joinscope.test");
    expect(await findAdminByEmail(db, "  LookUp@joinscope.TEST ")).toEqual({ ok: true, id, email: "lookup@joinscope.test" });
    expect(await findAdminByEmail(db, "missing@joinscope.test")).toEqual({
      ok: false,
      error: { code: "not-found", message: "no admin account for missing@joinscope.test" },
    });
    expect(await findAdminByEmail(db, "lookup")).toEqual({ ok: false, error: { code: "invalid-input", message: "Enter an email address" } });
  });

  it("resets a password: the old one stops working, every session ends, and a lock-out is lifted", async () => {
    const id = await newAdmin("reset@joinscope.test");
    const session = await signIn("reset@joinscope.test");
    for (let i = 0; i < 3; i++) await loginAdmin(db, { email: "reset@joinscope.test", password: `guess ${i}`, clientAddress: address() });
    expect(await loginAdmin(db, { email: "reset@joinscope.test", password: PASSWORD, clientAddress: address() })).toMatchObject({ error: { code: "locked" } });

    expect(await resetAdminPassword(db, { email: "reset@joinscope.test", password: "too short", actor: "cli" })).toEqual({
      ok: false,
      error: { code: "invalid-input", message: "Use at least 12 characters" },
    });
    expect(await resetAdminPassword(db, { email: "nobody@joinscope.test", password: "a brand new password", actor: "cli" })).toMatchObject({
      ok: false,
      error: { code: "not-found" },
    });
    expect(await findAdminBySession(db, session.sessionToken)).not.toBeNull(); // refused resets change nothing

    expect(await resetAdminPassword(db, { email: "reset@joinscope.test", password: "a brand new password", actor: "cli" })).toEqual({
      ok: true,
      email: "reset@joinscope.test",
      sessionsEnded: 1,
    });
    expect(await findAdminBySession(db, session.sessionToken)).toBeNull();
    expect(await loginAdmin(db, { email: "reset@joinscope.test", password: PASSWORD, clientAddress: address() })).toMatchObject({
      error: { code: "invalid-credentials" },
    });
    expect((await loginAdmin(db, { email: "reset@joinscope.test", password: "a brand new password", clientAddress: address() })).ok).toBe(true);
    // The reset also forgot the account's lock history: its next lock is the first one's 15 minutes again, not 30.
    for (let i = 0; i < 3; i++) await loginAdmin(db, { email: "reset@joinscope.test", password: `again ${i}`, clientAddress: address() });
    expect(await loginAdmin(db, { email: "reset@joinscope.test", password: "a brand new password", clientAddress: address() })).toMatchObject({
      error: { code: "locked", retryAfterSeconds: 900 },
    });
    expect(await auditOf("admin.password-reset", id)).toEqual([{ actor: "cli", target: id, detail: { email: "reset@joinscope.test", sessionsEnded: 1 } }]);
  });

  it("a password reset ends that account's sessions only", async () => {
    await newAdmin("reset-one@joinscope.test");
    await newAdmin("reset-bystander@joinscope.test");
    const bystander = await signIn("reset-bystander@joinscope.test");
    await signIn("reset-one@joinscope.test");
    expect(await resetAdminPassword(db, { email: "reset-one@joinscope.test", password: "another new password", actor: "cli" })).toMatchObject({
      ok: true,
      sessionsEnded: 1,
    });
    expect(await findAdminBySession(db, bystander.sessionToken)).toMatchObject({ email: "reset-bystander@joinscope.test" });
  });

  it("disables an account and ends its sessions; enabling lets it sign in again and lifts its lock-out", async () => {
    const id = await newAdmin("toggle@joinscope.test");
    const session = await signIn("toggle@joinscope.test");
    const disabledAt = new Date("2026-03-02T10:00:00.000Z");
    expect(await setAdminDisabled(db, { email: "toggle@joinscope.test", disabled: true, actor: "cli" }, disabledAt)).toEqual({
      ok: true,
      email: "toggle@joinscope.test",
      changed: true,
      sessionsEnded: 1,
    });
    expect((await db.adminUser.findUniqueOrThrow({ where: { id } })).disabledAt?.toISOString()).toBe("2026-03-02T10:00:00.000Z");
    expect(await findAdminBySession(db, session.sessionToken)).toBeNull();
    expect(await setAdminDisabled(db, { email: "toggle@joinscope.test", disabled: true, actor: "cli" })).toEqual({
      ok: true,
      email: "toggle@joinscope.test",
      changed: false,
      sessionsEnded: 0,
    });
    expect((await db.adminUser.findUniqueOrThrow({ where: { id } })).disabledAt?.toISOString()).toBe("2026-03-02T10:00:00.000Z");

    // Guesses at the disabled account lock it; `enable` vouches for it and lifts that lock.
    for (let i = 0; i < 3; i++) await loginAdmin(db, { email: "toggle@joinscope.test", password: `guess ${i}`, clientAddress: address() });
    expect(await setAdminDisabled(db, { email: "toggle@joinscope.test", disabled: false, actor: "cli" })).toEqual({
      ok: true,
      email: "toggle@joinscope.test",
      changed: true,
      sessionsEnded: 0,
    });
    expect((await db.adminUser.findUniqueOrThrow({ where: { id } })).disabledAt).toBeNull();
    expect((await loginAdmin(db, { email: "toggle@joinscope.test", password: PASSWORD, clientAddress: address() })).ok).toBe(true);
    expect(await setAdminDisabled(db, { email: "toggle@joinscope.test", disabled: false, actor: "cli" })).toMatchObject({ ok: true, changed: false });
    expect(await setAdminDisabled(db, { email: "nobody@joinscope.test", disabled: true, actor: "cli" })).toMatchObject({
      ok: false,
      error: { code: "not-found" },
    });

    expect((await auditOf("admin.disable", id)).map((a) => a.detail)).toEqual([
      { email: "toggle@joinscope.test", changed: true, sessionsEnded: 1 },
      { email: "toggle@joinscope.test", changed: false, sessionsEnded: 0 },
    ]);
    expect((await auditOf("admin.enable", id)).map((a) => a.detail)).toEqual([
      { email: "toggle@joinscope.test", changed: true },
      { email: "toggle@joinscope.test", changed: false },
    ]);
  });

  it("disabling one account ends that account's sessions only, and keeps its sign-in lock-out", async () => {
    await newAdmin("disable-me@joinscope.test");
    await newAdmin("disable-bystander@joinscope.test");
    const bystander = await signIn("disable-bystander@joinscope.test");
    await signIn("disable-me@joinscope.test");
    for (let i = 0; i < 3; i++) await loginAdmin(db, { email: "disable-me@joinscope.test", password: `guess ${i}`, clientAddress: address() });
    expect(await setAdminDisabled(db, { email: "disable-me@joinscope.test", disabled: true, actor: "cli" })).toMatchObject({ ok: true, sessionsEnded: 1 });
    expect(await findAdminBySession(db, bystander.sessionToken)).toMatchObject({ email: "disable-bystander@joinscope.test" });
    // Still locked: only `enable` (or a password reset) lifts a lock-out, and a disabled account is answered as locked first.
    expect(await loginAdmin(db, { email: "disable-me@joinscope.test", password: PASSWORD, clientAddress: address() })).toMatchObject({
      ok: false,
      error: { code: "locked" },
    });
  });

  it("ends every session of one account only, audit-logged", async () => {
    const id = await newAdmin("everywhere@joinscope.test");
    await newAdmin("bystander@joinscope.test");
    const first = await signIn("everywhere@joinscope.test");
    const second = await signIn("everywhere@joinscope.test");
    const bystander = await signIn("bystander@joinscope.test");
    expect(await endAdminSessions(db, { email: "everywhere@joinscope.test", actor: "cli" })).toEqual({
      ok: true,
      email: "everywhere@joinscope.test",
      sessionsEnded: 2,
    });
    expect(await findAdminBySession(db, first.sessionToken)).toBeNull();
    expect(await findAdminBySession(db, second.sessionToken)).toBeNull();
    expect(await findAdminBySession(db, bystander.sessionToken)).not.toBeNull();
    expect(await endAdminSessions(db, { email: "nobody@joinscope.test", actor: "cli" })).toMatchObject({ ok: false, error: { code: "not-found" } });
    expect(await auditOf("admin.sessions-end", id)).toEqual([{ actor: "cli", target: id, detail: { email: "everywhere@joinscope.test", sessionsEnded: 2 } }]);
  });
});

describe("a sign-in from a browser that held a session", () => {
  /** A session for an account without a sign-in (no password check): another browser, or another account's. */
  const sessionOf = (userRef: string) => db.$transaction((tx) => startSession(tx, userRef, undefined, new Date()));

  it("ends that browser's session only: the account's other browsers and other accounts keep theirs", async () => {
    const id = await newAdmin("rotate@joinscope.test");
    const other = await newAdmin("rotate-other@joinscope.test");
    const laptop = await sessionOf(id);
    const phone = await sessionOf(id);
    const colleague = await sessionOf(other);
    const again = await loginAdmin(db, { email: "rotate@joinscope.test", password: PASSWORD, clientAddress: address() }, new Date(), laptop.sessionToken);
    if (!again.ok) throw new Error("sign-in refused");
    expect(await findAdminBySession(db, laptop.sessionToken)).toBeNull();
    expect(await findAdminBySession(db, again.sessionToken)).toMatchObject({ id });
    expect(await findAdminBySession(db, phone.sessionToken)).toMatchObject({ id });
    expect(await findAdminBySession(db, colleague.sessionToken)).toMatchObject({ id: other });
  });
});

describe("with local accounts turned off (JOINSCOPE_LOCAL_LOGIN=false)", () => {
  /** lib/config's parsed value, changed for one call and put back. */
  async function withLocalLoginOff<T>(run: () => Promise<T>): Promise<T> {
    const mutable = config as unknown as Record<string, unknown>;
    const saved = mutable.JOINSCOPE_LOCAL_LOGIN;
    mutable.JOINSCOPE_LOCAL_LOGIN = false;
    try {
      return await run();
    } finally {
      mutable.JOINSCOPE_LOCAL_LOGIN = saved;
    }
  }

  it("refuses a password sign-in before reading the account, saying to sign in with Microsoft", async () => {
    await newAdmin("local-off@joinscope.test");
    const refused = await withLocalLoginOff(() => loginAdmin(db, { email: "local-off@joinscope.test", password: PASSWORD, clientAddress: address() }));
    expect(refused).toEqual({ ok: false, error: { code: "local-login-off", message: "Local accounts are turned off here: sign in with Microsoft." } });
    expect(await db.adminSession.count({ where: { user: { email: "local-off@joinscope.test" } } })).toBe(0);
  });

  it("ends the local accounts' sessions and keeps the Microsoft accounts' ones", async () => {
    const local = await newAdmin("local-session@joinscope.test");
    const entra = await db.adminUser.create({
      data: {
        email: "entra-session@contoso.test",
        name: "Entra Admin",
        passwordHash: "",
        role: "Admin",
        source: "entra",
        entraTenantId: "t",
        entraObjectId: "o",
      },
      select: { id: true },
    });
    const localSession = await db.$transaction((tx) => startSession(tx, local, undefined, new Date()));
    const entraSession = await db.$transaction((tx) => startSession(tx, entra.id, undefined, new Date()));
    await withLocalLoginOff(async () => {
      expect(await findAdminBySession(db, localSession.sessionToken)).toBeNull();
      expect(await findAdminBySession(db, entraSession.sessionToken)).toMatchObject({ id: entra.id, source: "entra" });
    });
    expect(await findAdminBySession(db, localSession.sessionToken)).toMatchObject({ id: local, source: "local" });
  });
});
