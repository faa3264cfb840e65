import { describe, expect, it } from "vitest";
import { generateTenant } from "./generate-tenant";
import { DSREGCMD_FOOTER, DSREGCMD_RULE, formatDsregTime, renderDsregcmd } from "./render-dsregcmd";

// Imitates `dsregcmd /status` from Windows 11 23H2 as laid out in docs/domain.md, *Reading `dsregcmd /status`*.
const tenant = generateTenant({ seed: 11, deviceCount: 60, now: "2025-03-10T12:00:00Z" });
const byScenario = (s: string) => {
  const r = tenant.reports.find((x) => x.scenario === s);
  if (!r) throw new Error(`no report for ${s}`);
  return r;
};
const lines = (text: string) => text.split("\r\n");
const field = (text: string, key: string): string | undefined => {
  for (const line of lines(text)) {
    const at = line.indexOf(" : ");
    if (at > 0 && line.slice(0, at).trim() === key) return line.slice(at + 3);
    if (line.endsWith(" :") && line.slice(0, -2).trim() === key) return "";
  }
  return undefined;
};

describe("renderDsregcmd", () => {
  it("draws headers as + and exactly 70 dashes, with the name padded to the same width", () => {
    const text = byScenario("healthy-hybrid").dsregcmd;
    expect(DSREGCMD_RULE).toBe(`+${"-".repeat(70)}+`);
    const rules = lines(text).filter((l) => l.startsWith("+"));
    expect(rules.length).toBeGreaterThan(10);
    for (const rule of rules) expect(rule).toMatch(/^\+-{70}\+$/);
    const names = lines(text).filter((l) => l.startsWith("| "));
    expect(names).toContain(`| Device State${" ".repeat(57)}|`);
    for (const name of names) expect(name).toHaveLength(72);
  });

  it("right-aligns keys so the separator sits at column 27, with CRLF endings and the aadjerrors footer", () => {
    const text = byScenario("healthy-hybrid").dsregcmd;
    expect(text).not.toMatch(/[^\r]\n/);
    expect(text.trimEnd().endsWith(DSREGCMD_FOOTER)).toBe(true);
    const body = lines(text).filter((l) => / :( |$)/.test(l) && !l.startsWith("For more"));
    for (const line of body) expect(line.slice(26, 28)).toBe(" :");
    expect(lines(text)).toContain(" DeviceCertificateValidity : " + field(text, "DeviceCertificateValidity"));
    expect(lines(text)).toContain("             AzureAdJoined : YES");
  });

  it("prints a healthy hybrid device the way the sample does", () => {
    const r = byScenario("healthy-hybrid");
    expect(field(r.dsregcmd, "DomainJoined")).toBe("YES");
    expect(field(r.dsregcmd, "DeviceAuthStatus")).toBe("SUCCESS");
    expect(field(r.dsregcmd, "AzureAdPrt")).toBe("YES");
    expect(field(r.dsregcmd, "Thumbprint")).toMatch(/^[0-9A-F]{40}$/);
    expect(field(r.dsregcmd, "DeviceId")).toBe(r.deviceId);
    expect(field(r.dsregcmd, "TenantId")).toBe(tenant.tenantId);
    expect(field(r.dsregcmd, "DeviceCertificateValidity")).toMatch(
      /^\[ \d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.000 UTC -- \d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.000 UTC \]$/,
    );
    expect(field(r.dsregcmd, "EnterprisePrtAuthority")).toBe("");
  });

  it("shows the deleted-object failure with SSO diagnostics", () => {
    const text = byScenario("object-deleted").dsregcmd;
    expect(field(text, "AzureAdJoined")).toBe("YES");
    expect(field(text, "DeviceAuthStatus")).toBe("FAILED. Device is either disabled or deleted");
    expect(field(text, "AzureAdPrt")).toBe("NO");
    expect(field(text, "AzureAdPrtUpdateTime")).toBeUndefined();
    expect(field(text, "AcquirePrtDiagnostics")).toBe("PRESENT");
    expect(field(text, "HTTP status")).toBe("400");
    expect(field(text, "Server Error Code")).toBe("invalid_grant");
    expect(field(text, "Server Error Description")).toMatch(/^AADSTS50155: /);
  });

  it("shows wrong-password, expired-PRT, SYSTEM, TPM and pending scenarios", () => {
    expect(field(byScenario("prt-wrong-password").dsregcmd, "Server Error Description")).toMatch(/^AADSTS50126/);
    expect(field(byScenario("prt-wrong-password").dsregcmd, "Attempt Status")).toBe("0xc000006d");
    const expired = byScenario("prt-expired");
    const expiry = field(expired.dsregcmd, "AzureAdPrtExpiryTime")!;
    expect(Date.parse(expiry.replace(" UTC", "Z").replace(" ", "T"))).toBeLessThan(Date.parse(expired.capturedAt));
    expect(field(byScenario("run-as-system").dsregcmd, "Executing Account Name")).toBe("NT AUTHORITY\\SYSTEM");
    expect(field(byScenario("tpm-not-protected").dsregcmd, "TpmProtected")).toBe("NO");
    const pending = byScenario("pending-hybrid").dsregcmd;
    expect(field(pending, "AzureAdJoined")).toBe("NO");
    expect(field(pending, "DomainJoined")).toBe("YES");
    expect(field(pending, "Client ErrorCode")).toBe("0x801c03f2");
    expect(field(pending, "DeviceId")).toBeUndefined();
  });

  it("formats times as dsregcmd does", () => {
    expect(formatDsregTime(new Date("2019-04-03T17:25:24Z"))).toBe("2019-04-03 17:25:24.000 UTC");
  });

  it("renders a registered device with a Work Account section", () => {
    const r = tenant.reports.find((x) => x.scenario === "healthy-registered");
    if (!r) return; // half of the registered machines are phones without an agent
    expect(r.dsregcmd).toContain("| Work Account 1");
    expect(field(r.dsregcmd, "WorkplaceJoined")).toBe("YES");
    expect(field(r.dsregcmd, "WorkplaceDeviceId")).toBe(r.deviceId);
  });

  it("is a pure function of its input", () => {
    const r = byScenario("healthy-entra");
    const again = generateTenant({ seed: 11, deviceCount: 60, now: "2025-03-10T12:00:00Z" }).reports.find((x) => x.hostname === r.hostname);
    expect(again?.dsregcmd).toBe(r.dsregcmd);
    expect(renderDsregcmd).toBeTypeOf("function");
  });
});
