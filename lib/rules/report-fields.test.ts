import { describe, expect, it } from "vitest";
import { makeReport } from "@/lib/rules/testing/make-report";
import { fieldValue, findField, formatDuration, isJoinedOrRegistered, parseTime, yesNo } from "./report-fields";

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

describe("parseTime: what the digit fast path must refuse", () => {
  const valid = "2021-06-15T10:20:30.400Z";
  const at = (position: number, char: string) => `${valid.slice(0, position)}${char}${valid.slice(position + 1)}`;

  it.each([
    ...[4, 7, 10, 13, 16, 19, 23].map((position) => [`another character at ${position}`, at(position, "x")]),
    ["a letter in the minutes", at(15, "a")],
    ["a character just below the digits in the minutes", at(15, "/")],
    ["a character just above the digits in the minutes", at(15, ":")],
    ["one character more", `${valid}x`],
  ])("%s (%s): as Date.parse", (_name, value) => {
    const expected = Date.parse(value!);
    expect(parseTime(value)).toBe(Number.isNaN(expected) ? null : expected);
  });

  it("reads the valid form itself", () => {
    expect(parseTime(valid)).toBe(Date.UTC(2021, 5, 15, 10, 20, 30, 400));
  });
});

describe("findField: keys printed in several sections", () => {
  it("prefers the named section among three, and returns the key as printed, trimmed", () => {
    const report = makeReport({});
    report.sections = ["Device State", "SSO State", "Diagnostic Data"].map((name, i) => ({ name, fields: [{ key: `  Attempt Status : `, value: `0x${i}` }] }));
    expect(findField(report, "Attempt Status", "Diagnostic Data")).toEqual({ section: "Diagnostic Data", key: "Attempt Status :", value: "0x2" });
    expect(findField(report, "Attempt Status", "SSO State")?.value).toBe("0x1");
    expect(findField(report, "Attempt Status")?.value).toBe("0x0");
  });
});

describe("fieldValue, yesNo, formatDuration, isJoinedOrRegistered", () => {
  it("fieldValue: the value, or null for a missing or empty line", () => {
    const report = makeReport({ extra: { "SSO State": { "HTTP Error": "", "Attempt Status": " 0xc000006d " } } });
    expect(fieldValue(report, "Attempt Status")).toBe("0xc000006d");
    expect(fieldValue(report, "HTTP Error")).toBeNull();
    expect(fieldValue(report, "Not Printed")).toBeNull();
  });

  it.each([
    [true, "YES"],
    [false, "NO"],
    [null, null],
  ])("yesNo(%s) → %s", (value, expected) => {
    expect(yesNo(value)).toBe(expected);
  });

  it.each([
    [59 * 60_000 + 59_999, "59 min"],
    [60 * 60_000, "1 h"],
    [-90 * 60_000, "1 h"],
    [47 * 3_600_000 + 3_599_999, "47 h"],
    [48 * 3_600_000, "2 d"],
    [49 * 3_600_000, "2 d 1 h"],
  ])("formatDuration(%d) → %s", (ms, expected) => {
    expect(formatDuration(ms)).toBe(expected);
  });

  it.each([
    [true, false, true],
    [false, true, true],
    [false, false, false],
    [null, null, false],
  ])("isJoinedOrRegistered: AzureAdJoined %s, WorkplaceJoined %s → %s", (azureAdJoined, workplaceJoined, expected) => {
    expect(isJoinedOrRegistered(makeReport({ azureAdJoined, workplaceJoined }))).toBe(expected);
  });
});
