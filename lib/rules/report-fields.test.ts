import { describe, expect, it } from "vitest";
import { makeReport } from "@/lib/rules/testing/make-report";
import { findField, parseTime } from "./report-fields";

describe("parseTime", () => {
  it("reads every time exactly as Date.parse does", () => {
    const samples = [
      "2033-02-24T17:26:04.912Z",
      "2026-11-29T05:43:36.000Z",
      "1970-01-01T00:00:00.000Z",
      "0001-01-01T00:00:00.000Z",
      "2020-02-28T23:59:59.999Z",
      // Outside the digit fast path: Date.parse decides (rolls over, or refuses).
      "2021-02-30T00:00:00.000Z",
      "2020-02-29T00:00:00.000Z",
      "2021-04-31T12:00:00.000Z",
      "2021-01-01T24:00:00.000Z",
      "2021-01-01T23:60:00.000Z",
      "2021-01-01T23:59:60.000Z",
      "2021-13-01T00:00:00.000Z",
      "2021-00-01T00:00:00.000Z",
      "2021-01-00T00:00:00.000Z",
      "2021-01-0xT00:00:00.000Z",
      "2021-01-01 00:00:00.000Z",
      "2021-01-01T00:00:00.000+",
      "2021-01-01T00:00:00+00:00",
      "2021-01-01T00:00:00.000+00:00",
      "2021-01-01",
      "not a time at all, 24 ch",
    ];
    for (const s of samples) {
      const expected = Date.parse(s);
      expect([s, parseTime(s)]).toEqual([s, Number.isNaN(expected) ? null : expected]);
    }
    // Every millisecond-precision ISO string of a spread of instants.
    for (let ms = -62_135_596_800_000; ms < 253_402_300_799_999; ms += 7_777_777_777_77) {
      const iso = new Date(ms).toISOString();
      expect(parseTime(iso)).toBe(ms);
    }
    expect(parseTime(null)).toBeNull();
    expect(parseTime("")).toBeNull();
  });
});

describe("findField", () => {
  it("finds keys as printed (case, padding, trailing colons) in the preferred section, else the first", () => {
    const report = makeReport({});
    report.sections = [
      {
        name: "Device State",
        fields: [
          { key: "AzureAdJoined", value: "YES" },
          { key: "KeySignTest: ", value: "MUST Run elevated to test." },
        ],
      },
      {
        name: " Diagnostic Data ",
        fields: [
          { key: "  keysigntest", value: "PASSED" },
          { key: "AzureAdJoined", value: "NO" },
        ],
      },
    ];
    expect(findField(report, "azureadjoined")).toEqual({ section: "Device State", key: "AzureAdJoined", value: "YES" });
    expect(findField(report, "AzureAdJoined", "Diagnostic Data")).toEqual({ section: "Diagnostic Data", key: "AzureAdJoined", value: "NO" });
    expect(findField(report, "KeySignTest", "Diagnostic Data")?.value).toBe("PASSED");
    expect(findField(report, "KeySignTest")?.value).toBe("MUST Run elevated to test.");
    expect(findField(report, "NotPrinted")).toBeNull();
  });

  it("stays right for reports indexed before the key slots start over (10,000 distinct keys)", () => {
    const before = makeReport({});
    before.sections = [{ name: "Device Details", fields: [{ key: "DeviceId", value: "d-1" }] }];
    expect(findField(before, "DeviceId")?.value).toBe("d-1");
    const odd = makeReport({});
    odd.sections = [{ name: "Odd", fields: Array.from({ length: 10_050 }, (_, i) => ({ key: `Key${i}`, value: `v${i}` })) }];
    expect(findField(odd, "Key10049")?.value).toBe("v10049");
    expect(findField(odd, "Key3")?.value).toBe("v3");
    // The next report indexed starts the slots over; reports indexed before are indexed again when asked.
    const after = makeReport({});
    after.sections = [
      {
        name: "Device Details",
        fields: [
          { key: "TenantId", value: "t-1" },
          { key: "Key3", value: "after" },
        ],
      },
    ];
    expect(findField(after, "Key3")?.value).toBe("after");
    expect(findField(before, "DeviceId")?.value).toBe("d-1");
    expect(findField(before, "Key3")).toBeNull();
    expect(findField(after, "DeviceId")).toBeNull();
    expect(findField(odd, "Key3")?.value).toBe("v3");
    expect(findField(odd, "TenantId")).toBeNull();
  });
});
