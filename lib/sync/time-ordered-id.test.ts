import { describe, expect, it } from "vitest";
import { timeOrderedId } from "./time-ordered-id";

describe("timeOrderedId", () => {
  it("is a version-7 UUID whose text sorts by creation time", () => {
    const id = timeOrderedId(Date.UTC(2026, 10, 29, 9, 30));
    expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(parseInt(id.slice(0, 8) + id.slice(9, 13), 16)).toBe(Date.UTC(2026, 10, 29, 9, 30));
    const ids = [1_000, 2_000, 1_700_000_000_000, 1_700_000_000_001].map((ms) => timeOrderedId(ms));
    expect([...ids].sort()).toEqual(ids);
    expect(new Set(Array.from({ length: 1000 }, () => timeOrderedId(5))).size).toBe(1000);
  });
});
