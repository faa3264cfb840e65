import { describe, expect, it } from "vitest";
import { isDatabaseOverloaded } from "./overload";

describe("isDatabaseOverloaded", () => {
  it("recognises Prisma's pool and transaction timeouts and SQLite's busy lock", () => {
    expect(isDatabaseOverloaded(Object.assign(new Error("Transaction API error: Unable to start a transaction in the given time."), { code: "P2028" }))).toBe(
      true,
    );
    expect(isDatabaseOverloaded(Object.assign(new Error("x"), { code: "P2024" }))).toBe(true);
    expect(isDatabaseOverloaded(new Error("SqliteError: database is locked"))).toBe(true);
  });
  it("leaves real failures alone", () => {
    expect(isDatabaseOverloaded(Object.assign(new Error("Unique constraint failed"), { code: "P2002" }))).toBe(false);
    expect(isDatabaseOverloaded(new TypeError("cannot read properties of undefined"))).toBe(false);
    expect(isDatabaseOverloaded(null)).toBe(false);
  });
});
