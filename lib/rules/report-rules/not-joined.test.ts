import { describe, expect, it } from "vitest";
import { notJoinedRule } from "@/lib/rules/report-rules/not-joined";
import { makeEvent, makeInput, makePendingHybridReport, makeRegisteredReport, makeWorkgroupReport } from "@/lib/rules/testing/make-report";

/** The agent's SYSTEM capture of a domain-joined computer whose hybrid join has not completed, with the pre-join Diagnostic Data lines given (1809+). */
const systemCapture = (diagnostics: Record<string, string>) =>
  makePendingHybridReport({ executingAccount: "NT AUTHORITY\\SYSTEM", extra: { "Diagnostic Data": { "User Context": "SYSTEM", ...diagnostics } } });

const USER = "dsregcmd /status";
const SYSTEM = "dsregcmd /status (SYSTEM capture)";
/** The explanation's first sentence for a domain-joined computer of CONTOSO whose hybrid join has not completed. */
const HYBRID_STATE =
  'The device is joined to Active Directory (CONTOSO) but not to Microsoft Entra ID (`AzureAdJoined : NO`), so it presents no device identity and Conditional Access shows "Device State: Unregistered"; policies that require a compliant or hybrid joined device block it.';
/** The join state lines quoted first, from the user's capture of such a computer. */
const HYBRID_STATE_EVIDENCE = [
  { source: `${USER} · Device State`, field: "AzureAdJoined", value: "NO" },
  { source: `${USER} · User State`, field: "WorkplaceJoined", value: "NO" },
  { source: `${USER} · Device State`, field: "DomainJoined", value: "YES" },
  { source: `${USER} · Device State`, field: "DomainName", value: "CONTOSO" },
];
const RETRY_JOIN =
  "Restart the device and sign in: the Automatic-Device-Join task retries at logon. Then capture `dsregcmd /status` again (the agent's SYSTEM capture shows the pre-join diagnostics).";
const READ_EVENTS =
  "Read the User Device Registration Admin events on the device (304/305/307 for the failing phase, 201/204 for discovery and DRS HTTP errors) and the Server ErrorCode / Server Message above.";
const WINHTTP_PROXY =
  "Check the machine-wide WinHTTP proxy on the device (`netsh winhttp show proxy`): the join runs as SYSTEM and does not use the user's proxy settings.";
/** A Diagnostic Data line quoted from the SYSTEM capture (or the user's). */
const diagnostic = (field: string, value: string, capture = SYSTEM) => ({ source: `${capture} · Diagnostic Data`, field, value });

// Each diagnosis word for word: the title, the state and cause, the codes explained, the lines quoted and the steps.
/** One diagnosis: the SYSTEM capture's Diagnostic Data lines, and the finding's own parts. */
interface Diagnosis {
  about: string;
  diagnostics: Record<string, string>;
  title: string;
  cause: string;
  quoted: ReturnType<typeof diagnostic>[];
  steps: string[];
}

describe("not-joined: each pre-join diagnosis as the admin reads it", () => {
  it.each<Diagnosis>([
    {
      about: "0x801C003A in the SYSTEM capture: the SCP names an unknown tenant (an empty Server Message line is no evidence)",
      diagnostics: { "Error Phase": "discover", "Client ErrorCode": "0x801c003a", "Server Message": "" },
      title: "SCP names an unknown tenant (0x801C003A)",
      cause:
        "The service connection point names a tenant the Device Registration Service does not know. Codes: 0x801C003A: The tenant named in the SCP was not found.",
      quoted: [diagnostic("Error Phase", "discover"), diagnostic("Client ErrorCode", "0x801c003a")],
      steps: [
        "First check the client-side registry values of a targeted rollout (HKLM\\SOFTWARE\\Microsoft\\Windows\\CurrentVersion\\CDJ\\AAD, TenantId and TenantName): when present they win over the SCP in AD, so correct or remove them.",
        "Then read the SCP keywords (azureADName, azureADId) in the AD configuration partition under CN=Device Registration Configuration,CN=Services and correct them with Entra Connect's device options; the SCP must exist in every forest that has computers to join.",
      ],
    },
    {
      about: "a failed AD Configuration Test: the SCP is unreadable (Client ErrorCode 0x0 is no code to explain)",
      diagnostics: { "AD Connectivity Test": "PASS", "AD Configuration Test": "FAIL", "Error Phase": "discover", "Client ErrorCode": "0x0" },
      title: "service connection point unreadable",
      cause: "The device could not read the service connection point (SCP) from Active Directory, so it does not know which tenant to join.",
      quoted: [diagnostic("Error Phase", "discover"), diagnostic("Client ErrorCode", "0x0"), diagnostic("AD Configuration Test", "FAIL")],
      steps: [
        "Check the device reaches a domain controller when the join runs (on the corporate network or an always-on VPN before sign-in).",
        "Check the client-side registry values of a targeted rollout first (HKLM\\SOFTWARE\\Microsoft\\Windows\\CurrentVersion\\CDJ\\AAD, TenantId and TenantName): when present they win over AD. Otherwise check the SCP exists and computers can read it: CN=62a0ff2e-97b9-4513-943f-0d221bd30080,CN=Device Registration Configuration,CN=Services in the configuration partition of every forest that has computers to join (Entra Connect's device options create it).",
      ],
    },
    {
      about: "a failed AD Connectivity Test: no domain controller, and the test's code explained",
      diagnostics: { "AD Connectivity Test": "FAIL [0x54b]", "Error Phase": "discover" },
      title: "no domain controller reachable",
      cause: "The device could not reach a domain controller while trying to join. Codes: 0x54B.",
      quoted: [diagnostic("Error Phase", "discover"), diagnostic("AD Connectivity Test", "FAIL [0x54b]")],
      steps: ["Check the device reaches a domain controller when the join runs (on the corporate network or an always-on VPN before sign-in)."],
    },
    {
      about: "a failed DRS Connectivity Test: the service was found but cannot be reached",
      diagnostics: { "DRS Discovery Test": "PASS", "DRS Connectivity Test": "FAIL [0x80072efd]", "Error Phase": "join" },
      title: "cannot reach the Device Registration Service",
      cause:
        "The device found the Device Registration Service but could not connect to it. Codes: 0x80072EFD: WinHTTP 12029: the device could not connect to the server.",
      quoted: [diagnostic("Error Phase", "join"), diagnostic("DRS Connectivity Test", "FAIL [0x80072efd]")],
      steps: [
        WINHTTP_PROXY,
        "Allow enterpriseregistration.windows.net, login.microsoftonline.com and device.login.microsoftonline.com from the device in the SYSTEM context. An authenticating proxy is supported when the computer can authenticate to it silently in the SYSTEM context; only TLS inspection of these endpoints must be avoided (https://learn.microsoft.com/entra/identity/devices/hybrid-join-plan).",
        "Check the device clock and time sync.",
      ],
    },
    {
      about: "a failed Token acquisition Test: AD FS gave no token for the join",
      diagnostics: { "DRS Connectivity Test": "PASS", "Token acquisition Test": "FAIL [0xcaa90006]", "Error Phase": "join" },
      title: "token acquisition from the federation server failed",
      cause: "The device could not get a token from the federation server (AD FS) for the join. Codes: 0xCAA90006: A WS-Trust / federation error.",
      quoted: [diagnostic("Error Phase", "join"), diagnostic("Token acquisition Test", "FAIL [0xcaa90006]")],
      steps: [
        "Check the device reaches the federation server (AD FS) from the SYSTEM context and that its WS-Trust endpoints are enabled and published in the MEX document.",
        WINHTTP_PROXY,
      ],
    },
    {
      about: "an Error Phase and a code no diagnosis knows, on a domain-joined computer: read the events, check the sync scope",
      diagnostics: { "Error Phase": "join", "Client ErrorCode": "0x80090016" },
      title: "registration failed",
      cause:
        "The pre-join diagnostics record a failed registration attempt. Codes: 0x80090016: The TPM keyset does not exist (TPM cleared, or an image sysprepped after registration).",
      quoted: [diagnostic("Error Phase", "join"), diagnostic("Client ErrorCode", "0x80090016")],
      steps: [READ_EVENTS, "Check the computer object is in Entra Connect's sync scope and shows as Pending in Microsoft Entra ID."],
    },
  ])("$about", ({ diagnostics, title, cause, quoted, steps }) => {
    expect(notJoinedRule.evaluate(makeInput({ report: makePendingHybridReport(), systemReport: systemCapture(diagnostics) }))).toEqual([
      {
        rule: "not-joined",
        severity: "high",
        title: `Hybrid join pending or failing: ${title}`,
        explanation: `${HYBRID_STATE} ${cause}`,
        evidence: [...HYBRID_STATE_EVIDENCE, ...quoted],
        remediation: [...steps, RETRY_JOIN],
      },
    ]);
  });

  it("the same on a workgroup PC captured as SYSTEM: no sync-scope step, and a warning that registrations are per user", () => {
    expect(
      notJoinedRule.evaluate(
        makeInput({
          report: makeWorkgroupReport({
            executingAccount: "NT AUTHORITY\\SYSTEM",
            extra: { "Diagnostic Data": { "Error Phase": "join", "Client ErrorCode": "0x801c0003" } },
          }),
        }),
      ),
    ).toEqual([
      {
        rule: "not-joined",
        severity: "high",
        title: "Device not joined or registered: registration failed",
        explanation:
          'The device is neither joined to nor registered in Microsoft Entra ID, so it presents no device identity and Conditional Access shows "Device State: Unregistered"; policies that require a compliant or hybrid joined device block it. The pre-join diagnostics record a failed registration attempt. Codes: 0x801C0003. This capture ran as SYSTEM, and Workplace registrations are per user: check a user-context capture before concluding the device is unregistered.',
        evidence: [
          { source: "dsregcmd /status · Device State", field: "AzureAdJoined", value: "NO" },
          { source: "dsregcmd /status · User State", field: "WorkplaceJoined", value: "NO" },
          { source: "dsregcmd /status · Device State", field: "DomainJoined", value: "NO" },
          diagnostic("Error Phase", "join", USER),
          diagnostic("Client ErrorCode", "0x801c0003", USER),
        ],
        remediation: [READ_EVENTS, RETRY_JOIN],
      },
    ]);
  });

  it("a computer joined to an on-premises DRS (EnterpriseJoined : YES) with no diagnostics", () => {
    expect(notJoinedRule.evaluate(makeInput({ report: makePendingHybridReport({ enterpriseJoined: true }) }))).toEqual([
      {
        rule: "not-joined",
        severity: "high",
        title: "Hybrid join pending or failing",
        explanation:
          'The device is joined to an on-premises Device Registration Service (AD FS, `EnterpriseJoined : YES`), which Microsoft Entra ID does not know about, so it presents no device identity and Conditional Access shows "Device State: Unregistered"; policies that require a compliant or hybrid joined device block it.',
        evidence: [...HYBRID_STATE_EVIDENCE, { source: `${USER} · Device State`, field: "EnterpriseJoined", value: "YES" }],
        remediation: [
          "Send the agent's SYSTEM capture (or run `dsregcmd /status` as SYSTEM) to get the pre-join diagnostics: Error Phase, Client ErrorCode and the DRS tests.",
          "Read the User Device Registration Admin events on the device (304/305/307, 201/204, 220).",
          "Check the computer object is in Entra Connect's sync scope and shows as Pending in Microsoft Entra ID, and that the SCP (or client-side registry values) names this tenant.",
          "Check the Automatic-Device-Join scheduled task (Microsoft › Windows › Workplace Join) is enabled.",
          RETRY_JOIN,
        ],
      },
    ]);
  });
  it("quotes the last three User Device Registration events, newest first, and no AAD Operational event or other id", () => {
    const registration = "Microsoft-Windows-User Device Registration/Admin";
    const events = [
      makeEvent({ id: 304, time: "2025-03-09T08:00:00.000Z", log: registration, message: "Automatic registration failed at join phase." }),
      makeEvent({ id: 204, time: "2025-03-09T08:00:05.000Z", log: registration, message: "The HTTP error status is: 400" }),
      makeEvent({ id: 305, time: "2025-03-09T08:01:00.000Z", log: registration, message: "Automatic registration failed at precheck phase." }),
      // The agent's older uploads carry no log name: the id alone says it is a registration event.
      makeEvent({ id: 307, time: "2025-03-09T08:02:00.000Z", log: undefined, message: "Automatic registration failed at authentication phase." }),
      makeEvent({ id: 201, time: "2025-03-09T08:03:00.000Z", message: "Same id in the AAD Operational log: not a join event." }),
      makeEvent({ id: 1000, time: "2025-03-09T08:04:00.000Z", log: registration, message: "Not a join failure." }),
    ];
    const evidence = notJoinedRule.evaluate(makeInput({ report: makePendingHybridReport(), events }))[0]!.evidence;
    expect(evidence.filter((e) => e.field === "Message")).toEqual([
      {
        source: "User Device Registration/Admin · event 307 · 2025-03-09T08:02:00.000Z",
        field: "Message",
        value: "Automatic registration failed at authentication phase.",
      },
      { source: `${registration} · event 305 · 2025-03-09T08:01:00.000Z`, field: "Message", value: "Automatic registration failed at precheck phase." },
      { source: `${registration} · event 204 · 2025-03-09T08:00:05.000Z`, field: "Message", value: "The HTTP error status is: 400" },
    ]);
  });

  it("takes the first capture that has a line: SYSTEM's, else the user's, and a test only when it FAILs", () => {
    const systemReport = systemCapture({ "Error Phase": "join", "DRS Discovery Test": "PASS" });
    const report = makePendingHybridReport({
      extra: { "Diagnostic Data": { "Error Phase": "discover", "Client ErrorCode": "0x801c03f2", "DRS Discovery Test": "FAIL [0x801c0021]" } },
    });
    const finding = notJoinedRule.evaluate(makeInput({ report, systemReport }))[0]!;
    expect(finding.title).toBe("Hybrid join pending or failing: device object not synced yet (0x801C03F2)");
    expect(finding.evidence.slice(4)).toEqual([diagnostic("Error Phase", "join"), diagnostic("Client ErrorCode", "0x801c03f2", USER)]);
  });
  it("diagnoses from a single line: a WinHTTP or CAA82 code alone, an Error Phase alone, a DRS Connectivity Test FAIL without a code", () => {
    const title = (diagnostics: Record<string, string>) => notJoinedRule.evaluate(makeInput({ report: systemCapture(diagnostics) }))[0]!.title;
    expect(title({ "Error Phase": "join", "Client ErrorCode": "0x80072ee2" })).toBe(
      "Hybrid join pending or failing: cannot reach the Device Registration Service",
    );
    expect(title({ "Error Phase": "join", "Client ErrorCode": "0xcaa82ee2" })).toBe(
      "Hybrid join pending or failing: cannot reach the Device Registration Service",
    );
    expect(title({ "DRS Connectivity Test": "FAIL" })).toBe("Hybrid join pending or failing: cannot reach the Device Registration Service");
    expect(title({ "Error Phase": "join", "Client ErrorCode": "0x800720ee2" })).toBe("Hybrid join pending or failing: registration failed");
    expect(title({ "Error Phase": "join", "Client ErrorCode": "0x1caa82ee2" })).toBe("Hybrid join pending or failing: registration failed");
    expect(title({ "Error Phase": "join" })).toBe("Hybrid join pending or failing: registration failed");
    expect(title({ "Client ErrorCode": "0x80090016" })).toBe("Hybrid join pending or failing: registration failed");
  });

  it("warns that registrations are per user only for a SYSTEM capture of a computer that is not domain-joined", () => {
    const caveat = "This capture ran as SYSTEM, and Workplace registrations are per user";
    expect(notJoinedRule.evaluate(makeInput({ report: systemCapture({}) }))[0]!.explanation).not.toContain(caveat);
    const workgroupUser = makeWorkgroupReport();
    expect(notJoinedRule.evaluate(makeInput({ report: workgroupUser }))[0]!.explanation).not.toContain(caveat);
  });

  it("names the default log for an event whose log name is blank", () => {
    const events = [makeEvent({ id: 304, log: "  ", message: "Automatic registration failed at join phase." })];
    const evidence = notJoinedRule.evaluate(makeInput({ report: makePendingHybridReport(), events }))[0]!.evidence;
    expect(evidence.at(-1)?.source).toBe("User Device Registration/Admin · event 304 · 2025-03-09T12:10:00.000Z");
  });
});

describe("not-joined: the steps for each case, and a paste that lost its lines", () => {
  it("a not-synced-yet join: wait for a sync cycle, check the scope, sync, retry", () => {
    const report = systemCapture({ "Error Phase": "join", "Client ErrorCode": "0x801c03f2" });
    expect(notJoinedRule.evaluate(makeInput({ report }))[0]!.remediation).toEqual([
      "Give it one Entra Connect sync cycle and a restart with sign-in before changing anything: right after a join this error is expected.",
      "Check the computer object sits in an OU (and matches any attribute filter) in Entra Connect's sync scope and that its userCertificate attribute is populated.",
      "On the Entra Connect server run `Start-ADSyncSyncCycle -PolicyType Delta` and wait until the device shows as Pending in Microsoft Entra ID.",
      RETRY_JOIN,
    ]);
  });

  it("a workgroup PC with no diagnostics: join it or register it, then check", () => {
    const report = makeWorkgroupReport();
    expect(notJoinedRule.evaluate(makeInput({ report }))[0]!.remediation).toEqual([
      "If the device should be a corporate device, join it to Microsoft Entra ID (Settings › Accounts › Access work or school › Connect › Join this device to Microsoft Entra ID, or Windows Autopilot).",
      "If it is a personal device, have the user register it by adding the work account under Access work or school.",
      "Capture `dsregcmd /status` again in the user's session and confirm `AzureAdJoined : YES` or `WorkplaceJoined : YES`.",
    ]);
  });

  it("names no domain when the report prints none", () => {
    const pending = makePendingHybridReport({ domainName: null });
    expect(notJoinedRule.evaluate(makeInput({ report: pending }))[0]!.explanation).toMatch(
      /^The device is joined to Active Directory but not to Microsoft Entra ID \(`AzureAdJoined : NO`\), so it presents no device identity/,
    );
    const registered = makeRegisteredReport({ domainJoined: true, domainName: null, executingAccount: "CONTOSO\\jdoe, jdoe@contoso.com" });
    expect(notJoinedRule.evaluate(makeInput({ report: registered }))[0]!.explanation).toMatch(
      /^The device is joined to Active Directory and only registered in Microsoft Entra ID \(`WorkplaceJoined : YES`, `AzureAdJoined : NO`\): a registration is not hybrid join\. /,
    );
  });

  it("quotes the parsed join state under the sections dsregcmd prints it in when the paste lost those lines", () => {
    const report = makePendingHybridReport({
      omit: { "Device State": ["AzureAdJoined", "DomainJoined", "DomainName"], "User State": ["WorkplaceJoined"] },
    });
    expect(notJoinedRule.evaluate(makeInput({ report }))[0]!.evidence).toEqual(HYBRID_STATE_EVIDENCE);
    const unknownDomain = makePendingHybridReport({ domainJoined: null, domainName: null, omit: { "Device State": ["DomainJoined"] } });
    expect(notJoinedRule.evaluate(makeInput({ report: unknownDomain }))[0]!.evidence.map((e) => e.field)).toEqual(["AzureAdJoined", "WorkplaceJoined"]);
  });
});
