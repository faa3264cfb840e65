import { describe, expect, it } from "vitest";
import { findDeviceAuthFailures } from "@/lib/rules/device-auth-status";
import { makeReport } from "@/lib/rules/testing/make-report";

const refused = (deviceAuthStatusText?: string) => makeReport({ deviceAuthStatus: "FAILED", deviceAuthStatusText });

describe("findDeviceAuthFailures", () => {
  it("gives the DeviceAuthStatus line of each capture that says the directory refused the device", () => {
    const line = (source: string) => ({ source, field: "DeviceAuthStatus", value: "FAILED. Device is either disabled or deleted" });
    expect(findDeviceAuthFailures(refused(), refused())).toEqual([
      line("dsregcmd /status · Device Details"),
      line("dsregcmd /status (SYSTEM capture) · Device Details"),
    ]);
    expect(findDeviceAuthFailures(makeReport(), refused())).toEqual([line("dsregcmd /status (SYSTEM capture) · Device Details")]);
    expect(findDeviceAuthFailures(makeReport(), null)).toEqual([]);
    expect(findDeviceAuthFailures(makeReport())).toEqual([]);
  });

  it("names the Device Details line FAILED when the parsed status has no line in the sections", () => {
    const report = makeReport({ deviceAuthStatus: "FAILED", omit: { "Device Details": ["DeviceAuthStatus"] } });
    expect(findDeviceAuthFailures(report)).toEqual([{ source: "dsregcmd /status · Device Details", field: "DeviceAuthStatus", value: "FAILED" }]);
  });

  it("leaves out FAILED. ERROR (the check could not run), whatever its case, but only when the line starts with it", () => {
    expect(findDeviceAuthFailures(refused("FAILED. ERROR"))).toEqual([]);
    expect(findDeviceAuthFailures(refused("failed. error 0x801c03f2"))).toEqual([]);
    const later = "FAILED. Device is either disabled or deleted (previous check: FAILED. ERROR)";
    expect(findDeviceAuthFailures(refused(later))).toEqual([{ source: "dsregcmd /status · Device Details", field: "DeviceAuthStatus", value: later }]);
  });
});
