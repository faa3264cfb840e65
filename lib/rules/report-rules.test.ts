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
import { makeEntraReport, makeEvent, makeInput, makePendingHybridReport, makeRegisteredReport, makeReport } from "@/lib/rules/testing/make-report";
import type { Finding } from "@/lib/rules/types";

const only = (findings: Finding[]): Finding => {
  expect(findings).toHaveLength(1);
  return findings[0]!;
};

/** The healthy hybrid report (make-report.ts) after its object was deleted: DeviceAuthStatus FAILED, AADSTS50155. */
function deletedObjectReport() {
  return makeReport({
    deviceAuthStatus: "FAILED",
    azureAdPrt: false,
    prtUpdateTime: null,
    prtExpiryTime: null,
    aadsts: "AADSTS50155",
    prtServerErrorCode: "invalid_grant",
    extra: {
      "SSO State": {
        AcquirePrtDiagnostics: "PRESENT",
        "HTTP Error": "0x0",
        "HTTP status": "400",
        "Server Error Code": "invalid_grant",
        "Server Error Description": "AADSTS50155: Device authentication failed",
      },
    },
  });
}

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
    const report = makeReport({
      joinType: "none",
      azureAdJoined: false,
      domainJoined: false,
      domainName: null,
      workplaceJoined: false,
      azureAdPrt: false,
      executingAccount: "PC-0142\\jane, ",
    });
    const finding = only(notJoinedRule.evaluate(makeInput({ report })));
    expect(finding.title).toBe("Device not joined or registered");
    expect(finding.remediation[0]).toContain("Join this device to Microsoft Entra ID");
  });
});

describe("device-auth-failed", () => {
  it("fires on the deleted-object sample with the exact line and AADSTS50155", () => {
    const finding = only(deviceAuthFailedRule.evaluate(makeInput({ report: deletedObjectReport() })));
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
    const steps = only(deviceAuthFailedRule.evaluate(makeInput({ report: deletedObjectReport() }))).remediation;
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
