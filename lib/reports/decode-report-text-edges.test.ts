import { describe, expect, it } from "vitest";
import { decodeReportText } from "./decode-report-text";

/** decodeReportText at the edges of its byte-order marks, its UTF-16 sniffing window and its control-character count. */
function outcome(input: Uint8Array | string): string {
  const result = decodeReportText(input);
  return result.ok ? `ok: ${result.text}` : `${result.error.code}: ${result.error.message}`;
}

const binary = (detail: string) => `binary: The report is not text (${detail}). Upload the text output of dsregcmd /status, not a binary file.`;
const NO_TEXT = "empty: The report is empty: it contains no text.";
const le = (text: string) => Buffer.from(text, "utf16le");
/** A capture redirected by cmd (the OEM code page, read as windows-1252): one byte a character. */
const cp1252 = (text: string) => Buffer.from(text, "latin1");

describe("byte-order marks", () => {
  it("takes a BOM alone as no text, whichever encoding it names", () => {
    expect(outcome(Buffer.from([0xff, 0xfe]))).toBe(NO_TEXT);
    expect(outcome(Buffer.from([0xfe, 0xff]))).toBe(NO_TEXT);
    expect(outcome(Buffer.from([0xef, 0xbb, 0xbf]))).toBe(NO_TEXT);
  });

  it("needs every byte of a BOM: a code-page capture that starts with ÿ, þ, ï, » or ¿ is read as it is", () => {
    // ÿ is 0xFF, þ 0xFE, ï 0xEF, » 0xBB, ¿ 0xBF in windows-1252: each is one byte of a BOM, never a whole one.
    for (const text of ["ÿ TenantName : Contoso", " þ TenantName : Contoso", "þ TenantName : Contoso", " ÿ TenantName : Contoso"]) {
      expect(outcome(cp1252(text)), text).toBe(`ok: ${text}`);
    }
    for (const text of ["ï» TenantName : Contoso", "ï ¿ TenantName : Contoso", " »¿ TenantName : Contoso", "ab¿ TenantName : Contoso"]) {
      expect(outcome(cp1252(text)), text).toBe(`ok: ${text}`);
    }
  });

  it("calls a NUL in text read from UTF-16 a NUL character, with a BOM (either order) or sniffed", () => {
    const text = "AzureAdJoined : YES\0\r\n" + "DomainJoined : YES\r\n".repeat(5);
    expect(outcome(Buffer.concat([Buffer.from([0xfe, 0xff]), le(text).swap16()]))).toBe(binary("it contains NUL characters"));
    expect(outcome(le(text))).toBe(binary("it contains NUL characters"));
    expect(outcome(le(text).swap16())).toBe(binary("it contains NUL characters"));
    expect(outcome(cp1252(text))).toBe(binary("it contains NUL bytes that are not UTF-16 text"));
  });
});

describe("UTF-16 sniffing", () => {
  const CJK = "\u4e2d\u6587";

  it("counts the last pair of the window: 40% ASCII at its end is enough", () => {
    expect(outcome(le(`${CJK.repeat(3)}abcd`))).toBe(`ok: ${CJK.repeat(3)}abcd`);
  });

  it("reads only the window's pairs: one ASCII character just past 4,096 bytes does not reach 40%", () => {
    // 2,048 characters in the window, 819 of them ASCII (39.99%), then one more ASCII character.
    const window = "x".repeat(819) + "\u4e2d".repeat(2_048 - 819);
    expect(outcome(le(`${window}y`))).toBe(binary("it contains NUL bytes that are not UTF-16 text"));
    expect(outcome(le(`${window.slice(1)}\u4e2dyy`))).toBe(binary("it contains NUL bytes that are not UTF-16 text"));
    // 820 in the window is 40%.
    const enough = "x".repeat(820) + "\u4e2d".repeat(2_048 - 820);
    expect(decodeReportText(le(enough)).ok).toBe(true);
  });

  it("counts a NUL in an odd length's last byte against little-endian, and only a NUL", () => {
    // 100 characters, 2 of them U+0100 (a NUL at an even position): 2% is still little-endian.
    const text = "\u0100".repeat(2) + "x".repeat(98);
    expect(decodeReportText(le(text)).ok).toBe(true);
    expect(outcome(Buffer.concat([le(text), Buffer.from([0])]))).toBe(binary("it contains NUL bytes that are not UTF-16 text"));
    // The lone last byte decodes to one U+FFFD, which is tolerated.
    expect(outcome(Buffer.concat([le(text), Buffer.from([0x41])]))).toBe(`ok: ${text}\ufffd`);
  });
});

describe("control and undecodable characters", () => {
  it("does not count tab, LF or CR, even beside a control character that makes it count the others", () => {
    const text = "AzureAdJoined : YES\x1b\t\t\t\t\t\n\n\n\n\n\r\r\r\r\r";
    expect(outcome(text)).toBe("ok: AzureAdJoined : YES\x1b\t\t\t\t\t\n\n\n\n\n\n\n\n\n\n");
    expect(outcome("\x1b\t\t\t\t\t")).toBe("ok: \x1b\t\t\t\t\t");
    expect(outcome("\x1b\n\n\n\n\n")).toBe("ok: \x1b\n\n\n\n\n");
    expect(outcome("\x1b\r\r\r\r\r")).toBe("ok: \x1b\n\n\n\n\n");
  });

  it("does not count spaces", () => {
    expect(outcome("AzureAdJoined : YES \x01\x02\x03\x04")).toBe("ok: AzureAdJoined : YES \x01\x02\x03\x04");
  });

  it("counts undecodable characters wherever the first one is", () => {
    expect(outcome("T\ufffd\ufffd\ufffd\ufffd\ufffd")).toBe(binary("5 undecodable characters in 6"));
    expect(outcome("\ufffd\ufffd\ufffd\ufffd\ufffd")).toBe(binary("5 undecodable characters in 5"));
  });
});

describe("line endings", () => {
  it("normalises a CR wherever the first one is", () => {
    expect(outcome("a\r\nb : 1")).toBe("ok: a\nb : 1");
    expect(outcome("\r\nAzureAdJoined : YES")).toBe("ok: \nAzureAdJoined : YES");
    expect(outcome("ab\rc")).toBe("ok: ab\nc");
  });
});
