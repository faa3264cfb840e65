import { readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { decodeReportText, encodeReportText } from "./report-text-codec";

const fixtures = join(import.meta.dirname, "fixtures");

describe("report text codec", () => {
  it("gives back every fixture exactly, smaller than plain deflate would", () => {
    for (const name of readdirSync(fixtures).filter((f) => f.endsWith(".txt") && !f.includes("utf16"))) {
      const text = readFileSync(join(fixtures, name), "utf8");
      const stored = encodeReportText(text);
      expect(decodeReportText(stored), name).toBe(text);
      if (text.length > 4000) expect(stored.length, name).toBeLessThan(text.length / 5);
    }
  });

  it("keeps characters outside ASCII, CRLF line ends and an empty text", () => {
    for (const text of ["", "Device Name : PC-Ærø\r\n  User : jürgen@contoso.com\r\n", "\u{1F600}"]) expect(decodeReportText(encodeReportText(text))).toBe(text);
  });

  it("refuses an unknown format or an empty value instead of guessing", () => {
    const stored = encodeReportText("x");
    stored[0] = 7;
    expect(() => decodeReportText(stored)).toThrow(/unknown format 7/);
    expect(() => decodeReportText(Buffer.alloc(0))).toThrow(/empty/);
  });

  it("reads a Uint8Array view (what a driver may hand back) as well as a Buffer", () => {
    const stored = encodeReportText("AzureAdPrt : YES");
    const copy = new Uint8Array(stored.length + 4);
    copy.set(stored, 2);
    expect(decodeReportText(copy.subarray(2, 2 + stored.length))).toBe("AzureAdPrt : YES");
  });
});
