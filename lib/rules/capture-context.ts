import type { ParsedDsregcmd } from "@/lib/reports/types";
import { fieldEvidence, findField, sourceLabel, type Capture } from "@/lib/rules/report-fields";
import type { Evidence } from "@/lib/rules/types";

/**
 * Who ran dsregcmd. The PRT is per user, so `dsregcmd /status` tells the truth about the user whose session ran it.
 * Elevation does not change that: Microsoft asks for the user's context, and needs elevation only for the
 * `KeySignTest` and `WamDefaultSet` diagnostics
 * (https://learn.microsoft.com/entra/identity/devices/troubleshoot-device-dsregcmd; docs/domain.md, "Who captured").
 */
export type ExecutingAccountKind = "system" | "entra" | "domain" | "local" | "microsoft-account" | "unknown";

export interface ExecutingAccount {
  kind: ExecutingAccountKind;
  /** `CONTOSO\jdoe` as printed, or null. */
  name: string | null;
  upn: string | null;
}

/**
 * Parses `Executing Account Name` values: `CONTOSO\jdoe, jdoe@contoso.com` (domain),
 * `AzureAD\JohnDoe, john@contoso.com` (Entra), `PC-01\localadmin, ` (local), `NT AUTHORITY\SYSTEM`.
 */
export function parseExecutingAccount(report: ParsedDsregcmd): ExecutingAccount {
  const raw = report.executingAccount?.trim() ?? "";
  if (raw === "") return { kind: "unknown", name: null, upn: null };
  const comma = raw.indexOf(",");
  const name = (comma === -1 ? raw : raw.slice(0, comma)).trim();
  const upn = comma === -1 ? null : raw.slice(comma + 1).trim() || null;
  const slash = name.indexOf("\\");
  if (slash === -1) return { kind: "unknown", name: name || null, upn };
  const authority = name.slice(0, slash).trim().toLowerCase();
  const user = name.slice(slash + 1).trim();
  const hostName = report.deviceName?.split(".")[0]?.trim().toLowerCase() || null;
  const domain = report.domainName?.trim().toLowerCase() || null;

  let kind: ExecutingAccountKind;
  // A domain machine account (`CONTOSO\PC-01$`) is how SYSTEM appears on the network.
  if (authority === "nt authority" || user.endsWith("$")) kind = "system";
  else if (authority === "azuread") kind = "entra";
  else if (authority === "microsoftaccount") kind = "microsoft-account";
  else if (hostName !== null && authority === hostName) kind = "local";
  else if (domain !== null && authority === domain) kind = "domain";
  // A trusted domain's user still has a UPN; a local account prints an empty one.
  else kind = upn ? "domain" : "local";
  return { kind, name, upn };
}

/**
 * - `user`: the signed-in user's own session, unelevated (or we cannot tell otherwise).
 * - `system`: SYSTEM (the agent's service account, or `User Context : SYSTEM`).
 * - `elevated`: run as administrator (`User Context : ELEVATED User`, or KeySignTest actually ran).
 * - `local-account`: a local or personal Microsoft account on an Entra-joined or hybrid device,
 *   so no work account's PRT is visible. On a registered-only device the local account is the
 *   user's real session, so it counts as `user`.
 */
export type CaptureContextKind = "user" | "system" | "elevated" | "local-account";

export interface CaptureContext {
  kind: CaptureContextKind;
  account: ExecutingAccount;
  /** The lines that decided the context (empty for a plain user capture). */
  evidence: Evidence[];
}

/**
 * Five report rules ask for the user capture's context of the same report. Reports are read-only inputs (as for
 * the field index in report-fields.ts), so each report's answer is kept with it; frozen, since every caller shares it.
 */
const userContexts = new WeakMap<ParsedDsregcmd, CaptureContext>();

export function detectCaptureContext(report: ParsedDsregcmd, capture: Capture = "user"): CaptureContext {
  if (capture !== "user") return detect(report, capture);
  let context = userContexts.get(report);
  if (!context) {
    context = detect(report, capture);
    Object.freeze(context.evidence);
    Object.freeze(context.account);
    Object.freeze(context);
    userContexts.set(report, context);
  }
  return context;
}

function detect(report: ParsedDsregcmd, capture: Capture): CaptureContext {
  const account = parseExecutingAccount(report);
  const accountEvidence = (): Evidence => fieldEvidence(report, capture, "Executing Account Name", "Diagnostic Data", report.executingAccount);
  const userContext = findField(report, "User Context", "Diagnostic Data");
  const userContextValue = userContext?.value.trim().toUpperCase() ?? null;
  const userContextEvidence = (): Evidence => ({
    source: sourceLabel(capture, userContext?.section ?? "Diagnostic Data"),
    field: userContext?.key ?? "User Context",
    value: userContext?.value ?? null,
  });

  if (account.kind === "system" || userContextValue === "SYSTEM") {
    const evidence: Evidence[] = [];
    if (account.kind === "system") evidence.push(accountEvidence());
    if (userContextValue === "SYSTEM") evidence.push(userContextEvidence());
    return { kind: "system", account, evidence };
  }

  // KeySignTest runs only elevated; unelevated it prints "MUST Run elevated to test."
  const keySignTest = findField(report, "KeySignTest", "Diagnostic Data");
  const keySignTestRan = keySignTest !== null && keySignTest.value !== "" && !/must run elevated/i.test(keySignTest.value);
  if (userContextValue === "ELEVATED USER" || keySignTestRan) {
    const evidence: Evidence[] = [];
    if (userContextValue === "ELEVATED USER") evidence.push(userContextEvidence());
    if (keySignTestRan && keySignTest) {
      evidence.push({ source: sourceLabel(capture, keySignTest.section), field: keySignTest.key, value: keySignTest.value });
    }
    if (account.name) evidence.push(accountEvidence());
    return { kind: "elevated", account, evidence };
  }

  if ((account.kind === "local" || account.kind === "microsoft-account") && report.azureAdJoined === true) {
    return { kind: "local-account", account, evidence: [accountEvidence()] };
  }
  return { kind: "user", account, evidence: [] };
}

/** Why a report cannot tell the device user's PRT state. */
export type PrtUnknownReason = "system" | "other-account" | "local-account";

export type PrtVisibility =
  { known: true; context: CaptureContext } | { known: false; reason: PrtUnknownReason; context: CaptureContext; evidence: Evidence[] };

/**
 * Can the PRT rules judge this report? Only SYSTEM, another account than the device's user, or a local account
 * leave the user's PRT state unknown; an elevated capture by the user is judged like an unelevated one. Lines that
 * prove the state are judged on whoever ran dsregcmd: `AzureAdPrt : YES` with its update time, or PRT attempt
 * diagnostics whose `User Identity` is the executing account's own UPN. "Another account" is known only from the
 * report itself: an elevated capture whose attempt diagnostics name a different user than the executing account
 * (an administrator's `runas` session on the user's device).
 */
export function prtVisibility(report: ParsedDsregcmd): PrtVisibility {
  const context = detectCaptureContext(report);
  if (report.azureAdPrt === true && report.prtUpdateTime) return { known: true, context };
  const identityField = findField(report, "User Identity", "SSO State");
  const identity = identityField?.value.trim() || null;
  const upn = context.account.upn;
  if (identity && upn && identity.toLowerCase() === upn.toLowerCase()) return { known: true, context };
  if (context.kind === "system" || context.kind === "local-account") {
    return { known: false, reason: context.kind, context, evidence: context.evidence };
  }
  if (context.kind === "elevated" && identity && upn && identityField) {
    const evidence: Evidence[] = [
      ...context.evidence,
      { source: sourceLabel("user", identityField.section), field: identityField.key, value: identityField.value },
    ];
    return { known: false, reason: "other-account", context, evidence };
  }
  return { known: true, context };
}
