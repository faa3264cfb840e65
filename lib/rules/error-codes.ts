/**
 * Client error codes (CloudAP / DRS / NTSTATUS / WinHTTP) and AADSTS codes that show up in
 * dsregcmd's SSO State and pre-join diagnostics and in AAD Operational events, with what an admin
 * should do about each. Source: docs/domain.md, "Error codes", which follows
 * https://learn.microsoft.com/entra/identity/devices/troubleshoot-primary-refresh-token and
 * https://learn.microsoft.com/entra/identity-platform/reference-error-codes.
 */

export type ErrorCodeKind = "client" | "winhttp" | "aadsts";

export interface ErrorCodeDescription {
  /** Display form: `0xCAA2000C`, `AADSTS50076`. */
  code: string;
  kind: ErrorCodeKind;
  meaning: string;
  fix: string;
}

interface Entry {
  kind: ErrorCodeKind;
  meaning: string;
  fix: string;
}

const NETWORK_FIX =
  "Check network access in the SYSTEM context: the WinHTTP proxy (netsh winhttp show proxy), firewall and TLS inspection towards login.microsoftonline.com and enterpriseregistration.windows.net, and the device clock.";
const WS_TRUST_FIX =
  "Fix the federation server's WS-Trust set-up: publish a working MEX document and the username/password and Windows transport endpoints, and make sure no proxy sits between the device and AD FS.";
const REJOIN_FIX = "Back up the BitLocker recovery keys and LAPS password, then re-register the device.";

/** Keys are canonical: lower-case `0x` + hex, or `aadsts` + digits. */
const CODES: Record<string, Entry> = {
  // CloudAP / WAM
  "0xcaa2000c": {
    kind: "client",
    meaning: "Interaction required: the sign-in needs MFA or Terms of Use acceptance (often with AADSTS50076).",
    fix: "Find the Conditional Access policy that demands MFA or Terms of Use for this sign-in and adjust it, or have the user sign in with Windows Hello for Business.",
  },
  "0xcaa20003": {
    kind: "client",
    meaning: "The identity provider's SAML token was rejected (invalid grant).",
    fix: "Check the AD FS claim rules for the Microsoft Entra relying party trust.",
  },
  "0xcaa5001c": {
    kind: "client",
    meaning: "The token broker operation failed.",
    fix: "Check the permissions the token broker needs (KB3196528).",
  },
  "0xcaa90017": { kind: "client", meaning: "The authentication protocol is not WS-Trust.", fix: WS_TRUST_FIX },
  "0xcaa90023": {
    kind: "client",
    meaning: "The federation server has no username/password WS-Trust endpoint.",
    fix: WS_TRUST_FIX,
  },
  "0xcaa9002c": { kind: "client", meaning: "The WS-Trust response was not XML.", fix: WS_TRUST_FIX },
  "0xcaa90014": { kind: "client", meaning: "The federation server returned a WS-Trust fault.", fix: WS_TRUST_FIX },
  "0xcaa90056": {
    kind: "client",
    meaning: "PRT renewal failed (from public reports, unverified).",
    fix: "Read the AAD Operational events logged around the same time (1081, 1088, 1084) for the underlying error.",
  },
  "0xcaa82ee2": { kind: "client", meaning: "The request timed out.", fix: NETWORK_FIX },
  "0xcaa82efd": { kind: "client", meaning: "The device could not connect to the server.", fix: NETWORK_FIX },
  "0xcaa82efe": { kind: "client", meaning: "The connection was aborted.", fix: NETWORK_FIX },
  "0xcaa82f8f": { kind: "client", meaning: "The TLS connection failed.", fix: NETWORK_FIX },
  // Device Registration (join)
  "0x801c03f2": {
    kind: "client",
    meaning: "DirectoryError: the device object was not found in Microsoft Entra ID. Expected for hybrid join until Entra Connect has synced the computer.",
    fix: "Check that the computer's OU is in Entra Connect's sync scope, run a delta sync and let the device retry at the next sign-in.",
  },
  "0x801c001d": {
    kind: "client",
    meaning: "The service connection point (SCP) could not be read from Active Directory.",
    fix: "Check the SCP object in the AD configuration partition (or the client-side SCP registry values) and that a domain controller is reachable.",
  },
  "0x801c0021": {
    kind: "client",
    meaning: "Device Registration Service discovery failed.",
    fix: NETWORK_FIX,
  },
  "0x801c003a": {
    kind: "client",
    meaning: "The tenant named in the SCP was not found.",
    fix: "Correct the tenant domain and id in the SCP (or the client-side SCP registry values).",
  },
  // Keys
  "0x80090016": {
    kind: "client",
    meaning: "The TPM keyset does not exist (TPM cleared, or an image sysprepped after registration).",
    fix: REJOIN_FIX,
  },
  "0x80290407": { kind: "client", meaning: "TPM error.", fix: `Check the TPM, then ${REJOIN_FIX.charAt(0).toLowerCase()}${REJOIN_FIX.slice(1)}` },
  // NTSTATUS from CloudAP
  "0xc000006d": {
    kind: "client",
    meaning: "Logon failure.",
    fix: "Read AAD Operational events 1081 and 1088 for the server's reason.",
  },
  "0xc000006a": {
    kind: "client",
    meaning: "Logon failure: wrong password.",
    fix: "Have the user sign in with the current password; with password hash sync, wait for a recently changed password to sync.",
  },
  "0xc00000d0": {
    kind: "client",
    meaning: "The request was not accepted (HTTP 400).",
    fix: "Read AAD Operational events 1081 and 1088 for the server's reason.",
  },
  "0xc000023c": { kind: "client", meaning: "The network is unreachable.", fix: NETWORK_FIX },
  "0xc00000be": { kind: "client", meaning: "The network is unreachable (bad network path).", fix: NETWORK_FIX },
  "0xc00000c4": { kind: "client", meaning: "The network is unreachable (unexpected network error).", fix: NETWORK_FIX },
  "0xc000005f": {
    kind: "client",
    meaning: "The UPN's domain is unknown to Microsoft Entra ID (for example a `.local` suffix).",
    fix: "Give the user a routable, verified UPN suffix, or configure Alternate Login ID.",
  },
  "0xc004844c": {
    kind: "client",
    meaning: "The UPN is malformed.",
    fix: "Correct the user's UPN, or configure Alternate Login ID.",
  },
  // CloudAP's own codes seen in Attempt Status (https://learn.microsoft.com/entra/identity/devices/troubleshoot-primary-refresh-token,
  // "Step 3: Troubleshoot further, based on the found error code")
  "0xc0048442": {
    kind: "client",
    meaning: "AAD_CLOUDAP_E_OAUTH_USER_SID_IS_EMPTY: the ID token from Microsoft Entra ID lacks the user's SID.",
    fix: "Make sure no network proxy interferes with or modifies Microsoft Entra ID's responses.",
  },
  "0xc00484c1": {
    kind: "client",
    meaning: "AAD_CLOUDAP_E_WSTRUST_SAML_TOKENS_ARE_EMPTY: the federation server's WS-Trust endpoint returned an error.",
    fix: "Make sure no network proxy interferes with or modifies the WS-Trust response; AAD Operational event 1088 holds the federation server's error.",
  },
  "0xc004848b": {
    kind: "client",
    meaning: "AAD_CLOUDAP_E_HTTP_PASSWORD_URI_IS_EMPTY: the federation server's MEX document lists no password endpoint.",
    fix: WS_TRUST_FIX,
  },
  "0xc004848c": {
    kind: "client",
    meaning: "AAD_CLOUDAP_E_HTTP_CERTIFICATE_URI_IS_EMPTY: the federation server's MEX document lists no certificate endpoint.",
    fix: WS_TRUST_FIX,
  },
  "0xc00cee4f": {
    kind: "client",
    meaning: "WC_E_DTDPROHIBITED: the WS-Trust response contains a Document Type Definition, which Windows refuses to parse.",
    fix: "Configure the identity provider not to send a DTD in its XML responses; AAD Analytic event 1022 names the URL.",
  },
  // WinHTTP errors as HRESULTs (0x80070000 + Win32 error)
  "0x80072ee2": { kind: "winhttp", meaning: "WinHTTP 12002: the request timed out.", fix: NETWORK_FIX },
  "0x80072ee7": { kind: "winhttp", meaning: "WinHTTP 12007: the server name could not be resolved.", fix: NETWORK_FIX },
  "0x80072efd": { kind: "winhttp", meaning: "WinHTTP 12029: the device could not connect to the server.", fix: NETWORK_FIX },
  "0x80072efe": { kind: "winhttp", meaning: "WinHTTP 12030: the connection was aborted.", fix: NETWORK_FIX },
  // AADSTS
  aadsts50155: {
    kind: "aadsts",
    meaning: "Device authentication failed: the device object is deleted or disabled, or does not hold the device's key.",
    fix: REJOIN_FIX,
  },
  aadsts700003: {
    kind: "aadsts",
    meaning: "The device object is not in the tenant (wording from public logs, unverified).",
    fix: REJOIN_FIX,
  },
  aadsts135011: {
    kind: "aadsts",
    meaning: "The device is disabled in Microsoft Entra ID.",
    fix: "Enable the device object (accountEnabled = true), or retire the device if it was disabled on purpose.",
  },
  aadsts50126: {
    kind: "aadsts",
    meaning: "Invalid username or password. With password hash sync on a hybrid device, often a new password not yet synced.",
    fix: "Wait for the password to sync (or check password hash sync health), then lock and unlock.",
  },
  aadsts50034: {
    kind: "aadsts",
    meaning: "The user does not exist in the tenant.",
    fix: "Sync the user with Entra Connect and check that the UPN matches.",
  },
  aadsts90002: {
    kind: "aadsts",
    meaning: "Tenant not found for the UPN's domain (for example `corp.local`).",
    fix: "Give the user a routable, verified UPN suffix.",
  },
  aadsts50053: {
    kind: "aadsts",
    meaning: "The account is locked.",
    fix: "Wait for the lockout to end or unlock the account; look for a device or app retrying an old password.",
  },
  aadsts50057: { kind: "aadsts", meaning: "The user account is disabled.", fix: "Enable the user account if it should sign in." },
  aadsts50076: {
    kind: "aadsts",
    meaning: "MFA is required for this sign-in.",
    fix: "Review the Conditional Access design: the Windows sign-in cannot answer an MFA prompt; Windows Hello for Business satisfies MFA.",
  },
  aadsts50158: {
    kind: "aadsts",
    meaning: "An external security challenge (third-party MFA or custom control) was not satisfied.",
    fix: "Review the Conditional Access design for the Windows sign-in.",
  },
};

/** Families that share a cause, for codes not listed one by one. */
const FAMILIES: { pattern: RegExp; entry: Entry }[] = [
  {
    pattern: /^0xcaa82[0-9a-f]{3}$/,
    entry: { kind: "client", meaning: "A network error from the token broker.", fix: NETWORK_FIX },
  },
  {
    pattern: /^0xcaa9[0-9a-f]{4}$/,
    entry: { kind: "client", meaning: "A WS-Trust / federation error.", fix: WS_TRUST_FIX },
  },
  {
    pattern: /^0x80072[0-9a-f]{3}$/,
    entry: { kind: "winhttp", meaning: "A WinHTTP network error.", fix: NETWORK_FIX },
  },
];

/**
 * Canonical form used for comparisons: `0x` + lower-case hex without leading zeros beyond 8 digits,
 * or `aadsts` + digits. Returns null for anything that is not a code.
 */
export function normalizeErrorCode(code: string): string | null {
  const trimmed = code.trim().toLowerCase();
  const aadsts = /^(?:aadsts)?(\d{4,7})$/.exec(trimmed);
  if (aadsts) return `aadsts${aadsts[1]}`;
  const hex = /^(?:0x)?([0-9a-f]{1,8})$/.exec(trimmed);
  if (hex && (trimmed.startsWith("0x") || /[a-f]/.test(trimmed))) {
    return `0x${hex[1]!.replace(/^0+(?=.)/, "")}`;
  }
  return null;
}

/** `0xcaa2000c` → `0xCAA2000C`, `aadsts50076` → `AADSTS50076`. */
export function formatErrorCode(canonical: string): string {
  if (canonical.startsWith("aadsts")) return canonical.toUpperCase();
  return `0x${canonical.slice(2).toUpperCase()}`;
}

/** Every hex code and AADSTS code in free text (an event message, a server error description), canonical, in order, unique. */
export function extractErrorCodes(text: string): string[] {
  const found: string[] = [];
  for (const match of text.matchAll(/\b0x[0-9a-f]{1,8}\b|\bAADSTS\d{4,7}\b/gi)) {
    const canonical = normalizeErrorCode(match[0]);
    if (canonical && !found.includes(canonical)) found.push(canonical);
  }
  return found;
}

/**
 * What a client or AADSTS code means and how to fix it. Accepts `0xCAA2000C`, `caa2000c`,
 * `AADSTS50076`, `50076` and WinHTTP numbers (`12029`). Null when the code is not known.
 */
export function describeErrorCode(code: string): ErrorCodeDescription | null {
  const canonical = normalizeErrorCode(code);
  if (!canonical) return null;
  const candidates = [canonical];
  // A bare WinHTTP number (as the SSO State "HTTP Error" line may print it) is also an HRESULT.
  const winhttp = /^aadsts(12\d{3})$/.exec(canonical);
  if (winhttp) candidates.push(`0x${(0x80070000 + Number(winhttp[1])).toString(16)}`);
  for (const candidate of candidates) {
    const entry = CODES[candidate] ?? FAMILIES.find((family) => family.pattern.test(candidate))?.entry;
    if (entry) return { code: formatErrorCode(candidate), ...entry };
  }
  return null;
}

/** "0xCAA2000C: Interaction required … → fix" for explanations; the bare code when unknown. */
export function explainErrorCode(code: string): string {
  const description = describeErrorCode(code);
  const display = normalizeErrorCode(code);
  if (!description) return display ? formatErrorCode(display) : code;
  return `${description.code}: ${description.meaning}`;
}
