/**
 * describeShape: what `joinscope tenant probe` prints of a Graph body, its shape and never its values. probeTenant
 * itself is tested against a database in tests/integration/tenant-probe.test.ts.
 */
import { describe, expect, it } from "vitest";
import { describeShape } from "./probe-tenant";

describe("describeShape", () => {
  it.each([
    { value: null, shape: "null" },
    { value: "PC-SECRET", shape: "string" },
    { value: 42, shape: "number" },
    { value: false, shape: "boolean" },
    { value: undefined, shape: "undefined" },
    { value: [], shape: [] },
    { value: {}, shape: {} },
  ])("a scalar or an empty container: $value → $shape", ({ value, shape }) => {
    expect(describeShape(value)).toEqual(shape);
  });

  it("an array is the distinct shapes of its elements, in the order first seen", () => {
    expect(describeShape(["a", 1, "b", null, { id: "x" }, { id: "y" }, 2, { id: null }])).toEqual([
      "string",
      "number",
      "null",
      { id: "string" },
      { id: "null" },
    ]);
  });

  it("an object is its keys sorted, each with its value's shape; only @odata. annotations holding text are links", () => {
    const shape = describeShape({
      value: [{ id: "d1", physicalIds: ["[HWID]:h:600"] }],
      "@odata.nextLink": "https://graph.microsoft.com/v1.0/devices?$skiptoken=SECRET",
      "@odata.count": 3,
      "@odata.context": { nested: "text" },
      "odata.deltaLink": "not an annotation",
      displayName: "PC-SECRET",
    });
    expect(shape).toEqual({
      "@odata.context": { nested: "string" },
      "@odata.count": "number",
      "@odata.nextLink": "string (link)",
      displayName: "string",
      "odata.deltaLink": "string",
      value: [{ id: "string", physicalIds: ["string"] }],
    });
    expect(Object.keys(shape as object)).toEqual(["@odata.context", "@odata.count", "@odata.nextLink", "displayName", "odata.deltaLink", "value"]);
    expect(JSON.stringify(shape)).not.toContain("SECRET");
  });
});
