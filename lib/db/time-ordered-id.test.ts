import { describe, expect, it } from "vitest";
import { timeOrderedId } from "./time-ordered-id";

const UUID_V7 = /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

describe("timeOrderedId", () => {
  it("makes RFC 9562 version-7 UUIDs that sort in the order they were made, without repeats", () => {
    const ids = Array.from({ length: 50_000 }, () => timeOrderedId());
    for (const id of ids) expect(id).toMatch(UUID_V7);
    expect(new Set(ids).size).toBe(ids.length);
    const outOfOrder = ids.filter((id, i) => i > 0 && ids[i - 1]! >= id);
    expect(outOfOrder).toEqual([]);
  });

  it("starts with the current time in milliseconds", () => {
    const before = Date.now();
    const id = timeOrderedId();
    const ms = parseInt(id.slice(0, 8) + id.slice(9, 13), 16);
    expect(ms).toBeGreaterThanOrEqual(before);
    expect(ms).toBeLessThanOrEqual(Date.now() + 1);
  });
});
