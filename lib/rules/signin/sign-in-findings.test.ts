/**
 * Every sign-in rule's finding word for word on the helpdesk cases (lib/rules/signin/testing/sign-in-subjects.ts: the
 * fixtures of lib/signins/fixtures and lib/reports/fixtures, Graph device objects): the title, the explanation, each
 * quoted line and each step the admin reads, and the label the Sign-ins view groups the sign-in under.
 */
import { describe, expect, it } from "vitest";
import { evaluateSignIn, type SignInEvaluation } from "@/lib/rules/signin/evaluate-sign-in";
import { SUBJECTS, type SubjectName } from "@/lib/rules/signin/testing/sign-in-subjects";
import type { Evidence } from "@/lib/rules/types";

const LOG = "Entra ID sign-in log";

/** What readDeviceRequirement quotes of a sign-in that failed one device policy. */
const requirement = (code: string, policy: string, controls: string): Evidence[] => [
  { source: LOG, field: "status.errorCode", value: code },
  { source: LOG, field: "conditionalAccessStatus", value: "failure" },
  { source: `${LOG} · appliedConditionalAccessPolicies`, field: policy, value: `failure · ${controls}` },
];
const COMPLIANT_OR_HYBRID = requirement(
  "53000 DeviceNotCompliant",
  "Require compliant or hybrid joined device",
  "RequireCompliantDevice, RequireDomainJoinedDevice",
);
const COMPLIANT_OR_HYBRID_53001 = requirement(
  "53001 DeviceNotDomainJoined",
  "Require compliant or hybrid joined device",
  "RequireCompliantDevice, RequireDomainJoinedDevice",
);
const HYBRID_ONLY = requirement("53001 DeviceNotDomainJoined", "Exchange Online: require hybrid joined device", "RequireDomainJoinedDevice");
const COMPLIANT_ONLY = requirement("53000 DeviceNotCompliant", "Require compliant device", "RequireCompliantDevice");

/** What describeClient quotes of a sign-in that presented no device. */
const clientEvidence = (browser: string | null, operatingSystem: string | null, app: string): Evidence[] => [
  { source: `${LOG} · deviceDetail`, field: "deviceId", value: "(empty)" },
  ...(browser ? [{ source: `${LOG} · deviceDetail`, field: "browser", value: browser }] : []),
  ...(operatingSystem ? [{ source: `${LOG} · deviceDetail`, field: "operatingSystem", value: operatingSystem }] : []),
  { source: LOG, field: "clientAppUsed", value: app },
];

/** win11-23h2-hybrid.txt's PRT, expired on 2025-11-17, as ca-device-no-prt quotes it for the machine named so. */
const expiredPrt = (hostname: string): Evidence[] => [
  { source: `${hostname} · dsregcmd /status · SSO State`, field: "AzureAdPrtExpiryTime", value: "2025-11-17 07:13:30.000 UTC" },
  { source: `${hostname} · dsregcmd /status · SSO State`, field: "AzureAdPrtUpdateTime", value: "2025-11-03 07:12:36.000 UTC" },
  { source: `JoinScope device ${hostname}`, field: "subjectKey", value: "d:368c996b-2e0f-4cc2-8486-03352e3d2864" },
  { source: `JoinScope finding on ${hostname}`, field: "rule", value: "prt-expired" },
];

/** win11-24h2-hybrid-full.txt's valid PRT, as ca-device-not-presented quotes it. */
const PC_0142_VALID_PRT: Evidence[] = [
  { source: "PC-0142 · dsregcmd /status · SSO State", field: "AzureAdPrt", value: "YES" },
  { source: "PC-0142 · dsregcmd /status · SSO State", field: "AzureAdPrtUpdateTime", value: "2025-03-09 11:00:27.000 UTC" },
  { source: "JoinScope device PC-0142", field: "subjectKey", value: "d:dd5ac0a8-cb5f-461e-9269-2502cbabc065" },
];

const CHROME_REMEDIATION = [
  "Deploy the Microsoft Single Sign On extension to Chrome: policy ExtensionInstallForcelist (HKLM\\Software\\Policies\\Google\\Chrome\\ExtensionInstallForcelist) with `ppnbnpeolgkicgegkbkbjmhlideopiji;https://clients2.google.com/service/update2/crx`, or set the CloudAPAuthEnabled policy to 1 (HKLM\\Software\\Policies\\Google\\Chrome, DWORD, Chrome 111 and later).",
  "Tell users that an Incognito window presents no device unless the extension is allowed in Incognito; sign in again in a normal window.",
];
const RELOCK = "Then have the user lock and unlock the session (or sign out and in), check `dsregcmd /status` shows AzureAdPrt : YES, and sign in again.";

const expected: Record<SubjectName, SignInEvaluation> = {
  clonedImage: {
    deviceRelated: true,
    findings: [
      {
        rule: "ca-device-object-mismatch",
        severity: "high",
        title: "The sign-in presented another object than PC-0142's",
        explanation:
          "The sign-in presented deviceId 5c2a9e1d-7b4f-4e3a-9d6c-8f1e2a3b4c5d (PC-0999 · ServerAd · registered 2024-11-05 08:42 UTC · last sign-in 2025-03-01 09:15 UTC · synced from AD), but PC-0142 reports DeviceId dd5ac0a8-cb5f-461e-9269-2502cbabc065. Two objects answer for one machine: an old registration of it, or a copy of another machine's registration (an image cloned after it was joined). Conditional Access judged the presented object, not the machine's own.",
        evidence: [
          {
            source: "Entra ID sign-in log · deviceDetail",
            field: "deviceId",
            value: "5c2a9e1d-7b4f-4e3a-9d6c-8f1e2a3b4c5d",
            expected: "dd5ac0a8-cb5f-461e-9269-2502cbabc065",
          },
          { source: "Entra ID sign-in log · deviceDetail", field: "displayName", value: "PC-0999" },
          { source: "Entra ID sign-in log · deviceDetail", field: "trustType", value: "Hybrid Azure AD joined" },
          { source: "dsregcmd /status · Device Details", field: "DeviceId", value: "dd5ac0a8-cb5f-461e-9269-2502cbabc065" },
          { source: "dsregcmd /status · Device State", field: "AzureAdJoined", value: "YES" },
          {
            source: "Entra ID device object 0e0e0e0e-1111-4222-8333-444455556666",
            field: "objectId",
            value:
              "0e0e0e0e-1111-4222-8333-444455556666 · PC-0999 · ServerAd · registered 2024-11-05 08:42 UTC · last sign-in 2025-03-01 09:15 UTC · synced from AD",
          },
          {
            source: "Entra ID device object f1e2d3c4-b5a6-4798-8a9b-0c1d2e3f4a5b",
            field: "objectId",
            value:
              "f1e2d3c4-b5a6-4798-8a9b-0c1d2e3f4a5b · PC-0142 · ServerAd · registered 2024-11-05 08:42 UTC · last sign-in 2025-03-01 09:15 UTC · synced from AD",
          },
          { source: "JoinScope device", field: "subjectKey", value: "d:5c2a9e1d-7b4f-4e3a-9d6c-8f1e2a3b4c5d" },
          { source: "JoinScope device", field: "subjectKey", value: "d:dd5ac0a8-cb5f-461e-9269-2502cbabc065" },
          ...HYBRID_ONLY,
        ],
        remediation: [
          "Compare the two objects' hardware ids ([HWID] in physicalIds) and registration times: the one PC-0142 does not report is the leftover.",
          "If PC-0142 is a clone, make it register on its own: back up its BitLocker recovery keys, run `dsregcmd /leave` elevated, restart and sign in (hybrid), or leave and join again (Entra joined); generalise images (sysprep) before they are joined in the future.",
          "Disable and then delete the object the machine no longer uses, once its BitLocker keys and LAPS password are not needed.",
        ],
      },
    ],
    cause: "ca-device-object-mismatch",
    causeLabel: "Another device object presented",
  },
  hybridPolicyEntraMachine: {
    deviceRelated: true,
    findings: [
      {
        rule: "ca-device-not-joined",
        severity: "high",
        title: "FAB-LT-2291 is Microsoft Entra joined, not hybrid joined",
        explanation:
          'The policy requires a Microsoft Entra hybrid joined device ("Exchange Online: require hybrid joined device"), and FAB-LT-2291, where nestor.wilke@woodgrovebank.com signed in around then, is Microsoft Entra joined, not hybrid joined. No browser or app can present a join the machine does not have; its own findings in JoinScope say why the join is missing.',
        evidence: [
          ...HYBRID_ONLY,
          { source: "dsregcmd /status · Device State", field: "AzureAdJoined", value: "YES" },
          { source: "dsregcmd /status · Device State", field: "DomainJoined", value: "NO" },
          { source: "dsregcmd /status · User State", field: "WorkplaceJoined", value: "NO" },
          { source: "JoinScope device", field: "subjectKey", value: "d:131c69e3-7566-426e-ba30-e8997acacfa9" },
        ],
        remediation: [
          "Join FAB-LT-2291 the way the policy requires (hybrid join for a domain computer, Entra join with Intune enrolment for a cloud-managed one), or let the policy accept a compliant device as an alternative.",
        ],
      },
    ],
    cause: "ca-device-not-joined",
    causeLabel: "Machine not joined as the policy requires",
  },
  hybridPolicyRegisteredMachine: {
    deviceRelated: true,
    findings: [
      {
        rule: "ca-device-not-joined",
        severity: "high",
        title: "PC is Microsoft Entra registered only",
        explanation:
          'The policy requires a Microsoft Entra hybrid joined device ("Exchange Online: require hybrid joined device"), and PC, where nestor.wilke@woodgrovebank.com signed in around then, is Microsoft Entra registered only. No browser or app can present a join the machine does not have; its own findings in JoinScope say why the join is missing.',
        evidence: [
          ...HYBRID_ONLY,
          { source: "dsregcmd /status · Device State", field: "AzureAdJoined", value: "NO" },
          { source: "dsregcmd /status · Device State", field: "DomainJoined", value: "NO" },
          { source: "dsregcmd /status · User State", field: "WorkplaceJoined", value: "YES" },
          { source: "JoinScope device", field: "subjectKey", value: "d:6da9f566-5223-49d4-8c5c-22d50b902984" },
        ],
        remediation: [
          "Join PC the way the policy requires (hybrid join for a domain computer, Entra join with Intune enrolment for a cloud-managed one), or let the policy accept a compliant device as an alternative.",
        ],
      },
    ],
    cause: "ca-device-not-joined",
    causeLabel: "Machine not joined as the policy requires",
  },
  hybridPolicyDomainAndRegistered: {
    deviceRelated: true,
    findings: [
      {
        rule: "ca-device-not-joined",
        severity: "high",
        title: "PC-0142 is domain joined and only registered (not hybrid joined)",
        explanation:
          'The policy requires a Microsoft Entra hybrid joined device ("Exchange Online: require hybrid joined device"), and PC-0142, where nestor.wilke@woodgrovebank.com signed in around then, is domain joined and only registered (not hybrid joined). No browser or app can present a join the machine does not have; its own findings in JoinScope say why the join is missing.',
        evidence: [
          ...HYBRID_ONLY,
          { source: "dsregcmd /status · Device State", field: "AzureAdJoined", value: "NO" },
          { source: "dsregcmd /status · Device State", field: "DomainJoined", value: "YES" },
          { source: "dsregcmd /status · User State", field: "WorkplaceJoined", value: "YES" },
        ],
        remediation: [
          "Complete PC-0142's hybrid join: its computer account must be in Entra Connect's sync scope, the Service Connection Point must name the tenant, and the machine must restart and sign in (Automatic-Device-Join task); `dsregcmd /status` then shows AzureAdJoined : YES.",
          "Follow the device's not-joined finding in JoinScope for the pre-join diagnostics of its last attempt.",
        ],
      },
    ],
    cause: "ca-device-not-joined",
    causeLabel: "Hybrid join not completed",
  },
  hybridPolicyWorkgroupMachine: {
    deviceRelated: true,
    findings: [
      {
        rule: "ca-device-not-joined",
        severity: "high",
        title: "PC-0999 is not joined to Microsoft Entra ID",
        explanation:
          'The policy requires a Microsoft Entra hybrid joined device ("Exchange Online: require hybrid joined device"), and PC-0999, where nestor.wilke@woodgrovebank.com signed in around then, is not joined to Microsoft Entra ID. No browser or app can present a join the machine does not have; its own findings in JoinScope say why the join is missing.',
        evidence: [
          ...HYBRID_ONLY,
          { source: "dsregcmd /status · Device State", field: "AzureAdJoined", value: "NO" },
          { source: "dsregcmd /status · Device State", field: "DomainJoined", value: "NO" },
        ],
        remediation: [
          "Join PC-0999 the way the policy requires (hybrid join for a domain computer, Entra join with Intune enrolment for a cloud-managed one), or let the policy accept a compliant device as an alternative.",
        ],
      },
    ],
    cause: "ca-device-not-joined",
    causeLabel: "Machine not joined as the policy requires",
  },
  noPrtTwoMachines: {
    deviceRelated: true,
    findings: [
      {
        rule: "ca-device-no-prt",
        severity: "high",
        title: "No usable PRT on PC-0019, PC-0020",
        explanation:
          "The sign-in presented no device, and the policy requires a compliant device or a Microsoft Entra hybrid joined device (\"Require compliant or hybrid joined device\"). PC-0019 shows a PRT that expired on 2025-11-17 07:13 UTC, before the sign-in; PC-0020 shows a PRT that expired on 2025-11-17 07:13 UTC, before the sign-in. Without a Primary Refresh Token no token of the session carries the device's claim, so no browser or app could present the device: Conditional Access saw it as unregistered. The machine's prt-expired finding in JoinScope says why the PRT is missing and how to get it back.",
        evidence: [
          { source: "Entra ID sign-in log · deviceDetail", field: "deviceId", value: "(empty)" },
          ...COMPLIANT_OR_HYBRID_53001,
          ...expiredPrt("PC-0019"),
          ...expiredPrt("PC-0020"),
        ],
        remediation: ["Fix the PRT on PC-0019, PC-0020 first: follow its prt-expired finding in JoinScope.", RELOCK],
      },
    ],
    cause: "ca-device-no-prt",
    causeLabel: "No PRT on the user's machine",
  },
  chromeSystemCapture: {
    deviceRelated: true,
    findings: [
      {
        rule: "ca-device-not-presented",
        severity: "medium",
        title: "No device presented: Chrome without the Microsoft Single Sign On extension",
        explanation:
          'The sign-in (Chrome 122.0.0 on Windows10) presented no device, and the policy requires a compliant device or a Microsoft Entra hybrid joined device ("Require compliant or hybrid joined device"), so Conditional Access saw an unregistered device. Chrome on Windows presents the device only with the Microsoft Single Sign On extension (formerly Windows Accounts) or the CloudAPAuthEnabled policy, and not in an Incognito window unless the extension is allowed there. PC is joined; whether the PRT was valid is unknown (the report of PC was captured as SYSTEM, so it does not show the user\'s PRT).',
        evidence: [
          ...clientEvidence("Chrome 122.0.0", "Windows10", "Browser"),
          ...COMPLIANT_OR_HYBRID,
          { source: "PC · dsregcmd /status · Diagnostic Data", field: "Executing Account Name", value: "NT AUTHORITY\\SYSTEM" },
          { source: "JoinScope device PC", field: "subjectKey", value: "d:3ef03f99-a5b3-4c20-ae6b-163a8770d3bc" },
        ],
        remediation: [...CHROME_REMEDIATION],
      },
    ],
    cause: "ca-device-not-presented",
    causeLabel: "Chrome without the Microsoft Single Sign On extension",
  },
  noPrtOneOtherUsable: {
    deviceRelated: true,
    findings: [
      {
        rule: "ca-device-no-prt",
        severity: "high",
        title: "No usable PRT on PC-0019",
        explanation:
          "The sign-in presented no device, and the policy requires a compliant device or a Microsoft Entra hybrid joined device (\"Require compliant or hybrid joined device\"). PC-0019 shows a PRT that expired on 2025-11-17 07:13 UTC, before the sign-in. Without a Primary Refresh Token no token of the session carries the device's claim, so no browser or app could present the device: Conditional Access saw it as unregistered. The machine's prt-expired finding in JoinScope says why the PRT is missing and how to get it back. Another machine of the user had a valid PRT then; the sign-in came from a machine without one, or from a browser that presents no device.",
        evidence: [
          { source: "Entra ID sign-in log · deviceDetail", field: "deviceId", value: "(empty)" },
          ...COMPLIANT_OR_HYBRID_53001,
          ...expiredPrt("PC-0019"),
        ],
        remediation: ["Fix the PRT on PC-0019 first: follow its prt-expired finding in JoinScope.", RELOCK],
      },
    ],
    cause: "ca-device-no-prt",
    causeLabel: "No PRT on the user's machine",
  },
  noPrtTwoOthersUsable: {
    deviceRelated: true,
    findings: [
      {
        rule: "ca-device-no-prt",
        severity: "high",
        title: "No usable PRT on PC-0019",
        explanation:
          "The sign-in presented no device, and the policy requires a compliant device or a Microsoft Entra hybrid joined device (\"Require compliant or hybrid joined device\"). PC-0019 shows a PRT that expired on 2025-11-17 07:13 UTC, before the sign-in. Without a Primary Refresh Token no token of the session carries the device's claim, so no browser or app could present the device: Conditional Access saw it as unregistered. The machine's prt-expired finding in JoinScope says why the PRT is missing and how to get it back. 2 other machines of the user had a valid PRT then; the sign-in came from a machine without one, or from a browser that presents no device.",
        evidence: [
          { source: "Entra ID sign-in log · deviceDetail", field: "deviceId", value: "(empty)" },
          ...COMPLIANT_OR_HYBRID_53001,
          ...expiredPrt("PC-0019"),
        ],
        remediation: ["Fix the PRT on PC-0019 first: follow its prt-expired finding in JoinScope.", RELOCK],
      },
    ],
    cause: "ca-device-no-prt",
    causeLabel: "No PRT on the user's machine",
  },
  chromeValidPrt: {
    deviceRelated: true,
    findings: [
      {
        rule: "ca-device-not-presented",
        severity: "medium",
        title: "No device presented: Chrome without the Microsoft Single Sign On extension",
        explanation:
          'The sign-in (Chrome 122.0.0 on Windows10) presented no device, and the policy requires a compliant device or a Microsoft Entra hybrid joined device ("Require compliant or hybrid joined device"), so Conditional Access saw an unregistered device. Chrome on Windows presents the device only with the Microsoft Single Sign On extension (formerly Windows Accounts) or the CloudAPAuthEnabled policy, and not in an Incognito window unless the extension is allowed there. PC-0142 (report of 2025-11-20 08:00 UTC) was joined with a valid PRT at the time, so the device could have been presented.',
        evidence: [...clientEvidence("Chrome 122.0.0", "Windows10", "Browser"), ...COMPLIANT_OR_HYBRID, ...PC_0142_VALID_PRT],
        remediation: [...CHROME_REMEDIATION],
      },
    ],
    cause: "ca-device-not-presented",
    causeLabel: "Chrome without the Microsoft Single Sign On extension",
  },
  chromeNoMachine: {
    deviceRelated: true,
    findings: [
      {
        rule: "ca-device-not-presented",
        severity: "low",
        title: "No device presented: Chrome without the Microsoft Single Sign On extension",
        explanation:
          'The sign-in (Chrome 122.0.0 on Windows10) presented no device, and the policy requires a compliant device or a Microsoft Entra hybrid joined device ("Require compliant or hybrid joined device"), so Conditional Access saw an unregistered device. Chrome on Windows presents the device only with the Microsoft Single Sign On extension (formerly Windows Accounts) or the CloudAPAuthEnabled policy, and not in an Incognito window unless the extension is allowed there. JoinScope has no report of the user\'s Windows machine around the sign-in to confirm it was joined; if it was, the client is why.',
        evidence: [...clientEvidence("Chrome 122.0.0", "Windows10", "Browser"), ...COMPLIANT_OR_HYBRID],
        remediation: [...CHROME_REMEDIATION],
      },
    ],
    cause: "ca-device-not-presented",
    causeLabel: "Chrome without the Microsoft Single Sign On extension",
  },
  chromeOtherUsersReport: {
    deviceRelated: true,
    findings: [
      {
        rule: "ca-device-not-presented",
        severity: "medium",
        title: "No device presented: Chrome without the Microsoft Single Sign On extension",
        explanation:
          'The sign-in (Chrome 122.0.0 on Windows10) presented no device, and the policy requires a compliant device or a Microsoft Entra hybrid joined device ("Require compliant or hybrid joined device"), so Conditional Access saw an unregistered device. Chrome on Windows presents the device only with the Microsoft Single Sign On extension (formerly Windows Accounts) or the CloudAPAuthEnabled policy, and not in an Incognito window unless the extension is allowed there. FAB-LT-2291 is joined; whether the PRT was valid is unknown (the report of FAB-LT-2291 was captured by alex.wilber@fabrikam.com, not jdoe@contoso.com: its PRT lines are that account\'s).',
        evidence: [
          ...clientEvidence("Chrome 122.0.0", "Windows10", "Browser"),
          ...COMPLIANT_OR_HYBRID,
          {
            source: "FAB-LT-2291 · dsregcmd /status · Diagnostic Data",
            field: "Executing Account Name",
            value: "AzureAD\\AlexWilber, alex.wilber@fabrikam.com",
          },
          { source: "JoinScope device FAB-LT-2291", field: "subjectKey", value: "d:131c69e3-7566-426e-ba30-e8997acacfa9" },
        ],
        remediation: [...CHROME_REMEDIATION],
      },
    ],
    cause: "ca-device-not-presented",
    causeLabel: "Chrome without the Microsoft Single Sign On extension",
  },
  firefox: {
    deviceRelated: true,
    findings: [
      {
        rule: "ca-device-not-presented",
        severity: "medium",
        title: "No device presented: Firefox without Windows single sign-on",
        explanation:
          'The sign-in (Firefox 123.0 on Windows10) presented no device, and the policy requires a compliant device or a Microsoft Entra hybrid joined device ("Require compliant or hybrid joined device"), so Conditional Access saw an unregistered device. Firefox presents the device only with "Allow Windows single sign-on for Microsoft, work, and school accounts" enabled, and not in a private window. PC-0142 was joined with a valid PRT at the time, so the device could have been presented.',
        evidence: [...clientEvidence("Firefox 123.0", "Windows10", "Browser"), ...COMPLIANT_OR_HYBRID, ...PC_0142_VALID_PRT],
        remediation: [
          'Enable Windows single sign-on in Firefox: Settings › Privacy & Security › "Allow Windows single sign-on for Microsoft, work, and school accounts", or deploy the WindowsSSO enterprise policy (network.http.windows-sso.enabled). A private window still presents no device.',
        ],
      },
    ],
    cause: "ca-device-not-presented",
    causeLabel: "Firefox without Windows single sign-on",
  },
  outlookNoBroker: {
    deviceRelated: true,
    findings: [
      {
        rule: "ca-device-not-presented",
        severity: "medium",
        title: "No device presented: Desktop app that does not use the Windows broker",
        explanation:
          'The sign-in (Rich Client 4.61.0.0 on Windows10) presented no device, and the policy requires a compliant device or a Microsoft Entra hybrid joined device ("Require compliant or hybrid joined device"), so Conditional Access saw an unregistered device. Microsoft Office signed in as a desktop client (Rich Client 4.61.0.0 on Windows10) without the Windows broker (WAM), so the PRT and its device claim were not used: an embedded browser or an old authentication library does this. PC-0142 was joined with a valid PRT at the time, so the device could have been presented.',
        evidence: [...clientEvidence("Rich Client 4.61.0.0", "Windows10", "Mobile Apps and Desktop clients"), ...COMPLIANT_OR_HYBRID, ...PC_0142_VALID_PRT],
        remediation: [
          "Update Microsoft Office to a version that signs in through the Windows broker (MSAL with WAM); Microsoft 365 Apps do this when Windows is signed in with the work account. Until then, use the app's web version in Microsoft Edge.",
        ],
      },
    ],
    cause: "ca-device-not-presented",
    causeLabel: "Desktop app that does not use the Windows broker",
  },
  iosSafari: {
    deviceRelated: true,
    findings: [
      {
        rule: "ca-device-not-presented",
        severity: "low",
        title: "Sign-in from iOS: no Windows device involved",
        explanation:
          "The sign-in (Mobile Safari 17.4 on Ios 17.4) presented no device, and the policy requires a compliant device or a Microsoft Entra hybrid joined device (\"Require compliant or hybrid joined device\"), so Conditional Access saw an unregistered device. The sign-in came from iOS (Mobile Safari 17.4 on Ios 17.4), not from the user's Windows machine: the Windows device's registration plays no part in it.",
        evidence: [...clientEvidence("Mobile Safari 17.4", "Ios 17.4", "Browser"), ...COMPLIANT_OR_HYBRID],
        remediation: [
          "If iOS devices should have access, register and enrol them (Intune Company Portal or the Microsoft Enterprise SSO plug-in on Apple devices, Company Portal or Microsoft Authenticator on Android) and sign in from Microsoft Edge or the platform's supported browser; otherwise the block is the policy doing its job.",
        ],
      },
    ],
    cause: "ca-device-not-presented",
    causeLabel: "Sign-in from iOS",
  },
  activeSync: {
    deviceRelated: true,
    findings: [
      {
        rule: "ca-device-not-presented",
        severity: "low",
        title: "No device presented: Legacy authentication (Exchange ActiveSync)",
        explanation:
          'The sign-in (Exchange ActiveSync) presented no device, and the policy requires a compliant device or a Microsoft Entra hybrid joined device ("Require compliant or hybrid joined device"), so Conditional Access saw an unregistered device. Exchange ActiveSync is legacy authentication: it sends no device state, so a device policy always blocks it. JoinScope has no report of the user\'s Windows machine around the sign-in to confirm it was joined; if it was, the client is why.',
        evidence: [...clientEvidence(null, null, "Exchange ActiveSync"), ...COMPLIANT_OR_HYBRID],
        remediation: [
          "Move the client off Exchange ActiveSync to modern authentication (Outlook, or a client that signs in through Microsoft Entra ID), and block legacy authentication with Conditional Access once nothing needs it.",
        ],
      },
    ],
    cause: "ca-device-not-presented",
    causeLabel: "Legacy authentication (Exchange ActiveSync)",
  },
  noPrtWrongPassword: {
    deviceRelated: true,
    findings: [
      {
        rule: "ca-device-no-prt",
        severity: "high",
        title: "No usable PRT on FAB-LT-2291: wrong credentials or password not synced",
        explanation:
          "The sign-in presented no device, and the policy requires a compliant device (\"Require compliant device\"). FAB-LT-2291 (report of 2025-11-20 08:00 UTC) shows AzureAdPrt : NO (likely cause: wrong credentials or password not synced). Without a Primary Refresh Token no token of the session carries the device's claim, so no browser or app could present the device: Conditional Access saw it as unregistered. The machine's prt-missing finding in JoinScope says why the PRT is missing and how to get it back.",
        evidence: [
          { source: "Entra ID sign-in log · deviceDetail", field: "deviceId", value: "(empty)" },
          ...COMPLIANT_ONLY,
          { source: "FAB-LT-2291 · dsregcmd /status · SSO State", field: "AzureAdPrt", value: "NO" },
          {
            source: "FAB-LT-2291 · dsregcmd /status · SSO State",
            field: "Server Error Description",
            value:
              "AADSTS50126: Error validating credentials due to invalid username or password. Trace ID: 0837f702-e11e-46e4-b21a-3fbfc48049a7 Correlation ID: eeff1be0-1ae1-4af8-a9a1-4cf77120308f Timestamp: 2023-05-22 07:02:44Z",
          },
          { source: "JoinScope device FAB-LT-2291", field: "subjectKey", value: "d:131c69e3-7566-426e-ba30-e8997acacfa9" },
          { source: "JoinScope finding on FAB-LT-2291", field: "rule", value: "prt-missing" },
        ],
        remediation: ["Fix the PRT on FAB-LT-2291 first: follow its prt-missing finding in JoinScope (wrong credentials or password not synced).", RELOCK],
      },
    ],
    cause: "ca-device-no-prt",
    causeLabel: "No PRT: wrong credentials or password not synced",
  },
  noPrtExpired: {
    deviceRelated: true,
    findings: [
      {
        rule: "ca-device-no-prt",
        severity: "high",
        title: "No usable PRT on PC-0019",
        explanation:
          "The sign-in presented no device, and the policy requires a compliant device or a Microsoft Entra hybrid joined device (\"Require compliant or hybrid joined device\"). PC-0019 shows a PRT that expired on 2025-11-17 07:13 UTC, before the sign-in. Without a Primary Refresh Token no token of the session carries the device's claim, so no browser or app could present the device: Conditional Access saw it as unregistered. The machine's prt-expired finding in JoinScope says why the PRT is missing and how to get it back.",
        evidence: [
          { source: "Entra ID sign-in log · deviceDetail", field: "deviceId", value: "(empty)" },
          ...COMPLIANT_OR_HYBRID_53001,
          ...expiredPrt("PC-0019"),
        ],
        remediation: ["Fix the PRT on PC-0019 first: follow its prt-expired finding in JoinScope.", RELOCK],
      },
    ],
    cause: "ca-device-no-prt",
    causeLabel: "No PRT on the user's machine",
  },
  registeredNeedsHybrid: {
    deviceRelated: true,
    findings: [
      {
        rule: "ca-device-not-joined",
        severity: "high",
        title: "DESKTOP-7H2K9QD is Microsoft Entra registered, and the policy requires hybrid join",
        explanation:
          'The policy requires a Microsoft Entra hybrid joined device ("Exchange Online: require hybrid joined device"). The sign-in presented DESKTOP-7H2K9QD (deviceId 6da9f566-5223-49d4-8c5c-22d50b902984), which is Microsoft Entra registered: only a Microsoft Entra hybrid joined device (trustType ServerAd) satisfies "Require Microsoft Entra hybrid joined device". This is the device\'s join type, not its browser or compliance.',
        evidence: [
          { source: "Entra ID sign-in log · deviceDetail", field: "deviceId", value: "6da9f566-5223-49d4-8c5c-22d50b902984" },
          { source: "Entra ID sign-in log · deviceDetail", field: "trustType", value: "Azure AD registered" },
          ...HYBRID_ONLY,
          { source: "JoinScope device", field: "subjectKey", value: "d:6da9f566-5223-49d4-8c5c-22d50b902984" },
        ],
        remediation: [
          "If DESKTOP-7H2K9QD is a domain-joined corporate computer, complete its hybrid join (its computer account in Entra Connect's sync scope, the Service Connection Point, a restart and sign-in) and remove the registration it signed in with; set BlockAADWorkplaceJoin so it does not come back.",
          'If DESKTOP-7H2K9QD is a personal or non-domain device, the policy blocks it by design: let such devices in with "Require device to be marked as compliant" instead (Intune enrolment), or keep them out.',
        ],
      },
    ],
    cause: "ca-device-not-joined",
    causeLabel: "Microsoft Entra registered where hybrid join is required",
  },
  entraNeedsHybrid: {
    deviceRelated: true,
    findings: [
      {
        rule: "ca-device-not-joined",
        severity: "high",
        title: "DESKTOP-7H2K9QD is Microsoft Entra joined, and the policy requires hybrid join",
        explanation:
          'The policy requires a Microsoft Entra hybrid joined device ("Exchange Online: require hybrid joined device"). The sign-in presented DESKTOP-7H2K9QD (deviceId 6da9f566-5223-49d4-8c5c-22d50b902984), which is Microsoft Entra joined: only a Microsoft Entra hybrid joined device (trustType ServerAd) satisfies "Require Microsoft Entra hybrid joined device". This is the device\'s join type, not its browser or compliance.',
        evidence: [
          { source: "Entra ID sign-in log · deviceDetail", field: "deviceId", value: "6da9f566-5223-49d4-8c5c-22d50b902984" },
          { source: "Entra ID sign-in log · deviceDetail", field: "trustType", value: "Azure AD joined" },
          ...HYBRID_ONLY,
          { source: "JoinScope device", field: "subjectKey", value: "d:6da9f566-5223-49d4-8c5c-22d50b902984" },
        ],
        remediation: [
          'DESKTOP-7H2K9QD is cloud-only joined, which a hybrid-join requirement never accepts: add "Require device to be marked as compliant" to the policy\'s grant (require one of the selected controls) and enrol the device in Intune, or scope the policy to domain-joined computers.',
        ],
      },
    ],
    cause: "ca-device-not-joined",
    causeLabel: "Microsoft Entra joined where hybrid join is required",
  },
  domainOnlyMachine: {
    deviceRelated: true,
    findings: [
      {
        rule: "ca-device-not-joined",
        severity: "high",
        title: "PC-0733 is domain joined only: its hybrid join has not completed",
        explanation:
          'The policy requires a compliant device or a Microsoft Entra hybrid joined device ("Require compliant or hybrid joined device"), and PC-0733, where joerg.mueller@contoso.com signed in around then, is domain joined only: its hybrid join has not completed. No browser or app can present a join the machine does not have; its own findings in JoinScope say why the join is missing.',
        evidence: [
          ...COMPLIANT_OR_HYBRID_53001,
          { source: "dsregcmd /status · Device State", field: "AzureAdJoined", value: "NO" },
          { source: "dsregcmd /status · Device State", field: "DomainJoined", value: "YES" },
          { source: "dsregcmd /status · User State", field: "WorkplaceJoined", value: "NO" },
        ],
        remediation: [
          "Complete PC-0733's hybrid join: its computer account must be in Entra Connect's sync scope, the Service Connection Point must name the tenant, and the machine must restart and sign in (Automatic-Device-Join task); `dsregcmd /status` then shows AzureAdJoined : YES.",
          "Follow the device's not-joined finding in JoinScope for the pre-join diagnostics of its last attempt.",
        ],
      },
    ],
    cause: "ca-device-not-joined",
    causeLabel: "Hybrid join not completed",
  },
  notCompliant: {
    deviceRelated: true,
    findings: [
      {
        rule: "ca-device-not-compliant",
        severity: "medium",
        title: "FAB-LT-3350 is not compliant",
        explanation:
          'The policy requires a compliant device ("Require compliant device"). The sign-in presented FAB-LT-3350 (deviceId 8f3c2b1a-0e9d-4c8b-a7f6-5e4d3c2b1a09) and Entra ID knew it, so the join worked; but Intune has not marked it compliant (isCompliant false): a compliance policy setting fails, or the device has not checked in since it changed.',
        evidence: [
          { source: "Entra ID sign-in log · deviceDetail", field: "deviceId", value: "8f3c2b1a-0e9d-4c8b-a7f6-5e4d3c2b1a09" },
          { source: "Entra ID sign-in log · deviceDetail", field: "isManaged", value: "true" },
          { source: "Entra ID sign-in log · deviceDetail", field: "isCompliant", value: "false" },
          { source: "Entra ID sign-in log · deviceDetail", field: "trustType", value: "Azure AD joined" },
          ...COMPLIANT_ONLY,
          { source: "JoinScope device", field: "subjectKey", value: "d:8f3c2b1a-0e9d-4c8b-a7f6-5e4d3c2b1a09" },
        ],
        remediation: [
          "In Intune (Devices › FAB-LT-3350 › Device compliance) find the setting that fails, fix it on the device, and sync it (Company Portal or Settings › Accounts › Access work or school › Info › Sync).",
          "A device that was just restored or re-registered stays non-compliant until it checks in with Intune again.",
        ],
      },
    ],
    cause: "ca-device-not-compliant",
    causeLabel: "Device not compliant",
  },
  notManaged: {
    deviceRelated: true,
    findings: [
      {
        rule: "ca-device-not-compliant",
        severity: "medium",
        title: "FAB-LT-3350 is not managed by Intune",
        explanation:
          'The policy requires a compliant device ("Require compliant device"). The sign-in presented FAB-LT-3350 (deviceId 8f3c2b1a-0e9d-4c8b-a7f6-5e4d3c2b1a09) and Entra ID knew it, so the join worked; but the device is not enrolled in an MDM (isManaged false), and an unmanaged device is never marked compliant.',
        evidence: [
          { source: "Entra ID sign-in log · deviceDetail", field: "deviceId", value: "8f3c2b1a-0e9d-4c8b-a7f6-5e4d3c2b1a09" },
          { source: "Entra ID sign-in log · deviceDetail", field: "isManaged", value: "false" },
          { source: "Entra ID sign-in log · deviceDetail", field: "isCompliant", value: "false" },
          { source: "Entra ID sign-in log · deviceDetail", field: "trustType", value: "Azure AD joined" },
          ...COMPLIANT_ONLY,
          { source: "JoinScope device", field: "subjectKey", value: "d:8f3c2b1a-0e9d-4c8b-a7f6-5e4d3c2b1a09" },
        ],
        remediation: [
          'Enrol FAB-LT-3350 in Intune: automatic MDM enrolment for hybrid or Entra joined computers (Group Policy "Enable automatic MDM enrollment using default Azure AD credentials" or the MDM user scope), or Company Portal for a registered device.',
          "Once enrolled, let it check in and evaluate compliance (Settings › Accounts › Access work or school › Info › Sync), then sign in again.",
        ],
      },
    ],
    cause: "ca-device-not-compliant",
    causeLabel: "Device not enrolled in Intune",
  },
  leftoverRegistration: {
    deviceRelated: true,
    findings: [
      {
        rule: "ca-device-object-mismatch",
        severity: "high",
        title: "PC-0142 presented its leftover registration, not its join",
        explanation:
          "The sign-in presented deviceId 5c2a9e1d-7b4f-4e3a-9d6c-8f1e2a3b4c5d, a Microsoft Entra registered object, while PC-0142 reports DeviceId dd5ac0a8-cb5f-461e-9269-2502cbabc065 (hybrid joined). The work account added before the join still has its own registration on the machine, and the browser or app used it: Conditional Access judged that registration, which is neither hybrid joined nor (usually) compliant.",
        evidence: [
          {
            source: "Entra ID sign-in log · deviceDetail",
            field: "deviceId",
            value: "5c2a9e1d-7b4f-4e3a-9d6c-8f1e2a3b4c5d",
            expected: "dd5ac0a8-cb5f-461e-9269-2502cbabc065",
          },
          { source: "Entra ID sign-in log · deviceDetail", field: "displayName", value: "PC-0142" },
          { source: "Entra ID sign-in log · deviceDetail", field: "trustType", value: "Azure AD registered" },
          { source: "dsregcmd /status · Device Details", field: "DeviceId", value: "dd5ac0a8-cb5f-461e-9269-2502cbabc065" },
          { source: "dsregcmd /status · Device State", field: "AzureAdJoined", value: "YES" },
          {
            source: "Entra ID device object 8d9e0f1a-2b3c-4d4e-9f5a-6b7c8d9e0f1a",
            field: "objectId",
            value: "8d9e0f1a-2b3c-4d4e-9f5a-6b7c8d9e0f1a · PC-0142 · Workplace · registered 2023-09-12 07:44 UTC · last sign-in 2025-03-02 16:20 UTC",
          },
          { source: "JoinScope device", field: "subjectKey", value: "d:5c2a9e1d-7b4f-4e3a-9d6c-8f1e2a3b4c5d" },
          { source: "JoinScope device", field: "subjectKey", value: "d:dd5ac0a8-cb5f-461e-9269-2502cbabc065" },
          ...HYBRID_ONLY,
        ],
        remediation: [
          'On PC-0142, remove the registration, not the join: Settings › Accounts › Access work or school › the work account that is not "Connected to … Azure AD" › Disconnect (Windows 10 1803 and later remove it after a hybrid join completes).',
          "Stop domain-joined computers from registering again: set the BlockAADWorkplaceJoin policy value (Computer Configuration › Administrative Templates › Windows Components › Workplace Join).",
          "Then disable and delete the leftover object 8d9e0f1a-2b3c-4d4e-9f5a-6b7c8d9e0f1a in Entra ID (it holds no BitLocker key of the machine's join; check first), and sign in again: the sign-in log should show deviceId dd5ac0a8-cb5f-461e-9269-2502cbabc065.",
        ],
      },
    ],
    cause: "ca-device-object-mismatch",
    causeLabel: "Leftover registration presented instead of the join",
  },
  disabledObject: {
    deviceRelated: true,
    findings: [
      {
        rule: "ca-device-object-gone",
        severity: "high",
        title: "The sign-in presented a disabled device object",
        explanation:
          "The sign-in presented deviceId 74df6508-0658-4bb8-a70f-6f79c11fb95c, whose object (PC-0466 · ServerAd · registered 2024-06-18 09:31 UTC · last sign-in 2025-03-28 08:12 UTC · synced from AD) is disabled: Entra ID refuses a disabled device (AADSTS135011), so it cannot satisfy the policy.",
        evidence: [
          { source: "Entra ID sign-in log · deviceDetail", field: "deviceId", value: "74df6508-0658-4bb8-a70f-6f79c11fb95c" },
          { source: "Entra ID sign-in log · deviceDetail", field: "displayName", value: "PC-0466" },
          ...COMPLIANT_OR_HYBRID,
          { source: "Entra ID device object", field: "objectId", value: "1c2d3e4f-5a6b-4c7d-8e9f-0a1b2c3d4e5f" },
          { source: "Entra ID device object", field: "accountEnabled", value: "false" },
          { source: "JoinScope device", field: "subjectKey", value: "d:74df6508-0658-4bb8-a70f-6f79c11fb95c" },
        ],
        remediation: [
          "Enable the computer account in Active Directory (Entra Connect syncs accountEnabled from it), then run `Start-ADSyncSyncCycle -PolicyType Delta`.",
          "Lock and unlock the session on the device and sign in again: no re-join is needed.",
        ],
      },
    ],
    cause: "ca-device-object-gone",
    causeLabel: "Device object disabled",
  },
  deletedObject: {
    deviceRelated: true,
    findings: [
      {
        rule: "ca-device-object-gone",
        severity: "high",
        title: "The sign-in presented a deleted device object",
        explanation:
          "The sign-in presented deviceId 74df6508-0658-4bb8-a70f-6f79c11fb95c, whose object (PC-0142 · ServerAd · registered 2024-11-05 08:42 UTC · last sign-in 2025-03-01 09:15 UTC · synced from AD · deleted (noticed 2025-04-01 10:00 UTC)) was deleted (JoinScope noticed it on 2025-04-01 10:00 UTC). A deleted object cannot authenticate, so the device cannot satisfy the policy until it is restored or registers again.",
        evidence: [
          { source: "Entra ID sign-in log · deviceDetail", field: "deviceId", value: "74df6508-0658-4bb8-a70f-6f79c11fb95c" },
          { source: "Entra ID sign-in log · deviceDetail", field: "displayName", value: "PC-0466" },
          ...COMPLIANT_OR_HYBRID,
          { source: "Entra ID device object (deleted)", field: "objectId", value: "f1e2d3c4-b5a6-4798-8a9b-0c1d2e3f4a5b" },
          { source: "Entra ID device object (deleted)", field: "deletedAt", value: "2025-04-01T10:00:00.000Z" },
          { source: "JoinScope device", field: "subjectKey", value: "d:74df6508-0658-4bb8-a70f-6f79c11fb95c" },
        ],
        remediation: [
          "Open the device's page in JoinScope: its object-deleted finding says whether the object can be restored (Entra joined, soft-deleted, within 30 days: `POST /beta/directory/deletedItems/f1e2d3c4-b5a6-4798-8a9b-0c1d2e3f4a5b/restore`) or the device must register again (hybrid joined objects are hard-deleted; fix the computer's sync scope in Active Directory, then `dsregcmd /leave` and restart).",
          "Back up the BitLocker recovery keys and the LAPS password before any re-registration; then sign in again.",
        ],
      },
    ],
    cause: "ca-device-object-gone",
    causeLabel: "Device object deleted",
  },
  unknownObject: {
    deviceRelated: true,
    findings: [
      {
        rule: "ca-device-object-gone",
        severity: "high",
        title: "The sign-in presented a device that has no object in the directory",
        explanation:
          "The sign-in presented deviceId 74df6508-0658-4bb8-a70f-6f79c11fb95c, and the directory holds no object with that deviceId (deleted, or never synced to JoinScope). A device whose object is gone cannot authenticate, so Conditional Access could not count it as compliant or hybrid joined.",
        evidence: [
          { source: "Entra ID sign-in log · deviceDetail", field: "deviceId", value: "74df6508-0658-4bb8-a70f-6f79c11fb95c" },
          { source: "Entra ID sign-in log · deviceDetail", field: "displayName", value: "PC-0466" },
          ...COMPLIANT_OR_HYBRID,
          { source: "Entra ID devices", field: "deviceId", value: null, expected: "74df6508-0658-4bb8-a70f-6f79c11fb95c" },
          { source: "JoinScope device", field: "subjectKey", value: "d:74df6508-0658-4bb8-a70f-6f79c11fb95c" },
        ],
        remediation: [
          "Open the device's page in JoinScope (its report's object-deleted finding carries the restore or re-join steps), or look the deviceId up in the Entra admin center and in `GET /beta/directory/deletedItems/microsoft.graph.device`.",
          "Restore a soft-deleted Entra joined object within 30 days, or re-register the device (back up the BitLocker recovery keys and LAPS password first); then sign in again.",
        ],
      },
    ],
    cause: "ca-device-object-gone",
    causeLabel: "Device object not in the directory",
  },
};

/** Each case, with what the admin is looking at. */
const CASES: [SubjectName, string][] = [
  ["clonedImage", "another object of the same machine presented (same hardware id, another name: a cloned image)"],
  ["hybridPolicyEntraMachine", "a hybrid-join policy, no device presented, the user's machine Entra joined"],
  ["hybridPolicyRegisteredMachine", "a hybrid-join policy, no device presented, the user's machine only registered"],
  ["hybridPolicyDomainAndRegistered", "a hybrid-join policy, no device presented, the machine domain joined and only registered"],
  ["hybridPolicyWorkgroupMachine", "a hybrid-join policy, no device presented, the machine not joined at all"],
  ["noPrtTwoMachines", "two machines of the user whose PRTs expired before the sign-in: both named"],
  ["chromeSystemCapture", "Chrome without the extension, the machine's report captured as SYSTEM: whether the PRT was valid is unknown"],
  ["noPrtOneOtherUsable", "a PRT expired before the sign-in, while another machine of the user held a valid one"],
  ["noPrtTwoOthersUsable", "a PRT expired before the sign-in, while two other machines of the user held valid ones"],
  ["chromeValidPrt", "Chrome without the extension on a hybrid PC whose report shows a valid PRT"],
  ["chromeNoMachine", "Chrome without the extension, no report of the user's machine: low"],
  ["chromeOtherUsersReport", "Chrome without the extension, the only report captured by another user: whether the PRT was valid is unknown"],
  ["firefox", "Firefox without Windows single sign-on"],
  ["outlookNoBroker", "Outlook signing in without the Windows broker"],
  ["iosSafari", "an iPhone in Safari: another platform, low"],
  ["activeSync", "Exchange ActiveSync: legacy authentication"],
  ["noPrtWrongPassword", "no PRT on FAB-LT-2291 (AADSTS50126), its report captured a day later"],
  ["noPrtExpired", "a PRT expired before the sign-in, while another machine of the user held a valid one"],
  ["registeredNeedsHybrid", "a registered device against a hybrid-join policy"],
  ["entraNeedsHybrid", "an Entra joined device against a hybrid-join policy"],
  ["domainOnlyMachine", "a domain-joined-only machine, hybrid join pending"],
  ["notCompliant", "a managed device that is not compliant"],
  ["notManaged", "a device that is not managed"],
  ["leftoverRegistration", "the leftover registration presented instead of the join"],
  ["disabledObject", "a disabled object"],
  ["deletedObject", "a deleted object"],
  ["unknownObject", "a device id the directory does not hold"],
];

describe("sign-in findings as the admin reads them", () => {
  it.each(CASES)("%s: %s", (name) => {
    expect(evaluateSignIn(SUBJECTS[name]())).toEqual(expected[name]);
  });
});
