import type { ParsedDsregcmd } from "@/lib/reports/types";
import { isAdfsEndpoint } from "@/lib/rules/classify-prt-failure";
import { findField } from "@/lib/rules/report-fields";

/** "device 6e4c…" or "this device" for steps that name the registration. */
function deviceLabel(report: ParsedDsregcmd): string {
  return report.deviceId ? `deviceId ${report.deviceId}` : "this device's deviceId";
}

const INTUNE_FOLLOWS =
  "the Intune record and its compliance follow the new object, so Conditional Access that requires a compliant device blocks it until the device checks in with Intune again.";

/** Every sequence that ends with a new device object says what follows the object (docs/domain.md, "Re-joining safely"). */
export const NEW_OBJECT_WARNING = `The re-join creates a new device object: BitLocker recovery keys and the LAPS password must be backed up to it again, and ${INTUNE_FOLLOWS}`;

/** The same warning for an object known to hold no BitLocker keys or LAPS password. */
export const NEW_OBJECT_WARNING_NO_KEYS = `The re-join creates a new device object: ${INTUNE_FOLLOWS}`;

/**
 * Federated hybrid join registers through AD FS at the sign-in and has no Pending step
 * (https://learn.microsoft.com/entra/identity/devices/how-to-hybrid-join). The report shows federation by an
 * enterprise PRT from AD FS or an AD FS endpoint in the PRT diagnostics.
 */
export function isFederated(report: ParsedDsregcmd): boolean {
  const enterprise = findField(report, "EnterprisePrtAuthority", "SSO State")?.value ?? "";
  const endpoint = findField(report, "Endpoint URI", "SSO State")?.value ?? "";
  return /\/adfs\b/i.test(enterprise) || isAdfsEndpoint(endpoint);
}

/**
 * The safe re-registration sequence for the device's join type, keys first: a hard delete destroys the BitLocker
 * recovery keys and LAPS password stored with the object, and hybrid objects are hard-deleted at once
 * (https://learn.microsoft.com/entra/identity/devices/manage-stale-devices). docs/domain.md, "Re-joining safely".
 */
export function buildRejoinSteps(report: ParsedDsregcmd): string[] {
  const backup = `Before changing anything, export the BitLocker recovery keys and the LAPS password stored in Microsoft Entra ID for ${deviceLabel(report)}: deleting the object destroys them.`;
  const recheck = "Capture `dsregcmd /status` again in the user's session and confirm `DeviceAuthStatus : SUCCESS` and `AzureAdPrt : YES`.";

  if (report.joinType === "registered" || (report.azureAdJoined !== true && report.workplaceJoined === true)) {
    // A registered device's PRT is not AzureAdPrt: the re-registration is verified by WorkplaceJoined and the object.
    return [
      `Before changing anything, export any BitLocker recovery keys stored in Microsoft Entra ID for ${deviceLabel(report)}.`,
      "In the user's session open Settings › Accounts › Access work or school, select the work account and choose Disconnect.",
      "Run `dsregcmd /status` as the user and confirm `WorkplaceJoined : NO`.",
      "Delete the leftover registered device object in Microsoft Entra ID.",
      "Add the work account again under Access work or school › Connect and sign in.",
      "Capture `dsregcmd /status` again in the user's session and confirm `WorkplaceJoined : YES`, then check that a live device object with the new DeviceId exists in Microsoft Entra ID.",
      NEW_OBJECT_WARNING,
    ];
  }

  if (report.joinType === "hybrid" || report.domainJoined === true) {
    const federated = isFederated(report);
    return [
      backup,
      "If the object is disabled or out of Entra Connect's sync scope, fix that on the computer account in Active Directory (enable it, or move it into a synced OU), never on the cloud object: the next sync reverts a cloud-side change.",
      "Run `dsregcmd /leave` from an elevated prompt on the device, then `dsregcmd /status` and confirm `AzureAdJoined : NO`.",
      "Do not delete the synced hybrid object in Microsoft Entra ID: the next sync recreates it as Pending without a certificate and no cloud-side delete unregisters the client. Make changes to the computer object in Active Directory instead.",
      "Restart the device and sign in as the user: the Automatic-Device-Join task runs at logon and writes the new certificate to the computer account's userCertificate attribute.",
      federated
        ? "Federated hybrid join has no Pending step: at that sign-in the device registers through AD FS directly; if it does not, check the AD FS WS-Trust endpoints and issuance rules."
        : "On the Entra Connect server run `Start-ADSyncSyncCycle -PolicyType Delta` until the device object shows as Pending, then restart and sign in once more: the device completes the registration.",
      recheck,
    ];
  }

  // Microsoft Entra joined: Windows 10 2004 and later recover a deleted or mismatched registration themselves
  // (https://learn.microsoft.com/entra/identity/devices/faq, "dsregcmd /forcerecovery").
  return [
    backup,
    "On Windows 10 version 2004 or later, run `dsregcmd /forcerecovery` from an elevated prompt on the device, then have the user sign in with their work account when prompted: the device recovers its registration.",
    "Only if recovery is not available (older builds) or fails: make sure a local administrator account can sign in, run `dsregcmd /leave` elevated, confirm `AzureAdJoined : NO`, and join again under Settings › Accounts › Access work or school › Connect › Join this device to Microsoft Entra ID, then restart and sign in as the user.",
    "Delete the old device object in Microsoft Entra ID only after the device works with its new one and its keys are exported (it is cloud-only, so this is safe then).",
    NEW_OBJECT_WARNING,
    recheck,
  ];
}
