import { describe, expect, it } from "vitest";
import DEVICE_V1 from "./vendor/device-v1-properties.json";
import { DEVICE_SELECT } from "./sync-requests";

describe("the device properties the sync selects", () => {
  it("are all documented v1.0 device properties (vendored list from learn.microsoft.com)", () => {
    expect(DEVICE_V1.source).toMatch(/^https:\/\/learn\.microsoft\.com\/graph\/api\/resources\/device/);
    const documented = new Set(DEVICE_V1.properties);
    const undocumented = DEVICE_SELECT.split(",").filter((p) => !documented.has(p));
    expect(undocumented).toEqual([]);
  });
});
