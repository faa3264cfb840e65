import { describe, expect, it } from "vitest";
import { FIXTURES, readFixture } from "./fixtures";
import { formatReportText } from "./format-report-text";
import { parseDsregcmd } from "./parse-dsregcmd";

function reportOf(file: string) {
  const result = parseDsregcmd(readFixture(file));
  if (!result.ok) throw new Error(result.error.message);
  return result.report;
}

describe("formatReportText", () => {
  it("leads with join type, ids, PRT state and certificate", () => {
    const text = formatReportText(reportOf("win10-21h1-hybrid-deleted.txt"));
    const lines = text.split("\n");
    expect(lines[0]).toBe("Join type: Microsoft Entra hybrid joined");
    expect(text).toContain("  Device ID:           52d85f7c-30a3-4ce6-9ba8-380e35ce3f4b\n");
    expect(text).toContain("  Tenant:              Contoso (9b4a1a97-6a87-46a9-9671-f9a62bdd307b)\n");
    expect(text).toContain("  AzureAdPrt:          NO\n");
    expect(text).toContain("  Last failed attempt: 0xc000000d, invalid_grant, AADSTS50155\n");
    expect(text).toContain("  Valid to:            2030-06-22T13:35:44.000Z\n");
    expect(text).toContain("  DeviceAuthStatus:    FAILED\n");
    expect(text).toContain("           DeviceAuthStatus : FAILED. Device is either disabled or deleted\n");
    expect(text.indexOf("Primary Refresh Token")).toBeLessThan(text.indexOf("Device certificate"));
    expect(text.indexOf("Device certificate")).toBeLessThan(text.indexOf("Key fields"));
  });

  it("says what was not reported instead of guessing", () => {
    const text = formatReportText(reportOf("win10-1809-domain-prejoin-fail.txt"));
    expect(text).toContain("Join type: Domain joined only (not Entra joined)");
    expect(text).toContain("  Device ID:           (not reported)\n");
    expect(text).toContain("         DRS Discovery Test : FAIL [0x801c0021/0x80072ee2]\n");
  });

  it("is plain text for every fixture: no colours, no trailing spaces, no CR", () => {
    for (const fixture of FIXTURES) {
      const text = formatReportText(reportOf(fixture.file));
      expect(text, fixture.file).not.toMatch(/\x1b|\r| +\n/);
      expect(text.endsWith("\n")).toBe(true);
    }
  });
});
