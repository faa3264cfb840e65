/**
 * Every join rule's findings word for word (title, severity, explanation, each quoted line and each step) on the
 * subjects of join-rules.test.ts and their variants: the healthy hybrid sample and its objects
 * (lib/rules/testing), deleted, disabled, out of scope, Pending, stale, duplicated and silent. Each rule runs on the
 * input evaluateDeviceRules builds, without the consolidation of remediation across rules.
 */
import { describe, expect, it } from "vitest";
import type { DeviceRuleSettings, DeviceSubject } from "@/lib/rules/device-subject";
import { describeDeletion } from "@/lib/rules/join-rules/describe-deletion";
import { joinRules } from "@/lib/rules/join-rules/join-rule-list";
import {
  DEVICE_NOW,
  makeDeviceSubject,
  makeDirectoryObject,
  makeEntraObject,
  makePendingObject,
  makeRegisteredObject,
  makeSubjectReport,
  PENDING_OBJECT_GUID,
} from "@/lib/rules/testing/make-directory-object";
import { makeJoinRuleInput } from "@/lib/rules/testing/make-join-input";
import { makeDeletedObjectReport, makeEntraReport, makePendingHybridReport, makeRegisteredReport, makeReport } from "@/lib/rules/testing/make-report";
import type { Finding } from "@/lib/rules/types";

const DAY_MS = 86_400_000;
const daysBefore = (days: number, from = DEVICE_NOW) => new Date(Date.parse(from) - days * DAY_MS).toISOString();

/** Each join rule's own findings for a subject (the input evaluateDeviceRules builds), keyed by rule id, without the rules that stay quiet. */
function joinFindings(subject: DeviceSubject, overrides: Partial<DeviceRuleSettings> = {}): Record<string, Finding[]> {
  const input = makeJoinRuleInput(subject, overrides);
  const found: Record<string, Finding[]> = {};
  for (const rule of joinRules) {
    const findings = rule.evaluate(input);
    if (findings.length > 0) found[rule.id] = findings;
  }
  return found;
}

const OTHER_THUMBPRINT = "1A2B3C4D5E6F708192A3B4C5D6E7F80910111213";
/** An older object of the same machine (same [HWID]) left from an earlier registration. */
const olderObject = makeDirectoryObject({
  objectId: "0a0a0a0a-0000-4000-8000-000000000002",
  deviceId: "22222222-3333-4444-8555-666666666666",
  registrationDateTime: "2023-06-01T09:00:00.000Z",
  approximateLastSignInDateTime: "2024-10-01T09:00:00.000Z",
  onPremisesSyncEnabled: false,
  hasBitlockerKeys: null,
});

const cases: Record<string, { about: string; findings: () => Record<string, Finding[]> }> = {
  deletedByConnect: {
    about: "a hybrid object hard-deleted while synced, disabled the day before: Entra Connect",
    findings: () =>
      joinFindings(
        makeDeviceSubject({
          report: makeSubjectReport({ parsed: makeDeletedObjectReport() }),
          directory: makeDirectoryObject({ deletedAt: "2025-03-08T22:10:00.000Z", deletedReason: "deleted" }),
          history: [
            { kind: "disabled", at: "2025-03-07T22:10:00.000Z", detail: null },
            { kind: "deleted", at: "2025-03-08T22:10:00.000Z", detail: { reason: "deleted", displayName: "PC-0142" } },
          ],
        }),
      ),
  },
  deletedOutOfScope: {
    about: "a hybrid object deleted after its computer moved to an OU outside the sync scope",
    findings: () =>
      joinFindings(
        makeDeviceSubject({
          report: makeSubjectReport({ parsed: makeDeletedObjectReport(), computerDn: "CN=PC-0142,OU=Staging,OU=Corp,DC=corp,DC=contoso,DC=com" }),
          directory: makeDirectoryObject({ deletedAt: "2025-03-09T10:00:00.000Z", deletedReason: "missing-after-full-sync" }),
        }),
      ),
  },
  deletedByAdmin: {
    about: "a cloud-only Entra joined object deleted by an admin after a disable (the stale clean-up pattern)",
    findings: () =>
      joinFindings(
        makeDeviceSubject({
          report: makeSubjectReport({
            parsed: makeDeletedObjectReport({
              joinType: "entra",
              domainJoined: false,
              domainName: null,
              executingAccount: "AzureAD\\JohnDoe, john@contoso.com",
            }),
            hostname: "PC-0177",
            computerDn: null,
          }),
          directory: makeEntraObject({ deletedAt: "2025-03-09T09:00:00.000Z", deletedReason: "deleted", hasLapsPassword: false }),
          history: [
            { kind: "disabled", at: "2025-02-01T09:00:00.000Z", detail: null },
            { kind: "deleted", at: "2025-03-09T09:00:00.000Z", detail: { reason: "deleted" } },
          ],
        }),
      ),
  },
  softDeleted: {
    about: "a soft-deleted registered object, restorable for 30 days",
    findings: () =>
      joinFindings(
        makeDeviceSubject({
          report: makeSubjectReport({ parsed: makeRegisteredReport(), hostname: "PC-01", computerDn: null }),
          directory: makeRegisteredObject({ deletedAt: "2025-03-07T14:00:00.000Z", deletedReason: "changed" }),
        }),
      ),
  },
  softDeletedExpired: {
    about: "a soft-deleted registered object past its 30 days",
    findings: () =>
      joinFindings(
        makeDeviceSubject({
          report: makeSubjectReport({ parsed: makeRegisteredReport(), hostname: "PC-01", computerDn: null }),
          directory: makeRegisteredObject({ deletedAt: "2025-01-20T14:00:00.000Z", deletedReason: "changed" }),
        }),
      ),
  },
  neverSeen: {
    about: "no object ever seen, two other objects with the machine's name",
    findings: () =>
      joinFindings(
        makeDeviceSubject({
          report: makeSubjectReport({ parsed: makeDeletedObjectReport() }),
          directory: null,
          history: [{ kind: "deleted", at: "2025-03-01T10:00:00.000Z", detail: { reason: "missing-after-full-sync" } }],
          candidates: [
            makeDirectoryObject({
              objectId: "99999999-0000-4000-8000-000000000001",
              deviceId: "11111111-2222-4333-8444-555555555555",
              registrationDateTime: "2025-03-01T10:00:00.000Z",
            }),
            makeDirectoryObject({
              objectId: "99999999-0000-4000-8000-000000000002",
              deviceId: null,
              isPending: true,
              registrationDateTime: null,
              approximateLastSignInDateTime: null,
            }),
          ],
        }),
      ),
  },
  disabledInUse: {
    about: "a disabled synced object while the machine reports (AADSTS135011)",
    findings: () =>
      joinFindings(
        makeDeviceSubject({
          report: makeSubjectReport({ parsed: makeReport({ deviceAuthStatus: "FAILED", azureAdPrt: false, aadsts: "AADSTS135011" }) }),
          directory: makeDirectoryObject({ accountEnabled: false }),
          history: [{ kind: "disabled", at: "2025-03-09T13:00:00.000Z", detail: null }],
        }),
      ),
  },
  disabledEntra: {
    about: "a disabled cloud-only Entra joined object that still signed in recently, with no report",
    findings: () =>
      joinFindings(
        makeDeviceSubject({
          report: null,
          lastReportAt: null,
          directory: makeEntraObject({ accountEnabled: false, approximateLastSignInDateTime: daysBefore(10) }),
        }),
      ),
  },
  disabledInactive: {
    about: "a disabled, inactive cloud object with no report: the clean-up at work",
    findings: () =>
      joinFindings(
        makeDeviceSubject({
          report: null,
          lastReportAt: null,
          directory: makeEntraObject({ accountEnabled: false, approximateLastSignInDateTime: daysBefore(200) }),
        }),
      ),
  },
  outOfScope: {
    about: "a fresh DN under no synced container, the object still live",
    findings: () => joinFindings(makeDeviceSubject({ report: makeSubjectReport({ computerDn: "CN=PC-0142,OU=Staging,OU=Corp,DC=corp,DC=contoso,DC=com" }) })),
  },
  excludedOu: {
    about: "a DN in an excluded OU under a synced one",
    findings: () =>
      joinFindings(
        makeDeviceSubject({ report: makeSubjectReport({ computerDn: "CN=PC-0142,OU=Disabled Computers,OU=Workstations,OU=Corp,DC=corp,DC=contoso,DC=com" }) }),
      ),
  },
  outOfScopeNotJoined: {
    about: "a domain-only computer out of scope, no object",
    findings: () =>
      joinFindings(
        makeDeviceSubject({
          report: makeSubjectReport({
            parsed: makePendingHybridReport({ deviceName: "PC-0200.corp.contoso.com" }),
            hostname: "PC-0200",
            computerDn: "CN=PC-0200,OU=Kiosks,DC=corp,DC=contoso,DC=com",
          }),
          directory: null,
        }),
      ),
  },
  noCertificate: {
    about: "a registered-time object with no X509 key",
    findings: () => joinFindings(makeDeviceSubject({ directory: makeDirectoryObject({ hasX509: false, thumbprint: null }) })),
  },
  thumbprintMismatch: {
    about: "another thumbprint in the directory, registered two months after the certificate",
    findings: () =>
      joinFindings(makeDeviceSubject({ directory: makeDirectoryObject({ thumbprint: OTHER_THUMBPRINT, registrationDateTime: "2025-01-20T10:00:00.000Z" }) })),
  },
  thumbprintRotated: {
    about: "the directory's certificate changed after the report",
    findings: () =>
      joinFindings(
        makeDeviceSubject({
          directory: makeDirectoryObject({ thumbprint: OTHER_THUMBPRINT }),
          history: [{ kind: "cert-rotated", at: "2025-03-09T13:10:00.000Z", detail: null }],
        }),
      ),
  },
  thumbprintButAuthenticates: {
    about: "another thumbprint, but the device authenticated after the directory snapshot",
    findings: () =>
      joinFindings(makeDeviceSubject({ directory: makeDirectoryObject({ thumbprint: OTHER_THUMBPRINT }) }), { directorySyncedAt: "2025-03-09T10:00:00.000Z" }),
  },
  thumbprintUndecodable: {
    about: "an X509 key whose thumbprint cannot be read",
    findings: () => joinFindings(makeDeviceSubject({ directory: makeDirectoryObject({ thumbprint: null, hasX509: true }) })),
  },
  certValidityMedium: {
    about: "an Entra joined report with no Thumbprint line, its certificate 3 hours from the registration",
    findings: () =>
      joinFindings(
        makeDeviceSubject({
          report: makeSubjectReport({ parsed: makeEntraReport({ thumbprint: null }), hostname: "PC-0177", computerDn: null }),
          directory: makeEntraObject({ registrationDateTime: "2024-11-05T11:12:40.000Z" }),
        }),
      ),
  },
  certValiditySameCertificate: {
    about: "the certificate 3 days from the registration, but the directory holds this very certificate",
    findings: () => joinFindings(makeDeviceSubject({ directory: makeDirectoryObject({ registrationDateTime: "2024-11-08T08:12:40.000Z" }) })),
  },
  pendingInProgress: {
    about: "a Pending object synced 3 hours ago, its domain-only report",
    findings: () =>
      joinFindings(
        makeDeviceSubject({
          report: makeSubjectReport({ parsed: makePendingHybridReport(), hostname: "PC-0200", objectGuid: PENDING_OBJECT_GUID, computerDn: null }),
          directory: makePendingObject(),
        }),
      ),
  },
  pendingForDays: {
    about: "a Pending object known only from its created change 3 days ago",
    findings: () =>
      joinFindings(
        makeDeviceSubject({
          report: null,
          lastReportAt: null,
          directory: makePendingObject({ onPremisesLastSyncDateTime: null }),
          history: [{ kind: "created", at: daysBefore(3), detail: null }],
        }),
      ),
  },
  pendingAgeUnknown: {
    about: "a Pending object of unknown age",
    findings: () => joinFindings(makeDeviceSubject({ report: null, lastReportAt: null, directory: makePendingObject({ onPremisesLastSyncDateTime: null }) })),
  },
  pendingWhileJoined: {
    about: "a Pending object while the device says it is joined with this deviceId",
    findings: () =>
      joinFindings(
        makeDeviceSubject({
          report: makeSubjectReport({ parsed: makeDeletedObjectReport() }),
          directory: makePendingObject({ deviceId: "6e4cbe68-588b-499c-8c04-dcfff140a1ca", onPremisesLastSyncDateTime: daysBefore(10) }),
        }),
      ),
  },
  staleSynced: {
    about: "a synced hybrid object inactive for 120 days, no report",
    findings: () =>
      joinFindings(makeDeviceSubject({ report: null, lastReportAt: null, directory: makeDirectoryObject({ approximateLastSignInDateTime: daysBefore(120) }) })),
  },
  staleAutopilot: {
    about: "a disabled Autopilot object with no sign-in since its registration",
    findings: () =>
      joinFindings(
        makeDeviceSubject({
          report: null,
          lastReportAt: null,
          directory: makeEntraObject({ accountEnabled: false, approximateLastSignInDateTime: null, registrationDateTime: daysBefore(300), isManaged: false }),
        }),
        {
          staleThresholdDays: 60,
        },
      ),
  },
  staleRegistered: {
    about: "a registered personal PC inactive for 100 days",
    findings: () =>
      joinFindings(
        makeDeviceSubject({ report: null, lastReportAt: null, directory: makeRegisteredObject({ approximateLastSignInDateTime: daysBefore(100) }) }),
      ),
  },
  staleWhileActive: {
    about: "a reporting machine whose object has not signed in for 120 days",
    findings: () => joinFindings(makeDeviceSubject({ directory: makeDirectoryObject({ approximateLastSignInDateTime: daysBefore(120) }) })),
  },
  duplicate: {
    about: "two objects with the machine's [HWID], the live one named by the report",
    findings: () => joinFindings(makeDeviceSubject({ otherObjects: [olderObject] })),
  },
  duplicateWithoutReport: {
    about: "three objects of a machine that has not reported: the latest sign-in is most likely current",
    findings: () =>
      joinFindings(
        makeDeviceSubject({
          report: null,
          lastReportAt: "2025-03-09T12:31:00.000Z",
          otherObjects: [
            olderObject,
            makeEntraObject({
              objectId: "0a0a0a0a-0000-4000-8000-000000000009",
              displayName: "pc-0142.corp.contoso.com",
              hardwareId: null,
              physicalIds: ["[ZTDID]:0f6b2d7e"],
              approximateLastSignInDateTime: "2025-03-05T09:00:00.000Z",
            }),
          ],
        }),
      ),
  },
  dualState: {
    about: "hybrid joined and registered by a user: the dual state",
    findings: () =>
      joinFindings(
        makeDeviceSubject({
          otherObjects: [
            makeRegisteredObject({
              objectId: "0b0b0b0b-0000-4000-8000-000000000003",
              deviceId: "33333333-4444-4555-8666-777777777777",
              displayName: "PC-0142",
              hardwareId: null,
              physicalIds: [],
            }),
            olderObject,
          ],
        }),
      ),
  },
  silentForDays: {
    about: "a joined object whose machine last reported 2 days ago",
    findings: () => joinFindings(makeDeviceSubject({ report: null, lastReportAt: daysBefore(2) })),
  },
  silentNever: {
    about: "a joined object whose machine never reported",
    findings: () => joinFindings(makeDeviceSubject({ report: null, lastReportAt: null })),
  },
};

/** The hybrid re-join of build-rejoin-steps.ts once the object is gone (after the key step): no leftover to fix or delete. */
const HYBRID_REJOIN_GONE = [
  "Run `dsregcmd /leave` from an elevated prompt on the device, then `dsregcmd /status` and confirm `AzureAdJoined : NO`.",
  "Do not delete the synced hybrid object Entra Connect creates next (it shows as Pending): the device completes its registration on it, and no cloud-side delete unregisters the client. Make changes to the computer object in Active Directory instead.",
  "Restart the device and sign in as the user: the Automatic-Device-Join task runs at logon and writes the new certificate to the computer account's userCertificate attribute.",
  "On the Entra Connect server run `Start-ADSyncSyncCycle -PolicyType Delta` until the device object shows as Pending, then restart and sign in once more: the device completes the registration.",
  "Capture `dsregcmd /status` again in the user's session and confirm `DeviceAuthStatus : SUCCESS` and `AzureAdPrt : YES`.",
];
/** The hybrid re-join of build-rejoin-steps.ts for an object that still exists (after the key step). */
const HYBRID_REJOIN = [
  "If the object is disabled or out of Entra Connect's sync scope, fix that on the computer account in Active Directory (enable it, or move it into a synced OU), never on the cloud object: the next sync reverts a cloud-side change.",
  "Run `dsregcmd /leave` from an elevated prompt on the device, then `dsregcmd /status` and confirm `AzureAdJoined : NO`.",
  "Do not delete the synced hybrid object in Microsoft Entra ID: the next sync recreates it as Pending without a certificate and no cloud-side delete unregisters the client. Make changes to the computer object in Active Directory instead.",
  "Restart the device and sign in as the user: the Automatic-Device-Join task runs at logon and writes the new certificate to the computer account's userCertificate attribute.",
  "On the Entra Connect server run `Start-ADSyncSyncCycle -PolicyType Delta` until the device object shows as Pending, then restart and sign in once more: the device completes the registration.",
  "Capture `dsregcmd /status` again in the user's session and confirm `DeviceAuthStatus : SUCCESS` and `AzureAdPrt : YES`.",
];
/** pending-registration's steps, whatever the object's age. */
const PENDING_STEPS = [
  "Restart the device and sign in with a domain account while it can reach a domain controller: the Automatic-Device-Join task runs at logon and completes the registration.",
  "If it stays Pending, run `dsregcmd /status` on the device as SYSTEM (the JoinScope agent's SYSTEM capture) and read the pre-join Diagnostic Data, and the User Device Registration Admin events 304, 305 and 307, for the failing phase.",
  "Check the device reaches enterpriseregistration.windows.net, login.microsoftonline.com and device.login.microsoftonline.com in the SYSTEM context (`netsh winhttp show proxy`). An authenticating proxy is supported when the computer can authenticate to it silently in the SYSTEM context; only TLS inspection of these endpoints must be avoided.",
  "Do not delete the Pending object in Microsoft Entra ID: it is synced, and the next Entra Connect sync would create it again.",
];
/** The lines that make an object Pending, as pending-registration quotes them. */
const pendingObjectEvidence = (lastSync: string | null) => [
  { source: "Entra ID device object", field: "trustType", value: "ServerAd" },
  { source: "Entra ID device object", field: "registrationDateTime", value: null },
  { source: "Entra ID device object", field: "alternativeSecurityIds", value: "no X509: key" },
  { source: "Entra ID device object", field: "onPremisesLastSyncDateTime", value: lastSync },
];
/** silent-device's finding for a hybrid object whose machine never reported (240-minute agent interval). */
const neverReported = (lastSignIn: string | null): Finding => ({
  rule: "silent-device",
  severity: "low",
  title: "No report from this device yet",
  explanation:
    "The JoinScope agent has never reported from this machine, although it is expected every 240 minutes and other machines of the tenant do report. JoinScope cannot check it against its dsregcmd output; this alone says nothing about Conditional Access.",
  evidence: [
    { source: "JoinScope agent", field: "last report", value: null },
    { source: "JoinScope evaluation", field: "agentIntervalMinutes", value: "240" },
    { source: "Entra ID device object", field: "approximateLastSignInDateTime", value: lastSignIn },
    { source: "Entra ID device object", field: "trustType", value: "ServerAd" },
  ],
  remediation: [
    "Check the machine is on and connected (its last sign-in time above, Intune's last check-in).",
    "Check the JoinScope agent is installed and its scheduled task runs (Task Scheduler, last run result), and that the machine can reach JoinScope's URL through its proxy.",
    "If the agent's token was revoked or rotated, reinstall the agent with a current token.",
  ],
});

const expected: Record<keyof typeof cases, Record<string, Finding[]>> = {
  deletedByConnect: {
    "object-deleted": [
      {
        rule: "object-deleted",
        severity: "critical",
        title: "Device object deleted, most likely by Entra Connect",
        explanation:
          'dsregcmd still says `AzureAdJoined : YES` with DeviceId 6e4cbe68-588b-499c-8c04-dcfff140a1ca, but Microsoft Entra ID has no live object with that deviceId. JoinScope noticed it gone on 2025-03-08 22:10 UTC. The device keeps its local registration, so device authentication fails (AADSTS50155 / 700003), no PRT carries the deviceid claim and Conditional Access shows "Device State: Unregistered". Most likely Azure AD Connect (Microsoft Entra Connect): the computer left the sync scope, or its userCertificate was removed.',
        evidence: [
          { source: "dsregcmd /status · Device Details", field: "DeviceId", value: "6e4cbe68-588b-499c-8c04-dcfff140a1ca" },
          { source: "dsregcmd /status · Device State", field: "AzureAdJoined", value: "YES" },
          { source: "dsregcmd /status · Device Details", field: "DeviceAuthStatus", value: "FAILED. Device is either disabled or deleted" },
          { source: "Entra ID device object (deleted)", field: "objectId", value: "f1e2d3c4-b5a6-4798-8a9b-0c1d2e3f4a5b" },
          { source: "Entra ID device object (deleted)", field: "deletedAt (noticed by JoinScope)", value: "2025-03-08T22:10:00.000Z" },
          { source: "Entra ID device object (deleted)", field: "deletedReason", value: "deleted" },
          { source: "JoinScope directory history · 2025-03-07T22:10:00.000Z", field: "disabled", value: "accountEnabled = false" },
          { source: "Entra ID device object (deleted)", field: "onPremisesSyncEnabled", value: "true" },
          { source: "Entra ID device object (deleted)", field: "trustType", value: "ServerAd" },
        ],
        remediation: [
          "Find out why Entra Connect stopped syncing the computer: check its OU in Active Directory against Connect's domain and OU filtering, and that its userCertificate attribute is still populated. Move it back (or fix the filter) in Active Directory; the next sync creates a new Pending object for it.",
          "The deleted object held BitLocker recovery keys (and a LAPS password), which the delete removed from Microsoft Entra ID: before the re-join, confirm a recovery key is available elsewhere (`manage-bde -protectors -get C:` on the device), and afterwards back it up again (`BackupToAAD-BitLockerKeyProtector`) and let Windows LAPS back up a new password (`Invoke-LapsPolicyProcessing`).",
          ...HYBRID_REJOIN_GONE,
        ],
      },
    ],
  },
  deletedOutOfScope: {
    "object-deleted": [
      {
        rule: "object-deleted",
        severity: "critical",
        title: "Device object deleted, most likely by Entra Connect",
        explanation:
          "dsregcmd still says `AzureAdJoined : YES` with DeviceId 6e4cbe68-588b-499c-8c04-dcfff140a1ca, but Microsoft Entra ID has no live object with that deviceId. JoinScope noticed it gone on 2025-03-09 10:00 UTC. The device keeps its local registration, so device authentication fails (AADSTS50155 / 700003), no PRT carries the deviceid claim and Conditional Access shows \"Device State: Unregistered\". Most likely Azure AD Connect (Microsoft Entra Connect): the computer left the sync scope, or its userCertificate was removed. JoinScope noticed it missing after a full resync (the delta token had expired), so the deletion happened some time before 2025-03-09 10:00 UTC. The computer's DN (CN=PC-0142,OU=Staging,OU=Corp,DC=corp,DC=contoso,DC=com) is outside Entra Connect's sync scope, which explains the deletion.",
        evidence: [
          { source: "dsregcmd /status · Device Details", field: "DeviceId", value: "6e4cbe68-588b-499c-8c04-dcfff140a1ca" },
          { source: "dsregcmd /status · Device State", field: "AzureAdJoined", value: "YES" },
          { source: "dsregcmd /status · Device Details", field: "DeviceAuthStatus", value: "FAILED. Device is either disabled or deleted" },
          { source: "Entra ID device object (deleted)", field: "objectId", value: "f1e2d3c4-b5a6-4798-8a9b-0c1d2e3f4a5b" },
          { source: "Entra ID device object (deleted)", field: "deletedAt (noticed by JoinScope)", value: "2025-03-09T10:00:00.000Z" },
          { source: "Entra ID device object (deleted)", field: "deletedReason", value: "missing-after-full-sync" },
          { source: "Entra ID device object (deleted)", field: "onPremisesSyncEnabled", value: "true" },
          { source: "Entra ID device object (deleted)", field: "trustType", value: "ServerAd" },
          { source: "JoinScope agent · Group Policy state", field: "Distinguished-Name", value: "CN=PC-0142,OU=Staging,OU=Corp,DC=corp,DC=contoso,DC=com" },
        ],
        remediation: [
          "Find out why Entra Connect stopped syncing the computer: check its OU in Active Directory against Connect's domain and OU filtering, and that its userCertificate attribute is still populated. Move it back (or fix the filter) in Active Directory; the next sync creates a new Pending object for it.",
          "The deleted object held BitLocker recovery keys (and a LAPS password), which the delete removed from Microsoft Entra ID: before the re-join, confirm a recovery key is available elsewhere (`manage-bde -protectors -get C:` on the device), and afterwards back it up again (`BackupToAAD-BitLockerKeyProtector`) and let Windows LAPS back up a new password (`Invoke-LapsPolicyProcessing`).",
          ...HYBRID_REJOIN_GONE,
        ],
      },
    ],
    "out-of-sync-scope": [
      {
        rule: "out-of-sync-scope",
        severity: "critical",
        title: "Computer outside Entra Connect's sync scope (forest corp.contoso.com)",
        explanation:
          "The computer's distinguished name CN=PC-0142,OU=Staging,OU=Corp,DC=corp,DC=contoso,DC=com (reported 1 h ago) is outside Entra Connect's sync scope: it is under no synced container of forest corp.contoso.com (nearest synced container: OU=Laptops,OU=Corp,DC=corp,DC=contoso,DC=com). Entra Connect deleted (or never created) the cloud object because the computer is outside its scope: that is why device authentication fails and Conditional Access shows \"Device State: Unregistered\".",
        evidence: [
          { source: "JoinScope agent · Group Policy state", field: "Distinguished-Name", value: "CN=PC-0142,OU=Staging,OU=Corp,DC=corp,DC=contoso,DC=com" },
          { source: "JoinScope agent", field: "capturedAt", value: "2025-03-09T12:30:00.000Z" },
          {
            source: "JoinScope sync scope · forest corp.contoso.com",
            field: "nearest synced container",
            value: "OU=Laptops,OU=Corp,DC=corp,DC=contoso,DC=com",
          },
          { source: "dsregcmd /status · Device State", field: "AzureAdJoined", value: "YES" },
        ],
        remediation: [
          "Confirm the DN in Active Directory (`Get-ADComputer PC-0142`): the agent reads it from the Group Policy state, which updates at the machine's Group Policy refresh. If the computer was moved out on purpose (retired), nothing else is needed.",
          "Move the computer object back to a synced OU (for example OU=Laptops,OU=Corp,DC=corp,DC=contoso,DC=com), or add its OU to Entra Connect's domain and OU filtering (Connect wizard › Customize synchronization options › Domain and OU filtering).",
          "On the Entra Connect server run `Start-ADSyncSyncCycle -PolicyType Delta`.",
          "The deleted object does not come back: the sync creates a new Pending object, and the device must re-register:",
          "The deleted object held BitLocker recovery keys (and a LAPS password), which the delete removed from Microsoft Entra ID: before the re-join, confirm a recovery key is available elsewhere (`manage-bde -protectors -get C:` on the device), and afterwards back it up again (`BackupToAAD-BitLockerKeyProtector`) and let Windows LAPS back up a new password (`Invoke-LapsPolicyProcessing`).",
          ...HYBRID_REJOIN_GONE,
        ],
      },
    ],
  },
  deletedByAdmin: {
    "object-deleted": [
      {
        rule: "object-deleted",
        severity: "critical",
        title: "Device object deleted by an admin or automation",
        explanation:
          'dsregcmd still says `AzureAdJoined : YES` with DeviceId 6e4cbe68-588b-499c-8c04-dcfff140a1ca, but Microsoft Entra ID has no live object with that deviceId. JoinScope noticed it gone on 2025-03-09 09:00 UTC. The device keeps its local registration, so device authentication fails (AADSTS50155 / 700003), no PRT carries the deviceid claim and Conditional Access shows "Device State: Unregistered". An admin or an automation deleted it; it was disabled first (2025-02-01 09:00 UTC), which is the stale-device clean-up pattern.',
        evidence: [
          { source: "dsregcmd /status · Device Details", field: "DeviceId", value: "6e4cbe68-588b-499c-8c04-dcfff140a1ca" },
          { source: "dsregcmd /status · Device State", field: "AzureAdJoined", value: "YES" },
          { source: "dsregcmd /status · Device Details", field: "DeviceAuthStatus", value: "FAILED. Device is either disabled or deleted" },
          { source: "Entra ID device object (deleted)", field: "objectId", value: "a7b8c9d0-e1f2-4a3b-8c4d-5e6f7a8b9c0d" },
          { source: "Entra ID device object (deleted)", field: "deletedAt (noticed by JoinScope)", value: "2025-03-09T09:00:00.000Z" },
          { source: "Entra ID device object (deleted)", field: "deletedReason", value: "deleted" },
          { source: "JoinScope directory history · 2025-02-01T09:00:00.000Z", field: "disabled", value: "accountEnabled = false" },
          { source: "Entra ID device object (deleted)", field: "trustType", value: "AzureAd" },
        ],
        remediation: [
          'Find who deleted it in the Microsoft Entra audit log (activity "Delete device") and stop any clean-up automation from deleting devices that are still in use.',
          "The deleted object held BitLocker recovery keys, which the delete removed from Microsoft Entra ID: before the re-join, confirm a recovery key is available elsewhere (`manage-bde -protectors -get C:` on the device), and afterwards back it up again (`BackupToAAD-BitLockerKeyProtector`) and let Windows LAPS back up a new password (`Invoke-LapsPolicyProcessing`).",
          "On Windows 10 version 2004 or later, run `dsregcmd /forcerecovery` from an elevated prompt on the device, then have the user sign in with their work account when prompted: the device recovers its registration.",
          "Only if recovery is not available (older builds) or fails: make sure a local administrator account can sign in, run `dsregcmd /leave` elevated, confirm `AzureAdJoined : NO`, and join again under Settings › Accounts › Access work or school › Connect › Join this device to Microsoft Entra ID, then restart and sign in as the user.",
          "The re-join creates a new device object: BitLocker recovery keys and the LAPS password must be backed up to it again, and the Intune record and its compliance follow the new object, so Conditional Access that requires a compliant device blocks it until the device checks in with Intune again.",
          "Capture `dsregcmd /status` again in the user's session and confirm `DeviceAuthStatus : SUCCESS` and `AzureAdPrt : YES`.",
        ],
      },
    ],
  },
  softDeleted: {
    "object-deleted": [
      {
        rule: "object-deleted",
        severity: "critical",
        title: "Device object deleted (restorable until 2025-04-06 14:00 UTC)",
        explanation:
          'dsregcmd still says `WorkplaceJoined : YES` with DeviceId 6e4cbe68-588b-499c-8c04-dcfff140a1ca, but Microsoft Entra ID has no live object with that deviceId. JoinScope noticed it gone on 2025-03-07 14:00 UTC. The device keeps its local registration, so device authentication fails (AADSTS50155 / 700003), no PRT carries the deviceid claim and Conditional Access shows "Device State: Unregistered". Deleted in the cloud (soft delete): restorable for 30 days (preview).',
        evidence: [
          { source: "dsregcmd /status · Work Account 1", field: "WorkplaceDeviceId", value: "6e4cbe68-588b-499c-8c04-dcfff140a1ca" },
          { source: "dsregcmd /status · User State", field: "WorkplaceJoined", value: "YES" },
          { source: "Entra ID device object (deleted)", field: "objectId", value: "c3d4e5f6-a7b8-4c9d-8e0f-1a2b3c4d5e6f" },
          { source: "Entra ID device object (deleted)", field: "deletedAt (noticed by JoinScope)", value: "2025-03-07T14:00:00.000Z" },
          { source: "Entra ID device object (deleted)", field: "deletedReason", value: "changed" },
          { source: "Entra ID device object (deleted)", field: "trustType", value: "Workplace" },
        ],
        remediation: [
          "Restore the object before 2025-04-06 14:00 UTC through Microsoft Graph (during the soft-delete preview the portal has no view of deleted devices): `POST /beta/directory/deletedItems/c3d4e5f6-a7b8-4c9d-8e0f-1a2b3c4d5e6f/restore`. Restoring brings back the registration with its key, BitLocker recovery keys and LAPS password, so the device needs no re-join; then lock and unlock the session and capture `dsregcmd /status` again. The restored object stays non-compliant until the device checks in with Intune again (sync it from Company Portal or Settings › Accounts › Access work or school › Info › Sync).",
          'Find who deleted it in the Microsoft Entra audit log (activity "Delete device") and stop any clean-up automation from deleting devices that are still in use.',
          "If restoring is not possible, re-register the device:",
          "In the user's session open Settings › Accounts › Access work or school, select the work account and choose Disconnect.",
          "Run `dsregcmd /status` as the user and confirm `WorkplaceJoined : NO`.",
          "Add the work account again under Access work or school › Connect and sign in.",
          "Capture `dsregcmd /status` again in the user's session and confirm `WorkplaceJoined : YES`, then check that a live device object with the new DeviceId exists in Microsoft Entra ID.",
          "The re-join creates a new device object: the Intune record and its compliance follow the new object, so Conditional Access that requires a compliant device blocks it until the device checks in with Intune again.",
        ],
      },
    ],
  },
  softDeletedExpired: {
    "object-deleted": [
      {
        rule: "object-deleted",
        severity: "critical",
        title: "Device object deleted (soft delete)",
        explanation:
          'dsregcmd still says `WorkplaceJoined : YES` with DeviceId 6e4cbe68-588b-499c-8c04-dcfff140a1ca, but Microsoft Entra ID has no live object with that deviceId. JoinScope noticed it gone on 2025-01-20 14:00 UTC. The device keeps its local registration, so device authentication fails (AADSTS50155 / 700003), no PRT carries the deviceid claim and Conditional Access shows "Device State: Unregistered". Deleted in the cloud (soft delete): restorable for 30 days (preview).',
        evidence: [
          { source: "dsregcmd /status · Work Account 1", field: "WorkplaceDeviceId", value: "6e4cbe68-588b-499c-8c04-dcfff140a1ca" },
          { source: "dsregcmd /status · User State", field: "WorkplaceJoined", value: "YES" },
          { source: "Entra ID device object (deleted)", field: "objectId", value: "c3d4e5f6-a7b8-4c9d-8e0f-1a2b3c4d5e6f" },
          { source: "Entra ID device object (deleted)", field: "deletedAt (noticed by JoinScope)", value: "2025-01-20T14:00:00.000Z" },
          { source: "Entra ID device object (deleted)", field: "deletedReason", value: "changed" },
          { source: "Entra ID device object (deleted)", field: "trustType", value: "Workplace" },
        ],
        remediation: [
          'Find who deleted it in the Microsoft Entra audit log (activity "Delete device") and stop any clean-up automation from deleting devices that are still in use.',
          "In the user's session open Settings › Accounts › Access work or school, select the work account and choose Disconnect.",
          "Run `dsregcmd /status` as the user and confirm `WorkplaceJoined : NO`.",
          "Add the work account again under Access work or school › Connect and sign in.",
          "Capture `dsregcmd /status` again in the user's session and confirm `WorkplaceJoined : YES`, then check that a live device object with the new DeviceId exists in Microsoft Entra ID.",
          "The re-join creates a new device object: the Intune record and its compliance follow the new object, so Conditional Access that requires a compliant device blocks it until the device checks in with Intune again.",
        ],
      },
    ],
  },
  neverSeen: {
    "object-deleted": [
      {
        rule: "object-deleted",
        severity: "critical",
        title: "No device object with this deviceId",
        explanation:
          "dsregcmd still says `AzureAdJoined : YES` with DeviceId 6e4cbe68-588b-499c-8c04-dcfff140a1ca, but Microsoft Entra ID has no live object with that deviceId. JoinScope noticed it gone on 2025-03-01 10:00 UTC. The device keeps its local registration, so device authentication fails (AADSTS50155 / 700003), no PRT carries the deviceid claim and Conditional Access shows \"Device State: Unregistered\". JoinScope never saw a directory object with this deviceId, so it was deleted before JoinScope's first sync (or the registration never completed in this tenant); who removed it is unknown. JoinScope noticed it missing after a full resync (the delta token had expired), so the deletion happened some time before 2025-03-01 10:00 UTC. 2 other objects have this machine's name but a different deviceId; the device does not use them, because it still presents 6e4cbe68-588b-499c-8c04-dcfff140a1ca.",
        evidence: [
          { source: "dsregcmd /status · Device Details", field: "DeviceId", value: "6e4cbe68-588b-499c-8c04-dcfff140a1ca" },
          { source: "dsregcmd /status · Device State", field: "AzureAdJoined", value: "YES" },
          { source: "dsregcmd /status · Device Details", field: "DeviceAuthStatus", value: "FAILED. Device is either disabled or deleted" },
          { source: "Entra ID devices (JoinScope's last directory sync)", field: "deviceId", value: null, expected: "6e4cbe68-588b-499c-8c04-dcfff140a1ca" },
          { source: "JoinScope directory history · 2025-03-01T10:00:00.000Z", field: "deleted", value: "missing-after-full-sync" },
          {
            source: "Entra ID device object 99999999-0000-4000-8000-000000000001 · same hostname, another deviceId (not a match)",
            field: "deviceId",
            value:
              "11111111-2222-4333-8444-555555555555 · PC-0142 · ServerAd · registered 2025-03-01 10:00 UTC · last sign-in 2025-03-01 09:15 UTC · synced from AD",
          },
          {
            source: "Entra ID device object 99999999-0000-4000-8000-000000000002 · same hostname, another deviceId (not a match)",
            field: "deviceId",
            value: "(none) · PC-0142 · ServerAd · Pending (never registered) · no sign-in recorded · synced from AD",
          },
        ],
        remediation: [
          "Find out why Entra Connect stopped syncing the computer: check its OU in Active Directory against Connect's domain and OU filtering, and that its userCertificate attribute is still populated. Move it back (or fix the filter) in Active Directory; the next sync creates a new Pending object for it.",
          "Any BitLocker recovery keys or LAPS password stored with the deleted object were removed with it: before the re-join, confirm a recovery key is available elsewhere (`manage-bde -protectors -get C:` on the device), and afterwards back it up again (`BackupToAAD-BitLockerKeyProtector`) and let Windows LAPS back up a new password (`Invoke-LapsPolicyProcessing`).",
          ...HYBRID_REJOIN_GONE,
        ],
      },
    ],
  },
  disabledInUse: {
    "object-disabled": [
      {
        rule: "object-disabled",
        severity: "high",
        title: "Device object disabled since 2025-03-09 13:00 UTC",
        explanation:
          'The device object is disabled (accountEnabled = false) while the machine is still in use. Microsoft Entra ID refuses its PRT requests with AADSTS135011, so no token carries the deviceid claim and Conditional Access shows "Device State: Unregistered"; dsregcmd shows `DeviceAuthStatus : FAILED. Device is either disabled or deleted`.',
        evidence: [
          { source: "Entra ID device object", field: "accountEnabled", value: "false" },
          { source: "JoinScope directory history · 2025-03-09T13:00:00.000Z", field: "disabled", value: "accountEnabled = false" },
          { source: "Entra ID device object", field: "approximateLastSignInDateTime", value: "2025-03-01T09:15:00.000Z" },
          { source: "Entra ID device object", field: "onPremisesSyncEnabled", value: "true" },
          { source: "dsregcmd /status · SSO State", field: "Server Error Description", value: "AADSTS135011" },
        ],
        remediation: [
          'Find out who disabled it and why (Microsoft Entra audit log, activity "Disable device"; Intune or a stale-device clean-up script): if the device was retired on purpose, leave it disabled.',
          "Enable the computer account in Active Directory (Entra Connect syncs accountEnabled from it; a cloud-side change is overwritten): `Enable-ADAccount -Identity (Get-ADComputer -Identity 'PC-0142')`, then on the Entra Connect server run `Start-ADSyncSyncCycle -PolicyType Delta`.",
          "Lock and unlock the session on the device (or sign out and in) and capture `dsregcmd /status` again in the user's session: `AzureAdPrt : YES` confirms it. No re-join is needed.",
        ],
      },
    ],
  },
  disabledEntra: {
    "object-disabled": [
      {
        rule: "object-disabled",
        severity: "high",
        title: "Device object disabled",
        explanation:
          'The device object is disabled (accountEnabled = false) while the machine is still in use. Microsoft Entra ID refuses its PRT requests with AADSTS135011, so no token carries the deviceid claim and Conditional Access shows "Device State: Unregistered"; dsregcmd shows `DeviceAuthStatus : FAILED. Device is either disabled or deleted`. On a Microsoft Entra joined device it is worse: users cannot sign in to Windows with their work accounts at all (https://learn.microsoft.com/entra/identity/devices/manage-device-identities, "Enable or disable a device").',
        evidence: [
          { source: "Entra ID device object", field: "accountEnabled", value: "false" },
          { source: "Entra ID device object", field: "approximateLastSignInDateTime", value: "2025-02-27T14:00:00.000Z" },
        ],
        remediation: [
          'Find out who disabled it and why (Microsoft Entra audit log, activity "Disable device"; Intune or a stale-device clean-up script): if the device was retired on purpose, leave it disabled.',
          "Enable the device in the Entra admin center (Devices › PC-0177 › Enable), or with Microsoft Graph PowerShell: `Update-MgDevice -DeviceId a7b8c9d0-e1f2-4a3b-8c4d-5e6f7a8b9c0d -AccountEnabled:$true` (Update-MgDevice takes the objectId).",
          "Lock and unlock the session on the device (or sign out and in) and capture `dsregcmd /status` again in the user's session: `AzureAdPrt : YES` confirms it. No re-join is needed.",
        ],
      },
    ],
  },
  disabledInactive: {
    "object-disabled": [
      {
        rule: "object-disabled",
        severity: "info",
        title: "Device object disabled and inactive",
        explanation:
          'The object is disabled (accountEnabled = false) and the machine has neither reported nor signed in within 90 days: this is what the stale-device clean-up (disable, wait, delete) looks like. If the machine is still used, its PRT requests fail with AADSTS135011 and Conditional Access shows "Device State: Unregistered".',
        evidence: [
          { source: "Entra ID device object", field: "accountEnabled", value: "false" },
          { source: "Entra ID device object", field: "approximateLastSignInDateTime", value: "2024-08-21T14:00:00.000Z" },
        ],
        remediation: [
          'Find out who disabled it and why (Microsoft Entra audit log, activity "Disable device"; Intune or a stale-device clean-up script): if the device was retired on purpose, leave it disabled.',
          "Enable the device in the Entra admin center (Devices › PC-0177 › Enable), or with Microsoft Graph PowerShell: `Update-MgDevice -DeviceId a7b8c9d0-e1f2-4a3b-8c4d-5e6f7a8b9c0d -AccountEnabled:$true` (Update-MgDevice takes the objectId).",
          "Lock and unlock the session on the device (or sign out and in) and capture `dsregcmd /status` again in the user's session: `AzureAdPrt : YES` confirms it. No re-join is needed.",
        ],
      },
    ],
    "stale-device": [
      {
        rule: "stale-device",
        severity: "low",
        title: "Stale device: inactive since 2024-08-21",
        explanation:
          "The device last signed in around 2024-08-21 14:00 UTC, 200 d ago, beyond the 90-day threshold, and has not reported to JoinScope within it. approximateLastSignInDateTime is only rewritten when it is more than 14 days (±5) old, so it is a coarse signal: JoinScope never calls a device stale under 21 days. A stale object does not make an active device unregistered; it is clutter (and a target for clean-up that must spare devices still in use).",
        evidence: [
          { source: "Entra ID device object", field: "approximateLastSignInDateTime", value: "2024-08-21T14:00:00.000Z" },
          { source: "JoinScope agent", field: "last report", value: null },
          { source: "JoinScope evaluation", field: "staleThresholdDays", value: "90" },
          { source: "Entra ID device object", field: "accountEnabled", value: "false" },
          { source: "Entra ID device object", field: "physicalIds", value: "[ZTDID]:0f6b2d7e-3c1a-4f59-9b8e-1d2c3b4a5e6f" },
        ],
        remediation: [
          "Confirm the machine is really out of use (asset inventory, Intune, Active Directory): a device that is off for a long holiday also looks stale.",
          "Retire or delete it in Intune first, so the MDM record does not linger.",
          "This object holds BitLocker recovery keys (and a LAPS password): back them up first — deleting the object deletes them (Entra admin center › Devices › the device › BitLocker keys / Local administrator password recovery, or `Get-MgInformationProtectionBitlockerRecoveryKey -Filter \"deviceId eq '6e4cbe68-588b-499c-8c04-dcfff140a1ca'\"` and `Get-LapsAADPassword -DeviceIds 6e4cbe68-588b-499c-8c04-dcfff140a1ca -IncludePasswords`).",
          "The object is already disabled: keep it disabled for the grace period.",
          "Wait a grace period (for example another 30 days) for anyone who still needs it to complain.",
          "Do not delete it: it is an Autopilot registration ([ZTDID]). Deregister the device from Windows Autopilot first if it is truly gone.",
        ],
      },
    ],
  },
  outOfScope: {
    "out-of-sync-scope": [
      {
        rule: "out-of-sync-scope",
        severity: "critical",
        title: "Computer outside Entra Connect's sync scope (forest corp.contoso.com)",
        explanation:
          "The computer's distinguished name CN=PC-0142,OU=Staging,OU=Corp,DC=corp,DC=contoso,DC=com (reported 1 h ago) is outside Entra Connect's sync scope: it is under no synced container of forest corp.contoso.com (nearest synced container: OU=Laptops,OU=Corp,DC=corp,DC=contoso,DC=com). Entra Connect deletes the cloud object of a computer that leaves its scope at the next sync cycle (hybrid objects are hard-deleted at once, with their BitLocker keys). The device then fails device authentication and Conditional Access shows \"Device State: Unregistered\".",
        evidence: [
          { source: "JoinScope agent · Group Policy state", field: "Distinguished-Name", value: "CN=PC-0142,OU=Staging,OU=Corp,DC=corp,DC=contoso,DC=com" },
          { source: "JoinScope agent", field: "capturedAt", value: "2025-03-09T12:30:00.000Z" },
          {
            source: "JoinScope sync scope · forest corp.contoso.com",
            field: "nearest synced container",
            value: "OU=Laptops,OU=Corp,DC=corp,DC=contoso,DC=com",
          },
          { source: "dsregcmd /status · Device State", field: "AzureAdJoined", value: "YES" },
        ],
        remediation: [
          "Confirm the DN in Active Directory (`Get-ADComputer PC-0142`): the agent reads it from the Group Policy state, which updates at the machine's Group Policy refresh. If the computer was moved out on purpose (retired), nothing else is needed.",
          "This object holds BitLocker recovery keys (and a LAPS password): back them up first — deleting the object deletes them (Entra admin center › Devices › the device › BitLocker keys / Local administrator password recovery, or `Get-MgInformationProtectionBitlockerRecoveryKey -Filter \"deviceId eq '6e4cbe68-588b-499c-8c04-dcfff140a1ca'\"` and `Get-LapsAADPassword -DeviceIds 6e4cbe68-588b-499c-8c04-dcfff140a1ca -IncludePasswords`).",
          "Move the computer object back to a synced OU (for example OU=Laptops,OU=Corp,DC=corp,DC=contoso,DC=com), or add its OU to Entra Connect's domain and OU filtering (Connect wizard › Customize synchronization options › Domain and OU filtering).",
          "On the Entra Connect server run `Start-ADSyncSyncCycle -PolicyType Delta`.",
          "Check the object still exists after the sync (`/devices(deviceId='…')`) and that the next report shows `DeviceAuthStatus : SUCCESS`.",
        ],
      },
    ],
  },
  excludedOu: {
    "out-of-sync-scope": [
      {
        rule: "out-of-sync-scope",
        severity: "critical",
        title: "Computer in an excluded OU: OU=Disabled Computers,OU=Workstations,OU=Corp,DC=corp,DC=contoso,DC=com",
        explanation:
          "The computer's distinguished name CN=PC-0142,OU=Disabled Computers,OU=Workstations,OU=Corp,DC=corp,DC=contoso,DC=com (reported 1 h ago) is outside Entra Connect's sync scope: it is under the excluded container OU=Disabled Computers,OU=Workstations,OU=Corp,DC=corp,DC=contoso,DC=com, which overrides the shorter include above it. Entra Connect deletes the cloud object of a computer that leaves its scope at the next sync cycle (hybrid objects are hard-deleted at once, with their BitLocker keys). The device then fails device authentication and Conditional Access shows \"Device State: Unregistered\".",
        evidence: [
          {
            source: "JoinScope agent · Group Policy state",
            field: "Distinguished-Name",
            value: "CN=PC-0142,OU=Disabled Computers,OU=Workstations,OU=Corp,DC=corp,DC=contoso,DC=com",
          },
          { source: "JoinScope agent", field: "capturedAt", value: "2025-03-09T12:30:00.000Z" },
          {
            source: "JoinScope sync scope · forest corp.contoso.com",
            field: "excluded container",
            value: "OU=Disabled Computers,OU=Workstations,OU=Corp,DC=corp,DC=contoso,DC=com",
          },
          {
            source: "JoinScope sync scope · forest corp.contoso.com",
            field: "nearest synced container",
            value: "OU=Workstations,OU=Corp,DC=corp,DC=contoso,DC=com",
          },
          { source: "dsregcmd /status · Device State", field: "AzureAdJoined", value: "YES" },
        ],
        remediation: [
          "Confirm the DN in Active Directory (`Get-ADComputer PC-0142`): the agent reads it from the Group Policy state, which updates at the machine's Group Policy refresh. If the computer was moved out on purpose (retired), nothing else is needed.",
          "This object holds BitLocker recovery keys (and a LAPS password): back them up first — deleting the object deletes them (Entra admin center › Devices › the device › BitLocker keys / Local administrator password recovery, or `Get-MgInformationProtectionBitlockerRecoveryKey -Filter \"deviceId eq '6e4cbe68-588b-499c-8c04-dcfff140a1ca'\"` and `Get-LapsAADPassword -DeviceIds 6e4cbe68-588b-499c-8c04-dcfff140a1ca -IncludePasswords`).",
          "Move the computer object back to a synced OU (for example OU=Workstations,OU=Corp,DC=corp,DC=contoso,DC=com), or add its OU to Entra Connect's domain and OU filtering (Connect wizard › Customize synchronization options › Domain and OU filtering).",
          "On the Entra Connect server run `Start-ADSyncSyncCycle -PolicyType Delta`.",
          "Check the object still exists after the sync (`/devices(deviceId='…')`) and that the next report shows `DeviceAuthStatus : SUCCESS`.",
        ],
      },
    ],
  },
  outOfScopeNotJoined: {
    "out-of-sync-scope": [
      {
        rule: "out-of-sync-scope",
        severity: "critical",
        title: "Computer outside Entra Connect's sync scope (forest corp.contoso.com)",
        explanation:
          "The computer's distinguished name CN=PC-0200,OU=Kiosks,DC=corp,DC=contoso,DC=com (reported 1 h ago) is outside Entra Connect's sync scope: it is under no synced container of forest corp.contoso.com (nearest synced container: OU=Laptops,OU=Corp,DC=corp,DC=contoso,DC=com). Entra Connect does not sync this computer, so no device object is created for it and hybrid join cannot complete (the join fails with 0x801C03F2 \"device object not found\"); Conditional Access keeps showing it as unregistered.",
        evidence: [
          { source: "JoinScope agent · Group Policy state", field: "Distinguished-Name", value: "CN=PC-0200,OU=Kiosks,DC=corp,DC=contoso,DC=com" },
          { source: "JoinScope agent", field: "capturedAt", value: "2025-03-09T12:30:00.000Z" },
          {
            source: "JoinScope sync scope · forest corp.contoso.com",
            field: "nearest synced container",
            value: "OU=Laptops,OU=Corp,DC=corp,DC=contoso,DC=com",
          },
          { source: "dsregcmd /status · Device State", field: "AzureAdJoined", value: "NO" },
        ],
        remediation: [
          "Confirm the DN in Active Directory (`Get-ADComputer PC-0200`): the agent reads it from the Group Policy state, which updates at the machine's Group Policy refresh. If the computer was moved out on purpose (retired), nothing else is needed.",
          "Move the computer object back to a synced OU (for example OU=Laptops,OU=Corp,DC=corp,DC=contoso,DC=com), or add its OU to Entra Connect's domain and OU filtering (Connect wizard › Customize synchronization options › Domain and OU filtering).",
          "On the Entra Connect server run `Start-ADSyncSyncCycle -PolicyType Delta`.",
          "Restart the device and sign in: the Automatic-Device-Join task completes the registration once the object is Pending.",
        ],
      },
    ],
  },
  noCertificate: {
    "alt-security-ids-missing": [
      {
        rule: "alt-security-ids-missing",
        severity: "high",
        title: "Device object holds no certificate (no X509 alternativeSecurityId)",
        explanation:
          'The device object has no `X509:` entry in alternativeSecurityIds, although it is not a Pending hybrid object (it has a registrationDateTime). Microsoft Entra ID checks the device\'s signed requests against that key, so without it device authentication fails, no PRT is issued and Conditional Access shows "Device State: Unregistered". The registration has to be redone to put a certificate back.',
        evidence: [
          {
            source: "Entra ID device object",
            field: "alternativeSecurityIds",
            value: "no X509: key",
            expected: "X509 key for 0BF36D245A124205D42B7FBCA6B6AB65A5B06A3C",
          },
          { source: "Entra ID device object", field: "trustType", value: "ServerAd" },
          { source: "Entra ID device object", field: "registrationDateTime", value: "2024-11-05T08:42:41.000Z" },
          { source: "dsregcmd /status · Device Details", field: "Thumbprint", value: "0BF36D245A124205D42B7FBCA6B6AB65A5B06A3C" },
        ],
        remediation: [
          "This object holds BitLocker recovery keys (and a LAPS password): back them up first — deleting the object deletes them (Entra admin center › Devices › the device › BitLocker keys / Local administrator password recovery, or `Get-MgInformationProtectionBitlockerRecoveryKey -Filter \"deviceId eq '6e4cbe68-588b-499c-8c04-dcfff140a1ca'\"` and `Get-LapsAADPassword -DeviceIds 6e4cbe68-588b-499c-8c04-dcfff140a1ca -IncludePasswords`).",
          ...HYBRID_REJOIN,
        ],
      },
    ],
  },
  thumbprintMismatch: {
    "thumbprint-mismatch": [
      {
        rule: "thumbprint-mismatch",
        severity: "critical",
        title: "Device certificate differs from the directory's",
        explanation:
          "The device presents certificate 0BF36D245A124205D42B7FBCA6B6AB65A5B06A3C, but the directory object with its deviceId holds 1A2B3C4D5E6F708192A3B4C5D6E7F80910111213. Device authentication signs with the device's key, which Microsoft Entra ID cannot verify against another certificate, so it fails (AADSTS50155), no PRT carries the deviceid claim and Conditional Access shows \"Device State: Unregistered\". Usually the object was re-registered or recreated from elsewhere, or the device's key was lost (TPM cleared, bad sysprep image).",
        evidence: [
          {
            source: "dsregcmd /status · Device Details",
            field: "Thumbprint",
            value: "0BF36D245A124205D42B7FBCA6B6AB65A5B06A3C",
            expected: "1A2B3C4D5E6F708192A3B4C5D6E7F80910111213",
          },
          { source: "Entra ID device object", field: "thumbprint (alternativeSecurityIds X509)", value: "1A2B3C4D5E6F708192A3B4C5D6E7F80910111213" },
          {
            source: "dsregcmd /status · Device Details",
            field: "DeviceCertificateValidity",
            value: "[ 2024-11-05 08:12:40.000 UTC -- 2034-11-05 08:42:40.000 UTC ]",
          },
          { source: "Entra ID device object", field: "registrationDateTime", value: "2025-01-20T10:00:00.000Z" },
        ],
        remediation: [
          "This object holds BitLocker recovery keys (and a LAPS password): back them up first — deleting the object deletes them (Entra admin center › Devices › the device › BitLocker keys / Local administrator password recovery, or `Get-MgInformationProtectionBitlockerRecoveryKey -Filter \"deviceId eq '6e4cbe68-588b-499c-8c04-dcfff140a1ca'\"` and `Get-LapsAADPassword -DeviceIds 6e4cbe68-588b-499c-8c04-dcfff140a1ca -IncludePasswords`).",
          ...HYBRID_REJOIN,
        ],
      },
    ],
  },
  thumbprintRotated: {
    "thumbprint-mismatch": [
      {
        rule: "thumbprint-mismatch",
        severity: "info",
        title: "Directory certificate changed after the last report",
        explanation:
          "The device reported thumbprint 0BF36D245A124205D42B7FBCA6B6AB65A5B06A3C, but the directory object's certificate changed on 2025-03-09 13:10 UTC, after that report was captured: the device has most likely re-registered since. The next report will tell; nothing needs doing until then.",
        evidence: [
          {
            source: "dsregcmd /status · Device Details",
            field: "Thumbprint",
            value: "0BF36D245A124205D42B7FBCA6B6AB65A5B06A3C",
            expected: "1A2B3C4D5E6F708192A3B4C5D6E7F80910111213",
          },
          { source: "Entra ID device object", field: "thumbprint (alternativeSecurityIds X509)", value: "1A2B3C4D5E6F708192A3B4C5D6E7F80910111213" },
          {
            source: "dsregcmd /status · Device Details",
            field: "DeviceCertificateValidity",
            value: "[ 2024-11-05 08:12:40.000 UTC -- 2034-11-05 08:42:40.000 UTC ]",
          },
          { source: "Entra ID device object", field: "registrationDateTime", value: "2024-11-05T08:42:41.000Z" },
          {
            source: "JoinScope directory history · 2025-03-09T13:10:00.000Z",
            field: "cert-rotated",
            value: "the directory's certificate changed after this report",
          },
        ],
        remediation: ["Wait for the next agent report (or capture `dsregcmd /status` in the user's session) and compare its Thumbprint with the directory's."],
      },
    ],
  },
  thumbprintButAuthenticates: {
    "thumbprint-mismatch": [
      {
        rule: "thumbprint-mismatch",
        severity: "medium",
        title: "Thumbprint differs, but the device authenticates: directory data inconsistent",
        explanation:
          "The device presents certificate 0BF36D245A124205D42B7FBCA6B6AB65A5B06A3C, and JoinScope's copy of the directory object holds 1A2B3C4D5E6F708192A3B4C5D6E7F80910111213; yet the same report shows `DeviceAuthStatus : SUCCESS` and a PRT renewed on 2025-03-09 11:00 UTC, after the directory was last synced (2025-03-09 10:00 UTC). Microsoft Entra ID evidently holds the device's key, so the directory data or the pairing of report and object is out of date. Nothing on the device needs to change.",
        evidence: [
          {
            source: "dsregcmd /status · Device Details",
            field: "Thumbprint",
            value: "0BF36D245A124205D42B7FBCA6B6AB65A5B06A3C",
            expected: "1A2B3C4D5E6F708192A3B4C5D6E7F80910111213",
          },
          { source: "Entra ID device object", field: "thumbprint (alternativeSecurityIds X509)", value: "1A2B3C4D5E6F708192A3B4C5D6E7F80910111213" },
          {
            source: "dsregcmd /status · Device Details",
            field: "DeviceCertificateValidity",
            value: "[ 2024-11-05 08:12:40.000 UTC -- 2034-11-05 08:42:40.000 UTC ]",
          },
          { source: "Entra ID device object", field: "registrationDateTime", value: "2024-11-05T08:42:41.000Z" },
          { source: "JoinScope evaluation", field: "directorySyncedAt", value: "2025-03-09T10:00:00.000Z" },
        ],
        remediation: [
          "Run a full directory sync (Sync › Full sync) and let the findings be re-evaluated before doing anything on the device.",
          "If the mismatch remains, compare the object's alternativeSecurityIds in Graph Explorer (GET /v1.0/devices/{id}) with the report's Thumbprint: a device with several X509 keys, or a second object with this deviceId, explains it.",
          "Do not re-join a device whose device authentication succeeds.",
        ],
      },
    ],
  },
  thumbprintUndecodable: {
    "thumbprint-mismatch": [
      {
        rule: "thumbprint-mismatch",
        severity: "info",
        title: "Directory certificate cannot be decoded",
        explanation:
          "The object's alternativeSecurityIds holds an X509 key, but JoinScope could not read a thumbprint from it, so it cannot compare the device's certificate with the directory's. Microsoft documents alternativeSecurityIds as internal and subject to change; device authentication (DeviceAuthStatus) remains the authoritative check.",
        evidence: [
          { source: "Entra ID device object", field: "alternativeSecurityIds", value: "X509 key, thumbprint not decodable" },
          { source: "dsregcmd /status · Device Details", field: "Thumbprint", value: "0BF36D245A124205D42B7FBCA6B6AB65A5B06A3C" },
        ],
        remediation: ["Check DeviceAuthStatus in a SYSTEM capture of the device: SUCCESS means Entra ID holds the device's key."],
      },
    ],
  },
  certValidityMedium: {
    "cert-validity-vs-registered": [
      {
        rule: "cert-validity-vs-registered",
        severity: "medium",
        title: "Device certificate from another registration (3 h apart)",
        explanation:
          'The device certificate and the object\'s registration are 3 h apart (certificate from 2024-11-05 08:12 UTC, registered 2024-11-05 11:12 UTC). DRS issues the certificate in the same request that sets registrationDateTime, so real pairs differ by minutes: the device holds a certificate from an earlier or later registration than the object it claims. Device authentication with it fails or soon will, so Conditional Access shows "Device State: Unregistered". The report has no Thumbprint line to confirm it.',
        evidence: [
          {
            source: "dsregcmd /status · Device Details",
            field: "DeviceCertificateValidity",
            value: "[ 2024-11-05 08:12:40.000 UTC -- 2034-11-05 08:42:40.000 UTC ]",
          },
          { source: "Entra ID device object", field: "registrationDateTime", value: "2024-11-05T11:12:40.000Z" },
          { source: "JoinScope evaluation", field: "certRegistrationToleranceMinutes", value: "60" },
        ],
        remediation: [
          "This object holds BitLocker recovery keys (and a LAPS password): back them up first — deleting the object deletes them (Entra admin center › Devices › the device › BitLocker keys / Local administrator password recovery, or `Get-MgInformationProtectionBitlockerRecoveryKey -Filter \"deviceId eq '6e4cbe68-588b-499c-8c04-dcfff140a1ca'\"` and `Get-LapsAADPassword -DeviceIds 6e4cbe68-588b-499c-8c04-dcfff140a1ca -IncludePasswords`).",
          "On Windows 10 version 2004 or later, run `dsregcmd /forcerecovery` from an elevated prompt on the device, then have the user sign in with their work account when prompted: the device recovers its registration.",
          "Only if recovery is not available (older builds) or fails: make sure a local administrator account can sign in, run `dsregcmd /leave` elevated, confirm `AzureAdJoined : NO`, and join again under Settings › Accounts › Access work or school › Connect › Join this device to Microsoft Entra ID, then restart and sign in as the user.",
          "Do not delete the old device object: it is a Windows Autopilot registration ([ZTDID]), which cannot be re-provisioned once deleted. Leave it disabled if it is no longer used.",
          "The re-join creates a new device object: BitLocker recovery keys and the LAPS password must be backed up to it again, and the Intune record and its compliance follow the new object, so Conditional Access that requires a compliant device blocks it until the device checks in with Intune again.",
          "Capture `dsregcmd /status` again in the user's session and confirm `DeviceAuthStatus : SUCCESS` and `AzureAdPrt : YES`.",
        ],
      },
    ],
  },
  certValiditySameCertificate: {
    "cert-validity-vs-registered": [
      {
        rule: "cert-validity-vs-registered",
        severity: "info",
        title: "Registration time and certificate start 3 d apart",
        explanation:
          "The certificate and the registration time are 3 d apart (certificate from 2024-11-05 08:12 UTC, registered 2024-11-08 08:12 UTC), but the directory object holds this very certificate (same thumbprint), so device authentication is unaffected. The registration time was probably reset, for example when the object was restored or re-synced.",
        evidence: [
          {
            source: "dsregcmd /status · Device Details",
            field: "DeviceCertificateValidity",
            value: "[ 2024-11-05 08:12:40.000 UTC -- 2034-11-05 08:42:40.000 UTC ]",
          },
          { source: "Entra ID device object", field: "registrationDateTime", value: "2024-11-08T08:12:40.000Z" },
          { source: "JoinScope evaluation", field: "certRegistrationToleranceMinutes", value: "60" },
          { source: "Entra ID device object", field: "thumbprint (alternativeSecurityIds X509)", value: "0BF36D245A124205D42B7FBCA6B6AB65A5B06A3C" },
        ],
        remediation: ["Nothing to do while the thumbprints match."],
      },
    ],
  },
  pendingInProgress: {
    "pending-registration": [
      {
        rule: "pending-registration",
        severity: "info",
        title: "Hybrid join in progress (object Pending)",
        explanation:
          "Entra Connect synced this computer 3 h ago and the Device Registration Service created the Pending object; the device completes the registration at its next restart or sign-in. Until then Conditional Access shows it as unregistered, which is expected during a hybrid join.",
        evidence: [...pendingObjectEvidence("2025-03-09T11:00:00.000Z"), { source: "dsregcmd /status · Device State", field: "AzureAdJoined", value: "NO" }],
        remediation: PENDING_STEPS,
      },
    ],
  },
  pendingForDays: {
    "pending-registration": [
      {
        rule: "pending-registration",
        severity: "medium",
        title: "Hybrid join pending for 3 d",
        explanation:
          "The object has been Pending for 3 d (since 2025-03-06 14:00 UTC): Entra Connect synced the computer, but the device never completed the registration, so it has no certificate in Microsoft Entra ID and Conditional Access shows it as unregistered. Devices normally complete within a restart or sign-in of the sync.",
        evidence: [
          ...pendingObjectEvidence(null),
          { source: "JoinScope directory history · 2025-03-06T14:00:00.000Z", field: "created", value: "d4e5f6a7-b8c9-4d0e-9f1a-2b3c4d5e6f70" },
        ],
        remediation: PENDING_STEPS,
      },
    ],
    "silent-device": [neverReported(null)],
  },
  pendingAgeUnknown: {
    "pending-registration": [
      {
        rule: "pending-registration",
        severity: "medium",
        title: "Hybrid join pending (age unknown)",
        explanation:
          "The object has been Pending for an unknown time: Entra Connect synced the computer, but the device never completed the registration, so it has no certificate in Microsoft Entra ID and Conditional Access shows it as unregistered. Devices normally complete within a restart or sign-in of the sync.",
        evidence: [...pendingObjectEvidence(null)],
        remediation: PENDING_STEPS,
      },
    ],
    "silent-device": [neverReported(null)],
  },
  pendingWhileJoined: {
    "pending-registration": [
      {
        rule: "pending-registration",
        severity: "high",
        title: "Object Pending while the device says it is joined",
        explanation:
          'The object has been Pending for 10 d (since 2025-02-27 14:00 UTC), but dsregcmd says `AzureAdJoined : YES` with this deviceId: the device kept a registration whose object was deleted and re-created by Entra Connect (for example after the computer left and re-entered the sync scope). A Pending object holds no certificate, so device authentication fails and Conditional Access shows "Device State: Unregistered" until the device re-registers.',
        evidence: [...pendingObjectEvidence("2025-02-27T14:00:00.000Z"), { source: "dsregcmd /status · Device State", field: "AzureAdJoined", value: "YES" }],
        remediation: [
          "Check whether Microsoft Entra ID holds BitLocker recovery keys or a LAPS password for deviceId 6e4cbe68-588b-499c-8c04-dcfff140a1ca (JoinScope could not tell) and back them up first — deleting the object deletes them (Entra admin center › Devices › the device › BitLocker keys / Local administrator password recovery, or `Get-MgInformationProtectionBitlockerRecoveryKey -Filter \"deviceId eq '6e4cbe68-588b-499c-8c04-dcfff140a1ca'\"` and `Get-LapsAADPassword -DeviceIds 6e4cbe68-588b-499c-8c04-dcfff140a1ca -IncludePasswords`).",
          ...HYBRID_REJOIN,
        ],
      },
    ],
  },
  staleSynced: {
    "stale-device": [
      {
        rule: "stale-device",
        severity: "low",
        title: "Stale device: inactive since 2024-11-09",
        explanation:
          "The device last signed in around 2024-11-09 14:00 UTC, 120 d ago, beyond the 90-day threshold, and has not reported to JoinScope within it. approximateLastSignInDateTime is only rewritten when it is more than 14 days (±5) old, so it is a coarse signal: JoinScope never calls a device stale under 21 days. A stale object does not make an active device unregistered; it is clutter (and a target for clean-up that must spare devices still in use).",
        evidence: [
          { source: "Entra ID device object", field: "approximateLastSignInDateTime", value: "2024-11-09T14:00:00.000Z" },
          { source: "JoinScope agent", field: "last report", value: null },
          { source: "JoinScope evaluation", field: "staleThresholdDays", value: "90" },
        ],
        remediation: [
          "Confirm the machine is really out of use (asset inventory, Intune, Active Directory): a device that is off for a long holiday also looks stale.",
          "Retire or delete it in Intune first, so the MDM record does not linger.",
          "This object holds BitLocker recovery keys (and a LAPS password): back them up first — deleting the object deletes them (Entra admin center › Devices › the device › BitLocker keys / Local administrator password recovery, or `Get-MgInformationProtectionBitlockerRecoveryKey -Filter \"deviceId eq '6e4cbe68-588b-499c-8c04-dcfff140a1ca'\"` and `Get-LapsAADPassword -DeviceIds 6e4cbe68-588b-499c-8c04-dcfff140a1ca -IncludePasswords`).",
          "Disable (or delete) the computer account in Active Directory rather than the cloud object: Entra Connect syncs the change, and a cloud-side delete of a synced object is recreated at the next sync.",
          "Wait a grace period (for example another 30 days) for anyone who still needs it to complain.",
          "Delete the computer object in Active Directory (or move it out of the sync scope); Entra Connect then removes the cloud object. Deleting is irreversible.",
        ],
      },
    ],
  },
  staleAutopilot: {
    "object-disabled": [
      {
        rule: "object-disabled",
        severity: "info",
        title: "Device object disabled and inactive",
        explanation:
          'The object is disabled (accountEnabled = false) and the machine has neither reported nor signed in within 60 days: this is what the stale-device clean-up (disable, wait, delete) looks like. If the machine is still used, its PRT requests fail with AADSTS135011 and Conditional Access shows "Device State: Unregistered".',
        evidence: [
          { source: "Entra ID device object", field: "accountEnabled", value: "false" },
          { source: "Entra ID device object", field: "approximateLastSignInDateTime", value: null },
        ],
        remediation: [
          'Find out who disabled it and why (Microsoft Entra audit log, activity "Disable device"; Intune or a stale-device clean-up script): if the device was retired on purpose, leave it disabled.',
          "Enable the device in the Entra admin center (Devices › PC-0177 › Enable), or with Microsoft Graph PowerShell: `Update-MgDevice -DeviceId a7b8c9d0-e1f2-4a3b-8c4d-5e6f7a8b9c0d -AccountEnabled:$true` (Update-MgDevice takes the objectId).",
          "Lock and unlock the session on the device (or sign out and in) and capture `dsregcmd /status` again in the user's session: `AzureAdPrt : YES` confirms it. No re-join is needed.",
        ],
      },
    ],
    "stale-device": [
      {
        rule: "stale-device",
        severity: "low",
        title: "Stale device: no sign-in recorded",
        explanation:
          "The device has no sign-in recorded since its registration on 2024-05-13 14:00 UTC, beyond the 60-day threshold, and has not reported to JoinScope within it. approximateLastSignInDateTime is only rewritten when it is more than 14 days (±5) old, so it is a coarse signal: JoinScope never calls a device stale under 21 days. A stale object does not make an active device unregistered; it is clutter (and a target for clean-up that must spare devices still in use).",
        evidence: [
          { source: "Entra ID device object", field: "approximateLastSignInDateTime", value: null },
          { source: "Entra ID device object", field: "registrationDateTime", value: "2024-05-13T14:00:00.000Z" },
          { source: "JoinScope agent", field: "last report", value: null },
          { source: "JoinScope evaluation", field: "staleThresholdDays", value: "60" },
          { source: "Entra ID device object", field: "accountEnabled", value: "false" },
          { source: "Entra ID device object", field: "physicalIds", value: "[ZTDID]:0f6b2d7e-3c1a-4f59-9b8e-1d2c3b4a5e6f" },
        ],
        remediation: [
          "Confirm the machine is really out of use (asset inventory, Intune, Active Directory): a device that is off for a long holiday also looks stale.",
          "This object holds BitLocker recovery keys (and a LAPS password): back them up first — deleting the object deletes them (Entra admin center › Devices › the device › BitLocker keys / Local administrator password recovery, or `Get-MgInformationProtectionBitlockerRecoveryKey -Filter \"deviceId eq '6e4cbe68-588b-499c-8c04-dcfff140a1ca'\"` and `Get-LapsAADPassword -DeviceIds 6e4cbe68-588b-499c-8c04-dcfff140a1ca -IncludePasswords`).",
          "The object is already disabled: keep it disabled for the grace period.",
          "Wait a grace period (for example another 30 days) for anyone who still needs it to complain.",
          "Do not delete it: it is an Autopilot registration ([ZTDID]). Deregister the device from Windows Autopilot first if it is truly gone.",
        ],
      },
    ],
  },
  staleRegistered: {
    "stale-device": [
      {
        rule: "stale-device",
        severity: "low",
        title: "Stale device: inactive since 2024-11-29",
        explanation:
          "The device last signed in around 2024-11-29 14:00 UTC, 100 d ago, beyond the 90-day threshold, and has not reported to JoinScope within it. approximateLastSignInDateTime is only rewritten when it is more than 14 days (±5) old, so it is a coarse signal: JoinScope never calls a device stale under 21 days. A stale object does not make an active device unregistered; it is clutter (and a target for clean-up that must spare devices still in use).",
        evidence: [
          { source: "Entra ID device object", field: "approximateLastSignInDateTime", value: "2024-11-29T14:00:00.000Z" },
          { source: "JoinScope agent", field: "last report", value: null },
          { source: "JoinScope evaluation", field: "staleThresholdDays", value: "90" },
        ],
        remediation: [
          "Confirm the machine is really out of use (asset inventory, Intune, Active Directory): a device that is off for a long holiday also looks stale.",
          "Disable the device object (accountEnabled = false), which is reversible.",
          "Wait a grace period (for example another 30 days) for anyone who still needs it to complain.",
          "Then delete the object (irreversible; hybrid and registered objects are hard-deleted at once).",
        ],
      },
    ],
  },
  staleWhileActive: {
    "stale-while-active": [
      {
        rule: "stale-while-active",
        severity: "medium",
        title: "Active device looks stale in Entra ID: no sign-in since 2024-11-09",
        explanation:
          "The machine reported to JoinScope on 2025-03-09 12:31 UTC, but its device object last signed in around 2024-11-09 14:00 UTC, 120 d ago, beyond the 90-day threshold. An active joined device refreshes that timestamp every 14 days (±5), so this machine is either authenticating as another device object (a duplicate, or a clone of an image that was not generalised) or its device authentication is not reaching Microsoft Entra ID. Any clean-up of devices inactive for 90 days would disable this one while it is in use.",
        evidence: [
          { source: "Entra ID device object", field: "approximateLastSignInDateTime", value: "2024-11-09T14:00:00.000Z" },
          { source: "JoinScope agent", field: "last report", value: "2025-03-09T12:31:00.000Z" },
          { source: "JoinScope evaluation", field: "staleThresholdDays", value: "90" },
        ],
        remediation: [
          "Exclude this device from stale-device clean-up until the contradiction is explained.",
          "Compare the report's DeviceId and Thumbprint with this object and look for other objects with the same name or [HWID] (duplicate-device): a cloned image authenticates as the original's object.",
          "On the device, check that device authentication succeeds (`dsregcmd /status` as SYSTEM: DeviceAuthStatus SUCCESS) and that AzureAdPrtUpdateTime moves after a sign-in; if not, follow the device's other findings (network path, device-auth-failed).",
        ],
      },
    ],
  },
  duplicate: {
    "duplicate-device": [
      {
        rule: "duplicate-device",
        severity: "medium",
        title: "2 device objects for this machine",
        explanation:
          "2 live device objects belong to this machine. The machine reports deviceId 6e4cbe68-588b-499c-8c04-dcfff140a1ca, so object f1e2d3c4-b5a6-4798-8a9b-0c1d2e3f4a5b (ServerAd) is the live one; the other is a leftover of earlier registrations. Duplicates do not by themselves make the device unregistered, but admins and Intune may act on the wrong one, and deleting the live one would.",
        evidence: [
          {
            source: "Entra ID device object",
            field: "in use (the report's deviceId)",
            value:
              "6e4cbe68-588b-499c-8c04-dcfff140a1ca · PC-0142 · ServerAd · registered 2024-11-05 08:42 UTC · last sign-in 2025-03-01 09:15 UTC · synced from AD",
          },
          {
            source: "Entra ID device object 0a0a0a0a-0000-4000-8000-000000000002",
            field: "same [HWID]",
            value: "22222222-3333-4444-8555-666666666666 · PC-0142 · ServerAd · registered 2023-06-01 09:00 UTC · last sign-in 2024-10-01 09:00 UTC",
          },
          { source: "Entra ID device object", field: "hardwareId ([HWID])", value: "6825794768524310" },
        ],
        remediation: [
          "Keep the live object (f1e2d3c4-b5a6-4798-8a9b-0c1d2e3f4a5b); check the others are not in use (sign-in time, Intune) before removing them.",
          "For 0a0a0a0a-0000-4000-8000-000000000002 (ServerAd, deviceId 22222222-3333-4444-8555-666666666666): This object holds a LAPS password: back it up first — deleting the object deletes it. Also check whether Microsoft Entra ID holds BitLocker recovery keys for deviceId 22222222-3333-4444-8555-666666666666 (JoinScope could not tell) and back them up first — deleting the object deletes them (Entra admin center › Devices › the device › BitLocker keys / Local administrator password recovery, or `Get-MgInformationProtectionBitlockerRecoveryKey -Filter \"deviceId eq '22222222-3333-4444-8555-666666666666'\"` and `Get-LapsAADPassword -DeviceIds 22222222-3333-4444-8555-666666666666 -IncludePasswords`). Then disable it, wait a grace period, and delete it.",
        ],
      },
    ],
  },
  duplicateWithoutReport: {
    "duplicate-device": [
      {
        rule: "duplicate-device",
        severity: "medium",
        title: "3 device objects for this machine",
        explanation:
          "3 live device objects belong to this machine. JoinScope has no report from this machine to tell which object it uses; the one with the latest sign-in (0a0a0a0a-0000-4000-8000-000000000009) is most likely current. Duplicates do not by themselves make the device unregistered, but admins and Intune may act on the wrong one, and deleting the live one would.",
        evidence: [
          {
            source: "Entra ID device object",
            field: "this object",
            value:
              "6e4cbe68-588b-499c-8c04-dcfff140a1ca · PC-0142 · ServerAd · registered 2024-11-05 08:42 UTC · last sign-in 2025-03-01 09:15 UTC · synced from AD",
          },
          {
            source: "Entra ID device object 0a0a0a0a-0000-4000-8000-000000000002",
            field: "same [HWID]",
            value: "22222222-3333-4444-8555-666666666666 · PC-0142 · ServerAd · registered 2023-06-01 09:00 UTC · last sign-in 2024-10-01 09:00 UTC",
          },
          {
            source: "Entra ID device object 0a0a0a0a-0000-4000-8000-000000000009",
            field: "same name",
            value:
              "6e4cbe68-588b-499c-8c04-dcfff140a1ca · pc-0142.corp.contoso.com · AzureAd · registered 2024-11-05 08:42 UTC · last sign-in 2025-03-05 09:00 UTC",
          },
          { source: "Entra ID device object", field: "hardwareId ([HWID])", value: "6825794768524310" },
        ],
        remediation: [
          "Keep the object the machine uses (0a0a0a0a-0000-4000-8000-000000000009); check the others are not in use (sign-in time, Intune) before removing them.",
          "For 0a0a0a0a-0000-4000-8000-000000000002 (ServerAd, deviceId 22222222-3333-4444-8555-666666666666): This object holds a LAPS password: back it up first — deleting the object deletes it. Also check whether Microsoft Entra ID holds BitLocker recovery keys for deviceId 22222222-3333-4444-8555-666666666666 (JoinScope could not tell) and back them up first — deleting the object deletes them (Entra admin center › Devices › the device › BitLocker keys / Local administrator password recovery, or `Get-MgInformationProtectionBitlockerRecoveryKey -Filter \"deviceId eq '22222222-3333-4444-8555-666666666666'\"` and `Get-LapsAADPassword -DeviceIds 22222222-3333-4444-8555-666666666666 -IncludePasswords`). Then disable it, wait a grace period, and delete it.",
          "Keep 0a0a0a0a-0000-4000-8000-000000000009 (AzureAd, deviceId 6e4cbe68-588b-499c-8c04-dcfff140a1ca): it is an Autopilot registration ([ZTDID]) and must not be deleted.",
        ],
      },
    ],
  },
  dualState: {
    "duplicate-device": [
      {
        rule: "duplicate-device",
        severity: "medium",
        title: "Hybrid joined and registered (dual state)",
        explanation:
          "The machine is hybrid joined (ServerAd) and also registered (Workplace) by a user: the dual state. The machine reports deviceId 6e4cbe68-588b-499c-8c04-dcfff140a1ca, so object f1e2d3c4-b5a6-4798-8a9b-0c1d2e3f4a5b (ServerAd) is the live one; the other 2 are leftovers of earlier registrations. Windows 10 1803+ (with KB4489894) removes the registered state once hybrid join completes; until then apps may pick the registered identity and Conditional Access policies that require a hybrid joined device can fail.",
        evidence: [
          {
            source: "Entra ID device object",
            field: "in use (the report's deviceId)",
            value:
              "6e4cbe68-588b-499c-8c04-dcfff140a1ca · PC-0142 · ServerAd · registered 2024-11-05 08:42 UTC · last sign-in 2025-03-01 09:15 UTC · synced from AD",
          },
          {
            source: "Entra ID device object 0a0a0a0a-0000-4000-8000-000000000002",
            field: "same [HWID]",
            value: "22222222-3333-4444-8555-666666666666 · PC-0142 · ServerAd · registered 2023-06-01 09:00 UTC · last sign-in 2024-10-01 09:00 UTC",
          },
          {
            source: "Entra ID device object 0b0b0b0b-0000-4000-8000-000000000003",
            field: "same name",
            value: "33333333-4444-4555-8666-777777777777 · PC-0142 · Workplace · registered 2024-11-05 08:42 UTC · last sign-in 2025-03-01 09:15 UTC",
          },
          { source: "Entra ID device object", field: "hardwareId ([HWID])", value: "6825794768524310" },
        ],
        remediation: [
          "On the device, in the user's session, disconnect the work account under Settings › Accounts › Access work or school (or update to Windows 10 1803+ with KB4489894, which removes the registered state automatically), and set the policy HKLM\\SOFTWARE\\Policies\\Microsoft\\Windows\\WorkplaceJoin BlockAADWorkplaceJoin = 1 to stop new registrations.",
          "For 0b0b0b0b-0000-4000-8000-000000000003 (Workplace, deviceId 33333333-4444-4555-8666-777777777777): disable it, wait a grace period, and delete it.",
          "For 0a0a0a0a-0000-4000-8000-000000000002 (ServerAd, deviceId 22222222-3333-4444-8555-666666666666): This object holds a LAPS password: back it up first — deleting the object deletes it. Also check whether Microsoft Entra ID holds BitLocker recovery keys for deviceId 22222222-3333-4444-8555-666666666666 (JoinScope could not tell) and back them up first — deleting the object deletes them (Entra admin center › Devices › the device › BitLocker keys / Local administrator password recovery, or `Get-MgInformationProtectionBitlockerRecoveryKey -Filter \"deviceId eq '22222222-3333-4444-8555-666666666666'\"` and `Get-LapsAADPassword -DeviceIds 22222222-3333-4444-8555-666666666666 -IncludePasswords`). Then disable it, wait a grace period, and delete it.",
        ],
      },
    ],
  },
  silentForDays: {
    "silent-device": [
      {
        rule: "silent-device",
        severity: "low",
        title: "No report for 2 d",
        explanation:
          "The machine last reported on 2025-03-07 14:00 UTC, although it is expected every 240 minutes and other machines of the tenant do report. JoinScope cannot check it against its dsregcmd output; this alone says nothing about Conditional Access.",
        evidence: [
          { source: "JoinScope agent", field: "last report", value: "2025-03-07T14:00:00.000Z" },
          { source: "JoinScope evaluation", field: "agentIntervalMinutes", value: "240" },
          { source: "Entra ID device object", field: "approximateLastSignInDateTime", value: "2025-03-01T09:15:00.000Z" },
          { source: "Entra ID device object", field: "trustType", value: "ServerAd" },
        ],
        remediation: [
          "Check the machine is on and connected (its last sign-in time above, Intune's last check-in).",
          "Check the JoinScope agent is installed and its scheduled task runs (Task Scheduler, last run result), and that the machine can reach JoinScope's URL through its proxy.",
          "If the agent's token was revoked or rotated, reinstall the agent with a current token.",
        ],
      },
    ],
  },
  silentNever: {
    "silent-device": [neverReported("2025-03-01T09:15:00.000Z")],
  },
};

describe("join-rule findings as the admin reads them", () => {
  for (const [name, { about, findings }] of Object.entries(cases)) {
    it(about, () => {
      expect(findings()).toEqual(expected[name as keyof typeof cases]);
    });
  }
});

describe("describeDeletion: the soft-delete window", () => {
  it("is restorable until, not at, 30 days after the deletion", () => {
    const object = makeRegisteredObject({ deletedAt: "2025-03-07T14:00:00.000Z", deletedReason: "changed" });
    const end = Date.parse("2025-04-06T14:00:00.000Z");
    expect(describeDeletion(object, [], end - 1)).toMatchObject({ restorable: true, restorableUntil: "2025-04-06T14:00:00.000Z" });
    expect(describeDeletion(object, [], end)).toMatchObject({ restorable: false, restorableUntil: "2025-04-06T14:00:00.000Z" });
  });
});
