import { describe, expect, it } from "vitest";
import { FIXTURES, NEGATIVE_FIXTURES, readFixture } from "./fixtures";
import { DEFAULT_MAX_BYTES, parseDsregcmd } from "./parse-dsregcmd";
import type { DsregSection, ParsedDsregcmd } from "./types";

function parseOk(input: Uint8Array | string): { report: ParsedDsregcmd; warnings: string[] } {
  const result = parseDsregcmd(input);
  if (!result.ok) throw new Error(`expected ok, got ${result.error.code}: ${result.error.message}`);
  return result;
}

function scalars(report: ParsedDsregcmd): Omit<ParsedDsregcmd, "sections"> {
  const { sections: _sections, ...rest } = report;
  return rest;
}

function field(report: ParsedDsregcmd, section: string, key: string): string | undefined {
  return report.sections.find((s) => s.name === section)?.fields.find((f) => f.key === key)?.value;
}

function fixtureText(file: string): string {
  return readFixture(file).toString("utf8");
}

/** A modern capture reduced to what a test needs; `body` lines are already `Key : Value`. */
function capture(sections: Record<string, string[]>): string {
  const rule = "+" + "-".repeat(70) + "+";
  const out: string[] = [];
  for (const [name, rows] of Object.entries(sections)) {
    out.push(rule, "| " + name.padEnd(69) + "|", rule, "", ...rows, "");
  }
  return out.join("\r\n");
}
const kv = (key: string, value: string) => (value === "" ? `${key.padStart(26)} :` : `${key.padStart(26)} : ${value}`);

describe("parseDsregcmd on every fixture", () => {
  it.each(FIXTURES.map((f) => [f.file, f] as const))("%s yields the expected contract fields", (_file, fixture) => {
    const { report, warnings } = parseOk(readFixture(fixture.file));
    expect(scalars(report)).toEqual(fixture.expected);
    expect(warnings).toEqual([]);
  });

  it.each(FIXTURES.filter((f) => f.encoding === "utf-8").map((f) => [f.file] as const))(
    "%s parses the same with LF, CRLF, CR and CR CR LF line endings, and as a string",
    (file) => {
      const text = fixtureText(file);
      const lf = text.replace(/\r\n/g, "\n");
      const crlf = lf.replace(/\n/g, "\r\n");
      const expected = parseOk(readFixture(file)).report;
      expect(parseOk(lf).report).toEqual(expected);
      expect(parseOk(crlf).report).toEqual(expected);
      expect(parseOk(Buffer.from(lf, "utf8")).report).toEqual(expected);
      expect(parseOk(lf.replace(/\n/g, "\r")).report).toEqual(expected);
      expect(parseOk(lf.replace(/\n/g, "\r\r\n")).report).toEqual(expected);
    },
  );

  it("covers every build from Windows 10 1607 to Windows 11 24H2, as the README promises", () => {
    const builds = new Set(FIXTURES.map((f) => f.build));
    for (const build of ["1607", "1709", "1803", "1809", "1909", "20H2", "21H1", "21H2", "22H2"]) {
      expect([...builds].some((b) => b === `Windows 10 ${build}`), build).toBe(true);
    }
    for (const build of ["21H2", "22H2", "23H2", "24H2"]) {
      expect(builds.has(`Windows 11 ${build}`), build).toBe(true);
    }
    expect(new Set(FIXTURES.map((f) => f.expected.joinType))).toEqual(new Set(["hybrid", "entra", "registered", "domain"]));
  });

  it("mixes CRLF and LF fixtures as described", () => {
    for (const fixture of FIXTURES) {
      const bytes = readFixture(fixture.file);
      const text = fixture.encoding === "utf-8" ? bytes.toString("utf8") : bytes.subarray(2).toString("utf16le");
      expect(text.includes("\r\n"), fixture.file).toBe(fixture.lineEnding === "crlf");
    }
  });
});

describe("encodings", () => {
  it("reads the UTF-16LE-with-BOM capture exactly like its UTF-8 twin", () => {
    const bytes = readFixture("win11-23h2-hybrid.utf16le.txt");
    expect([...bytes.subarray(0, 4)]).toEqual([0xff, 0xfe, 0x2b, 0x00]);
    const utf16 = parseOk(bytes).report;
    expect(utf16).toEqual(parseOk(readFixture("win11-23h2-hybrid.txt")).report);
    expect(utf16.executingAccount).toBe("CONTOSO\\jörg.müller, joerg.mueller@contoso.com");
  });

  it("reads UTF-16LE without a BOM and UTF-8 with a BOM", () => {
    const text = fixtureText("win10-20h2-hybrid.txt");
    const expected = parseOk(text).report;
    expect(parseOk(Buffer.from(text, "utf16le")).report).toEqual(expected);
    expect(parseOk(Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(text)])).report).toEqual(expected);
  });

  it("reads an OEM/ANSI capture that is not valid UTF-8", () => {
    const text = fixtureText("win11-23h2-hybrid.txt");
    const latin1 = Buffer.from(text, "latin1");
    expect(parseOk(latin1).report.executingAccount).toBe("CONTOSO\\jörg.müller, joerg.mueller@contoso.com");
  });
});

describe("sections and fields", () => {
  it("keeps every section in order, including unknown ones", () => {
    const { report } = parseOk(readFixture("win11-24h2-hybrid-full.txt"));
    expect(report.sections.map((s) => s.name)).toEqual([
      "Device State",
      "Device Details",
      "Tenant Details",
      "User State",
      "SSO State",
      "Diagnostic Data",
      "IE Proxy Config for Current User",
      "WinHttp Default Proxy Config",
      "Device Attestation",
      "Ngc Prerequisite Check",
    ]);
    expect(report.sections.find((s) => s.name === "Device Attestation")).toEqual<DsregSection>({
      name: "Device Attestation",
      fields: [
        { key: "DeviceAttestationStatus", value: "SUCCESS" },
        { key: "AttestationLastUpdate", value: "2025-03-09 10:58:02.000 UTC" },
      ],
    });
    // An unknown field inside a known section is kept in place.
    const sso = report.sections.find((s) => s.name === "SSO State")!;
    expect(sso.fields.at(-1)).toEqual({ key: "CloudTgtRefreshTime", value: "2025-03-09 11:00:29.000 UTC" });
  });

  it("keeps fields in printed order, duplicates included", () => {
    const { report } = parseOk(readFixture("win10-21h2-registered.txt"));
    const keys = (name: string) => report.sections.find((s) => s.name === name)!.fields.map((f) => f.key);
    expect(keys("Device State")).toEqual(["AzureAdJoined", "EnterpriseJoined", "DomainJoined"]);
    expect(keys("Work Account 1")).toEqual([
      "WorkplaceDeviceId",
      "WorkplaceThumbprint",
      "DeviceCertificateValidity",
      "KeyContainerId",
      "KeyProvider",
      "TpmProtected",
      "WorkplaceTenantId",
      "WorkplaceTenantName",
      "WorkplaceMdmUrl",
      "WorkplaceSettingsUrl",
      "NgcSet",
    ]);
    expect(field(report, "User State", "NgcSet")).toBe("NO");
    expect(field(report, "SSO State", "AzureAdPrtAuthority")).toBe("NO");
  });

  it("splits on the first separator so values keep their colons", () => {
    const { report } = parseOk(readFixture("win11-24h2-hybrid-full.txt"));
    expect(field(report, "SSO State", "AzureAdPrtUpdateTime")).toBe("2025-03-09 11:00:27.000 UTC");
    expect(field(report, "SSO State", "EnterprisePrtAuthority")).toBe("https://sts.contoso.com:443/adfs");
    expect(field(report, "SSO State", "KerbTopLevelNames")).toBe(
      ".windows.net,.windows.net:1433,.windows.net:3342,.azure.net,.azure.net:1433,.azure.net:3342",
    );
    expect(field(report, "SSO State", "Server Error Description")).toBe(
      "MSIS9682: Received invalid OAuth JWT Bearer request. The certificate used to sign JWT Bearer request is not from a registered device with a Transport key.",
    );
    expect(field(report, "IE Proxy Config for Current User", "Auto-Configuration URL")).toBe("http://wpad.corp.contoso.com:8080/proxy.pac");
    expect(field(report, "IE Proxy Config for Current User", "Proxy Server List")).toBe("proxy.corp.contoso.com:8080");
    expect(field(report, "User State", "WamDefaultGUID")).toBe("{B16898C6-A148-4967-9171-64D755DA8520} (AzureAd)");
    const prejoin = parseOk(readFixture("win10-1809-domain-prejoin-fail.txt")).report;
    expect(field(prejoin, "Diagnostic Data", "DRS Discovery Test")).toBe("FAIL [0x801c0021/0x80072ee2]");
    expect(field(prejoin, "Diagnostic Data", "Client Time")).toBe("2019-06-05 08:25:29.000 UTC");
    expect(field(prejoin, "Diagnostic Data", "Error Phase")).toBe("discover");
  });

  it("keeps empty values and drops trailing spaces", () => {
    const { report } = parseOk(readFixture("win11-24h2-hybrid-full.txt"));
    expect(field(report, "Tenant Details", "SettingsUrl")).toBe("");
    expect(field(report, "IE Proxy Config for Current User", "Auto Detect Settings")).toBe("NO");
    const deleted = parseOk(readFixture("win10-21h1-hybrid-deleted.txt")).report;
    expect(field(deleted, "SSO State", "EnterprisePrtAuthority")).toBe("");
  });

  it("gives the same result with trailing spaces on every line", () => {
    for (const file of ["win10-1607-hybrid.txt", "win10-1909-entra.txt", "win11-24h2-hybrid-full.txt", "win10-21h2-registered.txt"]) {
      const text = fixtureText(file).replace(/\r\n/g, "\n");
      const padded = text.split("\n").map((l) => l + "   ").join("\r\n");
      expect(parseOk(padded).report, file).toEqual(parseOk(text).report);
    }
  });

  it("appends console-wrapped lines to the value above them", () => {
    const deleted = parseOk(readFixture("win10-21h1-hybrid-deleted.txt")).report;
    expect(fixtureText("win10-21h1-hybrid-deleted.txt")).toContain("\r\nb23c0f2 Correlation ID: 03ec7df3");
    expect(field(deleted, "SSO State", "Server Error Description")).toBe(
      "AADSTS50155: Device authentication failed for user. Trace ID: 71aec6b3-f7f8-47c1-bb45-3d989b23c0f2 Correlation ID: 03ec7df3-7441-44da-881d-8108aded3709 Timestamp: 2021-09-14 07:58:21Z",
    );
    // The wrapped "Correlation ID: …" is not a field of its own.
    expect(deleted.sections.find((s) => s.name === "SSO State")!.fields.filter((f) => f.key === "Correlation ID")).toHaveLength(1);

    const network = parseOk(readFixture("win10-22h2-hybrid-network-fail.txt")).report;
    expect(field(network, "URL Specific Proxy Config", "Auto Detect PAC Status")).toBe(
      "Failed to auto detect the Proxy Auto-Configuration (PAC) script using WPAD. code: 0x80072f94",
    );

    const flat = parseOk(readFixture("win10-1709-entra.txt")).report;
    expect(field(flat, "Device State", "SettingsUrl")).toBe(
      "eyJVcmlzIjpbImh0dHBzOi8va2FpbGFuaS5vbmUubWljcm9zb2Z0LmNvbS8iLCJodHRwczovL2thaWxhbmkxLm9uZS5taWNyb3NvZnQuY29tLyIsImh0dHBzOi8va2FpbGFuaTIub25lLm1pY3Jvc29mdC5jb20vIl19",
    );
    expect(field(flat, "Device State", "JoinSrvVersion")).toBe("1.0");
  });

  it("never reads a wrapped `https://…` or `12:30` line as a field of its own", () => {
    // Pre-1803 flat layout (`Key: Value`): a URL the console wrapped onto its own line at column 0.
    const flat = [
      "+" + "-".repeat(70) + "+",
      "| Device State" + " ".repeat(57) + "|",
      "+" + "-".repeat(70) + "+",
      "",
      "    AzureAdJoined: YES",
      // The console broke the line at the space before the URL: the space stays at the end of the line above.
      "      AuthCodeUrl: see ",
      "https://login.microsoftonline.com/9b4a1a97-6a87-46a9-9671-f9a62bdd307b/oauth2/authorize",
      "     DomainJoined: NO",
      "",
    ].join("\r\n");
    const flatReport = parseOk(flat).report;
    expect(flatReport.sections[0]!.fields.map((f) => f.key)).toEqual(["AzureAdJoined", "AuthCodeUrl", "DomainJoined"]);
    expect(field(flatReport, "Device State", "AuthCodeUrl")).toBe("see https://login.microsoftonline.com/9b4a1a97-6a87-46a9-9671-f9a62bdd307b/oauth2/authorize");

    // Modern spaced layout: an indented wrapped URL, and a wrapped time.
    const spaced = capture({
      "Device State": [kv("AzureAdJoined", "NO"), kv("DomainJoined", "YES")],
      "SSO State": [kv("Server Error Description", "AADSTS50155: Device authentication failed. See"), "   https://aka.ms/aadsts50155", "  12:30 UTC", kv("AzureAdPrt", "NO")],
    });
    const sso = parseOk(spaced).report.sections.find((s) => s.name === "SSO State")!;
    expect(sso.fields.map((f) => f.key)).toEqual(["Server Error Description", "AzureAdPrt"]);
    expect(sso.fields[0]!.value).toBe("AADSTS50155: Device authentication failed. See https://aka.ms/aadsts50155 12:30 UTC");
  });

  it("reads the pre-1803 flat layout, including `KeySignTest: : MUST Run elevated`", () => {
    const { report } = parseOk(readFixture("win10-1607-hybrid.txt"));
    const state = report.sections[0]!;
    expect(state.name).toBe("Device State");
    expect(state.fields.find((f) => f.key === "KeySignTest")).toEqual({ key: "KeySignTest", value: "MUST Run elevated to test." });
    expect(state.fields.find((f) => f.key === "MdmUrl")).toEqual({ key: "MdmUrl", value: "" });
    expect(field(report, "User State", "WamDefaultAuthority")).toBe("organizations");
    expect(field(report, "User State", "AzureAdPrt")).toBe("YES");
  });

  it("ignores the prompt, banner, progress message and footer around the output", () => {
    const body = fixtureText("win10-1809-domain-prejoin-fail.txt");
    const pasted = `Windows PowerShell\r\nCopyright (C) Microsoft Corporation. All rights reserved.\r\n\r\nPS C:\\WINDOWS\\system32> dsregcmd /status\r\n${body}\r\nPS C:\\WINDOWS\\system32> `;
    const { report, warnings } = parseOk(pasted);
    expect(report).toEqual(parseOk(body).report);
    expect(warnings).toEqual([]);
    const diag = report.sections.find((s) => s.name === "Diagnostic Data")!;
    expect(diag.fields[0]).toEqual({ key: "Diagnostics Reference", value: "www.microsoft.com/aadjerrors" });
    expect(diag.fields.at(-1)).toEqual({ key: "Client ErrorCode", value: "0x801c0021" });
  });

  it("does not glue the footer onto the last value when the blank line is missing", () => {
    const text = capture({ "Device State": [kv("AzureAdJoined", "NO"), kv("DomainJoined", "NO")] }).trimEnd() +
      "\r\nFor more information, please visit https://www.microsoft.com/aadjerrors\r\n";
    expect(field(parseOk(text).report, "Device State", "DomainJoined")).toBe("NO");
  });

  it("accepts a paste that starts below the Device State header, with a warning", () => {
    const text = [kv("AzureAdJoined", "YES"), kv("EnterpriseJoined", "NO"), kv("DomainJoined", "NO"), ""].join("\n") +
      capture({ "Device Details": [kv("DeviceId", "20a5d534-d67a-49a2-bf04-c2d3befa3acf")] });
    const { report, warnings } = parseOk(text);
    expect(report.joinType).toBe("entra");
    expect(report.deviceId).toBe("20a5d534-d67a-49a2-bf04-c2d3befa3acf");
    expect(report.sections.map((s) => s.name)).toEqual(["Device State", "Device Details"]);
    expect(warnings).toHaveLength(1);
  });
});

describe("derived fields", () => {
  it("normalises GUIDs, thumbprints and status codes, and warns about malformed ones", () => {
    const text = capture({
      "Device State": [kv("AzureAdJoined", "YES"), kv("DomainJoined", "NO")],
      "Device Details": [
        kv("DeviceId", "{20A5D534-D67A-49A2-BF04-C2D3BEFA3ACF}"),
        kv("Thumbprint", "36269d10342990a76813d6615292b8377b00ad39"),
        kv("DeviceCertificateValidity", "[ 2020-02-11 14:03:27.000 UTC -- 2030-02-11 15:33:27.000 UTC ]"),
      ],
      "Tenant Details": [kv("TenantId", "not-a-guid")],
      "SSO State": [kv("AzureAdPrt", "NO"), kv("Attempt Status", "0xCAA2000C"), kv("Server Error Description", "AADSTS50076: MFA")],
    });
    const { report, warnings } = parseOk(text);
    expect(report.deviceId).toBe("20a5d534-d67a-49a2-bf04-c2d3befa3acf");
    expect(report.thumbprint).toBe("36269D10342990A76813D6615292B8377B00AD39");
    expect(report.tenantId).toBeNull();
    expect(report.prtAttemptStatus).toBe("0xcaa2000c");
    expect(report.aadsts).toBe("AADSTS50076");
    expect(warnings).toEqual(['TenantId "not-a-guid" is not a GUID; left empty.']);
  });

  it("leaves malformed thumbprints, times and booleans empty with a warning", () => {
    const text = capture({
      "Device State": [kv("AzureAdJoined", "YES"), kv("DomainJoined", "MAYBE")],
      "Device Details": [
        kv("DeviceId", "20a5d534-d67a-49a2-bf04-c2d3befa3acf"),
        kv("Thumbprint", "0BF36D245A124205D42B7FBCA6B6AB65A5B06A3"),
        kv("DeviceCertificateValidity", "[ 2020-02-30 14:03:27.000 UTC -- 2030-02-11 15:33:27.000 UTC ]"),
        kv("DeviceAuthStatus", "UNKNOWN"),
      ],
      "SSO State": [kv("AzureAdPrt", "YES"), kv("AzureAdPrtUpdateTime", "[Date] UTC"), kv("AzureAdPrtExpiryTime", "2025-03-23 11:01:41 UTC")],
    });
    const { report, warnings } = parseOk(text);
    expect(report.domainJoined).toBeNull();
    expect(report.joinType).toBe("entra");
    expect(report.thumbprint).toBeNull();
    expect(report.certValidFrom).toBeNull();
    expect(report.certValidTo).toBeNull();
    expect(report.deviceAuthStatus).toBeNull();
    expect(report.prtUpdateTime).toBeNull();
    expect(report.prtExpiryTime).toBe("2025-03-23T11:01:41.000Z");
    expect(warnings).toHaveLength(5);
  });

  it("reads DeviceCertificateValidity with a double or a single dash, brackets or not", () => {
    const validity = (value: string) =>
      parseOk(capture({ "Device State": [kv("AzureAdJoined", "YES")], "Device Details": [kv("DeviceId", "20a5d534-d67a-49a2-bf04-c2d3befa3acf"), kv("DeviceCertificateValidity", value)] }));
    const expected = { certValidFrom: "2020-02-11T14:03:27.000Z", certValidTo: "2030-02-11T15:33:27.000Z" };
    for (const value of [
      "[ 2020-02-11 14:03:27.000 UTC -- 2030-02-11 15:33:27.000 UTC ]",
      "[ 2020-02-11 14:03:27.000 UTC - 2030-02-11 15:33:27.000 UTC ]",
      "2020-02-11 14:03:27.000 UTC - 2030-02-11 15:33:27.000 UTC",
      "[2020-02-11 14:03:27.000 UTC -- 2030-02-11 15:33:27.000 UTC]",
    ]) {
      const { report, warnings } = validity(value);
      expect({ certValidFrom: report.certValidFrom, certValidTo: report.certValidTo }, value).toEqual(expected);
      expect(warnings, value).toEqual([]);
    }
    for (const value of ["[ 2020-02-11 14:03:27.000 UTC 2030-02-11 15:33:27.000 UTC ]", "[ 2020-02-11 14:03:27.000 UTC -- ]"]) {
      const { report, warnings } = validity(value);
      expect(report.certValidFrom, value).toBeNull();
      expect(report.certValidTo, value).toBeNull();
      expect(warnings, value).toEqual([`DeviceCertificateValidity "${value}" is not "[ start -- end ]"; left empty.`]);
    }
  });

  it("takes the first word of DeviceAuthStatus", () => {
    const text = (status: string) =>
      capture({ "Device State": [kv("AzureAdJoined", "YES")], "Device Details": [kv("DeviceAuthStatus", status)] });
    expect(parseOk(text("FAILED. ERROR")).report.deviceAuthStatus).toBe("FAILED");
    expect(parseOk(text("FAILED. Device is either disabled or deleted")).report.deviceAuthStatus).toBe("FAILED");
    expect(parseOk(text("SUCCESS")).report.deviceAuthStatus).toBe("SUCCESS");
  });

  it("reads PRT diagnostics under AzureAdPrt only, not the Enterprise PRT's", () => {
    const full = parseOk(readFixture("win11-24h2-hybrid-full.txt")).report;
    expect(field(full, "SSO State", "Attempt Status")).toBe("0xc000006d");
    expect(full.prtAttemptStatus).toBeNull();
    expect(full.prtServerErrorCode).toBeNull();
    expect(full.aadsts).toBeNull();
  });

  it("falls back to an AADSTS code anywhere in SSO State", () => {
    const text = capture({
      "Device State": [kv("AzureAdJoined", "YES")],
      "SSO State": [kv("AzureAdPrt", "NO"), kv("EnterprisePrt", "NO"), kv("Server Error Description", "AADSTS700003: Device object was not found")],
    });
    expect(parseOk(text).report.aadsts).toBe("AADSTS700003");
  });

  it("never guesses the device name", () => {
    const text = capture({
      "Device State": [kv("AzureAdJoined", "NO"), kv("DomainJoined", "YES"), kv("DomainName", "CONTOSO")],
      "Diagnostic Data": [kv("Executing Account Name", "CONTOSO\\PC-0142$, PC-0142$@contoso.com")],
    });
    expect(parseOk(text).report.deviceName).toBeNull();
    expect(parseOk(readFixture("win10-20h2-hybrid.txt")).report.deviceName).toBeNull();
  });

  it.each([
    ["YES", "NO", "YES", "NO", [], "hybrid"],
    ["YES", "NO", "NO", "NO", [], "entra"],
    ["YES", "NO", "YES", "YES", [], "hybrid"], // dual state
    ["NO", "NO", "YES", "NO", [], "domain"],
    ["NO", "YES", "YES", "NO", [], "domain"], // on-prem DRS (AD FS) joined
    ["NO", "NO", "YES", "YES", [], "domain"], // domain PC whose user registered a work account
    ["NO", "NO", "NO", "YES", [], "registered"],
    ["NO", "NO", "NO", null, ["Work Account 1"], "registered"],
    ["NO", "NO", "NO", "NO", [], "none"],
    ["NO", "NO", "NO", null, [], "none"],
  ] as const)("AzureAdJoined %s, EnterpriseJoined %s, DomainJoined %s, WorkplaceJoined %s %j → %s", (aad, ent, dom, wpj, extra, joinType) => {
    const sections: Record<string, string[]> = {
      "Device State": [kv("AzureAdJoined", aad), kv("EnterpriseJoined", ent), kv("DomainJoined", dom)],
      "User State": wpj === null ? [kv("NgcSet", "NO")] : [kv("WorkplaceJoined", wpj)],
    };
    for (const name of extra) sections[name] = [kv("WorkplaceDeviceId", "6da9f566-5223-49d4-8c5c-22d50b902984")];
    expect(parseOk(capture(sections)).report.joinType).toBe(joinType);
  });

  it("takes the registration ids of a registered device from its work account only", () => {
    const domainWithWorkAccount = capture({
      "Device State": [kv("AzureAdJoined", "NO"), kv("DomainJoined", "YES")],
      "User State": [kv("WorkplaceJoined", "YES")],
      "Work Account 1": [kv("WorkplaceDeviceId", "6da9f566-5223-49d4-8c5c-22d50b902984"), kv("WorkplaceTenantId", "1e6a1eba-19cd-48e7-8f31-25023720fd54")],
    });
    const { report } = parseOk(domainWithWorkAccount);
    expect(report.joinType).toBe("domain");
    expect(report.deviceId).toBeNull();
    expect(report.tenantId).toBeNull();
  });
});

describe("rejections", () => {
  it.each(NEGATIVE_FIXTURES.map((f) => [f.file, f.errorCode] as const))("%s → %s", (file, code) => {
    const result = parseDsregcmd(readFixture(file));
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.error.code).toBe(code);
    expect(result.error.message.length).toBeGreaterThan(20);
    expect(result).not.toHaveProperty("report");
  });

  it("names the command an admin pasted by mistake", () => {
    const ipconfig = parseDsregcmd(readFixture("ipconfig-all.txt"));
    expect(!ipconfig.ok && ipconfig.error.message).toMatch(/ipconfig \/all/);
    const json = parseDsregcmd(readFixture("graph-device.json"));
    expect(!json.ok && json.error.message).toMatch(/JSON/);
  });

  it("rejects empty input of every kind", () => {
    for (const input of ["", "   \n\t ", new Uint8Array(0), Buffer.from("\r\n\r\n")]) {
      const result = parseDsregcmd(input);
      expect(!result.ok && result.error.code).toBe("empty");
    }
  });

  it("rejects a partial paste without Device State, naming the sections it saw", () => {
    const text = fixtureText("win11-24h2-hybrid-full.txt");
    const ssoOnly = text.slice(text.indexOf("+---", text.indexOf("| SSO State") - 80));
    const result = parseDsregcmd(ssoOnly);
    expect(!result.ok && result.error.code).toBe("not-dsregcmd");
    expect(!result.ok && result.error.message).toMatch(/SSO State/);
  });

  it("rejects a Device State box without AzureAdJoined", () => {
    const result = parseDsregcmd(capture({ "Device State": [kv("Virtual Desktop", "NOT SET")] }));
    expect(!result.ok && result.error.code).toBe("not-dsregcmd");
  });

  it("rejects input over maxBytes before decoding it", () => {
    const text = fixtureText("win10-20h2-hybrid.txt");
    const small = parseDsregcmd(text, { maxBytes: 1024 });
    expect(!small.ok && small.error.code).toBe("too-large");
    expect(parseDsregcmd(Buffer.from(text), { maxBytes: 1024 }).ok).toBe(false);
    const big = Buffer.alloc(DEFAULT_MAX_BYTES + 1, 0x20);
    expect(!parseDsregcmd(big).ok && (parseDsregcmd(big) as { error: { code: string } }).error.code).toBe("too-large");
    // Exactly at the limit is fine.
    expect(parseDsregcmd(text, { maxBytes: Buffer.byteLength(text) }).ok).toBe(true);
    // Multi-byte characters count as UTF-8 bytes.
    expect(parseDsregcmd("ü".repeat(600), { maxBytes: 1000 }).ok).toBe(false);
  });

  it("stays linear on hostile input", () => {
    const hostile = [
      ":".repeat(200_000),
      " : ".repeat(60_000),
      ("+" + "-".repeat(5_000) + "\n|").repeat(40),
      ("a".repeat(60) + ": ").repeat(5_000),
    ];
    // The floor, measured in the same run: as many bytes of a real capture, parsed one capture at a time. A quadratic
    // path on 200,000 characters is thousands of times slower than that; a loaded machine, or the instrumented code
    // of a mutation run, slows both alike (an absolute bound failed under Stryker).
    const real = fixtureText("win11-24h2-hybrid-full.txt");
    const hostileBytes = hostile.reduce((sum, text) => sum + text.length, 0);
    const time = (work: () => void) => {
      const started = performance.now();
      work();
      return performance.now() - started;
    };
    parseDsregcmd(real); // warm up, as the hostile inputs below are not
    const floor = time(() => {
      for (let done = 0; done < hostileBytes; done += real.length) parseDsregcmd(real);
    });
    const hostileMs = time(() => {
      for (const text of hostile) parseDsregcmd(text);
    });
    expect(hostileMs, `hostile ${hostileMs.toFixed(0)} ms, floor ${floor.toFixed(0)} ms`).toBeLessThan(20 * floor + 200);
  });
});

describe("limits on lines, fields and sections (ten times the largest real capture)", () => {
  const real = fixtureText("win11-24h2-hybrid-full.txt");

  it("reads the largest real capture, which is well inside every limit", () => {
    const { report } = parseOk(real);
    expect(real.split("\n").length).toBeLessThan(150);
    expect(report.sections.length).toBeLessThanOrEqual(10);
    expect(report.sections.reduce((n, s) => n + s.fields.length, 0)).toBeLessThan(100);
  });

  it("refuses more than 1,500 lines, naming the limit, even when every extra line is blank", () => {
    for (const eol of ["\n", "\r\n", "\r"]) {
      const result = parseDsregcmd(real + eol.repeat(200_000));
      expect(result.ok).toBe(false);
      if (result.ok) continue;
      expect(result.error).toMatchObject({ code: "too-many-lines", limit: 1_500 });
      expect(result.error.message).toContain("1,500 lines");
    }
    expect(parseDsregcmd(real + "\r\n".repeat(1_300)).ok).toBe(true);
  });

  it("refuses more than 1,000 fields and more than 100 sections", () => {
    const fields = parseDsregcmd(real + Array.from({ length: 1_000 }, (_, i) => `        Extra${i} : value`).join("\n"));
    expect(!fields.ok && fields.error).toMatchObject({ code: "too-many-fields", limit: 1_000 });
    const rule = "+" + "-".repeat(70) + "+";
    const sections = parseDsregcmd(real + Array.from({ length: 100 }, (_, i) => `${rule}\n| Extra ${i} |\n${rule}`).join("\n"));
    expect(!sections.ok && sections.error).toMatchObject({ code: "too-many-sections", limit: 100 });
  });
});
