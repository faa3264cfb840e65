import { scryptSync } from "node:crypto";
import { describe, expect, it } from "vitest";
import { verifyPassword } from "./password";

/** A stored hash of our own cost (password.test.ts makes them the same way). */
function storedHash(password: string, cost: { N: number; r: number; p: number }): string {
  const salt = Buffer.alloc(16, 7);
  const hash = scryptSync(password, salt, 32, { ...cost, maxmem: 64 * 1024 * 1024 });
  return ["scrypt", cost.N, cost.r, cost.p, salt.toString("base64url"), hash.toString("base64url")].join("$");
}

describe("at most two hashes at once", () => {
  it("makes a third verification wait until one of the first two is done", async () => {
    const slow = storedHash("pw", { N: 1 << 14, r: 8, p: 1 }); // 16 MiB, tens of milliseconds
    const quick = storedHash("pw", { N: 2, r: 1, p: 1 }); // microseconds
    const finished: string[] = [];
    const run = (label: string, stored: string) => verifyPassword("pw", stored).then((ok) => finished.push(`${label} ${ok}`));
    await Promise.all([run("first", slow), run("second", slow), run("third", quick)]);
    // The quick one starts only when a slot is free, so it never finishes first; all three are verified.
    expect(finished).toHaveLength(3);
    expect(finished[0]).not.toBe("third true");
    expect([...finished].sort()).toEqual(["first true", "second true", "third true"]);
  });

  it("hands each freed slot to the next waiting verification: many more than two all finish", async () => {
    const quick = storedHash("pw", { N: 2, r: 1, p: 1 });
    const results = await Promise.all(Array.from({ length: 9 }, (_, i) => verifyPassword(i % 2 ? "pw" : "wrong", quick)));
    expect(results).toEqual([false, true, false, true, false, true, false, true, false]);
  });
});
