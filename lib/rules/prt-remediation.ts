import type { ParsedDsregcmd } from "@/lib/reports/types";
import { buildRejoinSteps } from "@/lib/rules/build-rejoin-steps";
import { parseExecutingAccount } from "@/lib/rules/capture-context";
import type { PrtFailureCause, PrtFailureClassification } from "@/lib/rules/classify-prt-failure";
import { describeErrorCode, explainErrorCode } from "@/lib/rules/error-codes";
import { findField } from "@/lib/rules/report-fields";

/** One sentence per cause: what went wrong with the PRT request, in admin terms. */
export const PRT_CAUSE_EXPLANATIONS: Record<PrtFailureCause, string> = {
  "device-auth-failed":
    "The device half of the PRT request failed: Microsoft Entra ID no longer accepts this device's registration (the object is deleted or disabled, or holds a different key).",
  "mfa-interaction":
    "An app's token request through the Web Account Manager met an MFA, Terms of Use or other interactive requirement (interaction required): that concerns the app's token, not the Windows sign-in, and the app asks the user to complete it.",
  "network-proxy":
    "The PRT request did not get through: a network, proxy or TLS error on the path CloudAP uses, which runs in the SYSTEM context rather than through the user's browser proxy.",
  "federated-sts": "The user half of the PRT request failed at the federation server: CloudAP could not get a usable WS-Trust token from AD FS.",
  "wrong-credentials":
    "Microsoft Entra ID rejected the user's password; on a hybrid device with password hash sync this is usually a new password that has not synced yet.",
  "user-not-synced":
    "Microsoft Entra ID does not know this user: the account is not synced, or its UPN suffix is not a routable, verified domain (for example `.local`).",
  "local-account":
    "Windows was signed in with a local or personal Microsoft account, which never gets this PRT: this is expected and says nothing about users who sign in with a work account.",
  unknown: "Neither the report nor the uploaded events hold a signal that identifies the cause.",
};

const RETRY_STEP =
  "Lock and unlock the session (or sign out and in) as the user to trigger a new PRT request, then capture `dsregcmd /status` again in the user's session, unelevated.";

/** Steps for a device whose registration the directory refuses (DeviceAuthStatus FAILED, AADSTS50155/700003/135011). */
export function buildDeviceAuthRemediation(report: ParsedDsregcmd): string[] {
  const lookup = report.deviceId
    ? `Look the device up in Microsoft Entra ID by deviceId: \`Get-MgDevice -Filter "deviceId eq '${report.deviceId}'" | Format-List Id, DisplayName, AccountEnabled, TrustType\` (or Graph \`/devices(deviceId='${report.deviceId}')\`).`
    : "Look the device up in Microsoft Entra ID by its deviceId.";
  const steps = [
    `${lookup} If it exists but is disabled (accountEnabled = false, AADSTS135011), enable it unless it was retired on purpose, then lock and unlock and recheck: nothing else is needed.`,
  ];
  if (report.joinType === "hybrid" || report.domainJoined === true) {
    steps.push(
      "If the object is gone, check whether the computer object was moved to an OU outside Entra Connect's sync scope (Connect then deletes the cloud object). Move it back in Active Directory; the next sync creates a new Pending object, and the device must re-register as below.",
    );
  }
  return [...steps, ...buildRejoinSteps(report)];
}

/** Cause-specific steps, safest first, ending with a re-check. */
export function buildPrtRemediation(classification: PrtFailureClassification, report: ParsedDsregcmd): string[] {
  switch (classification.cause) {
    case "device-auth-failed":
      return buildDeviceAuthRemediation(report);
    case "mfa-interaction":
      return [
        "Open the user's sign-in logs around the attempt (use the Correlation ID when the report has one): find which app asked for the token and which Conditional Access policy or Terms of Use required interaction.",
        "Have the user complete the prompt in that app. Do not change Conditional Access for the Windows sign-in because of it: the interaction was an app's requirement, and the PRT is judged by its own lines (AzureAdPrt, its times and the attempt diagnostics).",
        RETRY_STEP,
      ];
    case "network-proxy":
      return [
        "From the device, check the machine-wide WinHTTP proxy (`netsh winhttp show proxy`): CloudAP does not use the user's browser proxy settings.",
        "Allow login.microsoftonline.com, device.login.microsoftonline.com and enterpriseregistration.windows.net through the proxy and firewall. An authenticating proxy is supported when the computer can authenticate to it silently in the SYSTEM context; only TLS inspection of these endpoints must be avoided.",
        "Check the device clock and time sync: TLS and token validation fail with a skewed clock.",
        RETRY_STEP,
      ];
    case "federated-sts":
      return [
        "Read AAD Operational event 1088 on the device for the WS-Trust error.",
        "On AD FS, check that the WS-Trust endpoints are enabled and published in the MEX document, that the device reaches AD FS without a proxy in between, and that the Microsoft Entra relying party trust's claim rules issue the claims device sign-in needs.",
        RETRY_STEP,
      ];
    case "wrong-credentials":
      return [
        "Ask whether the user's password changed recently; with password hash sync, wait for the new password to sync (check Entra Connect's password sync health), then lock and unlock.",
        "Have the user sign in to Windows with the current password; a cached old password keeps failing.",
        RETRY_STEP,
      ];
    case "user-not-synced":
      return [
        "Check the user exists in Microsoft Entra ID with the same UPN as on-premises; if not, bring the user's OU into Entra Connect's sync scope and sync.",
        "If the UPN suffix is not routable (for example `.local`), add a verified routable suffix and change the user's UPN, or configure Alternate Login ID.",
        RETRY_STEP,
      ];
    case "local-account":
      return [
        "No action is needed for the local account itself.",
        "To check a work user's PRT, capture `dsregcmd /status` in the session of a user who signs in with a work account, unelevated.",
      ];
    case "unknown":
      return [
        // No classifier step covers these codes, so each code's own fix is the best lead.
        ...classification.codes.flatMap((code) => {
          const description = describeErrorCode(code);
          return description ? [`${description.code}: ${description.fix}`] : [];
        }),
        "Collect the AAD Operational events 1081, 1084, 1088, 1098 and 1104 from the device (the agent uploads them when the log is readable).",
        RETRY_STEP,
      ];
  }
}

/**
 * The caveat for SSO State attempt diagnostics: they describe the last failed attempt after the
 * last good update, which may be another user's.
 */
export function describeAttemptOwnership(report: ParsedDsregcmd): string {
  const identity = findField(report, "User Identity", "SSO State")?.value.trim() || null;
  const upn = parseExecutingAccount(report).upn;
  if (identity && upn && identity.toLowerCase() !== upn.toLowerCase()) {
    return `The attempt diagnostics belong to ${identity}, not to the executing account ${upn}: another user's failure may not be this user's.`;
  }
  return "The attempt diagnostics and events describe the last failed PRT attempt on this device, which may belong to another user.";
}

/** "Codes: 0xCAA2000C: Interaction required …; AADSTS50076: MFA is required …" or "" when there are none. */
export function describeCodes(codes: readonly string[]): string {
  if (codes.length === 0) return "";
  return `Codes: ${codes.map((code) => explainErrorCode(code).replace(/\.$/, "")).join("; ")}.`;
}
