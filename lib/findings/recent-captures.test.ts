import { describe, expect, it } from "vitest";
import { decodeReportText } from "@/lib/reports/decode-report-text";
import { FIXTURES, readFixture } from "@/lib/reports/fixtures";
import { parseDsregcmd } from "@/lib/reports/parse-dsregcmd";
import { encodeReportText } from "@/lib/reports/report-text-codec";
import type { ParsedDsregcmd } from "@/lib/reports/types";
import { evaluateDevice } from "@/lib/rules/evaluate-device-rules";
import { evaluateReportRules } from "@/lib/rules/evaluate-report-rules";
import { makeDeviceSettings, makeDeviceSubject, makeSubjectReport, TENANT_ID } from "@/lib/rules/testing/make-directory-object";
import { CAPTURED_AT } from "@/lib/rules/testing/make-report";
import { MAX_RECENT_CAPTURE_CHARS, MAX_RECENT_CAPTURES, recentCaptureChars, recentCaptureCount, rememberCapture, takeCapture } from "./recent-captures";

function parsed(text: string): ParsedDsregcmd {
  const r = parseDsregcmd(text, { maxBytes: Infinity });
  if (!r.ok) throw new Error(r.error.message);
  return r.report;
}

function deepFreeze<T>(value: T): T {
  if (value && typeof value === "object" && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const v of Object.values(value)) deepFreeze(v);
  }
  return value;
}

const fixtureTexts = FIXTURES.map((f) => {
  const decoded = decodeReportText(readFixture(f.file));
  if (!decoded.ok) throw new Error(f.file);
  return decoded.text;
});

describe("recent captures (the upload's parse handed to its findings pass)", () => {
  it("hands a capture over only for the bytes the upload stored, once", () => {
    const text = fixtureTexts[0]!;
    const textZ = encodeReportText(text);
    rememberCapture("r1", { textZ, report: parsed(text), systemTextZ: null, system: null, textChars: text.length });
    // A copy of the bytes (as read from the database) matches.
    const hit = takeCapture("r1", { textZ: new Uint8Array(textZ), systemTextZ: null });
    expect(hit?.report).toEqual(parsed(text));
    // Taken: a second read of the row parses its text.
    expect(takeCapture("r1", { textZ, systemTextZ: null })).toBeNull();
  });

  it("refuses a row that holds other bytes: a later upload's text, a SYSTEM capture it did not store, or no text", () => {
    const [a, b] = [fixtureTexts[0]!, fixtureTexts[1]!];
    const entry = () => ({ textZ: encodeReportText(a), report: parsed(a), systemTextZ: null, system: null, textChars: a.length });
    rememberCapture("r2", entry());
    expect(takeCapture("r2", { textZ: encodeReportText(b), systemTextZ: null })).toBeNull();
    rememberCapture("r2", entry());
    expect(takeCapture("r2", { textZ: encodeReportText(a), systemTextZ: encodeReportText(b) })).toBeNull();
    rememberCapture("r2", entry());
    expect(takeCapture("r2", { textZ: null, systemTextZ: null })).toBeNull();
    rememberCapture("r2", { ...entry(), systemTextZ: encodeReportText(b), system: parsed(b), textChars: a.length + b.length });
    expect(takeCapture("r2", { textZ: encodeReportText(a), systemTextZ: null })).toBeNull();
    rememberCapture("r2", { ...entry(), systemTextZ: encodeReportText(b), system: parsed(b), textChars: a.length + b.length });
    expect(takeCapture("r2", { textZ: encodeReportText(a), systemTextZ: encodeReportText(b) })?.system).toEqual(parsed(b));
  });

  it("reads an empty SYSTEM column as no SYSTEM capture", () => {
    const text = fixtureTexts[0]!;
    rememberCapture("r-empty", { textZ: encodeReportText(text), report: parsed(text), systemTextZ: null, system: null, textChars: text.length });
    expect(takeCapture("r-empty", { textZ: encodeReportText(text), systemTextZ: new Uint8Array(0) })?.report).toEqual(parsed(text));
  });

  it("holds at most MAX_RECENT_CAPTURES, the oldest going first", () => {
    const text = fixtureTexts[0]!;
    const capture = { textZ: encodeReportText(text), report: parsed(text), systemTextZ: null, system: null, textChars: text.length };
    for (let i = 0; i < MAX_RECENT_CAPTURES + 10; i++) rememberCapture(`bound-${i}`, capture);
    expect(recentCaptureCount()).toBe(MAX_RECENT_CAPTURES);
    expect(takeCapture("bound-0", capture)).toBeNull();
    expect(takeCapture(`bound-${MAX_RECENT_CAPTURES + 9}`, capture)).not.toBeNull();
    for (let i = 0; i < MAX_RECENT_CAPTURES + 10; i++) takeCapture(`bound-${i}`, capture);
    expect([recentCaptureCount(), recentCaptureChars()]).toEqual([0, 0]);
  });

  it("holds at most MAX_RECENT_CAPTURE_CHARS of text: uploads of the largest reports keep a few dozen, not 2,048", () => {
    // What an agent token can send back to back: reports at the API's 512 KB bound, whose pass runs elsewhere (another
    // instance holds the findings lease) and so never takes them. Counted by entries alone, 2,048 of them stayed.
    const text = fixtureTexts[0]!;
    const capture = { textZ: encodeReportText(text), report: parsed(text), systemTextZ: null, system: null, textChars: 512 * 1024 };
    for (let i = 0; i < 200; i++) rememberCapture(`big-${i}`, capture);
    expect(recentCaptureCount()).toBe(MAX_RECENT_CAPTURE_CHARS / (512 * 1024));
    expect(recentCaptureChars()).toBe(MAX_RECENT_CAPTURE_CHARS);
    expect(takeCapture("big-0", capture)).toBeNull();
    expect(takeCapture("big-199", capture)).not.toBeNull();
    // Remembering a report again replaces its entry and its characters.
    rememberCapture("big-198", { ...capture, textChars: 10 });
    expect(recentCaptureChars()).toBe(MAX_RECENT_CAPTURE_CHARS - 2 * 512 * 1024 + 10);
    for (let i = 0; i < 200; i++) takeCapture(`big-${i}`, capture);
    expect([recentCaptureCount(), recentCaptureChars()]).toEqual([0, 0]);
  });

  it("holds one entry a device: a later report of the device drops the entry of its earlier one (decision 045)", () => {
    const text = fixtureTexts[0]!;
    const capture = { textZ: encodeReportText(text), report: parsed(text), systemTextZ: null, system: null, textChars: text.length };
    for (let i = 0; i < 50; i++) rememberCapture(`dev-a-${i}`, capture, "d:a");
    rememberCapture("dev-b-0", capture, "d:b");
    rememberCapture("no-device", capture);
    expect([recentCaptureCount(), recentCaptureChars()]).toEqual([3, 3 * text.length]);
    expect(takeCapture("dev-a-48", capture)).toBeNull();
    expect(takeCapture("dev-a-49", capture)).not.toBeNull();
    // Taken, the device's entry is gone; its next report is remembered as before.
    rememberCapture("dev-a-50", capture, "d:a");
    // The same report remembered again (updated in place) stays the device's entry.
    rememberCapture("dev-b-0", capture, "d:b");
    expect(recentCaptureCount()).toBe(3);
    for (const id of ["dev-a-50", "dev-b-0", "no-device"]) expect(takeCapture(id, capture)).not.toBeNull();
    expect([recentCaptureCount(), recentCaptureChars()]).toEqual([0, 0]);
  });

  // One parsed object serves the upload's rules and then its pass's: neither may change it. Frozen, any write throws.
  it("the report and device rules only read a parsed capture", () => {
    for (const text of fixtureTexts) {
      const report = deepFreeze(parsed(text));
      const events = deepFreeze([
        { id: 1098, time: "2025-03-09T07:40:12Z", level: "Error", task: "AadTokenBrokerPlugin Operation", log: null, message: "Error: 0xCAA5004B" },
      ]);
      expect(() =>
        evaluateReportRules({ report, systemReport: report, events, expectedTenantId: TENANT_ID, capturedAt: CAPTURED_AT, now: "2025-03-10T08:00:00.000Z" }),
      ).not.toThrow();
      for (const directory of [undefined, null]) {
        const subject = makeDeviceSubject({
          report: makeSubjectReport({ parsed: report, systemParsed: report, events }),
          ...(directory === null ? { directory: null } : {}),
        });
        expect(() => evaluateDevice(subject, makeDeviceSettings())).not.toThrow();
      }
    }
  });
});
