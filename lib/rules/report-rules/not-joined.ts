import type { AgentEvent, ParsedDsregcmd } from "@/lib/reports/types";
import { detectCaptureContext } from "@/lib/rules/capture-context";
import { sortEvents } from "@/lib/rules/sort-events";
import { dedupeEvidence } from "@/lib/rules/dedupe-evidence";
import { extractErrorCodes } from "@/lib/rules/error-codes";
import { describeCodes } from "@/lib/rules/prt-remediation";
import type { ReportRule } from "@/lib/rules/report-rule";
import { fieldEvidence, findField, sourceLabel, yesNo, type Capture } from "@/lib/rules/report-fields";
import type { Evidence, Finding } from "@/lib/rules/types";

/** Pre-join Diagnostic Data lines worth showing (1803+; the SYSTEM capture has the full set). */
const DIAGNOSTIC_KEYS = [
  "Error Phase",
  "Client ErrorCode",
  "Server ErrorCode",
  "Server Message",
  "Https Status",
  "AD Connectivity Test",
  "AD Configuration Test",
  "DRS Discovery Test",
  "DRS Connectivity Test",
  "Token acquisition Test",
  "Request Id",
] as const;
type DiagnosticKey = (typeof DIAGNOSTIC_KEYS)[number];

/** User Device Registration Admin events about join failures (docs/domain.md, "Error codes"). */
const JOIN_EVENT_IDS = new Set([201, 204, 220, 304, 305, 307, 331, 332, 334, 335]);
const MAX_JOIN_EVENTS = 3;

interface Diagnostics {
  values: Partial<Record<DiagnosticKey, string>>;
  evidence: Evidence[];
  codes: string[];
}

/** Reads the pre-join lines from the SYSTEM capture first, then the user capture, keeping the first value per key. */
function readDiagnostics(report: ParsedDsregcmd, systemReport: ParsedDsregcmd | null | undefined): Diagnostics {
  const diagnostics: Diagnostics = { values: {}, evidence: [], codes: [] };
  const captures: [Capture, ParsedDsregcmd | null | undefined][] = [
    ["system", systemReport],
    ["user", report],
  ];
  for (const key of DIAGNOSTIC_KEYS) {
    for (const [capture, candidate] of captures) {
      const found = candidate ? findField(candidate, key, "Diagnostic Data") : null;
      if (!found || found.value === "") continue;
      diagnostics.values[key] = found.value;
      const isTest = key.endsWith("Test");
      // Passing and skipped tests are not evidence of anything.
      if (!isTest || /^FAIL/i.test(found.value)) {
        diagnostics.evidence.push({ source: sourceLabel(capture, found.section), field: found.key, value: found.value });
      }
      if (key === "Client ErrorCode" || (isTest && /^FAIL/i.test(found.value))) {
        for (const code of extractErrorCodes(found.value)) {
          if (code !== "0x0" && !diagnostics.codes.includes(code)) diagnostics.codes.push(code);
        }
      }
      break;
    }
  }
  return diagnostics;
}

function joinEvents(events: readonly AgentEvent[] | undefined): Evidence[] {
  const relevant = sortEvents(events ?? []).filter((event) => JOIN_EVENT_IDS.has(event.id) && !/\baad\b|operational/i.test(event.log ?? ""));
  return relevant
    .slice(-MAX_JOIN_EVENTS)
    .reverse()
    .map((event) => ({
      source: `${event.log?.trim() || "User Device Registration/Admin"} · event ${event.id} · ${event.time}`,
      field: "Message",
      value: event.message,
    }));
}

type Diagnosis =
  | "not-synced"
  | "scp-tenant"
  | "scp-unreadable"
  | "no-domain-controller"
  | "discovery"
  | "drs-connectivity"
  | "token-acquisition"
  | "error-phase"
  | "no-diagnostics";

const failed = (value: string | undefined) => value !== undefined && /^FAIL/i.test(value);

function diagnose({ values, codes }: Diagnostics): Diagnosis {
  if (codes.includes("0x801c03f2")) return "not-synced";
  if (codes.includes("0x801c003a")) return "scp-tenant";
  if (codes.includes("0x801c001d") || failed(values["AD Configuration Test"])) return "scp-unreadable";
  if (failed(values["AD Connectivity Test"])) return "no-domain-controller";
  if (codes.includes("0x801c0021") || failed(values["DRS Discovery Test"])) return "discovery";
  if (failed(values["DRS Connectivity Test"]) || codes.some((code) => /^0x80072[0-9a-f]{3}$|^0xcaa82[0-9a-f]{3}$/.test(code))) {
    return "drs-connectivity";
  }
  if (failed(values["Token acquisition Test"])) return "token-acquisition";
  if (values["Error Phase"] || values["Client ErrorCode"]) return "error-phase";
  return "no-diagnostics";
}

const DIAGNOSIS_LABELS: Record<Diagnosis, string> = {
  "not-synced": "device object not synced yet (0x801C03F2)",
  "scp-tenant": "SCP names an unknown tenant (0x801C003A)",
  "scp-unreadable": "service connection point unreadable",
  "no-domain-controller": "no domain controller reachable",
  discovery: "Device Registration Service discovery failed",
  "drs-connectivity": "cannot reach the Device Registration Service",
  "token-acquisition": "token acquisition from the federation server failed",
  "error-phase": "registration failed",
  "no-diagnostics": "",
};

const DIAGNOSIS_EXPLANATIONS: Record<Diagnosis, string> = {
  "not-synced":
    "The Device Registration Service has no object for this computer yet. For managed hybrid join that is expected until Entra Connect syncs the computer (with the certificate the join task wrote to its userCertificate attribute) and the device retries.",
  "scp-tenant": "The service connection point names a tenant the Device Registration Service does not know.",
  "scp-unreadable": "The device could not read the service connection point (SCP) from Active Directory, so it does not know which tenant to join.",
  "no-domain-controller": "The device could not reach a domain controller while trying to join.",
  discovery: "The device could not discover the Device Registration Service: usually the SYSTEM context has no route, proxy or TLS path to Microsoft Entra ID.",
  "drs-connectivity": "The device found the Device Registration Service but could not connect to it.",
  "token-acquisition": "The device could not get a token from the federation server (AD FS) for the join.",
  "error-phase": "The pre-join diagnostics record a failed registration attempt.",
  "no-diagnostics": "",
};

const NETWORK_STEPS = [
  "Check the machine-wide WinHTTP proxy on the device (`netsh winhttp show proxy`): the join runs as SYSTEM and does not use the user's proxy settings.",
  "Allow enterpriseregistration.windows.net, login.microsoftonline.com and device.login.microsoftonline.com from the device in the SYSTEM context. An authenticating proxy is supported when the computer can authenticate to it silently in the SYSTEM context; only TLS inspection of these endpoints must be avoided (https://learn.microsoft.com/entra/identity/devices/hybrid-join-plan).",
];
const RETRY =
  "Restart the device and sign in: the Automatic-Device-Join task retries at logon. Then capture `dsregcmd /status` again (the agent's SYSTEM capture shows the pre-join diagnostics).";

/** https://learn.microsoft.com/entra/identity/devices/hybrid-join-plan ("Handling devices with Microsoft Entra registered state"). */
const REGISTERED_ON_DOMAIN_JOINED =
  "To keep domain-joined computers from registering again, set the policy value BlockAADWorkplaceJoin = 1 under HKLM\\SOFTWARE\\Policies\\Microsoft\\Windows\\WorkplaceJoin; once hybrid join completes, Windows removes the registered state by itself.";

function remediationFor(diagnosis: Diagnosis, report: ParsedDsregcmd): string[] {
  switch (diagnosis) {
    case "not-synced":
      return [
        "Give it one Entra Connect sync cycle and a restart with sign-in before changing anything: right after a join this error is expected.",
        "Check the computer object sits in an OU (and matches any attribute filter) in Entra Connect's sync scope and that its userCertificate attribute is populated.",
        "On the Entra Connect server run `Start-ADSyncSyncCycle -PolicyType Delta` and wait until the device shows as Pending in Microsoft Entra ID.",
        RETRY,
      ];
    case "scp-tenant":
      return [
        "First check the client-side registry values of a targeted rollout (HKLM\\SOFTWARE\\Microsoft\\Windows\\CurrentVersion\\CDJ\\AAD, TenantId and TenantName): when present they win over the SCP in AD, so correct or remove them.",
        "Then read the SCP keywords (azureADName, azureADId) in the AD configuration partition under CN=Device Registration Configuration,CN=Services and correct them with Entra Connect's device options; the SCP must exist in every forest that has computers to join.",
        RETRY,
      ];
    case "scp-unreadable":
      return [
        "Check the device reaches a domain controller when the join runs (on the corporate network or an always-on VPN before sign-in).",
        "Check the client-side registry values of a targeted rollout first (HKLM\\SOFTWARE\\Microsoft\\Windows\\CurrentVersion\\CDJ\\AAD, TenantId and TenantName): when present they win over AD. Otherwise check the SCP exists and computers can read it: CN=62a0ff2e-97b9-4513-943f-0d221bd30080,CN=Device Registration Configuration,CN=Services in the configuration partition of every forest that has computers to join (Entra Connect's device options create it).",
        RETRY,
      ];
    case "no-domain-controller":
      return ["Check the device reaches a domain controller when the join runs (on the corporate network or an always-on VPN before sign-in).", RETRY];
    case "discovery":
    case "drs-connectivity":
      return [...NETWORK_STEPS, "Check the device clock and time sync.", RETRY];
    case "token-acquisition":
      return [
        "Check the device reaches the federation server (AD FS) from the SYSTEM context and that its WS-Trust endpoints are enabled and published in the MEX document.",
        ...NETWORK_STEPS.slice(0, 1),
        RETRY,
      ];
    case "error-phase":
      return [
        "Read the User Device Registration Admin events on the device (304/305/307 for the failing phase, 201/204 for discovery and DRS HTTP errors) and the Server ErrorCode / Server Message above.",
        ...(report.domainJoined === true ? ["Check the computer object is in Entra Connect's sync scope and shows as Pending in Microsoft Entra ID."] : []),
        RETRY,
      ];
    case "no-diagnostics":
      return report.domainJoined === true
        ? [
            "Send the agent's SYSTEM capture (or run `dsregcmd /status` as SYSTEM) to get the pre-join diagnostics: Error Phase, Client ErrorCode and the DRS tests.",
            "Read the User Device Registration Admin events on the device (304/305/307, 201/204, 220).",
            "Check the computer object is in Entra Connect's sync scope and shows as Pending in Microsoft Entra ID, and that the SCP (or client-side registry values) names this tenant.",
            "Check the Automatic-Device-Join scheduled task (Microsoft › Windows › Workplace Join) is enabled.",
            RETRY,
          ]
        : [
            "If the device should be a corporate device, join it to Microsoft Entra ID (Settings › Accounts › Access work or school › Connect › Join this device to Microsoft Entra ID, or Windows Autopilot).",
            "If it is a personal device, have the user register it by adding the work account under Access work or school.",
            "Capture `dsregcmd /status` again in the user's session and confirm `AzureAdJoined : YES` or `WorkplaceJoined : YES`.",
          ];
  }
}

export const notJoinedRule: ReportRule = {
  id: "not-joined",
  severity: "high",
  title: "Device not joined or registered",
  description:
    "AzureAdJoined is NO and WorkplaceJoined is not YES: the device has no Microsoft Entra identity, so Conditional Access shows it as unregistered. For domain-joined devices this is hybrid join pending or failing, also when the device is only registered (WorkplaceJoined : YES is not hybrid join); the pre-join diagnostics (Error Phase, Client ErrorCode, DRS tests) pick the fix: SCP, network or sync.",
  evaluate({ report, systemReport, events }): Finding[] {
    if (report.azureAdJoined !== false) return [];
    // A domain-joined computer that is only registered is not hybrid joined: policies that require a hybrid joined
    // device still block it (https://learn.microsoft.com/entra/identity/devices/hybrid-join-plan, "Handling devices
    // with Microsoft Entra registered state"). A registration alone is a registered device's normal state.
    const registeredOnly = report.workplaceJoined === true;
    if (registeredOnly && report.domainJoined !== true) return [];

    const diagnostics = readDiagnostics(report, systemReport);
    const diagnosis = diagnose(diagnostics);
    const domainOnly = report.domainJoined === true;
    const onPremDrs = report.enterpriseJoined === true;

    const evidence = dedupeEvidence([
      fieldEvidence(report, "user", "AzureAdJoined", "Device State", "NO"),
      fieldEvidence(report, "user", "WorkplaceJoined", "User State", yesNo(report.workplaceJoined)),
      ...(report.domainJoined !== null ? [fieldEvidence(report, "user", "DomainJoined", "Device State", yesNo(report.domainJoined))] : []),
      ...(report.domainName ? [fieldEvidence(report, "user", "DomainName", "Device State", report.domainName)] : []),
      ...(onPremDrs ? [fieldEvidence(report, "user", "EnterpriseJoined", "Device State", "YES")] : []),
      ...diagnostics.evidence,
      ...joinEvents(events),
    ]);

    const subject = domainOnly ? "Hybrid join pending or failing" : "Device not joined or registered";
    const label = DIAGNOSIS_LABELS[diagnosis];
    const state = onPremDrs
      ? "The device is joined to an on-premises Device Registration Service (AD FS, `EnterpriseJoined : YES`), which Microsoft Entra ID does not know about"
      : registeredOnly
        ? `The device is joined to Active Directory${report.domainName ? ` (${report.domainName})` : ""} and only registered in Microsoft Entra ID (\`WorkplaceJoined : YES\`, \`AzureAdJoined : NO\`): a registration is not hybrid join`
        : domainOnly
          ? `The device is joined to Active Directory${report.domainName ? ` (${report.domainName})` : ""} but not to Microsoft Entra ID (\`AzureAdJoined : NO\`)`
          : "The device is neither joined to nor registered in Microsoft Entra ID";
    const systemCaveat =
      !domainOnly && detectCaptureContext(report).kind === "system"
        ? "This capture ran as SYSTEM, and Workplace registrations are per user: check a user-context capture before concluding the device is unregistered."
        : "";

    return [
      {
        rule: "not-joined",
        severity: "high",
        title: label ? `${subject}: ${label}` : subject,
        explanation: [
          registeredOnly
            ? `${state}. Conditional Access sees the user's registered device, not a hybrid joined one, so policies that require a Microsoft Entra hybrid joined device block it. Once hybrid join completes, Windows removes the registered state by itself (Windows 10 1803 and later).`
            : `${state}, so it presents no device identity and Conditional Access shows "Device State: Unregistered"; policies that require a compliant or hybrid joined device block it.`,
          DIAGNOSIS_EXPLANATIONS[diagnosis],
          describeCodes(diagnostics.codes),
          systemCaveat,
        ]
          .filter((part) => part !== "")
          .join(" "),
        evidence,
        remediation: registeredOnly ? [...remediationFor(diagnosis, report), REGISTERED_ON_DOMAIN_JOINED] : remediationFor(diagnosis, report),
      },
    ];
  },
};
