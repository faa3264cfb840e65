import { describe, expect, it } from "vitest";
import { checkLineCount, REPORT_LIMITS, tooMany } from "./report-limits";

/** Line counting before any per-line work: LF, CRLF, CR CR LF and a lone CR are one break each, as the parser reads them. */
describe("checkLineCount", () => {
  const refused = (limit: number) => ({ code: "too-many-lines", limit });

  it("accepts exactly the limit's lines and refuses one more, whatever the line ends", () => {
    for (const eol of ["\n", "\r\n", "\r\r\n", "\r"]) {
      expect(checkLineCount(["a", "b", "c"].join(eol), 3), JSON.stringify(eol)).toBeNull();
      expect(checkLineCount(["a", "b", "c", "d"].join(eol), 3), JSON.stringify(eol)).toMatchObject(refused(3));
    }
  });

  it("counts the line after a final break, and blank lines, as lines", () => {
    expect(checkLineCount("a\nb\n", 3)).toBeNull();
    expect(checkLineCount("a\nb\nc\n", 3)).toMatchObject(refused(3));
    expect(checkLineCount("\n\n\n", 3)).toMatchObject(refused(3));
    expect(checkLineCount("\n\n", 3)).toBeNull();
  });

  it("reads a text without a break as one line, and an empty one too", () => {
    expect(checkLineCount("no break at all", 1)).toBeNull();
    expect(checkLineCount("", 1)).toBeNull();
    expect(checkLineCount("a\nb", 1)).toMatchObject(refused(1));
  });

  it("counts two CRs before a LF as one break, but two CRs before anything else as two", () => {
    expect(checkLineCount("a\r\r\nb", 2)).toBeNull();
    expect(checkLineCount("a\r\rb", 2)).toMatchObject(refused(2));
    expect(checkLineCount("a\r\rb", 3)).toBeNull();
    expect(checkLineCount("a\n\rb", 2)).toMatchObject(refused(2));
    expect(checkLineCount("a\r", 1)).toMatchObject(refused(1));
    expect(checkLineCount("a\r\r", 2)).toMatchObject(refused(2));
    // A LF two characters after a CR makes it no CRLF: a CR, a character, a LF are two breaks.
    expect(checkLineCount("a\rb\nc", 2)).toMatchObject(refused(2));
    expect(checkLineCount("a\rb\nc", 3)).toBeNull();
  });

  it("defaults to 1,500 lines", () => {
    expect(REPORT_LIMITS.maxLines).toBe(1_500);
    expect(checkLineCount("x\n".repeat(1_499) + "x")).toBeNull();
    expect(checkLineCount("x\n".repeat(1_500) + "x")).toMatchObject(refused(1_500));
  });
});

describe("tooMany", () => {
  it("names the limit with thousands separators, what was counted, and what to upload instead", () => {
    expect(tooMany("too-many-fields", "fields", 1_000)).toEqual({
      code: "too-many-fields",
      limit: 1_000,
      message:
        "The report has more than 1,000 fields; a dsregcmd /status capture has a few hundred at most. Upload the output of a single run.",
    });
  });
});
