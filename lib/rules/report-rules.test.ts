import { describe, expect, it } from "vitest";
import { certExpiredRule } from "@/lib/rules/report-rules/cert-expired";
import { certExpiringRule } from "@/lib/rules/report-rules/cert-expiring";
import { deviceAuthFailedRule } from "@/lib/rules/report-rules/device-auth-failed";
import { deviceKeyRecoveryRule } from "@/lib/rules/report-rules/device-key-recovery";
import { notJoinedRule } from "@/lib/rules/report-rules/not-joined";
import { prtExpiredRule } from "@/lib/rules/report-rules/prt-expired";
import { prtMissingRule } from "@/lib/rules/report-rules/prt-missing";
import { prtStaleRule } from "@/lib/rules/report-rules/prt-stale";
import { tenantMismatchRule } from "@/lib/rules/report-rules/tenant-mismatch";
import { tpmNotProtectedRule } from "@/lib/rules/report-rules/tpm-not-protected";
import { userContextNotCapturedRule } from "@/lib/rules/report-rules/user-context-not-captured";
import { buildRejoinSteps } from "@/lib/rules/build-rejoin-steps";
import { classifyPrtFailure } from "@/lib/rules/classify-prt-failure";
import { buildDeviceAuthRemediation, buildPrtRemediation, describeCodes, PRT_CAUSE_EXPLANATIONS } from "@/lib/rules/prt-remediation";
import {
  makeDeletedObjectReport,
  makeEntraReport,
  makeEvent,
  makeInput,
  makePendingHybridReport,
  makeRegisteredReport,
  makeReport,
  makeWorkgroupReport,
  NOW,
} from "@/lib/rules/testing/make-report";
import type { Finding } from "@/lib/rules/types";

const only = (findings: Finding[]): Finding => {
  expect(findings).toHaveLength(1);
  return findings[0]!;
};

describe("not-joined", () => {
  it("does not fire for joined or registered devices", () => {
    expect(notJoinedRule.evaluate(makeInput())).toEqual([]);
    expect(notJoinedRule.evaluate(makeInput({ report: makeEntraReport() }))).toEqual([]);
    expect(notJoinedRule.evaluate(makeInput({ report: makeRegisteredReport() }))).toEqual([]);
  });

  it("does not fire when AzureAdJoined is unknown", () => {
    expect(notJoinedRule.evaluate(makeInput({ report: makePendingHybridReport({ azureAdJoined: null }) }))).toEqual([]);
  });

  it("fires for a domain-joined computer that is only registered: a registration is not hybrid join", () => {
    const report = makeRegisteredReport({ domainName: "CONTOSO", domainJoined: true, executingAccount: "CONTOSO\\jdoe, jdoe@contoso.com" });
    const finding = only(notJoinedRule.evaluate(makeInput({ report })));
    expect(finding).toMatchObject({ rule: "not-joined", severity: "high" });
    expect(finding.title).toMatch(/^Hybrid join pending or failing/);
    expect(finding.explanation).toContain("only registered in Microsoft Entra ID");
    expect(finding.evidence).toContainEqual({ source: "dsregcmd /status · User State", field: "WorkplaceJoined", value: "YES" });
    expect(finding.remediation.at(-1)).toContain("BlockAADWorkplaceJoin");
  });

  it("reads 0x801C03F2 from the SYSTEM capture as 'not synced yet' on a domain-joined device", () => {
    const systemReport = makePendingHybridReport({
      executingAccount: "NT AUTHORITY\\SYSTEM",
      extra: {
        "Diagnostic Data": {
          "User Context": "SYSTEM",
          "AD Connectivity Test": "PASS",
          "AD Configuration Test": "PASS",
          "DRS Discovery Test": "PASS",
          "DRS Connectivity Test": "PASS",
          "Token acquisition Test": "SKIPPED",
          "Error Phase": "join",
          "Client ErrorCode": "0x801c03f2",
          "Server ErrorCode": "DirectoryError",
          "Server Message": "The device object by the given id (6e4cbe68-588b-499c-8c04-dcfff140a1ca) is not found.",
          "Https Status": "400",
        },
      },
    });
    const finding = only(notJoinedRule.evaluate(makeInput({ report: makePendingHybridReport(), systemReport })));
    expect(finding).toMatchObject({ rule: "not-joined", severity: "high" });
    expect(finding.title).toBe("Hybrid join pending or failing: device object not synced yet (0x801C03F2)");
    expect(finding.evidence).toContainEqual({ source: "dsregcmd /status · Device State", field: "AzureAdJoined", value: "NO" });
    expect(finding.evidence).toContainEqual({ source: "dsregcmd /status · Device State", field: "DomainJoined", value: "YES" });
    expect(finding.evidence).toContainEqual({
      source: "dsregcmd /status (SYSTEM capture) · Diagnostic Data",
      field: "Client ErrorCode",
      value: "0x801c03f2",
    });
    expect(finding.evidence).toContainEqual(expect.objectContaining({ field: "Server ErrorCode", value: "DirectoryError" }));
    // Passing tests are not evidence.
    expect(finding.evidence.some((e) => e.field === "DRS Discovery Test")).toBe(false);
    expect(finding.explanation).toContain("0x801C03F2: DirectoryError");
    expect(finding.explanation).toContain("Device State: Unregistered");
    expect(finding.remediation[0]).toMatch(/expected/);
    expect(finding.remediation.join(" ")).toContain("Start-ADSyncSyncCycle -PolicyType Delta");
  });

  it("reads a failed DRS discovery test as a network problem and explains both codes", () => {
    const report = makePendingHybridReport({
      extra: { "Diagnostic Data": { "DRS Discovery Test": "FAIL [0x801c0021/0x80072ee2]", "Error Phase": "discover" } },
    });
    const finding = only(notJoinedRule.evaluate(makeInput({ report })));
    expect(finding.title).toBe("Hybrid join pending or failing: Device Registration Service discovery failed");
    expect(finding.evidence).toContainEqual({
      source: "dsregcmd /status · Diagnostic Data",
      field: "DRS Discovery Test",
      value: "FAIL [0x801c0021/0x80072ee2]",
    });
    expect(finding.explanation).toContain("0x801C0021: Device Registration Service discovery failed");
    expect(finding.explanation).toContain("0x80072EE2: WinHTTP 12002");
    expect(finding.remediation[0]).toContain("netsh winhttp show proxy");
  });

  it("reads 0x801C001D as an unreadable SCP", () => {
    const report = makePendingHybridReport({ extra: { "Diagnostic Data": { "Error Phase": "discover", "Client ErrorCode": "0x801c001d" } } });
    const finding = only(notJoinedRule.evaluate(makeInput({ report })));
    expect(finding.title).toBe("Hybrid join pending or failing: service connection point unreadable");
    expect(finding.remediation.join(" ")).toContain("CN=Device Registration Configuration,CN=Services");
    // The client-side registry values win over the SCP in AD, so they are checked first; every forest needs an SCP.
    const steps = finding.remediation.join(" ");
    expect(steps.indexOf("CDJ\\AAD")).toBeGreaterThan(-1);
    expect(steps.indexOf("CDJ\\AAD")).toBeLessThan(steps.indexOf("CN=Device Registration Configuration"));
    expect(steps).toContain("every forest");
  });

  it("asks for the SYSTEM capture when a domain-joined device has no diagnostics", () => {
    const finding = only(notJoinedRule.evaluate(makeInput({ report: makePendingHybridReport() })));
    expect(finding.title).toBe("Hybrid join pending or failing");
    expect(finding.remediation[0]).toMatch(/SYSTEM capture/);
  });

  it("picks up User Device Registration events, newest first", () => {
    const events = [
      makeEvent({
        id: 304,
        time: "2025-03-09T08:00:00.000Z",
        log: "Microsoft-Windows-User Device Registration/Admin",
        message: "Automatic registration failed at join phase.",
      }),
      makeEvent({ id: 1098, message: "Error: 0xCAA5001C Token broker operation failed" }),
      makeEvent({
        id: 204,
        time: "2025-03-09T09:00:00.000Z",
        log: "Microsoft-Windows-User Device Registration/Admin",
        message: "The HTTP error status is: 400",
      }),
    ];
    const finding = only(notJoinedRule.evaluate(makeInput({ report: makePendingHybridReport(), events })));
    const eventSources = finding.evidence.filter((e) => e.source.includes("event")).map((e) => e.source);
    expect(eventSources).toEqual([
      "Microsoft-Windows-User Device Registration/Admin · event 204 · 2025-03-09T09:00:00.000Z",
      "Microsoft-Windows-User Device Registration/Admin · event 304 · 2025-03-09T08:00:00.000Z",
    ]);
  });

  it("says 'not joined or registered' for a workgroup device", () => {
    const finding = only(notJoinedRule.evaluate(makeInput({ report: makeWorkgroupReport() })));
    expect(finding.title).toBe("Device not joined or registered");
    expect(finding.remediation[0]).toContain("Join this device to Microsoft Entra ID");
  });
});

describe("device-auth-failed", () => {
  it("fires on the deleted-object sample with the exact line and AADSTS50155", () => {
    const finding = only(deviceAuthFailedRule.evaluate(makeInput({ report: makeDeletedObjectReport() })));
    expect(finding).toMatchObject({ rule: "device-auth-failed", severity: "critical" });
    expect(finding.evidence[0]).toEqual({
      source: "dsregcmd /status · Device Details",
      field: "DeviceAuthStatus",
      value: "FAILED. Device is either disabled or deleted",
    });
    expect(finding.evidence).toContainEqual({ source: "dsregcmd /status · Device State", field: "AzureAdJoined", value: "YES" });
    expect(finding.evidence).toContainEqual({
      source: "dsregcmd /status · SSO State",
      field: "Server Error Description",
      value: "AADSTS50155: Device authentication failed",
    });
    expect(finding.explanation).toContain('"Device State: Unregistered"');
    expect(finding.explanation).toContain("AADSTS50155");
  });

  it("orders remediation safely: check the object, then keys, fix AD not the cloud, leave, restart and sign in, then Pending", () => {
    const steps = only(deviceAuthFailedRule.evaluate(makeInput({ report: makeDeletedObjectReport() }))).remediation;
    const index = (pattern: RegExp) => steps.findIndex((step) => pattern.test(step));
    expect(index(/disabled/)).toBe(0);
    expect(index(/BitLocker recovery keys and the LAPS password/)).toBeGreaterThan(index(/sync scope/));
    expect(index(/computer account in Active Directory \(enable it/)).toBeGreaterThan(index(/BitLocker recovery keys and the LAPS password/));
    expect(index(/dsregcmd \/leave/)).toBeGreaterThan(index(/BitLocker recovery keys and the LAPS password/));
    expect(steps.some((step) => /Do not delete the synced hybrid object/.test(step))).toBe(true);
    // The Automatic-Device-Join task rewrites userCertificate at the sign-in after the leave; only then can sync show Pending.
    expect(index(/Restart the device and sign in.*userCertificate/)).toBeGreaterThan(index(/dsregcmd \/leave/));
    expect(index(/Start-ADSyncSyncCycle.*Pending/)).toBeGreaterThan(index(/Restart the device and sign in.*userCertificate/));
  });

  it("has no Pending step for a federated hybrid device (registers through AD FS at the sign-in)", () => {
    const report = makeReport({
      deviceAuthStatus: "FAILED",
      azureAdPrt: false,
      extra: { "SSO State": { EnterprisePrt: "YES", EnterprisePrtAuthority: "https://sts.contoso.com:443/adfs" } },
    });
    const steps = only(deviceAuthFailedRule.evaluate(makeInput({ report }))).remediation;
    expect(steps.join(" ")).not.toContain("Start-ADSyncSyncCycle");
    expect(steps.join(" ")).toContain("Federated hybrid join has no Pending step");
  });

  it("recovers an Entra-joined device with dsregcmd /forcerecovery before any leave, and warns what follows a new object", () => {
    const report = makeEntraReport({ deviceAuthStatus: "FAILED", azureAdPrt: false });
    const steps = only(deviceAuthFailedRule.evaluate(makeInput({ report }))).remediation;
    const index = (pattern: RegExp) => steps.findIndex((step) => pattern.test(step));
    expect(index(/dsregcmd \/forcerecovery/)).toBeGreaterThan(0);
    expect(index(/dsregcmd \/leave/)).toBeGreaterThan(index(/dsregcmd \/forcerecovery/));
    expect(steps.join(" ")).toContain("local administrator");
    expect(steps.join(" ")).toContain("Intune record and its compliance follow the new object");
    expect(steps.join(" ")).not.toContain("Start-ADSyncSyncCycle");
  });

  it("names a disabled device when the server said AADSTS135011", () => {
    const report = makeReport({ deviceAuthStatus: "FAILED", azureAdPrt: false, aadsts: "AADSTS135011" });
    expect(only(deviceAuthFailedRule.evaluate(makeInput({ report }))).title).toBe("Device authentication failed: device disabled");
  });

  it("fires from the SYSTEM capture alone", () => {
    const systemReport = makeReport({ executingAccount: "NT AUTHORITY\\SYSTEM", deviceAuthStatus: "FAILED", azureAdPrt: false });
    const finding = only(deviceAuthFailedRule.evaluate(makeInput({ systemReport })));
    expect(finding.evidence[0]?.source).toBe("dsregcmd /status (SYSTEM capture) · Device Details");
  });

  it("does not fire on SUCCESS, on a missing line, or on FAILED. ERROR", () => {
    expect(deviceAuthFailedRule.evaluate(makeInput())).toEqual([]);
    expect(deviceAuthFailedRule.evaluate(makeInput({ report: makeReport({ deviceAuthStatus: null }) }))).toEqual([]);
    const checkError = makeReport({ deviceAuthStatus: "FAILED", deviceAuthStatusText: "FAILED. ERROR" });
    expect(deviceAuthFailedRule.evaluate(makeInput({ report: checkError }))).toEqual([]);
  });
});

describe("prt-missing", () => {
  it("fires with the classified cause in the title and cause-specific remediation", () => {
    const report = makeReport({
      azureAdPrt: false,
      prtUpdateTime: null,
      prtExpiryTime: null,
      prtAttemptStatus: "0xc000006d",
      aadsts: "AADSTS50126",
      prtServerErrorCode: "invalid_grant",
      extra: {
        "SSO State": {
          AcquirePrtDiagnostics: "PRESENT",
          "Attempt Status": "0xc000006d",
          "User Identity": "jdoe@contoso.com",
          "HTTP Error": "0x0",
          "HTTP status": "400",
          "Server Error Code": "invalid_grant",
          "Server Error Description": "AADSTS50126: Error validating credentials due to invalid username or password.",
        },
      },
    });
    const finding = only(prtMissingRule.evaluate(makeInput({ report })));
    expect(finding).toMatchObject({
      rule: "prt-missing",
      severity: "high",
      title: "No Primary Refresh Token: wrong credentials or password not synced",
    });
    expect(finding.evidence[0]).toEqual({ source: "dsregcmd /status · SSO State", field: "AzureAdPrt", value: "NO" });
    expect(finding.evidence).toContainEqual({
      source: "dsregcmd /status · SSO State",
      field: "Server Error Description",
      value: "AADSTS50126: Error validating credentials due to invalid username or password.",
    });
    expect(finding.explanation).toContain('"Device State: Unregistered"');
    expect(finding.explanation).toContain("AADSTS50126: Invalid username or password");
    expect(finding.explanation).toContain("may belong to another user");
    expect(finding.remediation[0]).toMatch(/password changed recently/);
  });

  it("says plainly when the attempt diagnostics belong to another user", () => {
    const report = makeReport({
      azureAdPrt: false,
      aadsts: "AADSTS50126",
      extra: { "SSO State": { "User Identity": "ann@contoso.com", "Server Error Description": "AADSTS50126: bad password" } },
    });
    const finding = only(prtMissingRule.evaluate(makeInput({ report })));
    expect(finding.explanation).toContain("belong to ann@contoso.com, not to the executing account jdoe@contoso.com");
  });

  // AzureAdPrt reports only the joined / hybrid joined device's PRT
  // (https://learn.microsoft.com/entra/identity/devices/troubleshoot-device-dsregcmd).
  it("ignores the SSO state of a registered-only device, whoever signed in", () => {
    const work = makeRegisteredReport({ domainName: "CONTOSO", domainJoined: true, executingAccount: "CONTOSO\\jdoe, jdoe@contoso.com" });
    expect(prtMissingRule.evaluate(makeInput({ report: work }))).toEqual([]);
    expect(prtMissingRule.evaluate(makeInput({ report: makeRegisteredReport() }))).toEqual([]);
    const expired = makeRegisteredReport({ azureAdPrt: true, prtUpdateTime: "2025-02-20T09:00:00.000Z", prtExpiryTime: "2025-03-06T09:00:00.000Z" });
    expect(prtExpiredRule.evaluate(makeInput({ report: expired }))).toEqual([]);
    expect(prtStaleRule.evaluate(makeInput({ report: expired }))).toEqual([]);
  });

  it("is suppressed for SYSTEM, another account's and local-account captures of a joined device", () => {
    const system = makeReport({ azureAdPrt: false, executingAccount: "NT AUTHORITY\\SYSTEM" });
    const systemByContext = makeReport({ azureAdPrt: false, extra: { "Diagnostic Data": { "User Context": "SYSTEM" } } });
    // An administrator's elevated `runas` session on jdoe's device: the attempt diagnostics name the device's user.
    const otherAccount = makeReport({
      azureAdPrt: false,
      executingAccount: "CONTOSO\\adm-ann, adm-ann@contoso.com",
      extra: { "Diagnostic Data": { "User Context": "ELEVATED User" }, "SSO State": { "User Identity": "jdoe@contoso.com" } },
    });
    const local = makeEntraReport({ azureAdPrt: false, executingAccount: "PC-0177\\localadmin, " });
    for (const report of [system, systemByContext, otherAccount, local]) {
      expect(prtMissingRule.evaluate(makeInput({ report }))).toEqual([]);
      expect(userContextNotCapturedRule.evaluate(makeInput({ report }))).toHaveLength(1);
    }
  });

  // Elevation matters only for KeySignTest and WamDefaultSet
  // (https://learn.microsoft.com/entra/identity/devices/troubleshoot-device-dsregcmd): the user's PRT shows elevated too.
  it.each([
    [
      "AADSTS50126 (bad password)",
      "AADSTS50126",
      "0xc000006d",
      "AADSTS50126: Error validating credentials due to invalid username or password.",
      "wrong credentials or password not synced",
    ],
    ["a WS-Trust failure at the federation server", null, "0xcaa20003", "", "federated STS (WS-Trust) error"],
  ] as const)("judges an elevated capture by the device's user: %s", (_label, aadsts, attempt, description, cause) => {
    const report = makeReport({
      azureAdPrt: false,
      prtUpdateTime: null,
      prtExpiryTime: null,
      prtAttemptStatus: attempt,
      aadsts,
      extra: {
        "Diagnostic Data": { "User Context": "ELEVATED User", KeySignTest: "PASSED" },
        "SSO State": {
          AcquirePrtDiagnostics: "PRESENT",
          "Attempt Status": attempt,
          "User Identity": "jdoe@contoso.com",
          "Server Error Description": description,
        },
      },
    });
    const finding = only(prtMissingRule.evaluate(makeInput({ report })));
    expect(finding).toMatchObject({ severity: "high", title: `No Primary Refresh Token: ${cause}` });
    expect(userContextNotCapturedRule.evaluate(makeInput({ report }))).toEqual([]);
  });

  it("judges an elevated capture with no attempt diagnostics (nothing says another account ran it)", () => {
    const report = makeReport({
      azureAdPrt: false,
      prtUpdateTime: null,
      prtExpiryTime: null,
      extra: { "Diagnostic Data": { "User Context": "ELEVATED User" } },
    });
    expect(only(prtMissingRule.evaluate(makeInput({ report }))).severity).toBe("high");
  });

  it("does not fire with a PRT, or on a device that is not joined", () => {
    expect(prtMissingRule.evaluate(makeInput())).toEqual([]);
    expect(prtMissingRule.evaluate(makeInput({ report: makePendingHybridReport() }))).toEqual([]);
  });
});

describe("prt-expired and prt-stale", () => {
  it("prt-expired fires when the expiry is before the capture, and prt-stale then stays quiet", () => {
    const input = makeInput({
      report: makeReport({ prtUpdateTime: "2025-02-20T09:00:00.000Z", prtExpiryTime: "2025-03-06T09:00:00.000Z" }),
    });
    const finding = only(prtExpiredRule.evaluate(input));
    expect(finding).toMatchObject({ rule: "prt-expired", severity: "high", title: "Primary Refresh Token expired" });
    expect(finding.evidence).toEqual([
      { source: "dsregcmd /status · SSO State", field: "AzureAdPrtExpiryTime", value: "2025-03-06 09:00:00.000 UTC" },
      { source: "dsregcmd /status · SSO State", field: "AzureAdPrtUpdateTime", value: "2025-02-20 09:00:00.000 UTC" },
      { source: "JoinScope agent", field: "capturedAt", value: "2025-03-09T12:30:00.000Z" },
    ]);
    expect(finding.explanation).toContain("3 d 3 h before this report was captured");
    expect(prtStaleRule.evaluate(input)).toEqual([]);
  });

  it("prt-expired names the cause when events show one", () => {
    const input = makeInput({
      report: makeReport({ prtUpdateTime: "2025-02-20T09:00:00.000Z", prtExpiryTime: "2025-03-06T09:00:00.000Z" }),
      events: [makeEvent({ id: 1081, message: "Error: 0xCAA82EFD Can't connect to the server" })],
    });
    expect(only(prtExpiredRule.evaluate(input)).title).toBe("Primary Refresh Token expired: network or proxy error");
  });

  it("prt-stale fires past 5 h and not at 5 h", () => {
    const at = (update: string) => prtStaleRule.evaluate(makeInput({ report: makeReport({ prtUpdateTime: update }) }));
    expect(at("2025-03-09T07:30:00.000Z")).toEqual([]); // exactly 5 h before capture
    const finding = only(at("2025-03-09T07:29:00.000Z"));
    expect(finding).toMatchObject({ rule: "prt-stale", severity: "medium", title: "Primary Refresh Token last renewed 5 h before capture" });
    expect(finding.evidence[0]).toEqual({ source: "dsregcmd /status · SSO State", field: "AzureAdPrtUpdateTime", value: "2025-03-09 07:29:00.000 UTC" });
  });

  it("prt-stale honours prtStaleHours", () => {
    const report = makeReport({ prtUpdateTime: "2025-03-09T10:00:00.000Z" }); // 2.5 h before capture
    expect(prtStaleRule.evaluate(makeInput({ report }))).toEqual([]);
    expect(prtStaleRule.evaluate(makeInput({ report, prtStaleHours: 2 }))).toHaveLength(1);
  });

  it("PRT time rules judge against capturedAt, not now", () => {
    // The sample's PRT is fresh at capture (90 min) even though `now` is much later.
    const input = makeInput({ now: "2025-04-30T00:00:00.000Z" });
    expect(prtStaleRule.evaluate(input)).toEqual([]);
    expect(prtExpiredRule.evaluate(input)).toEqual([]);
  });

  it("are skipped for a SYSTEM capture without a PRT, and judged for the user's elevated capture", () => {
    const expiredTimes = { prtUpdateTime: "2025-02-20T09:00:00.000Z", prtExpiryTime: "2025-03-06T09:00:00.000Z" };
    const system = makeReport({ ...expiredTimes, azureAdPrt: false, executingAccount: "NT AUTHORITY\\SYSTEM" });
    expect(prtExpiredRule.evaluate(makeInput({ report: system }))).toEqual([]);
    const elevated = makeReport({ ...expiredTimes, extra: { "Diagnostic Data": { "User Context": "ELEVATED User" } } });
    expect(only(prtExpiredRule.evaluate(makeInput({ report: elevated }))).rule).toBe("prt-expired");
  });
});

describe("cert-expired and cert-expiring", () => {
  const withEnd = (certValidTo: string) => makeReport({ certValidFrom: "2015-03-01T08:00:00.000Z", certValidTo });

  it("cert-expired fires when the end is before now", () => {
    const finding = only(certExpiredRule.evaluate(makeInput({ report: withEnd("2025-03-01T08:30:00.000Z") })));
    expect(finding).toMatchObject({ rule: "cert-expired", severity: "critical" });
    expect(finding.evidence[0]).toEqual({
      source: "dsregcmd /status · Device Details",
      field: "DeviceCertificateValidity",
      value: "[ 2015-03-01 08:00:00.000 UTC -- 2025-03-01 08:30:00.000 UTC ]",
    });
    expect(finding.remediation[0]).toMatch(/BitLocker recovery keys and the LAPS password/);
    expect(certExpiringRule.evaluate(makeInput({ report: withEnd("2025-03-01T08:30:00.000Z") }))).toEqual([]);
  });

  it("cert-expiring fires inside 60 days and not beyond", () => {
    const inside = only(certExpiringRule.evaluate(makeInput({ report: withEnd("2025-04-20T00:00:00.000Z") })));
    expect(inside).toMatchObject({ rule: "cert-expiring", severity: "medium" });
    expect(certExpiringRule.evaluate(makeInput({ report: withEnd("2025-05-10T00:00:00.000Z") }))).toEqual([]);
    expect(certExpiredRule.evaluate(makeInput({ report: withEnd("2025-04-20T00:00:00.000Z") }))).toEqual([]);
  });

  it("cert-expiring honours certExpiringDays", () => {
    const report = withEnd("2025-05-10T00:00:00.000Z");
    expect(certExpiringRule.evaluate(makeInput({ report, certExpiringDays: 90 }))).toHaveLength(1);
  });

  it("reads a registered device's certificate from its Work Account section", () => {
    const report = makeRegisteredReport({ certValidFrom: "2015-03-01T08:00:00.000Z", certValidTo: "2025-03-01T08:30:00.000Z" });
    const finding = only(certExpiredRule.evaluate(makeInput({ report })));
    expect(finding.evidence[0]?.source).toBe("dsregcmd /status · Work Account 1");
    expect(finding.remediation.join(" ")).toContain("Disconnect");
  });
});

describe("tpm-not-protected", () => {
  it("is info when TpmProtected is NO, and silent otherwise", () => {
    const finding = only(tpmNotProtectedRule.evaluate(makeInput({ report: makeReport({ tpmProtected: false }) })));
    expect(finding).toMatchObject({ rule: "tpm-not-protected", severity: "info" });
    expect(finding.evidence).toEqual([
      { source: "dsregcmd /status · Device Details", field: "TpmProtected", value: "NO" },
      { source: "dsregcmd /status · Device Details", field: "KeyProvider", value: "Microsoft Software Key Storage Provider" },
    ]);
    expect(tpmNotProtectedRule.evaluate(makeInput())).toEqual([]);
    expect(tpmNotProtectedRule.evaluate(makeInput({ report: makeReport({ tpmProtected: null }) }))).toEqual([]);
  });
});

describe("user-context-not-captured", () => {
  it("fires low for a SYSTEM capture, quoting the executing account", () => {
    const finding = only(
      userContextNotCapturedRule.evaluate(makeInput({ report: makeReport({ azureAdPrt: false, executingAccount: "NT AUTHORITY\\SYSTEM" }) })),
    );
    expect(finding).toMatchObject({
      rule: "user-context-not-captured",
      severity: "low",
      title: "Report captured as SYSTEM: the user's PRT state is unknown",
    });
    expect(finding.evidence).toEqual([{ source: "dsregcmd /status · Diagnostic Data", field: "Executing Account Name", value: "NT AUTHORITY\\SYSTEM" }]);
  });

  it("does not fire for the user's own elevated capture", () => {
    const report = makeReport({ extra: { "Diagnostic Data": { "User Context": "ELEVATED User" } } });
    expect(userContextNotCapturedRule.evaluate(makeInput({ report }))).toEqual([]);
  });

  it("names another account when an elevated capture's attempt diagnostics belong to a different user", () => {
    const report = makeReport({
      azureAdPrt: false,
      executingAccount: "CONTOSO\\adm-ann, adm-ann@contoso.com",
      extra: { "Diagnostic Data": { "User Context": "ELEVATED User" }, "SSO State": { "User Identity": "jdoe@contoso.com" } },
    });
    const finding = only(userContextNotCapturedRule.evaluate(makeInput({ report })));
    expect(finding.title).toBe("Report captured by another account: the device user's PRT state is unknown");
    expect(finding.evidence).toContainEqual({ source: "dsregcmd /status · SSO State", field: "User Identity", value: "jdoe@contoso.com" });
  });

  it("does not fire when the report's own lines prove the PRT state (AzureAdPrt YES with its times)", () => {
    const report = makeReport({ executingAccount: "NT AUTHORITY\\SYSTEM" });
    expect(userContextNotCapturedRule.evaluate(makeInput({ report }))).toEqual([]);
  });

  it("does not fire for domain, Entra or registered-device local users", () => {
    expect(userContextNotCapturedRule.evaluate(makeInput())).toEqual([]);
    expect(userContextNotCapturedRule.evaluate(makeInput({ report: makeEntraReport() }))).toEqual([]);
    expect(userContextNotCapturedRule.evaluate(makeInput({ report: makeRegisteredReport() }))).toEqual([]);
  });
});

describe("tenant-mismatch", () => {
  it("fires critical with the token's tenant as expected", () => {
    const finding = only(tenantMismatchRule.evaluate(makeInput({ expectedTenantId: "11112222-3333-4444-5555-666677778888" })));
    expect(finding).toMatchObject({ rule: "tenant-mismatch", severity: "critical" });
    expect(finding.evidence[0]).toEqual({
      source: "dsregcmd /status · Tenant Details",
      field: "TenantId",
      value: "aaaabbbb-0000-cccc-1111-dddd2222eeee",
      expected: "11112222-3333-4444-5555-666677778888",
    });
    expect(finding.title).toBe("Device registered in another tenant: Contoso (aaaabbbb-0000-cccc-1111-dddd2222eeee)");
  });

  it("compares case-insensitively", () => {
    expect(tenantMismatchRule.evaluate(makeInput({ expectedTenantId: "AAAABBBB-0000-CCCC-1111-DDDD2222EEEE" }))).toEqual([]);
  });

  it("is silent without an expected tenant or without a report tenant", () => {
    expect(tenantMismatchRule.evaluate(makeInput({ expectedTenantId: null }))).toEqual([]);
    expect(tenantMismatchRule.evaluate(makeInput())).toEqual([]);
    const noTenant = makePendingHybridReport();
    expect(tenantMismatchRule.evaluate(makeInput({ report: noTenant, expectedTenantId: "11112222-3333-4444-5555-666677778888" }))).toEqual([]);
  });

  it("quotes WorkplaceTenantId for a registered device", () => {
    const finding = only(tenantMismatchRule.evaluate(makeInput({ report: makeRegisteredReport(), expectedTenantId: "11112222-3333-4444-5555-666677778888" })));
    expect(finding.evidence[0]).toMatchObject({ source: "dsregcmd /status · Work Account 1", field: "WorkplaceTenantId" });
  });
});

describe("device-key-recovery", () => {
  it("fires high when AadRecoveryEnabled is YES, with silent recovery on a hybrid device", () => {
    const report = makeReport({ extra: { "Diagnostic Data": { AadRecoveryEnabled: "YES" } } });
    const finding = only(deviceKeyRecoveryRule.evaluate(makeInput({ report })));
    expect(finding).toMatchObject({ rule: "device-key-recovery", severity: "high", title: "Device keys unusable: recovery pending" });
    expect(finding.evidence).toEqual([{ source: "dsregcmd /status · Diagnostic Data", field: "AadRecoveryEnabled", value: "YES" }]);
    expect(finding.explanation).toContain("recovery is silent");
    expect(finding.explanation).toContain("0x80090016");
  });

  it("fires on a failed KeySignTest in the SYSTEM capture, and prompts the user on an Entra joined device", () => {
    const systemReport = makeEntraReport({
      executingAccount: "NT AUTHORITY\\SYSTEM",
      extra: { "Diagnostic Data": { KeySignTest: "FAILED. The keys are not healthy." } },
    });
    const finding = only(deviceKeyRecoveryRule.evaluate(makeInput({ report: makeEntraReport(), systemReport })));
    expect(finding.evidence[0]).toMatchObject({ source: "dsregcmd /status (SYSTEM capture) · Diagnostic Data", field: "KeySignTest" });
    expect(finding.explanation).toContain("prompted to authenticate");
  });

  it("is silent for healthy keys and for an unelevated capture's KeySignTest note", () => {
    expect(deviceKeyRecoveryRule.evaluate(makeInput())).toEqual([]);
    const healthy = makeReport({ extra: { "Diagnostic Data": { AadRecoveryEnabled: "NO", KeySignTest: "MUST Run elevated to test." } } });
    expect(deviceKeyRecoveryRule.evaluate(makeInput({ report: healthy }))).toEqual([]);
    const passed = makeReport({ extra: { "Diagnostic Data": { KeySignTest: "PASSED" } } });
    expect(deviceKeyRecoveryRule.evaluate(makeInput({ report: passed }))).toEqual([]);
  });
});

describe("network and MFA advice", () => {
  // An authenticating proxy works when the computer authenticates silently; TLS inspection is what breaks device sign-in
  // (https://learn.microsoft.com/entra/identity/devices/hybrid-join-plan).
  it("does not forbid an authenticating proxy, only TLS inspection", () => {
    const report = makePendingHybridReport({ extra: { "Diagnostic Data": { "DRS Discovery Test": "FAIL [0x801c0021]", "Error Phase": "discover" } } });
    const steps = only(notJoinedRule.evaluate(makeInput({ report }))).remediation.join(" ");
    expect(steps).not.toContain("without proxy authentication");
    expect(steps).toContain("authenticate to it silently in the SYSTEM context");
    expect(steps).toContain("TLS inspection");
  });

  // 0xCAA2000C / AADSTS50076 from WAM is an app's token request needing interaction, not the Windows sign-in.
  it("does not advise changing Conditional Access for Windows sign-in on an MFA/interaction error", () => {
    const report = makeReport({
      azureAdPrt: false,
      prtUpdateTime: null,
      prtExpiryTime: null,
      aadsts: "AADSTS50076",
      extra: {
        "SSO State": {
          "Server Error Description": "AADSTS50076: Due to a configuration change made by your administrator, you must use multi-factor authentication.",
        },
      },
    });
    const finding = only(prtMissingRule.evaluate(makeInput({ report })));
    expect(finding.remediation.join(" ")).not.toMatch(/Change that policy so the Windows sign-in/);
    expect(finding.remediation.join(" ")).toContain("Do not change Conditional Access for the Windows sign-in");
    expect(finding.explanation).toContain("not the Windows sign-in");
  });
});

describe("cert-expired and cert-expiring: boundaries and the words the admin reads", () => {
  // The healthy hybrid sample (make-report.ts) with its certificate ending at a given time; the rules run at NOW.
  const withEnd = (certValidTo: string) => makeReport({ certValidFrom: "2015-03-01T08:00:00.000Z", certValidTo });

  it("cert-expired states the end date, the evaluation time and the re-join steps word for word", () => {
    const report = withEnd("2025-03-01T08:30:00.000Z");
    expect(certExpiredRule.evaluate(makeInput({ report }))).toEqual([
      {
        rule: "cert-expired",
        severity: "critical",
        title: "Device certificate expired on 2025-03-01 08:30 UTC",
        explanation:
          'The device certificate ended on 2025-03-01 08:30 UTC. Device authentication signs with this registration, so Microsoft Entra ID rejects it, no PRT carries the deviceid claim, and Conditional Access shows "Device State: Unregistered" although dsregcmd may still say the device is joined.',
        evidence: [
          {
            source: "dsregcmd /status · Device Details",
            field: "DeviceCertificateValidity",
            value: "[ 2015-03-01 08:00:00.000 UTC -- 2025-03-01 08:30:00.000 UTC ]",
          },
          { source: "JoinScope evaluation", field: "now", value: NOW },
        ],
        remediation: buildRejoinSteps(report),
      },
    ]);
  });

  it("a certificate ending exactly now has not expired: it is expiring, 0 min left", () => {
    const report = withEnd(NOW);
    expect(certExpiredRule.evaluate(makeInput({ report }))).toEqual([]);
    const finding = only(certExpiringRule.evaluate(makeInput({ report })));
    expect(finding.explanation).toContain(", in 0 min. It still works");
  });

  it("cert-expiring fires up to, not at, certExpiringDays after now (default 60)", () => {
    // NOW + 60 days = 2025-05-09T08:00Z.
    expect(certExpiringRule.evaluate(makeInput({ report: withEnd("2025-05-09T08:00:00.000Z") }))).toEqual([]);
    expect(only(certExpiringRule.evaluate(makeInput({ report: withEnd("2025-05-09T07:59:59.999Z") }))).rule).toBe("cert-expiring");
  });

  it("cert-expiring takes 0 days as given (never fires) and falls back to 60 for a negative or non-finite value", () => {
    const report = withEnd("2025-03-20T08:00:00.000Z");
    expect(certExpiringRule.evaluate(makeInput({ report, certExpiringDays: 0 }))).toEqual([]);
    for (const certExpiringDays of [-5, Number.NaN, Number.POSITIVE_INFINITY]) {
      const finding = only(certExpiringRule.evaluate(makeInput({ report, certExpiringDays })));
      expect(finding.evidence.at(-1)).toEqual({ source: "JoinScope evaluation", field: "certExpiringDays", value: "60" });
    }
  });

  it("cert-expiring states the end date, the time left and its settings word for word", () => {
    const report = withEnd("2025-03-20T10:00:00.000Z");
    expect(certExpiringRule.evaluate(makeInput({ report, certExpiringDays: 30 }))).toEqual([
      {
        rule: "cert-expiring",
        severity: "medium",
        title: "Device certificate expires on 2025-03-20 10:00 UTC",
        explanation:
          'The device certificate ends on 2025-03-20 10:00 UTC, in 10 d 2 h. It still works, so Conditional Access sees the device as registered today; after that date device authentication fails and it will show "Device State: Unregistered".',
        evidence: [
          {
            source: "dsregcmd /status · Device Details",
            field: "DeviceCertificateValidity",
            value: "[ 2015-03-01 08:00:00.000 UTC -- 2025-03-20 10:00:00.000 UTC ]",
          },
          { source: "JoinScope evaluation", field: "now", value: NOW },
          { source: "JoinScope evaluation", field: "certExpiringDays", value: "30" },
        ],
        remediation: [
          "Plan a re-registration in a maintenance window before the end date rather than waiting for sign-ins to fail.",
          ...buildRejoinSteps(report),
        ],
      },
    ]);
  });
});

describe("device-auth-failed: the lines quoted and the words the admin reads", () => {
  const explanationStart =
    'Microsoft Entra ID refused the request signed with this device\'s key. dsregcmd still shows the device as joined with the same DeviceId because the client keeps its local registration, but no PRT is issued with the deviceid claim, so Conditional Access shows "Device State: Unregistered".';

  it("a disabled device (AADSTS135011): every line that shows it, the cause and the code's meaning", () => {
    // dsregcmd of a hybrid joined PC after an admin disabled its object: the PRT request came back with AADSTS135011.
    const report = makeReport({
      deviceAuthStatus: "FAILED",
      azureAdPrt: false,
      aadsts: "AADSTS135011",
      extra: { "SSO State": { "Server Error Description": "AADSTS135011: Device used during the authentication is disabled." } },
    });
    expect(deviceAuthFailedRule.evaluate(makeInput({ report }))).toEqual([
      {
        rule: "device-auth-failed",
        severity: "critical",
        title: "Device authentication failed: device disabled",
        explanation: `${explanationStart} AADSTS135011 says the object is disabled. AADSTS135011: The device is disabled in Microsoft Entra ID.`,
        evidence: [
          { source: "dsregcmd /status · Device Details", field: "DeviceAuthStatus", value: "FAILED. Device is either disabled or deleted" },
          { source: "dsregcmd /status · Device State", field: "AzureAdJoined", value: "YES" },
          { source: "dsregcmd /status · Device Details", field: "DeviceId", value: "6e4cbe68-588b-499c-8c04-dcfff140a1ca" },
          { source: "dsregcmd /status · SSO State", field: "AzureAdPrt", value: "NO" },
          {
            source: "dsregcmd /status · SSO State",
            field: "Server Error Description",
            value: "AADSTS135011: Device used during the authentication is disabled.",
          },
        ],
        remediation: buildDeviceAuthRemediation(report),
      },
    ]);
  });

  it("with no server error, no DeviceId and no AzureAdPrt line: the usual causes, and only the lines the report has", () => {
    const report = makeReport({ deviceAuthStatus: "FAILED", azureAdPrt: null, deviceId: null });
    const finding = only(deviceAuthFailedRule.evaluate(makeInput({ report })));
    expect(finding.title).toBe("Device authentication failed: device object deleted, disabled or key mismatch");
    expect(finding.explanation).toBe(
      `${explanationStart} Usual causes: the object was deleted (by an admin, a stale-device clean-up, or Entra Connect after the computer left its sync scope), it was disabled (AADSTS135011), or it no longer holds this device's key (object recreated, TPM cleared).`,
    );
    expect(finding.evidence).toEqual([
      { source: "dsregcmd /status · Device Details", field: "DeviceAuthStatus", value: "FAILED. Device is either disabled or deleted" },
      { source: "dsregcmd /status · Device State", field: "AzureAdJoined", value: "YES" },
    ]);
    // AzureAdPrt : YES (a PRT from before the failure) is no evidence of it either.
    const withPrt = makeReport({ deviceAuthStatus: "FAILED", deviceId: null });
    expect(only(deviceAuthFailedRule.evaluate(makeInput({ report: withPrt }))).evidence).toHaveLength(2);
  });

  it("quotes no AzureAdJoined line when the user capture has none (the failure seen in the SYSTEM capture)", () => {
    const systemReport = makeReport({ executingAccount: "NT AUTHORITY\\SYSTEM", deviceAuthStatus: "FAILED", azureAdPrt: false });
    const report = makeReport({ azureAdJoined: null, azureAdPrt: null, deviceId: null });
    expect(only(deviceAuthFailedRule.evaluate(makeInput({ report, systemReport }))).evidence).toEqual([
      {
        source: "dsregcmd /status (SYSTEM capture) · Device Details",
        field: "DeviceAuthStatus",
        value: "FAILED. Device is either disabled or deleted",
      },
    ]);
  });
});

describe("device-key-recovery: which device recovers how, and the words the admin reads", () => {
  const recovery = { "Diagnostic Data": { AadRecoveryEnabled: "YES" } };

  it("states the lines, the silent hybrid recovery and the three steps word for word", () => {
    const report = makeReport({ extra: { "Diagnostic Data": { AadRecoveryEnabled: "YES", KeySignTest: "FAILED. The keys are not healthy." } } });
    expect(deviceKeyRecoveryRule.evaluate(makeInput({ report }))).toEqual([
      {
        rule: "device-key-recovery",
        severity: "high",
        title: "Device keys unusable: recovery pending",
        explanation:
          'The device\'s keys cannot sign (AadRecoveryEnabled : YES, KeySignTest : FAILED. The keys are not healthy.), so device authentication fails and Conditional Access can show "Device State: Unregistered" until the device recovers. On a hybrid joined device recovery is silent: the next sign-in (or restart) re-registers the device with new keys. Likely causes: the TPM was cleared or reset, the device was cloned from an image that was not generalised (sysprep) after it joined, or the key is gone (0x80090016, NTE_BAD_KEYSET).',
        evidence: [
          { source: "dsregcmd /status · Diagnostic Data", field: "AadRecoveryEnabled", value: "YES" },
          { source: "dsregcmd /status · Diagnostic Data", field: "KeySignTest", value: "FAILED. The keys are not healthy." },
        ],
        remediation: [
          "Have the user sign in to Windows (lock and unlock is not enough; sign out and in, or restart and sign in) with network access to Microsoft Entra ID, then capture `dsregcmd /status` again: AadRecoveryEnabled should be NO and KeySignTest PASSED (run elevated).",
          "If the TPM was cleared or the device came from an image that was not generalised, fix that first (Get-Tpm; re-image with sysprep /generalize), or recovery will break again.",
          "If recovery does not complete, check the AAD Operational log for the recovery error and treat the device as a re-join case, backing up BitLocker recovery keys and the LAPS password first.",
        ],
      },
    ]);
  });

  it("a domain-joined PC that is only registered prompts the user: it is not hybrid joined", () => {
    const report = makeRegisteredReport({ domainJoined: true, domainName: "CONTOSO", extra: recovery });
    expect(only(deviceKeyRecoveryRule.evaluate(makeInput({ report }))).explanation).toContain(
      "On a registered device the user is prompted to sign in again at the next sign-in, which re-registers the device.",
    );
  });

  it("an Entra joined device that also holds a registration is treated as joined, not registered", () => {
    const report = makeEntraReport({ workplaceJoined: true, extra: recovery });
    expect(only(deviceKeyRecoveryRule.evaluate(makeInput({ report }))).explanation).toContain(
      "On an Entra joined device the user is prompted to authenticate at the next sign-in",
    );
  });

  it("reads the whole value: YES or a FAIL… result, case and surrounding spaces aside", () => {
    const fires = (fields: Record<string, string>) =>
      deviceKeyRecoveryRule.evaluate(makeInput({ report: makeReport({ extra: { "Diagnostic Data": fields } }) })).length;
    expect(fires({ AadRecoveryEnabled: " yes " })).toBe(1);
    expect(fires({ KeySignTest: " failed " })).toBe(1);
    expect(fires({ AadRecoveryEnabled: "YES (pending)" })).toBe(0);
    expect(fires({ AadRecoveryEnabled: "NOT YES" })).toBe(0);
    expect(fires({ KeySignTest: "PASSED (no FAIL)" })).toBe(0);
  });
});

describe("tenant-mismatch, tpm-not-protected, user-context-not-captured, prt-stale: the words the admin reads", () => {
  const otherTenant = "11112222-3333-4444-5555-666677778888";

  it("tenant-mismatch states both tenants, the name and the steps word for word", () => {
    const report = makeReport();
    expect(tenantMismatchRule.evaluate(makeInput({ report, expectedTenantId: otherTenant }))).toEqual([
      {
        rule: "tenant-mismatch",
        severity: "critical",
        title: "Device registered in another tenant: Contoso (aaaabbbb-0000-cccc-1111-dddd2222eeee)",
        explanation:
          'dsregcmd reports TenantId aaaabbbb-0000-cccc-1111-dddd2222eeee, but this report was uploaded with an agent token for tenant 11112222-3333-4444-5555-666677778888. Tokens for this tenant carry no deviceid claim from a registration held elsewhere, so Conditional Access here shows "Device State: Unregistered".',
        evidence: [
          { source: "dsregcmd /status · Tenant Details", field: "TenantId", value: "aaaabbbb-0000-cccc-1111-dddd2222eeee", expected: otherTenant },
          { source: "dsregcmd /status · Tenant Details", field: "TenantName", value: "Contoso" },
        ],
        remediation: [
          "Check that the agent on this device was installed with this tenant's agent token; if the token is wrong, reinstall the agent with the right one and nothing on the device needs to change.",
          "For a hybrid device, check the SCP in Active Directory (or the client-side SCP registry values) names this tenant: a wrong SCP sends every new join to the other tenant.",
          ...buildRejoinSteps(report),
        ],
      },
    ]);
  });

  it("tenant-mismatch without a tenant name names the id alone, and reads ids in braces, spaces or capitals as the same tenant", () => {
    const finding = only(tenantMismatchRule.evaluate(makeInput({ report: makeReport({ tenantName: null }), expectedTenantId: ` ${otherTenant} ` })));
    expect(finding.title).toBe("Device registered in another tenant: aaaabbbb-0000-cccc-1111-dddd2222eeee");
    expect(finding.evidence).toEqual([
      { source: "dsregcmd /status · Tenant Details", field: "TenantId", value: "aaaabbbb-0000-cccc-1111-dddd2222eeee", expected: otherTenant },
    ]);
    expect(finding.explanation).toContain(`agent token for tenant ${otherTenant}. Tokens`);
    const braced = makeReport({ tenantId: "{AAAABBBB-0000-CCCC-1111-DDDD2222EEEE}" });
    expect(tenantMismatchRule.evaluate(makeInput({ report: braced, expectedTenantId: "aaaabbbb-0000-cccc-1111-dddd2222eeee" }))).toEqual([]);
    expect(tenantMismatchRule.evaluate(makeInput({ expectedTenantId: " {aaaabbbb-0000-cccc-1111-dddd2222eeee} " }))).toEqual([]);
    expect(tenantMismatchRule.evaluate(makeInput({ expectedTenantId: "   " }))).toEqual([]);
    expect(tenantMismatchRule.evaluate(makeInput({ report: makeReport({ tenantId: "  " }), expectedTenantId: otherTenant }))).toEqual([]);
  });

  it("tenant-mismatch quotes TenantId when the report prints both lines, and when it prints neither", () => {
    const both = makeReport({ extra: { "Work Account 1": { WorkplaceTenantId: "aaaabbbb-0000-cccc-1111-dddd2222eeee" } } });
    expect(only(tenantMismatchRule.evaluate(makeInput({ report: both, expectedTenantId: otherTenant }))).evidence[0]).toMatchObject({
      source: "dsregcmd /status · Tenant Details",
      field: "TenantId",
    });
    const neither = makeReport({ omit: { "Tenant Details": ["TenantId"] } });
    expect(only(tenantMismatchRule.evaluate(makeInput({ report: neither, expectedTenantId: otherTenant }))).evidence[0]).toMatchObject({
      source: "dsregcmd /status · Tenant Details",
      field: "TenantId",
      value: "aaaabbbb-0000-cccc-1111-dddd2222eeee",
    });
  });

  it("tpm-not-protected word for word, and without a KeyProvider line", () => {
    expect(tpmNotProtectedRule.evaluate(makeInput({ report: makeReport({ tpmProtected: false }) }))).toEqual([
      {
        rule: "tpm-not-protected",
        severity: "info",
        title: "Device key not protected by a TPM",
        explanation:
          'The device key is held in software rather than in a TPM. This does not make Conditional Access show "Device State: Unregistered"; it only means the key could be exported, and policies that require TPM-bound keys will not be met.',
        evidence: [
          { source: "dsregcmd /status · Device Details", field: "TpmProtected", value: "NO" },
          { source: "dsregcmd /status · Device Details", field: "KeyProvider", value: "Microsoft Software Key Storage Provider" },
        ],
        remediation: [
          "Check the TPM on the device (`Get-Tpm` or tpm.msc): present, enabled and ready, firmware up to date.",
          "If the TPM is healthy now and a TPM-bound key matters, re-register the device later in a planned window, backing up BitLocker recovery keys and the LAPS password first.",
        ],
      },
    ]);
    const noProvider = makeReport({ tpmProtected: false, omit: { "Device Details": ["KeyProvider"] } });
    expect(only(tpmNotProtectedRule.evaluate(makeInput({ report: noProvider }))).evidence).toEqual([
      { source: "dsregcmd /status · Device Details", field: "TpmProtected", value: "NO" },
    ]);
  });

  it("user-context-not-captured word for word for a SYSTEM capture", () => {
    const report = makeReport({ azureAdPrt: false, executingAccount: "NT AUTHORITY\\SYSTEM" });
    expect(userContextNotCapturedRule.evaluate(makeInput({ report }))).toEqual([
      {
        rule: "user-context-not-captured",
        severity: "low",
        title: "Report captured as SYSTEM: the user's PRT state is unknown",
        explanation:
          'This capture ran as SYSTEM. The PRT and Workplace registrations are per user, so SYSTEM always sees `AzureAdPrt : NO` and `WorkplaceJoined : NO`, even when the signed-in user is healthy. This does not by itself make Conditional Access show "Device State: Unregistered"; JoinScope just cannot judge the PRT from this report, so it reports no PRT findings.',
        evidence: [{ source: "dsregcmd /status · Diagnostic Data", field: "Executing Account Name", value: "NT AUTHORITY\\SYSTEM" }],
        remediation: [
          "Have the JoinScope agent run `dsregcmd /status` in the signed-in user's session, and keep sending the SYSTEM capture separately as the system report.",
          "For a one-off check, ask the user to open a command prompt in their own session and run `dsregcmd /status`, then paste the output.",
        ],
      },
    ]);
  });

  it("user-context-not-captured explains another account's and a local account's capture", () => {
    const other = makeReport({
      azureAdPrt: false,
      executingAccount: "CONTOSO\\adm-ann, adm-ann@contoso.com",
      extra: { "Diagnostic Data": { "User Context": "ELEVATED User" }, "SSO State": { "User Identity": "jdoe@contoso.com" } },
    });
    expect(only(userContextNotCapturedRule.evaluate(makeInput({ report: other }))).explanation).toMatch(
      /^This capture ran elevated under one account while the PRT attempt diagnostics name another user\. The PRT is per user: the lines show the executing account's PRT, not the device user's\. \(Elevation by the user alone would not matter; Microsoft needs it only for KeySignTest and WamDefaultSet\.\) This does not/,
    );
    const local = makeEntraReport({ azureAdPrt: false, executingAccount: "PC-0177\\localadmin, " });
    const finding = only(userContextNotCapturedRule.evaluate(makeInput({ report: local })));
    expect(finding.title).toBe("Report captured under a local account: no work user's PRT state");
    expect(finding.explanation).toMatch(
      /^This capture ran under a local \(or personal Microsoft\) account on a joined device\. Only work accounts get a PRT, so the capture says nothing about the users who sign in with one\. This does not/,
    );
  });

  it("prt-stale word for word: the renewal time, the expiry still ahead and its settings", () => {
    const capturedAt = "2025-03-10T08:00:00.000Z";
    expect(prtStaleRule.evaluate(makeInput({ capturedAt }))).toEqual([
      {
        rule: "prt-stale",
        severity: "medium",
        title: "Primary Refresh Token last renewed 20 h before capture",
        explanation:
          'The PRT was last updated on 2025-03-09 11:00 UTC, 20 h before this report was captured, although it renews every 4 h while the user is active. It is still valid until 2025-03-23 11:01 UTC, so Conditional Access still sees the device as registered; if renewal keeps failing it will expire and the device will show "Device State: Unregistered". A device that was asleep or offline renews at the next unlock, so a single stale report matters less than a trend.',
        evidence: [
          { source: "dsregcmd /status · SSO State", field: "AzureAdPrtUpdateTime", value: "2025-03-09 11:00:27.000 UTC" },
          { source: "dsregcmd /status · SSO State", field: "AzureAdPrtExpiryTime", value: "2025-03-23 11:01:41.000 UTC" },
          { source: "JoinScope agent", field: "capturedAt", value: capturedAt },
          { source: "JoinScope evaluation", field: "prtStaleHours", value: "5" },
        ],
        remediation: [
          "Lock and unlock the session (or sign out and in) as the user, then capture `dsregcmd /status` again in the user's session, unelevated, and compare AzureAdPrtUpdateTime.",
          "If it does not move, check the device's network path in the SYSTEM context (`netsh winhttp show proxy`, firewall, TLS inspection) and the device clock.",
          "Collect AAD Operational events 1097, 1081, 1084 and 1088 from the device for the renewal error.",
        ],
      },
    ]);
  });

  it("prt-stale without an expiry line says nothing of validity; 0 or a negative prtStaleHours means the default", () => {
    const noExpiry = makeReport({ prtExpiryTime: null });
    const finding = only(prtStaleRule.evaluate(makeInput({ report: noExpiry, capturedAt: "2025-03-10T08:00:00.000Z" })));
    expect(finding.explanation).toContain("while the user is active. A device that was asleep");
    expect(finding.evidence.map((e) => e.field)).toEqual(["AzureAdPrtUpdateTime", "capturedAt", "prtStaleHours"]);
    // 1 h after the update: stale only if the threshold were 0 h.
    for (const prtStaleHours of [0, -1, Number.NaN]) {
      expect(prtStaleRule.evaluate(makeInput({ capturedAt: "2025-03-09T12:00:27.000Z", prtStaleHours }))).toEqual([]);
    }
  });

  it("prt-stale still fires when the PRT expires exactly at the capture (prt-expired needs it before)", () => {
    const capturedAt = "2025-03-23T11:01:41.000Z";
    expect(prtExpiredRule.evaluate(makeInput({ capturedAt }))).toEqual([]);
    expect(only(prtStaleRule.evaluate(makeInput({ capturedAt }))).rule).toBe("prt-stale");
  });
});

describe("prt-expired: the words the admin reads, with and without a capture time", () => {
  it("with no known cause: the expiry, how long before the capture, and the renewal steps word for word", () => {
    const capturedAt = "2025-03-25T09:00:00.000Z";
    expect(prtExpiredRule.evaluate(makeInput({ capturedAt }))).toEqual([
      {
        rule: "prt-expired",
        severity: "high",
        title: "Primary Refresh Token expired",
        explanation:
          'The PRT expired on 2025-03-23 11:01 UTC, 45 h before this report was captured. A PRT lasts 14 days and renews every 4 h, so renewals have been failing for days; apps get no token with the deviceid claim and Conditional Access shows "Device State: Unregistered".',
        evidence: [
          { source: "dsregcmd /status · SSO State", field: "AzureAdPrtExpiryTime", value: "2025-03-23 11:01:41.000 UTC" },
          { source: "dsregcmd /status · SSO State", field: "AzureAdPrtUpdateTime", value: "2025-03-09 11:00:27.000 UTC" },
          { source: "JoinScope agent", field: "capturedAt", value: capturedAt },
        ],
        remediation: [
          "Lock and unlock the session (or sign out and in) as the user to force a renewal, then capture `dsregcmd /status` again in the user's session, unelevated.",
          "If it still does not renew, check the device's network path in the SYSTEM context (`netsh winhttp show proxy`, firewall, TLS inspection) and the device clock.",
          "Collect AAD Operational events 1097, 1081, 1084 and 1088 from the device for the renewal error.",
        ],
      },
    ]);
  });

  it("with a cause from the events: its label, its explanation and codes, its evidence and its steps", () => {
    const report = makeReport({ prtUpdateTime: "2025-02-20T09:00:00.000Z", prtExpiryTime: "2025-03-06T09:00:00.000Z" });
    const events = [makeEvent({ id: 1081, message: "Error: 0xCAA82EFD Can't connect to the server" })];
    const finding = only(prtExpiredRule.evaluate(makeInput({ report, events })));
    const classification = classifyPrtFailure({ report, events });
    expect(classification.cause).toBe("network-proxy");
    expect(finding.explanation).toBe(
      `The PRT expired on 2025-03-06 09:00 UTC, 3 d 3 h before this report was captured. A PRT lasts 14 days and renews every 4 h, so renewals have been failing for days; apps get no token with the deviceid claim and Conditional Access shows "Device State: Unregistered". Likely cause: network or proxy error. ${PRT_CAUSE_EXPLANATIONS["network-proxy"]} ${describeCodes(classification.codes)}`,
    );
    expect(finding.evidence.slice(3)).toEqual(classification.evidence);
    expect(finding.remediation).toEqual(buildPrtRemediation(classification, report));
  });

  it("without a capture time: info once the expiry has passed by now, with or without the renewal time", () => {
    const now = "2025-03-25T09:00:00.000Z";
    const expiryText =
      'expires on 2025-03-23 11:01 UTC. Nothing says when the report was captured (no `Client Time` line, no capture time given): captured after that expiry, the PRT had expired and Conditional Access would show "Device State: Unregistered"; captured before it, the PRT was still valid then.';
    const remediation = [
      "Give the capture time (the paste box's \"Captured at\", or `--captured-at` in the CLI) to have the PRT judged, or capture `dsregcmd /status` again now in the user's session.",
    ];
    expect(prtExpiredRule.evaluate(makeInput({ capturedAt: undefined, now }))).toEqual([
      {
        rule: "prt-expired",
        severity: "info",
        title: "PRT expiry time has passed; when the report was captured is unknown",
        explanation: `This report's PRT was last renewed on 2025-03-09 11:00 UTC and ${expiryText}`,
        evidence: [
          { source: "dsregcmd /status · SSO State", field: "AzureAdPrtExpiryTime", value: "2025-03-23 11:01:41.000 UTC" },
          { source: "dsregcmd /status · SSO State", field: "AzureAdPrtUpdateTime", value: "2025-03-09 11:00:27.000 UTC" },
        ],
        remediation,
      },
    ]);
    const noUpdate = only(prtExpiredRule.evaluate(makeInput({ report: makeReport({ prtUpdateTime: null }), capturedAt: undefined, now })));
    expect(noUpdate.explanation).toBe(`This report's PRT ${expiryText}`);
    expect(noUpdate.evidence).toEqual([{ source: "dsregcmd /status · SSO State", field: "AzureAdPrtExpiryTime", value: "2025-03-23 11:01:41.000 UTC" }]);
  });

  it("without a capture time: nothing while the expiry is still ahead or exactly now, without a now, or for a SYSTEM capture", () => {
    expect(prtExpiredRule.evaluate(makeInput({ capturedAt: undefined }))).toEqual([]);
    expect(prtExpiredRule.evaluate(makeInput({ capturedAt: undefined, now: "2025-03-23T11:01:41.000Z" }))).toEqual([]);
    expect(prtExpiredRule.evaluate(makeInput({ capturedAt: undefined, now: "not a time" }))).toEqual([]);
    const system = makeReport({ azureAdPrt: false, executingAccount: "NT AUTHORITY\\SYSTEM" });
    expect(prtExpiredRule.evaluate(makeInput({ report: system, capturedAt: undefined, now: "2025-03-25T09:00:00.000Z" }))).toEqual([]);
    expect(only(prtExpiredRule.evaluate(makeInput({ capturedAt: undefined, now: "2025-03-23T11:01:41.001Z" }))).severity).toBe("info");
  });

  it("a local account's missing PRT is no cause to name", () => {
    const report = makeEntraReport({ prtUpdateTime: "2025-02-20T09:00:00.000Z", prtExpiryTime: "2025-03-06T09:00:00.000Z" });
    const finding = only(prtExpiredRule.evaluate(makeInput({ report })));
    expect(finding.title).toBe("Primary Refresh Token expired");
  });
});

describe("prt-missing: the words the admin reads", () => {
  const noPrt = { azureAdPrt: false, prtUpdateTime: null, prtExpiryTime: null } as const;

  it("an elevated capture under a local account: info, expected, with the account as evidence", () => {
    const report = makeReport({ ...noPrt, executingAccount: "PC-0142\\localadmin, ", extra: { "Diagnostic Data": { "User Context": "ELEVATED User" } } });
    expect(prtMissingRule.evaluate(makeInput({ report }))).toEqual([
      {
        rule: "prt-missing",
        severity: "info",
        title: "No Primary Refresh Token: local account (expected)",
        explanation: `AzureAdPrt is NO. ${PRT_CAUSE_EXPLANATIONS["local-account"]} Conditional Access is not affected for work accounts on this device.`,
        evidence: [
          { source: "dsregcmd /status · SSO State", field: "AzureAdPrt", value: "NO" },
          { source: "dsregcmd /status · Device State", field: "AzureAdJoined", value: "YES" },
          { source: "dsregcmd /status · Diagnostic Data", field: "Executing Account Name", value: "PC-0142\\localadmin," },
        ],
        remediation: [
          "No action is needed for the local account itself.",
          "To check a work user's PRT, capture `dsregcmd /status` in the session of a user who signs in with a work account, unelevated.",
        ],
      },
    ]);
  });

  it("no cause and no executing account: 'the signed-in user', word for word", () => {
    const report = makeReport({ ...noPrt, executingAccount: null });
    expect(prtMissingRule.evaluate(makeInput({ report }))).toEqual([
      {
        rule: "prt-missing",
        severity: "high",
        title: "No Primary Refresh Token: cause unknown",
        explanation:
          'AzureAdPrt is NO for the signed-in user. Without a Primary Refresh Token Windows cannot give apps tokens with the device\'s deviceid claim, so Conditional Access shows "Device State: Unregistered" even though dsregcmd says `AzureAdJoined : YES`. Neither the report nor the uploaded events hold a signal that identifies the cause.',
        evidence: [
          { source: "dsregcmd /status · SSO State", field: "AzureAdPrt", value: "NO" },
          { source: "dsregcmd /status · Device State", field: "AzureAdJoined", value: "YES" },
        ],
        remediation: [
          "Collect the AAD Operational events 1081, 1084, 1088, 1098 and 1104 from the device (the agent uploads them when the log is readable).",
          "Lock and unlock the session (or sign out and in) as the user to trigger a new PRT request, then capture `dsregcmd /status` again in the user's session, unelevated.",
        ],
      },
    ]);
  });

  it("names the account by its UPN, else by its name, and quotes the Executing Account Name line", () => {
    const byUpn = only(prtMissingRule.evaluate(makeInput({ report: makeReport(noPrt) })));
    expect(byUpn.explanation).toMatch(/^AzureAdPrt is NO for jdoe@contoso\.com\. Without/);
    expect(byUpn.evidence).toContainEqual({
      source: "dsregcmd /status · Diagnostic Data",
      field: "Executing Account Name",
      value: "CONTOSO\\jdoe, jdoe@contoso.com",
    });
    const byName = only(prtMissingRule.evaluate(makeInput({ report: makeReport({ ...noPrt, executingAccount: "CONTOSO\\jdoe" }) })));
    expect(byName.explanation).toMatch(/^AzureAdPrt is NO for CONTOSO\\jdoe\. Without/);
  });

  it("ignores a domain-joined computer that is only registered, even in a domain user's session", () => {
    const report = makeRegisteredReport({ domainName: "CONTOSO", domainJoined: true, executingAccount: "CONTOSO\\jdoe, jdoe@contoso.com" });
    expect(prtMissingRule.evaluate(makeInput({ report }))).toEqual([]);
  });
});

describe("device-auth-failed: a paste that lost its lines", () => {
  it("quotes the parsed values under the sections dsregcmd prints them in", () => {
    const report = makeReport({
      deviceAuthStatus: "FAILED",
      azureAdPrt: false,
      aadsts: "AADSTS50155",
      omit: { "Device State": ["AzureAdJoined"], "Device Details": ["DeviceId"], "SSO State": ["AzureAdPrt"] },
    });
    expect(only(deviceAuthFailedRule.evaluate(makeInput({ report }))).evidence).toEqual([
      { source: "dsregcmd /status · Device Details", field: "DeviceAuthStatus", value: "FAILED. Device is either disabled or deleted" },
      { source: "dsregcmd /status · Device State", field: "AzureAdJoined", value: "YES" },
      { source: "dsregcmd /status · Device Details", field: "DeviceId", value: "6e4cbe68-588b-499c-8c04-dcfff140a1ca" },
      { source: "dsregcmd /status · SSO State", field: "AzureAdPrt", value: "NO" },
      { source: "dsregcmd /status · SSO State", field: "Server Error Description", value: "AADSTS50155" },
    ]);
  });
});

describe("prt-stale and prt-expired: captures that cannot show the user's PRT, and a local account's", () => {
  it("prt-stale says nothing of a SYSTEM capture's PRT lines", () => {
    const system = makeReport({ azureAdPrt: false, executingAccount: "NT AUTHORITY\\SYSTEM" });
    expect(prtStaleRule.evaluate(makeInput({ report: system, capturedAt: "2025-03-10T08:00:00.000Z" }))).toEqual([]);
  });

  it("prt-expired names no cause for an elevated capture under a local account", () => {
    const report = makeReport({
      prtUpdateTime: "2025-02-20T09:00:00.000Z",
      prtExpiryTime: "2025-03-06T09:00:00.000Z",
      executingAccount: "PC-0142\\localadmin, ",
      extra: { "Diagnostic Data": { "User Context": "ELEVATED User" } },
    });
    const finding = only(prtExpiredRule.evaluate(makeInput({ report })));
    expect(finding.title).toBe("Primary Refresh Token expired");
    expect(finding.evidence.map((e) => e.field)).toEqual(["AzureAdPrtExpiryTime", "AzureAdPrtUpdateTime", "capturedAt"]);
  });
});
