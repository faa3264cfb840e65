import type { ParsedDsregcmd } from "@/lib/reports/types";

/** "device 6e4c…" or "this device" for steps that name the registration. */
function deviceLabel(report: ParsedDsregcmd): string {
  return report.deviceId ? `deviceId ${report.deviceId}` : "this device's deviceId";
}

/**
 * The safe re-registration sequence of domain.md section 7, for the device's join type.
 * Keys first: a hard delete destroys the BitLocker recovery keys and LAPS password stored with the
 * object, and hybrid objects are hard-deleted at once
 * (https://learn.microsoft.com/entra/identity/devices/manage-stale-devices).
 */
export function buildRejoinSteps(report: ParsedDsregcmd): string[] {
  const backup = `Before changing anything, export the BitLocker recovery keys and the LAPS password stored in Microsoft Entra ID for ${deviceLabel(report)}: deleting the object destroys them.`;
  const recheck =
    "Capture `dsregcmd /status` again in the user's session, unelevated, and confirm `DeviceAuthStatus : SUCCESS` and `AzureAdPrt : YES`.";

  if (report.joinType === "registered" || (report.azureAdJoined !== true && report.workplaceJoined === true)) {
    return [
      `Before changing anything, export any BitLocker recovery keys stored in Microsoft Entra ID for ${deviceLabel(report)}.`,
      "In the user's session open Settings › Accounts › Access work or school, select the work account and choose Disconnect.",
      "Run `dsregcmd /status` as the user and confirm `WorkplaceJoined : NO`.",
      "Delete the leftover registered device object in Microsoft Entra ID.",
      "Add the work account again under Access work or school › Connect and sign in.",
      "Capture `dsregcmd /status` again in the user's session and confirm `WorkplaceJoined : YES` and `AzureAdPrt : YES`.",
    ];
  }

  if (report.joinType === "hybrid" || report.domainJoined === true) {
    return [
      backup,
      "Run `dsregcmd /leave` from an elevated prompt on the device.",
      "Run `dsregcmd /status` and confirm `AzureAdJoined : NO`.",
      "Do not delete the synced hybrid object in Microsoft Entra ID: the next sync recreates it as Pending without a certificate and no cloud-side delete unregisters the client. Make changes to the computer object in Active Directory instead.",
      "On the Entra Connect server run `Start-ADSyncSyncCycle -PolicyType Delta` until the device object shows as Pending.",
      "Restart the device and sign in as the user: the Automatic-Device-Join task runs at logon and completes the registration.",
      recheck,
    ];
  }

  return [
    backup,
    "Make sure a local administrator account can sign in to the device: after leaving, Microsoft Entra accounts cannot.",
    "Run `dsregcmd /leave` from an elevated prompt on the device.",
    "Run `dsregcmd /status` and confirm `AzureAdJoined : NO`.",
    "Delete the leftover device object in Microsoft Entra ID (it is cloud-only, so this is safe once the keys are exported).",
    "Join the device again under Settings › Accounts › Access work or school › Connect › Join this device to Microsoft Entra ID, then restart and sign in as the user.",
    recheck,
  ];
}
