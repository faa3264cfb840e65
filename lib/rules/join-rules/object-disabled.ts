import { DAY_MS, formatIso, HISTORY_SOURCE, isLive, isSynced, objectEvidence } from "@/lib/rules/join-rules/directory-evidence";
import type { JoinRule } from "@/lib/rules/join-rules/join-rule";
import { reportedRecently } from "@/lib/rules/join-rules/subject-facts";
import { fieldEvidence, parseTime } from "@/lib/rules/report-fields";
import type { Evidence, Finding } from "@/lib/rules/types";

export const objectDisabledRule: JoinRule = {
  id: "object-disabled",
  severity: "high",
  title: "Device object disabled",
  description:
    'The directory object has accountEnabled = false: the PRT request fails with AADSTS135011, so Conditional Access shows "Device State: Unregistered". High while the machine is in use (it reports, or signed in within the stale threshold); info for a disabled, inactive object, which is the stale-device clean-up doing its job.',
  evaluate(input): Finding[] {
    const { subject, settings } = input;
    const object = subject.directory;
    if (!isLive(object) || object.accountEnabled !== false) return [];

    const signIn = parseTime(object.approximateLastSignInDateTime);
    const inUse = subject.report !== null || reportedRecently(input) || (signIn !== null && settings.nowMs - signIn <= settings.staleThresholdDays * DAY_MS);
    const disabledAt = [...subject.history].reverse().find((change) => change.kind === "disabled")?.at ?? null;
    const evidence: Evidence[] = [
      objectEvidence(object, "accountEnabled", "false"),
      ...(disabledAt ? [{ source: `${HISTORY_SOURCE} · ${disabledAt}`, field: "disabled", value: "accountEnabled = false" }] : []),
      objectEvidence(object, "approximateLastSignInDateTime", object.approximateLastSignInDateTime),
      ...(object.onPremisesSyncEnabled !== null ? [objectEvidence(object, "onPremisesSyncEnabled", String(object.onPremisesSyncEnabled))] : []),
      ...(subject.report?.parsed.aadsts
        ? [fieldEvidence(subject.report.parsed, "user", "Server Error Description", "SSO State", subject.report.parsed.aadsts)]
        : []),
    ];
    const since = disabledAt ? ` since ${formatIso(disabledAt) ?? disabledAt}` : "";
    // Complete commands, the device's own names and ids filled in: the AD module's Enable-ADAccount takes the computer
    // (its sAMAccountName is the short name with "$"), Graph PowerShell's Update-MgDevice the objectId.
    const computer = (subject.report?.hostname ?? object.displayName ?? "").split(".")[0]?.trim();
    const enable = isSynced(object)
      ? `Enable the computer account in Active Directory (Entra Connect syncs accountEnabled from it; a cloud-side change is overwritten)${computer ? `: \`Enable-ADAccount -Identity (Get-ADComputer -Identity '${computer}')\`` : ""}, then on the Entra Connect server run \`Start-ADSyncSyncCycle -PolicyType Delta\`.`
      : `Enable the device in the Entra admin center (Devices › ${object.displayName ?? object.deviceId ?? object.objectId} › Enable), or with Microsoft Graph PowerShell: \`Update-MgDevice -DeviceId ${object.objectId} -AccountEnabled:$true\` (Update-MgDevice takes the objectId).`;
    const remediation = [
      'Find out who disabled it and why (Microsoft Entra audit log, activity "Disable device"; Intune or a stale-device clean-up script): if the device was retired on purpose, leave it disabled.',
      enable,
      "Lock and unlock the session on the device (or sign out and in) and capture `dsregcmd /status` again in the user's session: `AzureAdPrt : YES` confirms it. No re-join is needed.",
    ];

    if (!inUse) {
      return [
        {
          rule: "object-disabled",
          severity: "info",
          title: `Device object disabled${since} and inactive`,
          explanation: `The object is disabled (accountEnabled = false) and the machine has neither reported nor signed in within ${settings.staleThresholdDays} days: this is what the stale-device clean-up (disable, wait, delete) looks like. If the machine is still used, its PRT requests fail with AADSTS135011 and Conditional Access shows "Device State: Unregistered".`,
          evidence,
          remediation,
        },
      ];
    }
    return [
      {
        rule: "object-disabled",
        severity: "high",
        title: `Device object disabled${since}`,
        explanation: `The device object is disabled (accountEnabled = false) while the machine is still in use. Microsoft Entra ID refuses its PRT requests with AADSTS135011, so no token carries the deviceid claim and Conditional Access shows "Device State: Unregistered"; dsregcmd shows \`DeviceAuthStatus : FAILED. Device is either disabled or deleted\`.${entraJoined(object) ? ' On a Microsoft Entra joined device it is worse: users cannot sign in to Windows with their work accounts at all (https://learn.microsoft.com/entra/identity/devices/manage-device-identities, "Enable or disable a device").' : ""}`,
        evidence,
        remediation,
      },
    ];
  },
};

/** Entra joined (trustType AzureAd), as opposed to hybrid (ServerAd) or registered (Workplace). */
function entraJoined(object: { trustType: string | null }): boolean {
  return object.trustType?.toLowerCase() === "azuread";
}
