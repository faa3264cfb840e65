import { describe, expect, it } from "vitest";
import { parseTime } from "./report-fields";

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
