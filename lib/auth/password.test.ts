import { scryptSync } from "node:crypto";
import { describe, expect, it } from "vitest";
import { hashPassword, needsRehash, SCRYPT_COST, UNKNOWN_USER_HASH, verifyPassword } from "./password";

/**
 * A stored hash in the `scrypt$N$r$p$salt$hash` format with a cost of our choosing: a cheap one (N=2^10) keeps these
 * tests fast, and verifyPassword must accept any cost within its bounds (older releases stored N=2^15).
 */
function storedHash(password: string, cost: { N: number; r: number; p: number }, saltBytes = 16, hashBytes = 32): string {
  const salt = Buffer.alloc(saltBytes, 7);
  const hash = scryptSync(password, salt, hashBytes, { ...cost, maxmem: 256 * 1024 * 1024 });
  return ["scrypt", cost.N, cost.r, cost.p, salt.toString("base64url"), hash.toString("base64url")].join("$");
}

const CHEAP = { N: 1 << 10, r: 8, p: 1 };

describe("verifyPassword", () => {
  it("accepts the password the hash was made from and nothing else", async () => {
    const stored = storedHash("correct horse battery staple", CHEAP);
    expect(await verifyPassword("correct horse battery staple", stored)).toBe(true);
    expect(await verifyPassword("correct horse battery stapl", stored)).toBe(false);
    expect(await verifyPassword("Correct horse battery staple", stored)).toBe(false);
    expect(await verifyPassword("", stored)).toBe(false);
  });

  it("accepts costs and lengths at the edges of what it allows", async () => {
    for (const [label, stored] of [
      ["N=2", storedHash("pw", { N: 2, r: 8, p: 1 })],
      ["r=1", storedHash("pw", { N: 16, r: 1, p: 1 })],
      ["r=32", storedHash("pw", { N: 16, r: 32, p: 1 })],
      ["p=16", storedHash("pw", { N: 16, r: 1, p: 16 })],
      ["8-byte salt", storedHash("pw", CHEAP, 8)],
      ["16-byte hash", storedHash("pw", CHEAP, 16, 16)],
    ] as const) {
      expect(await verifyPassword("pw", stored), label).toBe(true);
    }
  });

  it("refuses a stored value that is not a hash it made, or asks for a cost outside its bounds, even with the right password", async () => {
    const good = storedHash("pw", CHEAP);
    const [, , , , salt, hash] = good.split("$");
    const withCost = (n: string | number, r: string | number, p: string | number) => ["scrypt", n, r, p, salt, hash].join("$");
    const tampered: [string, string][] = [
      ["empty", ""],
      ["another algorithm", good.replace(/^scrypt/, "argon2id")],
      ["a part missing", good.split("$").slice(0, 5).join("$")],
      ["an empty salt", ["scrypt", 1024, 8, 1, "", hash].join("$")],
      ["an empty hash", ["scrypt", 1024, 8, 1, salt, ""].join("$")],
      ["a part too many", `${good}$extra`],
      ["N not a power of two", withCost(1000, 8, 1)],
      ["N=1", withCost(1, 8, 1)],
      ["N=0", withCost(0, 8, 1)],
      ["N over 2^20 (a tampered row asking for 2 GiB)", withCost(1 << 21, 8, 1)],
      ["N not a number", withCost("many", 8, 1)],
      ["N fractional", withCost(1024.5, 8, 1)],
      ["r=0", withCost(1024, 0, 1)],
      ["r=33", withCost(1024, 33, 1)],
      ["r fractional", withCost(1024, 1.5, 1)],
      ["p=0", withCost(1024, 8, 0)],
      ["p=17", withCost(1024, 8, 17)],
      ["p fractional", withCost(1024, 8, 1.5)],
      ["7-byte salt", storedHash("pw", CHEAP, 7)],
      ["15-byte hash", storedHash("pw", CHEAP, 16, 15)],
    ];
    for (const [label, stored] of tampered) expect(await verifyPassword("pw", stored), label).toBe(false);
  });

  it("refuses every password for the unknown-user hash, which costs as much as a real one", async () => {
    expect(UNKNOWN_USER_HASH.split("$").slice(0, 4)).toEqual(["scrypt", "131072", "8", "1"]);
    expect(needsRehash(UNKNOWN_USER_HASH)).toBe(false);
    expect(await verifyPassword("", UNKNOWN_USER_HASH)).toBe(false);
  });
});

describe("hashPassword", () => {
  it("hashes at OWASP's scrypt cost with a fresh salt, and the hash verifies", async () => {
    expect(SCRYPT_COST).toEqual({ N: 131072, r: 8, p: 1 });
    const [first, second] = await Promise.all([hashPassword("a long enough password"), hashPassword("a long enough password")]);
    expect(first).toMatch(/^scrypt\$131072\$8\$1\$[A-Za-z0-9_-]{22}\$[A-Za-z0-9_-]{43}$/);
    expect(second).not.toBe(first);
    expect(await verifyPassword("a long enough password", first!)).toBe(true);
    expect(needsRehash(first!)).toBe(false);
  });
});

describe("needsRehash", () => {
  it("asks for a new hash when any cost parameter differs from SCRYPT_COST, or the value is not a hash", () => {
    expect(needsRehash(storedHash("pw", { N: 1 << 15, r: 8, p: 1 }))).toBe(true);
    const [, , , , salt, hash] = storedHash("pw", CHEAP).split("$");
    const withCost = (N: number, r: number, p: number) => ["scrypt", N, r, p, salt, hash].join("$");
    expect(needsRehash(withCost(131072, 8, 1))).toBe(false);
    expect(needsRehash(withCost(131072, 4, 1))).toBe(true);
    expect(needsRehash(withCost(131072, 8, 2))).toBe(true);
    expect(needsRehash(withCost(262144, 8, 1))).toBe(true);
    expect(needsRehash("not a hash")).toBe(true);
  });
});
