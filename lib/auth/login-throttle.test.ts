import { describe, expect, it } from "vitest";
import { lockedMessage } from "./login-throttle";

/** The sentence a locked sign-in shows (the lock-out itself is tested against a database in tests/integration/login-throttle.test.ts). */
describe("lockedMessage", () => {
  it("says the wait in whole minutes, rounded up, never less than one", () => {
    expect(lockedMessage(0)).toBe("Too many attempts; try again in 1 minute.");
    expect(lockedMessage(1)).toBe("Too many attempts; try again in 1 minute.");
    expect(lockedMessage(60)).toBe("Too many attempts; try again in 1 minute.");
    expect(lockedMessage(61)).toBe("Too many attempts; try again in 2 minutes.");
    expect(lockedMessage(120)).toBe("Too many attempts; try again in 2 minutes.");
    expect(lockedMessage(899)).toBe("Too many attempts; try again in 15 minutes.");
    expect(lockedMessage(24 * 3600)).toBe("Too many attempts; try again in 1440 minutes.");
  });
});
