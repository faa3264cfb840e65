/**
 * Password guessing (issue 14 item 4): failures per account and per client address lock sign-in for a growing time,
 * even for the right password; every failure is in the audit log without the password; the admin can list them.
 * The limits come from tests/setup/per-file-database.ts: 3 failures per account, 8 per address, 15-minute lock.
 */
import { afterEach, describe, expect, it, vi } from "vitest";
import { createAdminUser, loginAdmin } from "@/lib/auth/admin-sessions";
import { createDb, db } from "@/lib/db/client";
import { findFailedSignIns } from "@/lib/queries/find-failed-sign-ins";
import { createAdminWithCheapHash } from "../setup/factories";

const PASSWORD = "the right password, finally";

/** An account as `admin create` makes it: every guess costs a full (128 MiB) scrypt verification. */
async function newAdmin(email: string) {
  const created = await createAdminUser(db, { email, name: "Throttled Admin", password: PASSWORD }, "test");
  if (!created.ok) throw new Error(created.error.message);
  return created.id;
}

/** An account whose wrong guesses are cheap to verify (tests/setup/factories.ts), for tests that take many. */
const newCheapAdmin = (email: string) => createAdminWithCheapHash(db, { email, password: PASSWORD });

afterEach(() => {
  vi.useRealTimers();
});

describe("sign-in lock-out per account", () => {
  it("locks the account after 3 failures; the right password is then refused too, with the wait in minutes", async () => {
    await newCheapAdmin("erin@joinscope.test");
    for (let i = 0; i < 3; i++) {
      const r = await loginAdmin(db, { email: "Erin@JoinScope.test ", password: `guess ${i}`, clientAddress: `198.51.100.${i}` });
      expect(r).toMatchObject({ ok: false, error: { code: "invalid-credentials" } });
    }
    const locked = await loginAdmin(db, { email: "erin@joinscope.test", password: PASSWORD, clientAddress: "198.51.100.9" });
    expect(locked).toMatchObject({ ok: false, error: { code: "locked", message: "Too many attempts; try again in 15 minutes." } });

    // Another app instance (its own Prisma client on the same database) sees the same lock.
    const other = createDb(process.env.DATABASE_URL);
    try {
      const elsewhere = await loginAdmin(other, { email: "erin@joinscope.test", password: PASSWORD, clientAddress: "198.51.100.10" });
      expect(elsewhere).toMatchObject({ ok: false, error: { code: "locked" } });
    } finally {
      await other.$disconnect();
    }
    expect(await db.adminSession.count({ where: { user: { email: "erin@joinscope.test" } } })).toBe(0);
  });

  it("writes each failure to the audit log with the email as typed and the address, never the password", async () => {
    await newCheapAdmin("audit@joinscope.test");
    await loginAdmin(db, { email: " Audit@JoinScope.test", password: "hunter2-secret-guess", clientAddress: "203.0.113.7" });
    await loginAdmin(db, { email: "no-such-admin@joinscope.test", password: "another-secret-guess", clientAddress: "203.0.113.8" });
    const rows = await db.auditLog.findMany({ where: { action: "admin.login.failed" }, orderBy: { at: "asc" } });
    const mine = rows.filter((r) => JSON.stringify(r.detail).includes("203.0.113."));
    expect(mine.map((r) => r.detail)).toEqual([
      { email: " Audit@JoinScope.test", address: "203.0.113.7", reason: "invalid-credentials" },
      { email: "no-such-admin@joinscope.test", address: "203.0.113.8", reason: "invalid-credentials" },
    ]);
    const everything = JSON.stringify(await db.auditLog.findMany());
    expect(everything).not.toContain("hunter2-secret-guess");
    expect(everything).not.toContain("another-secret-guess");

    const listed = await findFailedSignIns(db, { limit: 50 });
    expect(listed.find((f) => f.address === "203.0.113.8")).toMatchObject({ email: "no-such-admin@joinscope.test", reason: "invalid-credentials" });
    expect(listed.find((f) => f.address === "203.0.113.7")).toMatchObject({ email: " Audit@JoinScope.test" });
    expect(listed.findIndex((f) => f.address === "203.0.113.8")).toBeLessThan(listed.findIndex((f) => f.address === "203.0.113.7")); // newest first
  });

  it("counts consecutive failures: a success in between starts again", async () => {
    await newCheapAdmin("consecutive@joinscope.test");
    const attempt = (password: string) => loginAdmin(db, { email: "consecutive@joinscope.test", password, clientAddress: "198.51.100.50" });
    expect((await attempt("wrong 1")).ok).toBe(false);
    expect((await attempt("wrong 2")).ok).toBe(false);
    expect((await attempt(PASSWORD)).ok).toBe(true);
    expect(await attempt("wrong 3")).toMatchObject({ error: { code: "invalid-credentials" } });
    expect(await attempt("wrong 4")).toMatchObject({ error: { code: "invalid-credentials" } });
    expect((await attempt(PASSWORD)).ok).toBe(true);
  });

  it("makes each new lock of the same account last longer", async () => {
    await newCheapAdmin("growing@joinscope.test");
    vi.useFakeTimers({ toFake: ["Date"] });
    const attempt = (password: string, i: number) => loginAdmin(db, { email: "growing@joinscope.test", password, clientAddress: `198.51.100.${100 + i}` });
    for (let i = 0; i < 3; i++) await attempt("wrong", i);
    expect(await attempt("wrong", 3)).toMatchObject({ error: { code: "locked", message: "Too many attempts; try again in 15 minutes." } });

    vi.setSystemTime(Date.now() + 16 * 60_000); // the first lock is over
    expect((await attempt("wrong", 4)).ok).toBe(false);
    expect((await attempt("wrong", 5)).ok).toBe(false);
    expect((await attempt("wrong", 6)).ok).toBe(false);
    expect(await attempt(PASSWORD, 7)).toMatchObject({ error: { code: "locked", message: "Too many attempts; try again in 30 minutes." } });

    vi.setSystemTime(Date.now() + 31 * 60_000);
    expect((await attempt(PASSWORD, 8)).ok).toBe(true);
  });

  it("doubles each further lock of the same account within a day: 15, 30, 60, 120 minutes", async () => {
    await newCheapAdmin("doubling@joinscope.test");
    vi.useFakeTimers({ toFake: ["Date"] });
    let n = 0;
    const attempt = (password: string) => loginAdmin(db, { email: "doubling@joinscope.test", password, clientAddress: `198.51.100.${200 + (++n % 50)}` });
    const locks: number[] = [];
    for (let round = 0; round < 4; round++) {
      for (let i = 0; i < 3; i++) expect(await attempt("wrong")).toMatchObject({ error: { code: "invalid-credentials" } });
      const locked = await attempt(PASSWORD);
      if (locked.ok || locked.error.code !== "locked") throw new Error(`round ${round}: not locked`);
      locks.push(locked.error.retryAfterSeconds);
      vi.setSystemTime(Date.now() + locked.error.retryAfterSeconds * 1000 + 1000);
    }
    expect(locks).toEqual([900, 1800, 3600, 7200]);
    const audited = (await db.auditLog.findMany({ where: { action: "admin.login.locked" }, orderBy: { at: "asc" } })).map(
      (a) => a.detail as { email: string; minutes: number },
    );
    expect(audited.filter((d) => d.email === "doubling@joinscope.test").map((d) => d.minutes)).toEqual([15, 30, 60, 120]);
  });

  it("forgets failures after an hour, and lock history after a day", async () => {
    await newCheapAdmin("forgetful@joinscope.test");
    vi.useFakeTimers({ toFake: ["Date"] });
    let n = 0;
    const attempt = (password: string) => loginAdmin(db, { email: "forgetful@joinscope.test", password, clientAddress: `198.51.100.${70 + (++n % 20)}` });
    for (let i = 0; i < 3; i++) await attempt("wrong");
    vi.setSystemTime(Date.now() + 61 * 60_000); // the three failures are more than an hour old
    expect((await attempt(PASSWORD)).ok).toBe(true);

    for (let i = 0; i < 3; i++) await attempt("wrong");
    expect(await attempt(PASSWORD)).toMatchObject({ error: { code: "locked", retryAfterSeconds: 900 } });
    vi.setSystemTime(Date.now() + 25 * 3600_000); // more than a day after that lock: the next one is the first again
    for (let i = 0; i < 3; i++) await attempt("wrong");
    expect(await attempt(PASSWORD)).toMatchObject({ error: { code: "locked", retryAfterSeconds: 900 } });
  });

  it("tells a refused attempt how long is left of the lock, in whole minutes rounded up", async () => {
    await newCheapAdmin("remaining@joinscope.test");
    vi.useFakeTimers({ toFake: ["Date"] });
    const attempt = (password: string, i: number) => loginAdmin(db, { email: "remaining@joinscope.test", password, clientAddress: `198.51.100.${60 + i}` });
    for (let i = 0; i < 3; i++) await attempt("wrong", i);
    expect(await attempt(PASSWORD, 3)).toMatchObject({ error: { code: "locked", retryAfterSeconds: 900 } });
    vi.setSystemTime(Date.now() + 10 * 60_000 + 30_000); // 4 min 30 s left
    const later = await attempt(PASSWORD, 4);
    expect(later).toMatchObject({ error: { code: "locked", message: "Too many attempts; try again in 5 minutes." } });
    expect(later.ok ? 0 : "retryAfterSeconds" in later.error ? later.error.retryAfterSeconds : 0).toBeGreaterThan(268);
    expect(later.ok ? 0 : "retryAfterSeconds" in later.error ? later.error.retryAfterSeconds : 0).toBeLessThanOrEqual(270);
    vi.setSystemTime(Date.now() + 4 * 60_000); // 30 s left
    expect(await attempt(PASSWORD, 5)).toMatchObject({ error: { code: "locked", message: "Too many attempts; try again in 1 minute." } });
    // Refusals during a lock are audit-logged as such, without starting another lock.
    const failures = (await db.auditLog.findMany({ where: { action: "admin.login.failed" } })).map((a) => a.detail as { email: string; reason: string });
    expect(failures.filter((d) => d.email === "remaining@joinscope.test").map((d) => d.reason)).toEqual([
      "invalid-credentials",
      "invalid-credentials",
      "invalid-credentials",
      "locked",
      "locked",
      "locked",
    ]);
    expect(
      (await db.auditLog.findMany({ where: { action: "admin.login.locked" } })).filter(
        (a) => (a.detail as { email: string }).email === "remaining@joinscope.test",
      ),
    ).toHaveLength(1);
  });

  it("rounds what is left of a lock up to the whole second: 269.5 s is 270, 0.3 s is 1", async () => {
    await newCheapAdmin("seconds@joinscope.test");
    vi.useFakeTimers({ toFake: ["Date"] });
    const attempt = (password: string, i: number) => loginAdmin(db, { email: "seconds@joinscope.test", password, clientAddress: `198.51.100.${30 + i}` });
    for (let i = 0; i < 3; i++) await attempt("wrong", i);
    expect(await attempt(PASSWORD, 3)).toMatchObject({ error: { code: "locked", retryAfterSeconds: 900 } });
    vi.setSystemTime(Date.now() + 630_500); // 269.5 s left
    expect(await attempt(PASSWORD, 4)).toMatchObject({ error: { code: "locked", retryAfterSeconds: 270 } });
    vi.setSystemTime(Date.now() + 269_200); // 0.3 s left
    expect(await attempt(PASSWORD, 5)).toMatchObject({ error: { code: "locked", retryAfterSeconds: 1, message: "Too many attempts; try again in 1 minute." } });
  });

  it("lets parallel guesses at one account verify no more passwords than the limit", async () => {
    await newAdmin("parallel@joinscope.test");
    const results = await Promise.all(
      Array.from({ length: 8 }, (_, i) =>
        loginAdmin(db, { email: "parallel@joinscope.test", password: `parallel guess ${i}`, clientAddress: `198.51.100.${150 + i}` }),
      ),
    );
    const codes = results.map((r) => (r.ok ? "ok" : r.error.code));
    expect(codes.filter((c) => c === "invalid-credentials").length).toBeLessThanOrEqual(3);
    expect(codes.filter((c) => c === "locked").length).toBeGreaterThanOrEqual(5);
  });
});

describe("sign-in budget per client address", () => {
  it("blocks an address after 8 failures over any emails, and only that address", async () => {
    await newCheapAdmin("victim@joinscope.test");
    for (let i = 0; i < 8; i++) {
      const r = await loginAdmin(db, { email: `spray-${i}@joinscope.test`, password: "Winter2026!", clientAddress: "192.0.2.200" });
      expect(r).toMatchObject({ error: { code: "invalid-credentials" } });
    }
    const blocked = await loginAdmin(db, { email: "victim@joinscope.test", password: PASSWORD, clientAddress: "192.0.2.200" });
    expect(blocked).toMatchObject({ ok: false, error: { code: "locked", message: "Too many attempts; try again in 15 minutes." } });
    const fromElsewhere = await loginAdmin(db, { email: "victim@joinscope.test", password: PASSWORD, clientAddress: "192.0.2.201" });
    expect(fromElsewhere.ok).toBe(true);
    const locks = await db.auditLog.findMany({ where: { action: "admin.login.locked" } });
    expect(locks.map((l) => l.detail)).toContainEqual(expect.objectContaining({ scope: "address", address: "192.0.2.200", minutes: 15 }));
  });

  it("gives an address its point back for each successful sign-in, and logs a blocked address's attempts once", async () => {
    for (let i = 0; i < 3; i++) await newCheapAdmin(`colleague-${i}@joinscope.test`);
    const from = (email: string, password: string) => loginAdmin(db, { email, password, clientAddress: "192.0.2.220" });
    // 7 failures over three accounts (under each account's limit of 3), then a success: the address has spent 7 of 8.
    for (let i = 0; i < 7; i++) expect(await from(`colleague-${i % 3}@joinscope.test`, `wrong ${i}`)).toMatchObject({ error: { code: "invalid-credentials" } });
    expect((await from("colleague-2@joinscope.test", PASSWORD)).ok).toBe(true);
    expect(await from("colleague-2@joinscope.test", "wrong 8")).toMatchObject({ error: { code: "invalid-credentials" } });
    expect(await from("colleague-2@joinscope.test", PASSWORD)).toMatchObject({ error: { code: "locked" } });
    expect(await from("colleague-2@joinscope.test", PASSWORD)).toMatchObject({ error: { code: "locked" } });
    const failures = (await db.auditLog.findMany({ where: { action: "admin.login.failed" } })).filter(
      (a) => (a.detail as { address: string }).address === "192.0.2.220",
    );
    // The attempt that started the address's lock is logged; the next one, from a blocked address, is not.
    expect(failures.map((a) => (a.detail as { reason: string }).reason)).toEqual([...Array(8).fill("invalid-credentials"), "locked"]);
  });
});
