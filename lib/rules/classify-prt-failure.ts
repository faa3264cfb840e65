import type { AgentEvent, ParsedDsregcmd } from "@/lib/reports/types";
import { parseExecutingAccount } from "@/lib/rules/capture-context";
import { findDeviceAuthFailures } from "@/lib/rules/device-auth-status";
import { extractErrorCodes, normalizeErrorCode } from "@/lib/rules/error-codes";
import { fieldEvidence, findField, sourceLabel } from "@/lib/rules/report-fields";
import { sortEvents } from "@/lib/rules/sort-events";
import type { Evidence } from "@/lib/rules/types";

export type PrtFailureCause =
  "device-auth-failed" | "mfa-interaction" | "network-proxy" | "federated-sts" | "wrong-credentials" | "user-not-synced" | "local-account" | "unknown";

/** Short labels for titles: "No Primary Refresh Token: <label>". */
export const PRT_FAILURE_CAUSE_LABELS: Record<PrtFailureCause, string> = {
  "device-auth-failed": "device authentication failed",
  "mfa-interaction": "MFA or user interaction required",
  "network-proxy": "network or proxy error",
  "federated-sts": "federated STS (WS-Trust) error",
  "wrong-credentials": "wrong credentials or password not synced",
  "user-not-synced": "user not synced or UPN not routable",
  "local-account": "local account (expected)",
  unknown: "cause unknown",
};

export interface PrtFailureClassification {
  cause: PrtFailureCause;
  label: string;
  /** The signals that matched the winning step, in the order they were read. */
  evidence: Evidence[];
  /** Canonical codes (`0xcaa2000c`, `aadsts50076`) behind the match. */
  codes: string[];
  /**
   * True when the match came from the SSO State PRT diagnostics or from events. Those describe the
   * last failed attempt on the device and may belong to another user.
   */
  fromAttemptDiagnostics: boolean;
}

export interface ClassifyPrtFailureOptions {
  /** The user-context capture: its SSO State holds the PRT attempt diagnostics. */
  report: ParsedDsregcmd;
  /** The SYSTEM capture, read only for DeviceAuthStatus. */
  systemReport?: ParsedDsregcmd | null;
  /** AAD Operational events (1081, 1084, 1088, 1098, 1104 …). Order does not matter. */
  events?: AgentEvent[];
}

/** AAD Operational events that carry PRT acquisition errors (docs/domain.md, "Error codes"). */
const PRT_EVENT_IDS = new Set([1006, 1007, 1025, 1081, 1084, 1088, 1097, 1098, 1104]);

interface Signal {
  evidence: Evidence;
  codes: string[];
  eventId: number | null;
  /** SSO State `HTTP Error` other than 0x0. */
  httpError: boolean;
  /** SSO State `Endpoint URI` that points at AD FS. */
  adfsEndpoint: boolean;
  deviceAuthStatus: boolean;
  attemptDiagnostics: boolean;
}

function signal(evidence: Evidence, partial: Partial<Omit<Signal, "evidence">> = {}): Signal {
  return {
    evidence,
    codes: [],
    eventId: null,
    httpError: false,
    adfsEndpoint: false,
    deviceAuthStatus: false,
    attemptDiagnostics: true,
    ...partial,
  };
}

/** WinHTTP timeout / name not resolved / cannot connect / connection aborted, as numbers and HRESULTs. */
const WINHTTP_NETWORK = new Set(["12002", "12007", "12029", "12030"]);
const NETWORK_CODES = new Set(["0xc000023c", "0xc00000be", "0xc00000c4", "0xc0048442", "0x80072ee2", "0x80072ee7", "0x80072efd", "0x80072efe"]);

function isNonZeroHttpError(value: string): boolean {
  const trimmed = value.trim().toLowerCase();
  if (trimmed === "") return false;
  if (/^\d+$/.test(trimmed)) return Number(trimmed) !== 0;
  const hex = /^0x([0-9a-f]+)/.exec(trimmed);
  if (hex) return Number.parseInt(hex[1]!, 16) !== 0;
  return true;
}

/** An AD FS (WS-Trust) endpoint: the PRT request went to a federation server. */
export function isAdfsEndpoint(uri: string): boolean {
  return /\/adfs\/|\/services\/trust\b/i.test(uri);
}

function isUserDeviceRegistrationEvent(event: AgentEvent): boolean {
  return /user device registration/i.test(event.log ?? "");
}

function collectSignals(options: ClassifyPrtFailureOptions): Signal[] {
  const { report, systemReport } = options;
  const signals: Signal[] = [];

  for (const evidence of findDeviceAuthFailures(report, systemReport)) {
    signals.push(signal(evidence, { deviceAuthStatus: true, attemptDiagnostics: false }));
  }

  const attemptStatus = findField(report, "Attempt Status", "SSO State");
  if (attemptStatus?.value || report.prtAttemptStatus) {
    const evidence = fieldEvidence(report, "user", "Attempt Status", "SSO State", report.prtAttemptStatus);
    const code = normalizeErrorCode(evidence.value ?? "");
    signals.push(signal(evidence, { codes: code ? [code] : [] }));
  }

  const httpError = findField(report, "HTTP Error", "SSO State");
  if (httpError?.value) {
    const value = httpError.value.trim();
    const codes = extractErrorCodes(value);
    // Some builds print the WinHTTP error as a number; keep its HRESULT form (0x80070000 + n).
    if (WINHTTP_NETWORK.has(value)) codes.push(`0x${(0x80070000 + Number(value)).toString(16)}`);
    signals.push(
      signal({ source: sourceLabel("user", httpError.section), field: httpError.key, value: httpError.value }, { codes, httpError: isNonZeroHttpError(value) }),
    );
  }

  const endpoint = findField(report, "Endpoint URI", "SSO State");
  if (endpoint?.value) {
    signals.push(
      signal({ source: sourceLabel("user", endpoint.section), field: endpoint.key, value: endpoint.value }, { adfsEndpoint: isAdfsEndpoint(endpoint.value) }),
    );
  }

  const description = findField(report, "Server Error Description", "SSO State");
  const descriptionCodes = description ? extractErrorCodes(description.value) : [];
  const aadsts = report.aadsts ? normalizeErrorCode(report.aadsts) : null;
  if (aadsts && !descriptionCodes.includes(aadsts)) descriptionCodes.unshift(aadsts);
  if (description?.value || aadsts) {
    signals.push(
      signal(fieldEvidence(report, "user", "Server Error Description", "SSO State", report.aadsts), {
        codes: descriptionCodes,
      }),
    );
  }

  for (const event of sortEvents(options.events ?? [])) {
    if (isUserDeviceRegistrationEvent(event) || !PRT_EVENT_IDS.has(event.id)) continue;
    signals.push(
      signal(
        { source: `${event.log?.trim() || "AAD Operational"} · event ${event.id} · ${event.time}`, field: "Message", value: event.message },
        { codes: extractErrorCodes(event.message), eventId: event.id },
      ),
    );
  }
  return signals;
}

/** The federation server's (WS-Trust, MEX) errors (PRT troubleshooting, error code table). */
const FEDERATION_CODES = new Set(["0xcaa20003", "0xc00484c1", "0xc004848b", "0xc004848c", "0xc00cee4f"]);

const has = (signal: Signal, codes: readonly string[]) => signal.codes.some((code) => codes.includes(code));

/** The ordered steps of docs/domain.md, "The PRT rules": first match wins. */
const STEPS: { cause: PrtFailureCause; matches: (signal: Signal) => boolean }[] = [
  {
    cause: "device-auth-failed",
    matches: (s) => s.deviceAuthStatus || has(s, ["aadsts50155", "aadsts700003", "aadsts135011"]),
  },
  { cause: "mfa-interaction", matches: (s) => has(s, ["0xcaa2000c", "aadsts50076", "aadsts50158"]) },
  {
    cause: "network-proxy",
    matches: (s) => s.httpError || s.eventId === 1084 || s.codes.some((code) => /^0xcaa82[0-9a-f]{3}$/.test(code) || NETWORK_CODES.has(code)),
  },
  {
    cause: "federated-sts",
    matches: (s) => s.eventId === 1088 || s.adfsEndpoint || s.codes.some((code) => FEDERATION_CODES.has(code) || /^0xcaa9[0-9a-f]{4}$/.test(code)),
  },
  { cause: "wrong-credentials", matches: (s) => has(s, ["aadsts50126", "0xc000006a"]) },
  {
    cause: "user-not-synced",
    matches: (s) => has(s, ["aadsts50034", "aadsts90002", "0xc000005f", "0xc004844c"]),
  },
];

/**
 * Why a user has no PRT, from the report's SSO State diagnostics, DeviceAuthStatus and AAD
 * Operational events, using the ordered classifier of docs/domain.md, "The PRT rules" (first match wins):
 * device auth failed → MFA / interaction → network / proxy → federated STS → wrong credentials →
 * user not synced / UPN → local account (expected) → unknown.
 */
export function classifyPrtFailure(options: ClassifyPrtFailureOptions): PrtFailureClassification {
  const signals = collectSignals(options);
  for (const step of STEPS) {
    const matched = signals.filter(step.matches);
    if (matched.length === 0) continue;
    const codes = [...new Set(matched.flatMap((s) => s.codes))].filter((code) => code !== "0x0");
    return {
      cause: step.cause,
      label: PRT_FAILURE_CAUSE_LABELS[step.cause],
      evidence: matched.map((s) => s.evidence),
      codes,
      fromAttemptDiagnostics: matched.some((s) => s.attemptDiagnostics),
    };
  }

  const { report } = options;
  const account = parseExecutingAccount(report);
  // Older builds print no Executing Account Name. On a device joined to neither Entra ID nor a
  // domain, the Windows logon can only be a local or personal Microsoft account anyway.
  const logonCannotBeWorkAccount = account.kind === "unknown" && report.azureAdJoined === false && report.domainJoined === false;
  if (account.kind === "local" || account.kind === "microsoft-account" || logonCannotBeWorkAccount) {
    const evidence = logonCannotBeWorkAccount
      ? [
          fieldEvidence(report, "user", "AzureAdJoined", "Device State", "NO"),
          fieldEvidence(report, "user", "DomainJoined", "Device State", "NO"),
          ...(findField(report, "IsUserAzureAD", "Ngc Prerequisite Check")
            ? [fieldEvidence(report, "user", "IsUserAzureAD", "Ngc Prerequisite Check", null)]
            : []),
        ]
      : [fieldEvidence(report, "user", "Executing Account Name", "Diagnostic Data", report.executingAccount)];
    return {
      cause: "local-account",
      label: PRT_FAILURE_CAUSE_LABELS["local-account"],
      evidence,
      codes: [],
      fromAttemptDiagnostics: false,
    };
  }
  return {
    cause: "unknown",
    label: PRT_FAILURE_CAUSE_LABELS.unknown,
    evidence: signals.map((s) => s.evidence),
    codes: [...new Set(signals.flatMap((s) => s.codes))].filter((code) => code !== "0x0"),
    fromAttemptDiagnostics: signals.some((s) => s.attemptDiagnostics),
  };
}
