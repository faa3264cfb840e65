import { describe, expect, it } from "vitest";
import { buildRejoinSteps } from "@/lib/rules/build-rejoin-steps";
import type { DeviceRuleSettings, DeviceSubject } from "@/lib/rules/device-subject";
import { evaluateDeviceRules } from "@/lib/rules/evaluate-device-rules";
import { JOIN_RULES } from "@/lib/rules/index";
import { buildJoinRejoinSteps, GENERIC_BACKUP_PREFIX } from "@/lib/rules/join-rules/join-rejoin-steps";
import {
  DEVICE_NOW,
  makeDeviceSettings,
  makeDeviceSubject,
  makeDirectoryObject,
  makeEntraObject,
  makePendingObject,
  makeRegisteredObject,
  makeSubjectReport,
  PENDING_OBJECT_GUID,
} from "@/lib/rules/testing/make-directory-object";
import {
  makeDeletedObjectReport,
  makeEntraReport,
  makeEvent,
  makePendingHybridReport,
  makeRegisteredReport,
  makeReport,
} from "@/lib/rules/testing/make-report";
import type { Finding } from "@/lib/rules/types";

const DAY_MS = 86_400_000;
const daysBefore = (days: number, from = DEVICE_NOW) => new Date(Date.parse(from) - days * DAY_MS).toISOString();
const hoursAfter = (iso: string, hours: number) => new Date(Date.parse(iso) + hours * 3_600_000).toISOString();

const ruleIds = (findings: Finding[]) => [...new Set(findings.map((finding) => finding.rule))].sort();
const aboveInfo = (findings: Finding[]) => findings.filter((finding) => finding.severity !== "info");
const find = (findings: Finding[], rule: string): Finding => {
  const found = findings.filter((finding) => finding.rule === rule);
  expect(found, `one ${rule} finding`).toHaveLength(1);
  return found[0]!;
};
const run = (subject: DeviceSubject, settings: Partial<DeviceRuleSettings> = {}) => evaluateDeviceRules(subject, makeDeviceSettings(settings));

/** A SYSTEM capture of a domain-only computer before Entra Connect synced it (hybrid-join troubleshooting doc). */
const notSyncedYetSystemReport = () =>
  makePendingHybridReport({
    executingAccount: "NT AUTHORITY\\SYSTEM",
    extra: {
      "Diagnostic Data": {
        "User Context": "SYSTEM",
        "AD Connectivity Test": "PASS",
        "DRS Discovery Test": "PASS",
        "DRS Connectivity Test": "PASS",
        "Error Phase": "join",
        "Client ErrorCode": "0x801c03f2",
        "Server ErrorCode": "DirectoryError",
        "Server Message": "The device object by the given id (4b1d5e2a-7c3f-4e8b-9a0d-2f6c8e1b3a57) is not found.",
      },
    },
  });

function healthyCases(): [string, DeviceSubject, string[]][] {
  return [
    ["hybrid", makeDeviceSubject(), []],
    [
      "Entra joined",
      makeDeviceSubject({
        report: makeSubjectReport({ parsed: makeEntraReport(), hostname: "PC-0177", computerDn: null }),
        directory: makeEntraObject(),
      }),
      [],
    ],
    [
      "registered (its AzureAdPrt : NO is not judged)",
      makeDeviceSubject({
        report: makeSubjectReport({ parsed: makeRegisteredReport(), hostname: "PC-01", computerDn: null }),
        directory: makeRegisteredObject(),
      }),
      [],
    ],
    [
      "Pending object with its domain-only report (join in progress)",
      makeDeviceSubject({
        report: makeSubjectReport({
          parsed: makePendingHybridReport({ deviceName: "PC-0200.corp.contoso.com" }),
          systemParsed: notSyncedYetSystemReport(),
          hostname: "PC-0200",
          objectGuid: PENDING_OBJECT_GUID,
          computerDn: "CN=PC-0200,OU=Laptops,OU=Corp,DC=corp,DC=contoso,DC=com",
        }),
        directory: makePendingObject(),
        history: [{ kind: "created", at: "2025-03-09T11:00:00.000Z", detail: null }],
      }),
      ["not-joined", "pending-registration"],
    ],
  ];
}

describe("healthy devices of every join type", () => {
  it.each(healthyCases())("%s: nothing above info, exactly the expected rules", (_name, subject, expected) => {
    const findings = run(subject);
    expect(aboveInfo(findings)).toEqual([]);
    expect(ruleIds(findings)).toEqual(expected);
  });

  it("stay quiet without a sync scope, without agents, and with the directory never synced", () => {
    for (const [, subject] of healthyCases()) {
      for (const settings of [{ syncScope: null }, { syncScope: { forests: [] } }, { tenantHasAgents: false }, { directorySyncedAt: null }]) {
        expect(aboveInfo(run(subject, settings))).toEqual([]);
      }
    }
  });

  it("the Pending case keeps not-joined high when the pre-join diagnostics show a real failure", () => {
    const [, subject] = healthyCases()[3]!;
    const failing = {
      ...subject,
      report: {
        ...subject.report!,
        systemParsed: makePendingHybridReport({
          executingAccount: "NT AUTHORITY\\SYSTEM",
          extra: { "Diagnostic Data": { "DRS Discovery Test": "FAIL [0x801c0021/0x80072ee2]", "Client ErrorCode": "0x801c0021" } },
        }),
      },
    };
    expect(find(run(failing), "not-joined").severity).toBe("high");
  });

  it.each([
    ["a failed test in the user capture", "parsed", { "AD Connectivity Test": "FAIL [0x54b]" }, "high"],
    ["a failed test whose key dsregcmd printed with a colon", "systemParsed", { "DRS Connectivity Test:": "FAIL" }, "high"],
    ["a client error other than 'not synced yet'", "systemParsed", { "Client ErrorCode": "0x801c001d" }, "high"],
    ["a server error code", "systemParsed", { "Server ErrorCode": "0x80072ee2" }, "high"],
    ["'not synced yet' (0x801C03F2) alone", "systemParsed", { "Client ErrorCode": "0x801C03F2", "Server ErrorCode": "DirectoryError" }, "info"],
    ["zero error codes and passed tests", "systemParsed", { "Client ErrorCode": "0x0", "Server ErrorCode": "0x0", "DRS Discovery Test": "PASS" }, "info"],
  ] as const)("keeps not-joined high in the first day only for a real pre-join failure: %s", (_label, capture, diagnostics, severity) => {
    const [, subject] = healthyCases()[3]!;
    const withDiagnostics = makePendingHybridReport({
      deviceName: "PC-0200.corp.contoso.com",
      ...(capture === "systemParsed" ? { executingAccount: "NT AUTHORITY\\SYSTEM" } : {}),
      extra: { "Diagnostic Data": { ...diagnostics } },
    });
    const report =
      capture === "parsed" ? { ...subject.report!, parsed: withDiagnostics, systemParsed: null } : { ...subject.report!, systemParsed: withDiagnostics };
    expect(find(run({ ...subject, report }), "not-joined").severity).toBe(severity);
  });

  it("keeps not-joined high for a report that is not domain joined, whatever the Pending object's age", () => {
    const [, subject] = healthyCases()[3]!;
    const report = { ...subject.report!, parsed: makePendingHybridReport({ domainJoined: false, domainName: null }), systemParsed: null };
    expect(find(run({ ...subject, report }), "not-joined").severity).not.toBe("info");
  });

  it.each([
    ["a failed test whose key ends in a space and a colon", { "DRS Connectivity Test :": "FAIL" }, "high"],
    ["a failed test printed in lower case", { "AD Connectivity Test": "fail [0x54b]" }, "high"],
    ["a client error whose key ends in a colon", { "Client ErrorCode:": "0x801c001d" }, "high"],
  ] as const)("reads the pre-join diagnostics' keys and values in their printed forms: %s", (_label, diagnostics, severity) => {
    const [, subject] = healthyCases()[3]!;
    const systemParsed = makePendingHybridReport({ executingAccount: "NT AUTHORITY\\SYSTEM", extra: { "Diagnostic Data": { ...diagnostics } } });
    expect(find(run({ ...subject, report: { ...subject.report!, systemParsed } }), "not-joined").severity).toBe(severity);
  });

  it.each([
    ["in a section named in other case and spacing", { " DIAGNOSTIC DATA ": { "DRS Discovery Test": "FAIL" } }, "high"],
    ["outside the Diagnostic Data section", { "Ngc Prerequisite Check": { "DRS Discovery Test": "FAIL", "Client ErrorCode": "0x801c001d" } }, "info"],
  ] as const)("reads pre-join diagnostics only in the Diagnostic Data section: %s", (_label, extra, severity) => {
    const [, subject] = healthyCases()[3]!;
    const systemParsed = makePendingHybridReport({ executingAccount: "NT AUTHORITY\\SYSTEM", extra: { ...extra } });
    expect(find(run({ ...subject, report: { ...subject.report!, systemParsed } }), "not-joined").severity).toBe(severity);
  });

  it("says why the first day's not-joined is expected, with the day Entra Connect synced the computer", () => {
    const [, subject] = healthyCases()[3]!;
    const finding = find(run(subject), "not-joined");
    expect(finding.severity).toBe("info");
    expect(finding.explanation).toMatch(
      / Expected for now: Entra Connect synced the computer on 2025-03-09 11:00 UTC and its object is Pending, so the device completes the registration at its next restart or sign-in\.$/,
    );
  });

  it("changes only not-joined in the first day: another finding of the report keeps its severity", () => {
    const [, subject] = healthyCases()[3]!;
    const systemOnly = { ...subject.report!, parsed: makePendingHybridReport({ executingAccount: "NT AUTHORITY\\SYSTEM" }), systemParsed: null };
    const findings = run({ ...subject, report: systemOnly });
    expect(find(findings, "not-joined").severity).toBe("info");
    expect(findings.filter((f) => f.rule !== "not-joined" && f.rule !== "pending-registration").map((f) => [f.rule, f.severity])).toEqual([
      ["user-context-not-captured", "low"],
    ]);
  });

  it("keeps not-joined high when the Pending object was deleted in its first day", () => {
    const [, subject] = healthyCases()[3]!;
    const deleted = { ...subject, directory: makePendingObject({ deletedAt: "2025-03-09T13:00:00.000Z", deletedReason: "deleted" }) };
    expect(find(run(deleted), "not-joined").severity).not.toBe("info");
  });
});

/** PC-0142 after Entra Connect hard-deleted its synced hybrid object: the report still shows the old registration. */
const deletedHybridSubject = () =>
  makeDeviceSubject({
    report: makeSubjectReport({ parsed: makeDeletedObjectReport() }),
    directory: makeDirectoryObject({ deletedAt: "2025-03-08T22:10:00.000Z", deletedReason: "deleted" }),
    history: [{ kind: "deleted", at: "2025-03-08T22:10:00.000Z", detail: { reason: "deleted", displayName: "PC-0142" } }],
  });

describe("object-deleted", () => {
  it("hybrid object hard-deleted while synced: Entra Connect most likely removed it", () => {
    const subject = deletedHybridSubject();
    const findings = run(subject);
    expect(ruleIds(findings)).toEqual(["device-auth-failed", "object-deleted", "prt-missing"]);
    const finding = find(findings, "object-deleted");
    expect(finding.severity).toBe("critical");
    expect(finding.title).toBe("Device object deleted, most likely by Entra Connect");
    expect(finding.explanation).toContain("Azure AD Connect");
    expect(finding.explanation).toContain("2025-03-08 22:10 UTC");
    expect(finding.evidence).toContainEqual({ source: "dsregcmd /status · Device Details", field: "DeviceId", value: "6e4cbe68-588b-499c-8c04-dcfff140a1ca" });
    expect(finding.evidence).toContainEqual({
      source: "Entra ID device object (deleted)",
      field: "deletedAt (noticed by JoinScope)",
      value: "2025-03-08T22:10:00.000Z",
    });
    // The hard delete took the keys: escrow them again after the re-join; never delete the synced object in the cloud.
    expect(finding.remediation.join("\n")).toContain("BackupToAAD-BitLockerKeyProtector");
    expect(finding.remediation.some((step) => /^Delete the leftover/.test(step))).toBe(false);
    expect(finding.remediation.join("\n")).toContain("Do not delete the synced hybrid object");
  });

  it("advice for an object known to be gone never treats it as there: nothing to enable, export or delete", () => {
    const finding = find(run(deletedHybridSubject()), "object-deleted");
    const steps = finding.remediation.join("\n");
    expect(steps).not.toContain("If the object is disabled");
    expect(steps).not.toMatch(/back (them|it) up first — deleting the object/);
    expect(steps).not.toMatch(/^Before changing anything, export/m);
    expect(steps).toContain("Do not delete the synced hybrid object Entra Connect creates next");
  });

  it("DN outside the scope explains the deletion and both rules fire", () => {
    const subject = makeDeviceSubject({
      report: makeSubjectReport({ parsed: makeDeletedObjectReport(), computerDn: "CN=PC-0142,OU=Staging,OU=Corp,DC=corp,DC=contoso,DC=com" }),
      directory: makeDirectoryObject({ deletedAt: "2025-03-09T10:00:00.000Z", deletedReason: "deleted" }),
    });
    const findings = run(subject);
    expect(ruleIds(findings)).toEqual(["device-auth-failed", "object-deleted", "out-of-sync-scope", "prt-missing"]);
    expect(find(findings, "object-deleted").explanation).toContain("outside Entra Connect's sync scope");
  });

  it("cloud-only Entra joined object hard-deleted: an admin or an automation", () => {
    const subject = makeDeviceSubject({
      report: makeSubjectReport({
        parsed: makeDeletedObjectReport({ joinType: "entra", domainJoined: false, domainName: null, executingAccount: "AzureAD\\JohnDoe, john@contoso.com" }),
        computerDn: null,
      }),
      directory: makeEntraObject({ deletedAt: "2025-03-09T09:00:00.000Z", deletedReason: "deleted" }),
      history: [
        { kind: "disabled", at: "2025-02-01T09:00:00.000Z", detail: null },
        { kind: "deleted", at: "2025-03-09T09:00:00.000Z", detail: { reason: "deleted" } },
      ],
    });
    const finding = find(run(subject), "object-deleted");
    expect(finding.title).toBe("Device object deleted by an admin or automation");
    expect(finding.explanation).toContain("An admin or an automation deleted it");
    expect(finding.explanation).toContain("stale-device clean-up");
    expect(finding.remediation.join("\n")).toContain("Delete device");
  });

  it("soft-deleted registered object: restorable for 30 days, restore comes first", () => {
    const subject = makeDeviceSubject({
      report: makeSubjectReport({ parsed: makeRegisteredReport(), hostname: "PC-01", computerDn: null }),
      directory: makeRegisteredObject({ deletedAt: "2025-03-07T14:00:00.000Z", deletedReason: "changed" }),
    });
    const findings = run(subject);
    expect(ruleIds(findings)).toEqual(["object-deleted"]);
    const finding = find(findings, "object-deleted");
    expect(finding.title).toBe("Device object deleted (restorable until 2025-04-06 14:00 UTC)");
    expect(finding.explanation).toContain("restorable for 30 days (preview)");
    expect(finding.remediation[0]).toMatch(/^Restore the object/);
    // No portal view during the preview: Graph; and compliance waits for the next Intune check-in.
    expect(finding.remediation[0]).toContain("POST /beta/directory/deletedItems/");
    expect(finding.remediation[0]).not.toContain("Deleted devices (preview)");
    expect(finding.remediation[0]).toContain("non-compliant until the device checks in with Intune");
  });

  // Hybrid joined objects are hard-deleted at once (https://learn.microsoft.com/entra/identity/devices/concept-soft-delete-devices).
  it("never offers to restore a hybrid joined object, whatever JoinScope noticed", () => {
    const subject = makeDeviceSubject({
      report: makeSubjectReport({ parsed: makeDeletedObjectReport() }),
      directory: makeDirectoryObject({ deletedAt: "2025-03-08T22:10:00.000Z", deletedReason: "changed" }),
    });
    const finding = find(run(subject), "object-deleted");
    expect(finding.title).not.toMatch(/restorable/);
    expect(finding.remediation.join("\n")).not.toMatch(/Restore the object/);
  });

  it("no object ever seen: names the hostname candidates without claiming them", () => {
    const candidate = makeDirectoryObject({
      objectId: "99999999-0000-4000-8000-000000000001",
      deviceId: "11111111-2222-4333-8444-555555555555",
      registrationDateTime: "2025-03-01T10:00:00.000Z",
    });
    const subject = makeDeviceSubject({ report: makeSubjectReport({ parsed: makeDeletedObjectReport() }), directory: null, candidates: [candidate] });
    const finding = find(run(subject), "object-deleted");
    expect(finding.title).toBe("No device object with this deviceId");
    expect(finding.evidence.some((item) => item.value?.startsWith("11111111-2222-4333-8444-555555555555") && item.source.includes("not a match"))).toBe(true);
    expect(finding.explanation).toContain("does not use it");
  });

  it("does not fire before the directory was synced, for a registration newer than the sync, or for another tenant", () => {
    const missing = makeDeviceSubject({ directory: null });
    expect(ruleIds(run(missing, { directorySyncedAt: null }))).toEqual([]);
    expect(ruleIds(run(missing, { directorySyncedAt: "2024-11-01T00:00:00.000Z" }))).toEqual([]);
    expect(ruleIds(run(missing))).toEqual(["object-deleted"]);
    const otherTenant = makeDeviceSubject({
      report: makeSubjectReport({ parsed: makeReport({ tenantId: "11112222-3333-4444-5555-666677778888" }) }),
      directory: null,
    });
    expect(ruleIds(run(otherTenant))).toEqual(["tenant-mismatch"]);
  });
});

describe("object-disabled", () => {
  // A disabled Entra joined device cannot be signed in to with work accounts
  // (https://learn.microsoft.com/entra/identity/devices/manage-device-identities).
  it("says users cannot sign in to Windows when the disabled object is Entra joined", () => {
    const subject = makeDeviceSubject({
      report: makeSubjectReport({ parsed: makeEntraReport(), hostname: "PC-0177", computerDn: null }),
      directory: makeEntraObject({ accountEnabled: false }),
    });
    expect(find(run(subject), "object-disabled").explanation).toContain("users cannot sign in to Windows");
    const hybrid = makeDeviceSubject({ directory: makeDirectoryObject({ accountEnabled: false }) });
    expect(find(run(hybrid), "object-disabled").explanation).not.toContain("cannot sign in to Windows");
  });

  it("fires high (135011) while the machine reports", () => {
    const subject = makeDeviceSubject({
      directory: makeDirectoryObject({ accountEnabled: false }),
      history: [{ kind: "disabled", at: "2025-03-09T13:00:00.000Z", detail: null }],
    });
    const findings = run(subject);
    expect(ruleIds(findings)).toEqual(["object-disabled"]);
    const finding = find(findings, "object-disabled");
    expect(finding.severity).toBe("high");
    expect(finding.explanation).toContain("AADSTS135011");
    // Synced: enable it in AD, not in the cloud.
    expect(finding.remediation[1]).toContain("Active Directory");
  });

  it("is info for a disabled, inactive object with no report (the clean-up at work), next to stale-device", () => {
    const subject = makeDeviceSubject({
      report: null,
      lastReportAt: null,
      directory: makeEntraObject({ accountEnabled: false, approximateLastSignInDateTime: daysBefore(200) }),
    });
    const findings = run(subject);
    expect(ruleIds(findings)).toEqual(["object-disabled", "stale-device"]);
    expect(find(findings, "object-disabled").severity).toBe("info");
  });
});

describe("out-of-sync-scope", () => {
  const inOu = (ou: string) => makeDeviceSubject({ report: makeSubjectReport({ computerDn: `CN=PC-0142,${ou}DC=corp,DC=contoso,DC=com` }) });

  it("fires critical for a fresh DN under no synced container, naming the nearest include", () => {
    const findings = run(inOu("OU=Staging,OU=Corp,"));
    expect(ruleIds(findings)).toEqual(["out-of-sync-scope"]);
    const finding = find(findings, "out-of-sync-scope");
    expect(finding.severity).toBe("critical");
    expect(finding.evidence).toContainEqual({
      source: "JoinScope agent · Group Policy state",
      field: "Distinguished-Name",
      value: "CN=PC-0142,OU=Staging,OU=Corp,DC=corp,DC=contoso,DC=com",
    });
    expect(finding.evidence.some((item) => item.field === "nearest synced container")).toBe(true);
    expect(finding.remediation.join("\n")).toContain(
      "This object holds BitLocker recovery keys (and a LAPS password): back them up first — deleting the object deletes them",
    );
  });

  it("quotes the DN without the blanks around it", () => {
    const subject = makeDeviceSubject({ report: makeSubjectReport({ computerDn: "  CN=PC-0142,OU=Staging,OU=Corp,DC=corp,DC=contoso,DC=com\r\n" }) });
    expect(find(run(subject), "out-of-sync-scope").evidence[0]).toEqual({
      source: "JoinScope agent · Group Policy state",
      field: "Distinguished-Name",
      value: "CN=PC-0142,OU=Staging,OU=Corp,DC=corp,DC=contoso,DC=com",
    });
  });

  it("fires for an excluded OU under a synced one", () => {
    const finding = find(run(inOu("OU=Disabled Computers,OU=Workstations,OU=Corp,")), "out-of-sync-scope");
    expect(finding.title).toBe("Computer in an excluded OU: OU=Disabled Computers,OU=Workstations,OU=Corp,DC=corp,DC=contoso,DC=com");
  });

  it("does not fire on a stale DN, without a scope, for an unknown forest, or inside the scope", () => {
    expect(ruleIds(run(inOu("OU=Staging,OU=Corp,"), { now: "2025-03-10T08:00:00.000Z", tenantHasAgents: false }))).toEqual([]);
    expect(ruleIds(run(inOu("OU=Staging,OU=Corp,"), { syncScope: null }))).toEqual([]);
    expect(ruleIds(run(inOu("OU=Staging,OU=Corp,"), { syncScope: { forests: [] } }))).toEqual([]);
    const fabrikam = makeDeviceSubject({ report: makeSubjectReport({ computerDn: "CN=PC-0142,OU=Staging,DC=fabrikam,DC=com" }) });
    expect(ruleIds(run(fabrikam))).toEqual([]);
    expect(ruleIds(run(inOu(" ou = workstations , OU=Corp , ")))).toEqual([]);
  });

  it("a domain-only computer out of scope can never complete hybrid join", () => {
    const subject = makeDeviceSubject({
      report: makeSubjectReport({ parsed: makePendingHybridReport(), computerDn: "CN=PC-0142,OU=Staging,OU=Corp,DC=corp,DC=contoso,DC=com" }),
      directory: null,
    });
    const findings = run(subject);
    expect(ruleIds(findings)).toEqual(["not-joined", "out-of-sync-scope"]);
    expect(find(findings, "out-of-sync-scope").explanation).toContain("0x801C03F2");
  });
});

describe("alt-security-ids-missing", () => {
  it("fires high for a registered-time object with no X509 key, with the key warning and the hybrid-safe re-join", () => {
    const findings = run(makeDeviceSubject({ directory: makeDirectoryObject({ hasX509: false, thumbprint: null }) }));
    expect(ruleIds(findings)).toEqual(["alt-security-ids-missing"]);
    const finding = find(findings, "alt-security-ids-missing");
    expect(finding.severity).toBe("high");
    expect(finding.remediation[0]).toMatch(
      /^This object holds BitLocker recovery keys \(and a LAPS password\): back them up first — deleting the object deletes them/,
    );
    expect(finding.remediation.join("\n")).toContain("Do not delete the synced hybrid object");
    expect(finding.remediation.some((step) => step.startsWith(GENERIC_BACKUP_PREFIX))).toBe(false);
  });

  it("does not fire for a Pending object (pending-registration does)", () => {
    expect(ruleIds(run(makeDeviceSubject({ report: null, lastReportAt: DEVICE_NOW, directory: makePendingObject() })))).toEqual(["pending-registration"]);
  });
});

describe("thumbprint-mismatch", () => {
  const other = "1A2B3C4D5E6F708192A3B4C5D6E7F80910111213";

  it("fires critical, with both thumbprints as evidence, and cert-validity stays silent", () => {
    const subject = makeDeviceSubject({ directory: makeDirectoryObject({ thumbprint: other, registrationDateTime: "2025-01-20T10:00:00.000Z" }) });
    const findings = run(subject);
    expect(ruleIds(findings)).toEqual(["thumbprint-mismatch"]);
    const finding = find(findings, "thumbprint-mismatch");
    expect(finding.severity).toBe("critical");
    expect(finding.evidence[0]).toEqual({
      source: "dsregcmd /status · Device Details",
      field: "Thumbprint",
      value: "0BF36D245A124205D42B7FBCA6B6AB65A5B06A3C",
      expected: other,
    });
  });

  it("compares with every X509 key the object holds, not only the first", () => {
    const subject = makeDeviceSubject({
      directory: makeDirectoryObject({ thumbprint: other, thumbprints: [other, "0BF36D245A124205D42B7FBCA6B6AB65A5B06A3C"] }),
    });
    expect(ruleIds(run(subject))).not.toContain("thumbprint-mismatch");
  });

  it("compares case-insensitively", () => {
    expect(run(makeDeviceSubject({ directory: makeDirectoryObject({ thumbprint: "0bf36d245a124205d42b7fbca6b6ab65a5b06a3c" }) }))).toEqual([]);
  });

  it("is info when the directory's certificate changed after the report", () => {
    const subject = makeDeviceSubject({
      directory: makeDirectoryObject({ thumbprint: other }),
      history: [{ kind: "cert-rotated", at: "2025-03-09T13:10:00.000Z", detail: null }],
    });
    expect(find(run(subject), "thumbprint-mismatch").severity).toBe("info");
  });

  // The report's DeviceAuthStatus SUCCESS and a PRT renewed (11:00) after the directory was read (10:00) prove Entra ID
  // holds the device's key: JoinScope's copy of the object is what is out of date.
  it("is medium and asks for a full sync, never a re-join, when the device authenticates after the directory snapshot", () => {
    const subject = makeDeviceSubject({ directory: makeDirectoryObject({ thumbprint: other }) });
    const finding = find(run(subject, { directorySyncedAt: "2025-03-09T10:00:00.000Z" }), "thumbprint-mismatch");
    expect(finding).toMatchObject({ severity: "medium", title: "Thumbprint differs, but the device authenticates: directory data inconsistent" });
    expect(finding.remediation[0]).toMatch(/^Run a full directory sync/);
    expect(finding.remediation.join(" ")).not.toMatch(/dsregcmd \/leave/);
  });

  it("says it cannot decode an X509 key whose thumbprint cannot be read, instead of a mismatch", () => {
    const subject = makeDeviceSubject({ directory: makeDirectoryObject({ thumbprint: null, hasX509: true }) });
    const finding = find(run(subject), "thumbprint-mismatch");
    expect(finding).toMatchObject({ severity: "info", title: "Directory certificate cannot be decoded" });
  });
});

describe("cert-validity-vs-registered", () => {
  const entra = (registrationDateTime: string, thumbprint: string | null = null) =>
    makeDeviceSubject({
      report: makeSubjectReport({ parsed: makeEntraReport({ thumbprint }), hostname: "PC-0177", computerDn: null }),
      directory: makeEntraObject({ registrationDateTime }),
    });

  it("is medium beyond the tolerance and high beyond 24 h when the thumbprints cannot be compared", () => {
    const medium = run(entra(hoursAfter("2024-11-05T08:12:40.000Z", 3)));
    expect(ruleIds(medium)).toEqual(["cert-validity-vs-registered"]);
    expect(find(medium, "cert-validity-vs-registered").severity).toBe("medium");
    const high = find(run(entra(hoursAfter("2024-11-05T08:12:40.000Z", 72))), "cert-validity-vs-registered");
    expect(high.severity).toBe("high");
    expect(high.remediation[0]).toMatch(/^This object holds BitLocker recovery keys/);
  });

  // Issue 26: the only test was 3 hours apart, so a tolerance of 120 minutes went unnoticed.
  it("tolerates 60 minutes by default, either way round: silent at 59 and 60, medium at 61 and 90", () => {
    const certificateStart = "2024-11-05T08:12:40.000Z";
    const minutesApart = (minutes: number) => run(entra(new Date(Date.parse(certificateStart) + minutes * 60_000).toISOString()));
    expect(minutesApart(59)).toEqual([]);
    expect(minutesApart(60)).toEqual([]);
    expect(minutesApart(-59)).toEqual([]);
    for (const minutes of [61, 90, -61]) {
      const finding = find(minutesApart(minutes), "cert-validity-vs-registered");
      expect(finding.severity, `${minutes} minutes`).toBe("medium");
      expect(finding.evidence).toContainEqual({ source: "JoinScope evaluation", field: "certRegistrationToleranceMinutes", value: "60" });
    }
    expect(find(minutesApart(90), "cert-validity-vs-registered").title).toBe("Device certificate from another registration (1 h apart)");
  });

  it("is high only beyond 24 hours apart", () => {
    const certificateStart = Date.parse("2024-11-05T08:12:40.000Z");
    const severityAt = (ms: number) => find(run(entra(new Date(certificateStart + ms).toISOString())), "cert-validity-vs-registered").severity;
    expect(severityAt(24 * 3_600_000)).toBe("medium");
    expect(severityAt(24 * 3_600_000 + 60_000)).toBe("high");
  });

  it("falls back to 60 minutes for a tolerance that is not a positive number", () => {
    const at61 = entra(hoursAfter("2024-11-05T08:12:40.000Z", 61 / 60));
    const at59 = entra(hoursAfter("2024-11-05T08:12:40.000Z", 59 / 60));
    for (const certRegistrationToleranceMinutes of [0, -30, Number.NaN]) {
      expect(ruleIds(run(at61, { certRegistrationToleranceMinutes }))).toEqual(["cert-validity-vs-registered"]);
      expect(run(at59, { certRegistrationToleranceMinutes })).toEqual([]);
    }
    expect(run(at61, { certRegistrationToleranceMinutes: 62 })).toEqual([]);
  });

  it("respects a configured tolerance and stays info when the directory holds the same certificate", () => {
    expect(run(entra(hoursAfter("2024-11-05T08:12:40.000Z", 3)), { certRegistrationToleranceMinutes: 240 })).toEqual([]);
    const same = run(entra(hoursAfter("2024-11-05T08:12:40.000Z", 3), "0BF36D245A124205D42B7FBCA6B6AB65A5B06A3C"));
    expect(find(same, "cert-validity-vs-registered").severity).toBe("info");
  });
});

describe("pending-registration", () => {
  const pending = (syncedDaysAgo: number, parsed = makePendingHybridReport()) =>
    makeDeviceSubject({
      report: makeSubjectReport({ parsed, hostname: "PC-0200", objectGuid: PENDING_OBJECT_GUID, computerDn: null }),
      directory: makePendingObject({ onPremisesLastSyncDateTime: daysBefore(syncedDaysAgo) }),
    });

  const pendingFor = (ms: number) =>
    makeDeviceSubject({
      report: makeSubjectReport({ parsed: makePendingHybridReport(), hostname: "PC-0200", objectGuid: PENDING_OBJECT_GUID, computerDn: null }),
      directory: makePendingObject({ onPremisesLastSyncDateTime: new Date(Date.parse(DEVICE_NOW) - ms).toISOString() }),
    });
  const HOUR = 3_600_000;

  // Issue 26: a Pending object 4 hours old is a join in progress, not a failed join.
  it("calls a Pending object younger than a day a join in progress (info), the domain-only report too", () => {
    for (const age of [4 * HOUR, 24 * HOUR - 60_000]) {
      const findings = run(pendingFor(age));
      expect(ruleIds(findings)).toEqual(["not-joined", "pending-registration"]);
      expect(aboveInfo(findings), `${age / HOUR} h`).toEqual([]);
      expect(find(findings, "pending-registration").title).toBe("Hybrid join in progress (object Pending)");
      expect(find(findings, "not-joined").explanation).toContain("Expected for now: Entra Connect synced the computer on");
    }
    expect(find(run(pendingFor(4 * HOUR)), "pending-registration").explanation).toMatch(/^Entra Connect synced this computer 4 h ago and/);
  });

  it("stops calling it in progress after exactly a day, and calls it high after exactly 7 days", () => {
    const day = run(pendingFor(24 * HOUR));
    expect(find(day, "pending-registration")).toMatchObject({ severity: "medium", title: "Hybrid join pending for 24 h" });
    expect(find(day, "not-joined").severity).toBe("high");
    expect(find(run(pendingFor(7 * 24 * HOUR - 60_000)), "pending-registration").severity).toBe("medium");
    expect(find(run(pendingFor(7 * 24 * HOUR)), "pending-registration").severity).toBe("high");
  });

  it("is medium, age unknown, when neither a sync time nor a creation is known", () => {
    const subject = makeDeviceSubject({ report: null, lastReportAt: DEVICE_NOW, directory: makePendingObject({ onPremisesLastSyncDateTime: null }) });
    expect(find(run(subject), "pending-registration")).toMatchObject({ severity: "medium", title: "Hybrid join pending (age unknown)" });
    const created = makeDeviceSubject({
      ...subject,
      history: [{ kind: "created", at: new Date(Date.parse(DEVICE_NOW) - 4 * HOUR).toISOString(), detail: null }],
    });
    expect(find(run(created), "pending-registration").severity).toBe("info");
  });

  it("grows with age: medium under 7 days, high after", () => {
    const medium = run(pending(3));
    expect(ruleIds(medium)).toEqual(["not-joined", "pending-registration"]);
    expect(find(medium, "pending-registration").severity).toBe("medium");
    expect(find(medium, "not-joined").severity).toBe("high");
    expect(find(run(pending(10)), "pending-registration").severity).toBe("high");
  });

  it("is high at once when the device says it is joined with this deviceId", () => {
    const parsed = makeReport({ deviceId: PENDING_OBJECT_GUID });
    const subject = makeDeviceSubject({
      report: makeSubjectReport({ parsed }),
      directory: makePendingObject({ onPremisesLastSyncDateTime: "2025-03-09T13:00:00.000Z" }),
    });
    const findings = run(subject);
    expect(ruleIds(findings)).toEqual(["pending-registration"]);
    expect(find(findings, "pending-registration").severity).toBe("high");
  });
});

describe("stale-device", () => {
  const silentObject = (overrides: Parameters<typeof makeEntraObject>[0]) =>
    makeDeviceSubject({ report: null, lastReportAt: null, directory: makeEntraObject(overrides) });

  it("fires low past the threshold and explains the 14-day granularity", () => {
    const findings = run(silentObject({ approximateLastSignInDateTime: daysBefore(120) }));
    expect(ruleIds(findings)).toEqual(["stale-device"]);
    const finding = find(findings, "stale-device");
    expect(finding.severity).toBe("low");
    expect(finding.explanation).toContain("14 days");
    // Autopilot registrations are never to be deleted.
    expect(finding.remediation.join("\n")).toContain("Autopilot");
  });

  it("never uses a threshold under 21 days", () => {
    expect(ruleIds(run(silentObject({ approximateLastSignInDateTime: daysBefore(15) }), { staleThresholdDays: 10, tenantHasAgents: false }))).toEqual([]);
    expect(ruleIds(run(silentObject({ approximateLastSignInDateTime: daysBefore(25) }), { staleThresholdDays: 10, tenantHasAgents: false }))).toEqual([
      "stale-device",
    ]);
  });

  it("counts a null sign-in only without a report, on an object registered before the threshold", () => {
    expect(ruleIds(run(silentObject({ approximateLastSignInDateTime: null, registrationDateTime: daysBefore(200) }), { tenantHasAgents: false }))).toEqual([
      "stale-device",
    ]);
    expect(ruleIds(run(silentObject({ approximateLastSignInDateTime: null, registrationDateTime: daysBefore(5) }), { tenantHasAgents: false }))).toEqual([]);
    const reporting = makeDeviceSubject({ directory: makeDirectoryObject({ approximateLastSignInDateTime: null }) });
    expect(run(reporting)).toEqual([]);
  });

  it("does not call a machine that still reports stale", () => {
    expect(ruleIds(run(makeDeviceSubject({ directory: makeDirectoryObject({ approximateLastSignInDateTime: daysBefore(120) }) })))).not.toContain(
      "stale-device",
    );
  });
});

// Active joined devices refresh approximateLastSignInDateTime every 14 (±5) days
// (https://learn.microsoft.com/entra/identity/devices/manage-stale-devices).
describe("stale-while-active", () => {
  it("fires medium when a reporting machine's object has not signed in within the threshold", () => {
    const findings = run(makeDeviceSubject({ directory: makeDirectoryObject({ approximateLastSignInDateTime: daysBefore(120) }) }));
    expect(ruleIds(findings)).toEqual(["stale-while-active"]);
    const finding = find(findings, "stale-while-active");
    expect(finding.severity).toBe("medium");
    expect(finding.explanation).toContain("authenticating as another device object");
    expect(finding.explanation).toContain("would disable this one while it is in use");
    expect(finding.remediation[0]).toMatch(/^Exclude this device from stale-device clean-up/);
  });

  it("is silent within the threshold, without a sign-in time, for a silent machine, and for a Pending object", () => {
    expect(run(makeDeviceSubject({ directory: makeDirectoryObject({ approximateLastSignInDateTime: daysBefore(60) }) }))).toEqual([]);
    expect(run(makeDeviceSubject({ directory: makeDirectoryObject({ approximateLastSignInDateTime: null }) }))).toEqual([]);
    const silent = makeDeviceSubject({ report: null, lastReportAt: null, directory: makeEntraObject({ approximateLastSignInDateTime: daysBefore(120) }) });
    expect(ruleIds(run(silent))).not.toContain("stale-while-active");
  });

  it("advises AD, not a cloud delete, for a synced object", () => {
    const subject = makeDeviceSubject({ report: null, lastReportAt: null, directory: makeDirectoryObject({ approximateLastSignInDateTime: daysBefore(120) }) });
    const finding = find(run(subject), "stale-device");
    expect(finding.remediation.join("\n")).toContain("in Active Directory");
    expect(finding.remediation.join("\n")).not.toContain("Then delete the object");
  });
});

describe("duplicate-device", () => {
  const older = makeDirectoryObject({
    objectId: "0a0a0a0a-0000-4000-8000-000000000002",
    deviceId: "22222222-3333-4444-8555-666666666666",
    registrationDateTime: "2023-06-01T09:00:00.000Z",
    approximateLastSignInDateTime: "2024-10-01T09:00:00.000Z",
    onPremisesSyncEnabled: false,
    hasBitlockerKeys: null,
  });

  it("names the live object (the report's deviceId) and lists the others", () => {
    const findings = run(makeDeviceSubject({ otherObjects: [older] }));
    expect(ruleIds(findings)).toEqual(["duplicate-device"]);
    const finding = find(findings, "duplicate-device");
    expect(finding.severity).toBe("medium");
    expect(finding.explanation).toContain("object f1e2d3c4-b5a6-4798-8a9b-0c1d2e3f4a5b (ServerAd) is the live one");
    expect(
      finding.evidence.some(
        (item) => item.source.includes(older.objectId) && item.field === "same [HWID]" && item.value!.includes("registered 2023-06-01 09:00 UTC"),
      ),
    ).toBe(true);
    expect(finding.remediation.join("\n")).toContain(
      "Also check whether Microsoft Entra ID holds BitLocker recovery keys for deviceId 22222222-3333-4444-8555-666666666666",
    );
  });

  it("reports the dual state (ServerAd + Workplace)", () => {
    const workplace = makeRegisteredObject({
      objectId: "0b0b0b0b-0000-4000-8000-000000000003",
      deviceId: "33333333-4444-4555-8666-777777777777",
      displayName: "PC-0142",
      hardwareId: null,
      physicalIds: [],
    });
    const finding = find(run(makeDeviceSubject({ otherObjects: [workplace] })), "duplicate-device");
    expect(finding.title).toBe("Hybrid joined and registered (dual state)");
    expect(finding.remediation.join("\n")).toContain("BlockAADWorkplaceJoin");
  });

  it("does not take a phone's or a Mac's name for its identity", () => {
    const phone = (objectId: string, hardwareId: string | null) =>
      makeRegisteredObject({
        objectId,
        deviceId: objectId.replace("0c0c0c0c", "4c4c4c4c"),
        displayName: "iPhone",
        operatingSystem: "iOS",
        hardwareId,
        physicalIds: [],
      });
    const mine = phone("0c0c0c0c-0000-4000-8000-000000000004", "HW-PHONE-1");
    const namesake = phone("0c0c0c0c-0000-4000-8000-000000000005", null);
    const subject = makeDeviceSubject({ report: null, lastReportAt: null, directory: mine, otherObjects: [namesake] });
    expect(ruleIds(run(subject))).not.toContain("duplicate-device");
    // The same pair as Windows computers is one machine.
    const windows = { ...namesake, operatingSystem: "Windows" };
    const pc = makeDeviceSubject({ report: null, lastReportAt: null, directory: { ...mine, operatingSystem: "Windows" }, otherObjects: [windows] });
    expect(ruleIds(run(pc))).toContain("duplicate-device");
  });

  it("ignores deleted objects and same-name objects with another hardware id", () => {
    const deleted = { ...older, deletedAt: "2025-01-01T00:00:00.000Z", deletedReason: "deleted" };
    const namesake = { ...older, hardwareId: "9999999999999999" };
    expect(run(makeDeviceSubject({ otherObjects: [deleted, namesake] }))).toEqual([]);
  });
});

describe("silent-device", () => {
  it("fires low when a joined object's machine has not reported for 3 agent intervals", () => {
    const subject = makeDeviceSubject({ report: null, lastReportAt: daysBefore(2) });
    const findings = run(subject);
    expect(ruleIds(findings)).toEqual(["silent-device"]);
    expect(find(findings, "silent-device").severity).toBe("low");
    expect(run(subject, { agentIntervalMinutes: 24 * 60 })).toEqual([]);
  });

  it("fires for a machine that never reported, only when the tenant has agents, never for registered devices", () => {
    expect(ruleIds(run(makeDeviceSubject({ report: null, lastReportAt: null })))).toEqual(["silent-device"]);
    expect(run(makeDeviceSubject({ report: null, lastReportAt: null }), { tenantHasAgents: false })).toEqual([]);
    expect(run(makeDeviceSubject({ report: null, lastReportAt: null, directory: makeRegisteredObject() }))).toEqual([]);
  });
});

describe("key backup wording", () => {
  const mismatch = (hasBitlockerKeys: boolean | null, hasLapsPassword: boolean | null) =>
    find(
      run(
        makeDeviceSubject({
          report: makeSubjectReport({ parsed: makeEntraReport(), hostname: "PC-0177", computerDn: null }),
          directory: makeEntraObject({ thumbprint: "1A2B3C4D5E6F708192A3B4C5D6E7F80910111213", hasBitlockerKeys, hasLapsPassword }),
        }),
      ),
      "thumbprint-mismatch",
    ).remediation;

  it("says nothing about BitLocker or LAPS when the object holds neither, but still that Intune follows the new object", () => {
    expect(mismatch(false, false).join("\n")).not.toMatch(/BitLocker|LAPS/);
    expect(mismatch(false, false).join("\n")).toContain("Intune record and its compliance follow the new object");
  });

  // Windows Autopilot objects ([ZTDID]) cannot be re-provisioned once deleted
  // (https://learn.microsoft.com/entra/identity/devices/manage-stale-devices).
  it("never advises deleting an Autopilot object", () => {
    const object = makeEntraObject({ physicalIds: ["[ZTDID]:1234567890abcdef", "[HWID]:h:6825"], deviceId: "4f1c9a7e-2b3d-4c5e-8f60-718293a4b5c6" });
    const steps = buildJoinRejoinSteps({ report: makeEntraReport({ deviceAuthStatus: "FAILED" }), object });
    expect(steps.some((step) => /^Delete the/.test(step))).toBe(false);
    expect(steps.join("\n")).toContain("Do not delete the old device object: it is a Windows Autopilot registration ([ZTDID])");
  });

  it("asks to check when unknown, and names what is held", () => {
    expect(mismatch(null, null)[0]).toMatch(/^Check whether Microsoft Entra ID holds BitLocker recovery keys or a LAPS password for deviceId 6e4cbe68/);
    expect(mismatch(true, false)[0]).toMatch(/^This object holds BitLocker recovery keys: back them up first — deleting the object deletes them/);
    expect(mismatch(false, true)[0]).toMatch(/^This object holds a LAPS password: back it up first/);
  });

  it("buildRejoinSteps still opens with the generic backup step this module replaces", () => {
    for (const report of [makeReport(), makeEntraReport(), makeRegisteredReport()]) {
      expect(buildRejoinSteps(report)[0]!.startsWith(GENERIC_BACKUP_PREFIX)).toBe(true);
    }
  });
});

describe("evaluateDeviceRules determinism and catalogue", () => {
  function busySubject(): DeviceSubject {
    return makeDeviceSubject({
      report: makeSubjectReport({
        parsed: makeDeletedObjectReport({ tpmProtected: false }),
        computerDn: "CN=PC-0142,OU=Staging,OU=Corp,DC=corp,DC=contoso,DC=com",
        events: [
          makeEvent({ id: 1081, time: "2025-03-09T12:00:00.000Z", message: "AADSTS50155: Device authentication failed" }),
          makeEvent({ id: 1098, time: "2025-03-09T12:01:00.000Z", message: "Error: 0xCAA5001C Token broker operation failed" }),
          makeEvent({ id: 1084, time: "2025-03-09T11:59:00.000Z", message: "Network sub-error 0x80072ee2" }),
        ],
      }),
      directory: makeDirectoryObject({ deletedAt: "2025-03-09T10:00:00.000Z", deletedReason: "deleted" }),
      history: [
        { kind: "created", at: "2024-11-05T08:42:41.000Z", detail: null },
        { kind: "disabled", at: "2025-03-01T08:00:00.000Z", detail: null },
        { kind: "deleted", at: "2025-03-09T10:00:00.000Z", detail: { reason: "deleted", displayName: "PC-0142" } },
        { kind: "enabled", at: "2025-03-02T08:00:00.000Z", detail: null },
      ],
      otherObjects: [
        makeDirectoryObject({ objectId: "0c0c0c0c-0000-4000-8000-000000000004", deviceId: "44444444-5555-4666-8777-888888888888" }),
        makeRegisteredObject({ objectId: "0d0d0d0d-0000-4000-8000-000000000005", displayName: "PC-0142", hardwareId: null }),
      ],
      candidates: [
        makeDirectoryObject({ objectId: "0c0c0c0c-0000-4000-8000-000000000004", deviceId: "44444444-5555-4666-8777-888888888888" }),
        makeEntraObject({ objectId: "0e0e0e0e-0000-4000-8000-000000000006", deviceId: "55555555-6666-4777-8888-999999999999", displayName: "PC-0142" }),
      ],
    });
  }

  it("gives deep-equal findings twice and for any array order, the primary first, then by severity, rule, title", () => {
    const subject = busySubject();
    const settings = makeDeviceSettings();
    const first = evaluateDeviceRules(subject, settings);
    expect(first.length).toBeGreaterThan(3);
    expect(evaluateDeviceRules(subject, settings)).toEqual(first);
    expect(evaluateDeviceRules(busySubject(), settings)).toEqual(first);
    const rotate = <T>(items: T[]) => [...items.slice(1), ...items.slice(0, 1)];
    const shuffled: DeviceSubject = {
      ...subject,
      history: rotate([...subject.history].reverse()),
      otherObjects: [...subject.otherObjects].reverse(),
      candidates: [...subject.candidates].reverse(),
      report: { ...subject.report!, events: rotate([...(subject.report!.events ?? [])].reverse()) },
    };
    expect(evaluateDeviceRules(shuffled, settings)).toEqual(first);
    const order = { critical: 0, high: 1, medium: 2, low: 3, info: 4 };
    const pointsTo = first.find((f) => f.remediation[0]?.startsWith("Fix the primary cause first"));
    const rest = pointsTo ? first.slice(1) : first;
    const keys = rest.map((finding) => `${order[finding.severity]}|${finding.rule}|${finding.title}`);
    expect(keys).toEqual([...keys].sort());
    // the input is not mutated
    expect(subject).toEqual(busySubject());
  });

  it("lists every join rule once with stable ids", () => {
    expect(JOIN_RULES.map((rule) => rule.id).sort()).toEqual([
      "alt-security-ids-missing",
      "cert-validity-vs-registered",
      "duplicate-device",
      "object-deleted",
      "object-disabled",
      "out-of-sync-scope",
      "pending-registration",
      "silent-device",
      "stale-device",
      "stale-while-active",
      "thumbprint-mismatch",
    ]);
  });
});

// One root cause, one remediation (docs/domain.md, "Re-joining safely").
describe("the primary finding", () => {
  it("a deleted hybrid device: object-deleted first and alone carries the re-join; the others point to it", () => {
    const subject = deletedHybridSubject();
    const findings = run(subject);
    expect(ruleIds(findings)).toEqual(["device-auth-failed", "object-deleted", "prt-missing"]);
    expect(findings[0]!.rule).toBe("object-deleted");
    const withRejoin = findings.filter((f) => f.remediation.some((step) => /dsregcmd \/leave/.test(step)));
    expect(withRejoin.map((f) => f.rule)).toEqual(["object-deleted"]);
    for (const rule of ["device-auth-failed", "prt-missing"]) {
      expect(find(findings, rule).remediation).toEqual([
        `Fix the primary cause first: "${findings[0]!.title}" (object-deleted). Its steps resolve this finding too; nothing else is needed for it.`,
      ]);
    }
  });

  it("a disabled object explains the failed device authentication; an unrelated finding keeps its own steps", () => {
    const subject = makeDeviceSubject({
      report: makeSubjectReport({ parsed: makeReport({ deviceAuthStatus: "FAILED", azureAdPrt: false, aadsts: "AADSTS135011", tpmProtected: false }) }),
      directory: makeDirectoryObject({ accountEnabled: false }),
    });
    const findings = run(subject);
    expect(findings[0]!.rule).toBe("object-disabled");
    expect(find(findings, "device-auth-failed").remediation[0]).toMatch(/^Fix the primary cause first: .*\(object-disabled\)/);
    expect(find(findings, "tpm-not-protected").remediation[0]).not.toMatch(/^Fix the primary cause first/);
  });

  it("reads the SYSTEM capture's DeviceAuthStatus when the user's capture shows none failing", () => {
    const systemParsed = makeReport({ executingAccount: "NT AUTHORITY\\SYSTEM", deviceAuthStatus: "FAILED", azureAdPrt: false });
    const findings = run(makeDeviceSubject({ report: makeSubjectReport({ systemParsed }) }));
    expect(find(findings, "device-auth-failed").evidence).toContainEqual({
      source: "dsregcmd /status (SYSTEM capture) · Device Details",
      field: "DeviceAuthStatus",
      value: "FAILED. Device is either disabled or deleted",
    });
  });

  it("changes nothing for a device with one finding", () => {
    const subject = makeDeviceSubject({ directory: makeDirectoryObject({ accountEnabled: false }) });
    expect(find(run(subject), "object-disabled").remediation[0]).not.toMatch(/^Fix the primary cause first/);
  });
});
