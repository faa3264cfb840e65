/**
 * Admin passwords (issue 14 item 9): scrypt at OWASP's current cost, legacy hashes upgraded at the next successful
 * login, and the unknown-user path costing as much as a real one. Through lib/auth's public functions.
 */
import { randomBytes, scryptSync } from "node:crypto";
import { describe, expect, it } from "vitest";
import { createAdminUser, findAdminBySession, loginAdmin } from "@/lib/auth/admin-sessions";
import { db } from "@/lib/db/client";

let addressCounter = 0;
/** A fresh client address per login, so the per-address budget never interferes with what a test measures. */
const address = () => `192.0.2.${++addressCounter}`;

async function newAdmin(email: string, password: string) {
  const created = await createAdminUser(db, { email, name: "Test Admin", password }, "test");
  if (!created.ok) throw new Error(created.error.message);
  return created.id;
}

describe("admin password hashing", () => {
  it("stores new passwords with scrypt N=2^17, r=8, p=1 (OWASP Password Storage Cheat Sheet)", async () => {
    const id = await newAdmin("new-hash@joinscope.test", "a long enough password");
    const { passwordHash } = await db.adminUser.findUniqueOrThrow({ where: { id }, select: { passwordHash: true } });
    expect(passwordHash).toMatch(/^scrypt\$131072\$8\$1\$[A-Za-z0-9_-]{22}\$[A-Za-z0-9_-]{43}$/);
    const login = await loginAdmin(db, { email: "new-hash@joinscope.test", password: "a long enough password", clientAddress: address() });
    expect(login.ok).toBe(true);
  });

  it("verifies a hash made with the old cost (N=2^15) and replaces it at that login", async () => {
    const id = await newAdmin("legacy@joinscope.test", "placeholder password");
    // Exactly what the previous release stored: scrypt$N$r$p$salt$hash with N=2^15.
    const salt = randomBytes(16);
    const hash = scryptSync("the legacy password", salt, 32, { N: 1 << 15, r: 8, p: 1, maxmem: 64 * 1024 * 1024 });
    const legacy = ["scrypt", 1 << 15, 8, 1, salt.toString("base64url"), hash.toString("base64url")].join("$");
    await db.adminUser.update({ where: { id }, data: { passwordHash: legacy } });

    const wrong = await loginAdmin(db, { email: "legacy@joinscope.test", password: "not it", clientAddress: address() });
    expect(wrong.ok).toBe(false);
    expect((await db.adminUser.findUniqueOrThrow({ where: { id } })).passwordHash).toBe(legacy); // a failure upgrades nothing

    const login = await loginAdmin(db, { email: "legacy@joinscope.test", password: "the legacy password", clientAddress: address() });
    expect(login.ok).toBe(true);
    const upgraded = (await db.adminUser.findUniqueOrThrow({ where: { id } })).passwordHash;
    expect(upgraded).toMatch(/^scrypt\$131072\$8\$1\$/);
    expect(upgraded).not.toBe(legacy);
    const again = await loginAdmin(db, { email: "legacy@joinscope.test", password: "the legacy password", clientAddress: address() });
    expect(again.ok).toBe(true);
  });

  it("takes as long for an unknown email as for a known one with a wrong password", async () => {
    await newAdmin("timing@joinscope.test", "the timing password");
    const time = async (email: string) => {
      const started = performance.now();
      const r = await loginAdmin(db, { email, password: "wrong guess", clientAddress: address() });
      expect(r.ok).toBe(false);
      return performance.now() - started;
    };
    const median = (xs: number[]) => xs.sort((a, b) => a - b)[1]!;
    const known: number[] = [];
    const unknown: number[] = [];
    // Interleaved, three each (under the per-account limit): a busy machine slows both alike.
    for (let i = 0; i < 3; i++) {
      known.push(await time("timing@joinscope.test"));
      unknown.push(await time(`nobody-${i}@joinscope.test`));
    }
    // With the dummy hash at the old cost the unknown path took about a quarter of the time.
    expect(median(unknown)).toBeGreaterThan(0.6 * median(known));
  });

  it("refuses a session of an account disabled behind its back", async () => {
    const id = await newAdmin("sessions@joinscope.test", "the session password");
    const login = await loginAdmin(db, { email: "sessions@joinscope.test", password: "the session password", clientAddress: address() });
    if (!login.ok) throw new Error("login");
    expect(await findAdminBySession(db, login.sessionToken)).toMatchObject({ id });
    await db.adminUser.update({ where: { id }, data: { disabledAt: new Date() } });
    expect(await findAdminBySession(db, login.sessionToken)).toBeNull();
  });
});
