import { describe, expect, it } from "vitest";
import { readPrtTimes } from "@/lib/rules/prt-times";
import { makeReport } from "@/lib/rules/testing/make-report";

describe("readPrtTimes", () => {
  it("parses both times and gives their lines as printed", () => {
    const times = readPrtTimes(makeReport());
    expect(times.updateMs).toBe(Date.parse("2025-03-09T11:00:27.000Z"));
    expect(times.expiryMs).toBe(Date.parse("2025-03-23T11:01:41.000Z"));
    expect(times.evidence.update()).toEqual({ source: "dsregcmd /status · SSO State", field: "AzureAdPrtUpdateTime", value: "2025-03-09 11:00:27.000 UTC" });
    expect(times.evidence.expiry()).toEqual({ source: "dsregcmd /status · SSO State", field: "AzureAdPrtExpiryTime", value: "2025-03-23 11:01:41.000 UTC" });
  });

  it("has no time and no line for a time the report does not give", () => {
    const times = readPrtTimes(makeReport({ prtUpdateTime: null, prtExpiryTime: null }));
    expect(times).toMatchObject({ updateMs: null, expiryMs: null });
    expect(times.evidence.update()).toBeNull();
    expect(times.evidence.expiry()).toBeNull();
  });

  it("names the SSO State section for a parsed time whose line is not in the sections", () => {
    const times = readPrtTimes(makeReport({ omit: { "SSO State": ["AzureAdPrtUpdateTime", "AzureAdPrtExpiryTime"] } }));
    expect(times.evidence.update()).toEqual({ source: "dsregcmd /status · SSO State", field: "AzureAdPrtUpdateTime", value: "2025-03-09T11:00:27.000Z" });
    expect(times.evidence.expiry()).toEqual({ source: "dsregcmd /status · SSO State", field: "AzureAdPrtExpiryTime", value: "2025-03-23T11:01:41.000Z" });
  });
});
