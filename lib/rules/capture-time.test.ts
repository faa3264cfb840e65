import { describe, expect, it } from "vitest";
import { captureTimeEvidence, resolveCaptureTime } from "@/lib/rules/capture-time";
import { makeReport } from "@/lib/rules/testing/make-report";

const withClock = (value: string, section = "Diagnostic Data") => makeReport({ extra: { [section]: { "Client Time": value } } });

describe("resolveCaptureTime", () => {
  it("takes the time the agent gave, as ISO 8601 UTC, with the agent as evidence", () => {
    expect(resolveCaptureTime(withClock("2019-06-05 08:25:29.000 UTC"), { at: "2025-03-09T13:30:00+01:00", source: "agent" })).toEqual({
      at: "2025-03-09T12:30:00.000Z",
      source: "agent",
      evidence: { source: "JoinScope agent", field: "capturedAt", value: "2025-03-09T12:30:00.000Z" },
    });
  });

  it("takes the time the admin entered, naming the admin as its source", () => {
    expect(resolveCaptureTime(makeReport(), { at: "2025-03-09T12:30:00Z", source: "admin" })).toEqual({
      at: "2025-03-09T12:30:00.000Z",
      source: "admin",
      evidence: { source: "Entered by the admin", field: "Captured at", value: "2025-03-09T12:30:00.000Z" },
    });
  });

  it("falls back to the report's Client Time when the given time is not a date, or none is given", () => {
    const expected = {
      at: "2019-06-05T08:25:29.000Z",
      source: "report-clock",
      evidence: { source: "dsregcmd /status · Diagnostic Data", field: "Client Time", value: "2019-06-05 08:25:29.000 UTC" },
    };
    expect(resolveCaptureTime(withClock("2019-06-05 08:25:29.000 UTC"), { at: "yesterday", source: "agent" })).toEqual(expected);
    expect(resolveCaptureTime(withClock("2019-06-05 08:25:29.000 UTC"), null)).toEqual(expected);
    expect(resolveCaptureTime(withClock("2019-06-05 08:25:29.000 UTC"))).toEqual(expected);
    // The Diagnostic Data line, not a line of the same name printed earlier in another section.
    const twice = makeReport({
      extra: { "SSO State": { "Client Time": "2020-01-01 00:00:00.000 UTC" }, "Diagnostic Data": { "Client Time": "2019-06-05 08:25:29.000 UTC" } },
    });
    expect(resolveCaptureTime(twice)).toEqual(expected);
  });

  it("is unknown without a usable time: no Client Time, or one that is not a time", () => {
    const unknown = { at: null, source: "unknown", evidence: null };
    expect(resolveCaptureTime(makeReport())).toEqual(unknown);
    expect(resolveCaptureTime(withClock("2019-02-30 08:25:29.000 UTC"))).toEqual(unknown);
    expect(resolveCaptureTime(makeReport(), { at: "", source: "admin" })).toEqual(unknown);
  });
});

describe("captureTimeEvidence", () => {
  it("is the evidence the capture time came with, else the agent's upload time", () => {
    const admin = { source: "Entered by the admin", field: "Captured at", value: "2025-03-09T12:30:00.000Z" };
    expect(captureTimeEvidence("2025-03-09T12:30:00.000Z", admin)).toBe(admin);
    expect(captureTimeEvidence("2025-03-09T12:30:00.000Z", null)).toEqual({
      source: "JoinScope agent",
      field: "capturedAt",
      value: "2025-03-09T12:30:00.000Z",
    });
    expect(captureTimeEvidence(null, undefined)).toEqual({ source: "JoinScope agent", field: "capturedAt", value: null });
  });
});
