import { describe, expect, it } from "vitest";
import { buildRejoinSteps, isFederated, NEW_OBJECT_WARNING, NEW_OBJECT_WARNING_NO_KEYS } from "@/lib/rules/build-rejoin-steps";
import { HEALTHY_HYBRID, makeEntraReport, makeRegisteredReport, makeReport } from "@/lib/rules/testing/make-report";

const INTUNE =
  "the Intune record and its compliance follow the new object, so Conditional Access that requires a compliant device blocks it until the device checks in with Intune again.";
const BACKUP = (label: string) =>
  `Before changing anything, export the BitLocker recovery keys and the LAPS password stored in Microsoft Entra ID for ${label}: deleting the object destroys them.`;
const RECHECK = "Capture `dsregcmd /status` again in the user's session and confirm `DeviceAuthStatus : SUCCESS` and `AzureAdPrt : YES`.";
const REGISTERED_STEPS = (label: string) => [
  `Before changing anything, export any BitLocker recovery keys stored in Microsoft Entra ID for ${label}.`,
  "In the user's session open Settings › Accounts › Access work or school, select the work account and choose Disconnect.",
  "Run `dsregcmd /status` as the user and confirm `WorkplaceJoined : NO`.",
  "Delete the leftover registered device object in Microsoft Entra ID.",
  "Add the work account again under Access work or school › Connect and sign in.",
  "Capture `dsregcmd /status` again in the user's session and confirm `WorkplaceJoined : YES`, then check that a live device object with the new DeviceId exists in Microsoft Entra ID.",
  NEW_OBJECT_WARNING,
];
const PENDING_STEP =
  "On the Entra Connect server run `Start-ADSyncSyncCycle -PolicyType Delta` until the device object shows as Pending, then restart and sign in once more: the device completes the registration.";
const FEDERATED_STEP =
  "Federated hybrid join has no Pending step: at that sign-in the device registers through AD FS directly; if it does not, check the AD FS WS-Trust endpoints and issuance rules.";
const HYBRID_STEPS = (label: string, completion: string) => [
  BACKUP(label),
  "If the object is disabled or out of Entra Connect's sync scope, fix that on the computer account in Active Directory (enable it, or move it into a synced OU), never on the cloud object: the next sync reverts a cloud-side change.",
  "Run `dsregcmd /leave` from an elevated prompt on the device, then `dsregcmd /status` and confirm `AzureAdJoined : NO`.",
  "Do not delete the synced hybrid object in Microsoft Entra ID: the next sync recreates it as Pending without a certificate and no cloud-side delete unregisters the client. Make changes to the computer object in Active Directory instead.",
  "Restart the device and sign in as the user: the Automatic-Device-Join task runs at logon and writes the new certificate to the computer account's userCertificate attribute.",
  completion,
  RECHECK,
];
const ENTRA_STEPS = (label: string) => [
  BACKUP(label),
  "On Windows 10 version 2004 or later, run `dsregcmd /forcerecovery` from an elevated prompt on the device, then have the user sign in with their work account when prompted: the device recovers its registration.",
  "Only if recovery is not available (older builds) or fails: make sure a local administrator account can sign in, run `dsregcmd /leave` elevated, confirm `AzureAdJoined : NO`, and join again under Settings › Accounts › Access work or school › Connect › Join this device to Microsoft Entra ID, then restart and sign in as the user.",
  "Delete the old device object in Microsoft Entra ID only after the device works with its new one and its keys are exported (it is cloud-only, so this is safe then).",
  NEW_OBJECT_WARNING,
  RECHECK,
];

const DEVICE = `deviceId ${HEALTHY_HYBRID.deviceId}`;

describe("buildRejoinSteps", () => {
  it("says what follows a new object, with and without keys to back up", () => {
    expect(NEW_OBJECT_WARNING).toBe(
      `The re-join creates a new device object: BitLocker recovery keys and the LAPS password must be backed up to it again, and ${INTUNE}`,
    );
    expect(NEW_OBJECT_WARNING_NO_KEYS).toBe(`The re-join creates a new device object: ${INTUNE}`);
  });

  it("re-joins a managed hybrid device through Entra Connect's Pending object, keys first", () => {
    expect(buildRejoinSteps(makeReport())).toEqual(HYBRID_STEPS(DEVICE, PENDING_STEP));
  });

  it("re-joins a domain-only computer (no DeviceId) the hybrid way, naming no registration", () => {
    const domainOnly = makeReport({ joinType: "domain", azureAdJoined: false, deviceId: null, azureAdPrt: false, workplaceJoined: false });
    expect(buildRejoinSteps(domainOnly)).toEqual(HYBRID_STEPS("this device's deviceId", PENDING_STEP));
    // A stored report whose DomainJoined line was lost still says hybrid.
    expect(buildRejoinSteps(makeReport({ domainJoined: null }))).toEqual(HYBRID_STEPS(DEVICE, PENDING_STEP));
  });

  it("has no Pending step for a federated hybrid device (AD FS enterprise PRT or AD FS endpoint)", () => {
    const adfsPrt = makeReport({ extra: { "SSO State": { EnterprisePrt: "YES", EnterprisePrtAuthority: "https://sts.contoso.com:443/adfs" } } });
    expect(buildRejoinSteps(adfsPrt)).toEqual(HYBRID_STEPS(DEVICE, FEDERATED_STEP));
    const adfsEndpoint = makeReport({ extra: { "SSO State": { "Endpoint URI": "https://sts.contoso.com/adfs/services/trust/13/usernamemixed" } } });
    expect(buildRejoinSteps(adfsEndpoint)).toEqual(HYBRID_STEPS(DEVICE, FEDERATED_STEP));
  });

  it("re-registers a registered device through Access work or school", () => {
    expect(buildRejoinSteps(makeRegisteredReport())).toEqual(REGISTERED_STEPS(DEVICE));
    expect(buildRejoinSteps(makeRegisteredReport({ deviceId: null }))).toEqual(REGISTERED_STEPS("this device's deviceId"));
    // dsregcmd printed no WorkplaceJoined line; the parser read the registration from the Work Account section.
    expect(buildRejoinSteps(makeRegisteredReport({ workplaceJoined: null }))).toEqual(REGISTERED_STEPS(DEVICE));
  });

  it("re-registers a domain computer that is only registered (a work account added) the registered way, not the hybrid way", () => {
    const registeredDomain = makeReport({ joinType: "domain", azureAdJoined: false, workplaceJoined: true, azureAdPrt: false });
    expect(buildRejoinSteps(registeredDomain)).toEqual(REGISTERED_STEPS(DEVICE));
  });

  it("recovers a Microsoft Entra joined device with dsregcmd /forcerecovery first", () => {
    expect(buildRejoinSteps(makeEntraReport())).toEqual(ENTRA_STEPS(DEVICE));
    // Joined and registered at once (a work account added on a joined device): joined wins.
    expect(buildRejoinSteps(makeEntraReport({ workplaceJoined: true }))).toEqual(ENTRA_STEPS(DEVICE));
  });
});

describe("isFederated", () => {
  it("is false for a managed device, whose EnterprisePrtAuthority is empty", () => {
    expect(isFederated(makeReport())).toBe(false);
    expect(isFederated(makeReport({ extra: { "SSO State": { "Endpoint URI": "https://login.microsoftonline.com/common/oauth2/token/" } } }))).toBe(false);
  });

  it("reads AD FS from the enterprise PRT's authority in any case, and only as a path segment", () => {
    expect(isFederated(makeReport({ extra: { "SSO State": { EnterprisePrtAuthority: "https://STS.CONTOSO.COM/ADFS" } } }))).toBe(true);
    expect(isFederated(makeReport({ extra: { "SSO State": { EnterprisePrtAuthority: "https://sts.contoso.com/adfsproxy" } } }))).toBe(false);
  });

  it("reads these lines from SSO State, not from another section's lines of the same name", () => {
    const report = makeReport({ extra: { "SSO State": { EnterprisePrtAuthority: "https://sts.contoso.com/adfs" } } });
    report.sections.unshift({
      name: "Work Account 1",
      fields: [
        { key: "EnterprisePrtAuthority", value: "" },
        { key: "Endpoint URI", value: "" },
      ],
    });
    expect(isFederated(report)).toBe(true);
    const byEndpoint = makeReport({ extra: { "SSO State": { "Endpoint URI": "https://sts.contoso.com/adfs/services/trust/2005/windowstransport" } } });
    byEndpoint.sections.unshift({ name: "Work Account 1", fields: [{ key: "Endpoint URI", value: "https://login.microsoftonline.com/common" }] });
    expect(isFederated(byEndpoint)).toBe(true);
  });
});
