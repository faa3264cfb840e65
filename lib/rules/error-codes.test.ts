import { describe, expect, it } from "vitest";
import { describeErrorCode, extractErrorCodes, normalizeErrorCode } from "@/lib/rules/error-codes";

describe("describeErrorCode", () => {
  it("describes client codes whatever their case or prefix", () => {
    for (const input of ["0xCAA2000C", "0xcaa2000c", "caa2000c"]) {
      const description = describeErrorCode(input);
      expect(description?.code).toBe("0xCAA2000C");
      expect(description?.kind).toBe("client");
      expect(description?.meaning).toMatch(/MFA or Terms of Use/);
    }
  });

  it("describes AADSTS codes with or without the prefix", () => {
    expect(describeErrorCode("AADSTS50155")).toMatchObject({ code: "AADSTS50155", kind: "aadsts" });
    expect(describeErrorCode("50155")?.meaning).toMatch(/deleted or disabled/);
    expect(describeErrorCode("aadsts135011")?.fix).toMatch(/Enable the device object/);
    expect(describeErrorCode("AADSTS50126")?.meaning).toMatch(/not yet synced/);
  });

  it('knows the join codes of docs/domain.md, "Error codes"', () => {
    expect(describeErrorCode("0x801c03f2")?.meaning).toMatch(/^DirectoryError/);
    expect(describeErrorCode("0x801C0021")?.meaning).toMatch(/discovery failed/);
    expect(describeErrorCode("0x801c001d")?.meaning).toMatch(/SCP/);
    expect(describeErrorCode("0x801c003a")?.meaning).toMatch(/tenant named in the SCP/);
  });

  it("falls back to the code family for unlisted network and WS-Trust codes", () => {
    expect(describeErrorCode("0xCAA82F00")?.meaning).toMatch(/network error/);
    expect(describeErrorCode("0xcaa9ffff")?.meaning).toMatch(/WS-Trust/);
  });

  it("maps a bare WinHTTP number to its HRESULT", () => {
    expect(describeErrorCode("12029")).toMatchObject({ code: "0x80072EFD", kind: "winhttp" });
  });

  it("returns null for unknown codes and non-codes", () => {
    expect(describeErrorCode("0x12345678")).toBeNull();
    expect(describeErrorCode("AADSTS99999")).toBeNull();
    expect(describeErrorCode("invalid_grant")).toBeNull();
    expect(describeErrorCode("")).toBeNull();
  });
});

describe("extractErrorCodes", () => {
  it("finds hex and AADSTS codes in an event message, in order and unique", () => {
    const message =
      "Error: 0xCAA2000C The request requires user interaction. Code: interaction_required Description: AADSTS50076: Due to a configuration change … 0xCAA2000C";
    expect(extractErrorCodes(message)).toEqual(["0xcaa2000c", "aadsts50076"]);
  });

  it("reads both codes of a DRS test result", () => {
    expect(extractErrorCodes("FAIL [0x801c0021/0x80072ee2]")).toEqual(["0x801c0021", "0x80072ee2"]);
  });

  it("normalizes leading zeros", () => {
    expect(normalizeErrorCode("0x00000000")).toBe("0x0");
  });
});

describe("normalizeErrorCode: a whole value, or null", () => {
  it.each([
    [" 0xCAA2000C ", "0xcaa2000c"],
    ["CAA2000C", "0xcaa2000c"],
    ["0x0000000C", "0xc"],
    ["0x80072EFD", "0x80072efd"],
    ["AADSTS50076", "aadsts50076"],
    ["1234", "aadsts1234"],
    ["9999999", "aadsts9999999"],
    ["123", null],
    ["12345678", null],
    ["0x123456789", null],
    ["0x", null],
    ["AADSTS50076:", null],
    ["x50076", null],
    ["Error 0xCAA2000C", null],
    ["0xCAA2000C:", null],
  ])("%j → %j", (value, expected) => {
    expect(normalizeErrorCode(value)).toBe(expected);
  });
});

describe("describeErrorCode: WinHTTP numbers", () => {
  it.each([
    ["12002", "0x80072EE2"],
    ["12007", "0x80072EE7"],
  ])("reads %s as %s", (value, code) => {
    expect(describeErrorCode(value)).toMatchObject({ code, kind: "winhttp" });
  });

  it("reads no longer AADSTS code as a WinHTTP number", () => {
    expect(describeErrorCode("AADSTS120290")).toBeNull();
  });
});
