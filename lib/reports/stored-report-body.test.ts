import { describe, expect, it } from "vitest";
import { readFixture } from "./fixtures";
import { DEFAULT_MAX_BYTES, parseDsregcmd } from "./parse-dsregcmd";
import { encodeReportText } from "./report-text-codec";
import { parseStoredText, storedParsed, storedText, systemCapture, userCapture } from "./stored-report-body";
import type { ParsedDsregcmd } from "./types";

/** A stored report body as its readers get it (decision 013): the compressed text, or an older row's text and JSON. */
const TEXT = readFixture("win11-23h2-hybrid.txt").toString("utf8");

function parsedOf(text: string): ParsedDsregcmd {
  const result = parseDsregcmd(text, { maxBytes: Infinity });
  if (!result.ok) throw new Error(result.error.message);
  return result.report;
}

describe("storedText", () => {
  it("reads the compressed text first, even when an older row's text is kept beside it", () => {
    expect(storedText({ parsed: null, text: null, textZ: encodeReportText(TEXT) })).toBe(TEXT);
    expect(storedText({ parsed: null, text: "the older copy", textZ: encodeReportText(TEXT) })).toBe(TEXT);
  });

  it("reads an older row's text when the compressed text is missing or empty", () => {
    expect(storedText({ parsed: null, text: TEXT, textZ: null })).toBe(TEXT);
    expect(storedText({ parsed: null, text: TEXT, textZ: new Uint8Array(0) })).toBe(TEXT);
  });

  it("is null when no text is kept: no column, or an empty older text", () => {
    expect(storedText({ parsed: null, text: null, textZ: null })).toBeNull();
    expect(storedText({ parsed: null, text: "", textZ: null })).toBeNull();
    expect(storedText({ parsed: "", text: "", textZ: new Uint8Array(0) })).toBeNull();
  });
});

describe("storedParsed", () => {
  it("rebuilds the parsed report from the compressed text, as the upload parsed it", () => {
    expect(storedParsed({ parsed: null, text: null, textZ: encodeReportText(TEXT) })).toEqual(parsedOf(TEXT));
    expect(storedParsed({ parsed: "", text: TEXT, textZ: null })).toEqual(parsedOf(TEXT));
  });

  it("takes an older row's JSON as it was stored, before any text", () => {
    const old = { ...parsedOf(TEXT), deviceName: "AS-STORED-IN-2025" };
    expect(storedParsed({ parsed: JSON.stringify(old), text: null, textZ: encodeReportText(TEXT) })).toEqual(old);
  });

  it("is null when neither text nor JSON is kept, or the text is not a dsregcmd capture", () => {
    expect(storedParsed({ parsed: null, text: null, textZ: null })).toBeNull();
    expect(storedParsed({ parsed: null, text: null, textZ: encodeReportText("Windows IP Configuration\n\n   Host Name : PC1\n") })).toBeNull();
  });
});

describe("parseStoredText", () => {
  it("parses a stored text of any size: it passed the upload's limit when it was stored", () => {
    const padded = TEXT + "\n" + " ".repeat(DEFAULT_MAX_BYTES) + "\n";
    expect(parseDsregcmd(padded).ok).toBe(false);
    expect(parseStoredText(padded)?.deviceId).toBe(parsedOf(TEXT).deviceId);
    expect(parseStoredText(padded)?.deviceId).toMatch(/^[0-9a-f-]{36}$/);
  });

  it("is null for no text", () => {
    expect(parseStoredText(null)).toBeNull();
  });
});

describe("userCapture and systemCapture", () => {
  it("read the user's and the SYSTEM capture from their own columns", () => {
    const textZ = encodeReportText(TEXT);
    const systemTextZ = encodeReportText("system");
    const row = { parsed: "{}", dsregcmdText: "user text", textZ, systemParsed: "[]", systemText: "system text", systemTextZ };
    expect(userCapture(row)).toEqual({ parsed: "{}", text: "user text", textZ });
    expect(systemCapture(row)).toEqual({ parsed: "[]", text: "system text", textZ: systemTextZ });
  });

  it("give null for a column the row was read without, or that holds null", () => {
    const none = { parsed: null, text: null, textZ: null };
    expect(userCapture({})).toEqual(none);
    expect(systemCapture({})).toEqual(none);
    expect(userCapture({ parsed: null, dsregcmdText: null, textZ: null })).toEqual(none);
    expect(systemCapture({ systemParsed: null, systemText: null, systemTextZ: null })).toEqual(none);
  });
});
