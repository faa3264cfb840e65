import { describe, expect, it } from "vitest";
import { describeDigestSchedule, digestPeriodBefore, latestDigestSlot } from "./digest-schedule";

// 2026-12-09 is a Wednesday.
const at = (iso: string) => new Date(iso);

describe("latestDigestSlot", () => {
  it("is today's hour once it has come, else yesterday's, for a daily digest", () => {
    const daily = { frequency: "daily", weekday: 1, hour: 8 } as const;
    expect(latestDigestSlot(daily, at("2026-12-09T08:00:00Z")).toISOString()).toBe("2026-12-09T08:00:00.000Z");
    expect(latestDigestSlot(daily, at("2026-12-09T23:59:00Z")).toISOString()).toBe("2026-12-09T08:00:00.000Z");
    expect(latestDigestSlot(daily, at("2026-12-09T07:59:59Z")).toISOString()).toBe("2026-12-08T08:00:00.000Z");
  });

  it("is the latest chosen weekday at the hour for a weekly digest, a week back when today's hour is still ahead", () => {
    const monday = { frequency: "weekly", weekday: 1, hour: 8 } as const;
    expect(latestDigestSlot(monday, at("2026-12-09T12:00:00Z")).toISOString()).toBe("2026-12-07T08:00:00.000Z");
    expect(latestDigestSlot(monday, at("2026-12-07T08:00:00Z")).toISOString()).toBe("2026-12-07T08:00:00.000Z");
    expect(latestDigestSlot(monday, at("2026-12-07T07:00:00Z")).toISOString()).toBe("2026-11-30T08:00:00.000Z");
    // Sunday and Saturday around the week's edge.
    expect(latestDigestSlot({ frequency: "weekly", weekday: 0, hour: 0 }, at("2026-12-12T23:00:00Z")).toISOString()).toBe("2026-12-06T00:00:00.000Z");
    expect(latestDigestSlot({ frequency: "weekly", weekday: 6, hour: 23 }, at("2026-12-13T01:00:00Z")).toISOString()).toBe("2026-12-12T23:00:00.000Z");
  });
});

describe("digestPeriodBefore", () => {
  it("covers the day or the 7 days that end at the slot", () => {
    const slot = at("2026-12-07T08:00:00Z");
    expect(digestPeriodBefore(slot, "daily")).toEqual({ since: at("2026-12-06T08:00:00Z"), until: slot });
    expect(digestPeriodBefore(slot, "weekly")).toEqual({ since: at("2026-11-30T08:00:00Z"), until: slot });
  });
});

it("describes the schedule in words, UTC", () => {
  expect(describeDigestSchedule({ frequency: "weekly", weekday: 1, hour: 8 })).toBe("every Monday at 08:00 UTC");
  expect(describeDigestSchedule({ frequency: "daily", weekday: 1, hour: 17 })).toBe("every day at 17:00 UTC");
});
