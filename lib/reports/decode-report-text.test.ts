import { describe, expect, it } from "vitest";
import { decodeReportText } from "./decode-report-text";
import { readFixture } from "./fixtures";

function decodeOk(input: Uint8Array | string): string {
  const result = decodeReportText(input);
  if (!result.ok) throw new Error(`expected ok, got ${result.error.code}`);
  return result.text;
}

const SAMPLE = "             AzureAdJoined : YES\r\n       AzureAdPrtAuthority : https://login.microsoftonline.com/x\r\n";
const SAMPLE_LF = SAMPLE.replace(/\r\n/g, "\n");

describe("decodeReportText", () => {
  it("decodes UTF-16LE with a BOM (Windows PowerShell 5.1 `>`)", () => {
    const bytes = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(SAMPLE, "utf16le")]);
    expect(decodeOk(bytes)).toBe(SAMPLE_LF);
  });

  it("decodes UTF-16BE with a BOM", () => {
    const le = Buffer.from(SAMPLE, "utf16le");
    const be = Buffer.from(le).swap16();
    expect(decodeOk(Buffer.concat([Buffer.from([0xfe, 0xff]), be]))).toBe(SAMPLE_LF);
  });

  it("decodes UTF-16LE and UTF-16BE without a BOM from the NUL pattern", () => {
    const le = Buffer.from(SAMPLE, "utf16le");
    expect(decodeOk(le)).toBe(SAMPLE_LF);
    expect(decodeOk(Buffer.from(le).swap16())).toBe(SAMPLE_LF);
  });

  it("decodes UTF-8 with and without a BOM (PowerShell 7)", () => {
    const text = "Executing Account Name : CONTOSO\\jörg.müller\r\n";
    expect(decodeOk(Buffer.from(text))).toBe("Executing Account Name : CONTOSO\\jörg.müller\n");
    expect(decodeOk(Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(text)]))).toBe(
      "Executing Account Name : CONTOSO\\jörg.müller\n",
    );
  });

  it("falls back to a single-byte code page for invalid UTF-8 (cmd redirection)", () => {
    const bytes = Buffer.from("TenantName : Soci\xe9t\xe9 G\xe9n\xe9rale\r\n", "latin1");
    expect(decodeOk(bytes)).toBe("TenantName : Société Générale\n");
  });

  it("normalises CRLF and lone CR to LF, for strings too", () => {
    expect(decodeOk("a : 1\r\nb : 2\rc : 3\n")).toBe("a : 1\nb : 2\nc : 3\n");
    expect(decodeOk("a : 1\r\r\nb : 2\r\r\n")).toBe("a : 1\nb : 2\n");
    expect(decodeOk("\ufeffAzureAdJoined : YES")).toBe("AzureAdJoined : YES");
  });

  it("rejects empty and whitespace-only input", () => {
    for (const input of ["", " \r\n\t\r\n", new Uint8Array(0), Buffer.from([0xff, 0xfe]), Buffer.from("\n\n")]) {
      const result = decodeReportText(input);
      expect(result.ok ? "ok" : result.error.code).toBe("empty");
    }
  });

  it("rejects binary: random bytes, NULs off the UTF-16 pattern, control characters", () => {
    const png = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0x00, 0x00, 0x0d, 0x49, 0x48, 0x44, 0x52]);
    const zip = Buffer.concat([Buffer.from("PK\x03\x04\x14\x00\x00\x00\x08\x00", "latin1"), Buffer.alloc(64, 0x41)]);
    const controls = Buffer.from("AzureAdJoined : YES\x01\x02\x03\x04\x05\x06\x07\x08", "latin1");
    for (const input of [readFixture("binary-random.bin"), png, zip, controls, "AzureAdJoined : YES\0"]) {
      const result = decodeReportText(input);
      expect(result.ok ? "ok" : result.error.code).toBe("binary");
    }
  });

  it("tolerates a stray control character", () => {
    expect(decodeOk("AzureAdJoined : YES\x0c\r\n")).toBe("AzureAdJoined : YES\x0c\n");
  });
});
