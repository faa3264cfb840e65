import { describe, expect, it } from "vitest";
import { DeltaPageSchema, isRemoved } from "./graph-schemas";

/** A delta page as Graph returns it (https://learn.microsoft.com/graph/delta-query-overview): a change, a soft delete, a hard delete. */
const PAGE = {
  "@odata.context": "https://graph.microsoft.com/v1.0/$metadata#devices",
  "@odata.deltaLink": "https://graph.microsoft.com/v1.0/devices/delta?$deltatoken=MzUyNjU0",
  value: [
    { id: "8a2b7c4e-1f3d-4e5a-9b6c-7d8e9f0a1b2c", displayName: "LAPTOP-7Q2M4K", accountEnabled: false },
    { id: "1f2e3d4c-5b6a-4798-8a9b-0c1d2e3f4a5b", "@removed": { reason: "changed" } },
    { id: "2a3b4c5d-6e7f-4809-9a1b-2c3d4e5f6a7b", "@removed": { reason: "deleted" } },
  ],
};

describe("isRemoved", () => {
  it("tells a delta page's removals from its objects", () => {
    const page = DeltaPageSchema.parse(PAGE);
    expect(page.value.map(isRemoved)).toEqual([false, true, true]);
  });

  it("reads an object carrying a null @removed as an object", () => {
    const page = DeltaPageSchema.parse({ value: [{ id: "8a2b7c4e-1f3d-4e5a-9b6c-7d8e9f0a1b2c", "@removed": null, displayName: "LAPTOP-7Q2M4K" }] });
    expect(isRemoved(page.value[0]!)).toBe(false);
  });
});
