import { describe, expect, it } from "vitest";
import { checkControlCharacters, decodeReportText, decodeReportTextKeepingLineEndings } from "./decode-report-text";

/** The limits of decodeReportText at their edges: control characters, undecodable ones, blank text, UTF-16 sniffing. */
function outcome(input: Uint8Array | string): string {
  const result = decodeReportText(input);
  return result.ok ? `ok: ${result.text}` : `${result.error.code}: ${result.error.message}`;
}

const binary = (detail: string) => `binary: The report is not text (${detail}). Upload the text output of dsregcmd /status, not a binary file.`;

describe("control characters", () => {
  it("tolerates 4 in a short text and refuses 5, counting DEL and every C0 character but tab, LF and CR", () => {
    expect(outcome("a\x01\x02\x03\x7f")).toBe("ok: a\x01\x02\x03\x7f");
    expect(outcome("a\x01\x02\x03\x7f\x1f")).toBe(binary("5 control characters in 6"));
    expect(outcome("a\x0b\x0c\x0e\x08\x00")).toBe(binary("it contains NUL bytes"));
    expect(outcome("a\x0b\x0c\x0e\x08\x1b")).toBe(binary("5 control characters in 6"));
    expect(outcome("a\t\t\t\t\t\n\n\n\n\n\r\r\r\r\r")).toBe("ok: a\t\t\t\t\t\n\n\n\n\n\n\n\n\n\n");
  });

  it("tolerates one in a hundred characters in a longer text", () => {
    const text = (controls: number) => "\x1b".repeat(controls) + "x".repeat(1_000 - controls);
    expect(decodeReportText(text(10)).ok).toBe(true);
    expect(outcome(text(11))).toBe(binary("11 control characters in 1000"));
  });

  it("refuses more than 4 (or one in a hundred) undecodable characters", () => {
    expect(decodeReportText("AzureAdJoined : YES \ufffd\ufffd\ufffd\ufffd").ok).toBe(true);
    expect(outcome("AzureAdJoined : \ufffd\ufffd\ufffd\ufffd\ufffd")).toBe(binary("5 undecodable characters in 21"));
    const text = (bad: number) => "\ufffd".repeat(bad) + "x".repeat(1_000 - bad);
    expect(decodeReportText(text(10)).ok).toBe(true);
    expect(outcome(text(11))).toBe(binary("11 undecodable characters in 1000"));
  });

  it("checks them on demand when the decode skipped them", () => {
    const text = "a\x01\x02\x03\x04\x05";
    expect(decodeReportTextKeepingLineEndings(text, { checkControlCharacters: false })).toEqual({ ok: true, text });
    expect(decodeReportTextKeepingLineEndings(text)).toMatchObject({ ok: false, error: { code: "binary" } });
    expect(checkControlCharacters(text)).toMatchObject({ ok: false, error: { message: expect.stringContaining("5 control characters in 6") } });
    expect(checkControlCharacters("a\x01\x02\x03\x04")).toBeNull();
    expect(checkControlCharacters("clean text")).toBeNull();
  });
});

describe("blank text", () => {
  it("calls a text of spaces, tabs, line breaks, form feeds, vertical tabs, no-break spaces and BOMs empty", () => {
    for (const blank of [" ", "\t", "\n", "\r", "\f", "\v", "\u00a0", " \ufeff"]) {
      expect(outcome(blank), JSON.stringify(blank)).toBe("empty: The report is empty: it contains only whitespace.");
    }
    expect(outcome("\ufeff")).toBe("empty: The report is empty: it contains no text.");
    expect(outcome(" \u00a0x ")).toBe("ok:  \u00a0x ");
  });
});

describe("UTF-16 without a BOM", () => {
  const le = (text: string) => Buffer.from(text, "utf16le");
  const be = (text: string) => Buffer.from(text, "utf16le").swap16();

  it("is read when at least 40% of its characters are ASCII, and refused below", () => {
    // 4 of 10 characters ASCII (a NUL in 4 of 10 pairs), the rest CJK (no NUL byte).
    expect(outcome(le("abcd\u4e2d\u6587\u4e2d\u6587\u4e2d\u6587"))).toBe("ok: abcd\u4e2d\u6587\u4e2d\u6587\u4e2d\u6587");
    expect(outcome(be("abcd\u4e2d\u6587\u4e2d\u6587\u4e2d\u6587"))).toBe("ok: abcd\u4e2d\u6587\u4e2d\u6587\u4e2d\u6587");
    expect(outcome(le("abc\u4e2d\u6587\u4e2d\u6587\u4e2d\u6587\u4e2d"))).toBe(binary("it contains NUL bytes that are not UTF-16 text"));
    expect(outcome(be("abc\u4e2d\u6587\u4e2d\u6587\u4e2d\u6587\u4e2d"))).toBe(binary("it contains NUL bytes that are not UTF-16 text"));
  });

  it("tolerates a NUL on the other side in at most 2% of its characters", () => {
    // U+0100 is 00 01 in UTF-16LE: a NUL at an even position.
    const text = (others: number) => "\u0100".repeat(others) + "x".repeat(100 - others);
    expect(decodeReportText(le(text(2))).ok).toBe(true);
    expect(outcome(le(text(3)))).toBe(binary("it contains NUL bytes that are not UTF-16 text"));
    expect(decodeReportText(be(text(2))).ok).toBe(true);
    expect(outcome(be(text(3)))).toBe(binary("it contains NUL bytes that are not UTF-16 text"));
  });

  it("looks at the first 4,096 bytes only: a NUL after them is binary", () => {
    const ascii = Buffer.from("x".repeat(4_096));
    expect(outcome(Buffer.concat([ascii, Buffer.from([0])]))).toBe(binary("it contains NUL bytes that are not UTF-16 text"));
    expect(outcome(Buffer.concat([ascii, Buffer.from("y\0")]))).toBe(binary("it contains NUL bytes that are not UTF-16 text"));
    // UTF-16LE longer than the window is still read whole.
    const long = "AzureAdJoined : YES\n".repeat(300);
    expect(outcome(le(long))).toBe(`ok: ${long}`);
  });

  it("refuses a lone NUL byte, and NULs in text read from UTF-16", () => {
    expect(outcome(new Uint8Array([0]))).toBe(binary("it contains NUL bytes that are not UTF-16 text"));
    expect(outcome(Buffer.concat([Buffer.from([0xff, 0xfe]), le("a\0b")]))).toBe(binary("it contains NUL characters"));
  });
});
