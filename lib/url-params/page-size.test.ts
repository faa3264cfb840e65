import { describe, expect, it } from "vitest";
import { DEFAULT_DEVICE_LIST_PARAMS, deviceListHref, parseDeviceListParams } from "./device-list-params";
import { findingListHref, parseFindingListParams } from "./finding-list-params";
import { parseReportListParams, reportListHref } from "./report-list-params";
import { parseSignInListParams, signInListHref } from "./sign-in-list-params";

describe("the lists' page size (size= in the URL)", () => {
  it("takes a size from the menu and keeps it in the list's links, the default left out", () => {
    const devices = parseDeviceListParams({ size: "200", page: "3" });
    expect(devices.size).toBe(200);
    expect(deviceListHref(devices, { page: 4 })).toBe("/devices?size=200&page=4");
    expect(deviceListHref({ ...devices, size: 50, page: 1 })).toBe("/devices");
    expect(findingListHref(parseFindingListParams({ size: "25" }))).toBe("/findings?size=25");
    expect(reportListHref(parseReportListParams({ size: "100" }))).toBe("/reports?size=100");
    expect(signInListHref(parseSignInListParams({ size: "50" }))).toBe("/signins?size=50");
  });

  it("falls back to the page's default for a size not on its menu, so no URL asks for an unbounded page", () => {
    for (const size of ["7", "100000", "-50", "abc", ""]) {
      expect(parseDeviceListParams({ size }).size).toBe(DEFAULT_DEVICE_LIST_PARAMS.size);
      expect(parseFindingListParams({ size }).size).toBe(50);
      expect(parseReportListParams({ size }).size).toBe(50);
    }
    // The sign-ins' events are heavy (their explanations): 100 at most, 25 by default.
    expect(parseSignInListParams({ size: "200" }).size).toBe(25);
    expect(parseSignInListParams({ size: "100" }).size).toBe(100);
  });
});
