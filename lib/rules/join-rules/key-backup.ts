import type { DirectoryObject } from "@/lib/rules/device-subject";
import { deviceLabel } from "@/lib/rules/join-rules/directory-evidence";

const WHERE =
  "(Entra admin center › Devices › the device › BitLocker keys / Local administrator password recovery, or Graph `informationProtection/bitlocker/recoveryKeys` and `directory/deviceLocalCredentials`)";

/** Where the keys are, with the commands that read them for this device when its deviceId is known (Graph and Windows LAPS PowerShell). */
function whereFor(deviceId: string | null | undefined): string {
  if (!deviceId) return WHERE;
  return `(Entra admin center › Devices › the device › BitLocker keys / Local administrator password recovery, or \`Get-MgInformationProtectionBitlockerRecoveryKey -Filter "deviceId eq '${deviceId}'"\` and \`Get-LapsAADPassword -DeviceIds ${deviceId} -IncludePasswords\`)`;
}

/**
 * The key-backup step before anything that deletes the object (docs/domain.md, "Re-joining safely"): BitLocker recovery keys and
 * the Windows LAPS password are stored with the device object, and a hard delete destroys them. Says
 * nothing when JoinScope knows the object holds neither.
 */
export function buildKeyBackupStep(object: DirectoryObject | null): string | null {
  const keys = object ? object.hasBitlockerKeys : null;
  const laps = object ? object.hasLapsPassword : null;
  const label = deviceLabel(object?.deviceId);
  const held =
    keys === true && laps === true
      ? "This object holds BitLocker recovery keys (and a LAPS password): back them up first — deleting the object deletes them"
      : keys === true
        ? "This object holds BitLocker recovery keys: back them up first — deleting the object deletes them"
        : laps === true
          ? "This object holds a LAPS password: back it up first — deleting the object deletes it"
          : null;
  const unknown = [keys === null ? "BitLocker recovery keys" : null, laps === null ? "a LAPS password" : null].filter((item): item is string => item !== null);
  const plural = unknown.length > 1 || keys === null;
  const check =
    unknown.length > 0
      ? `${held ? "Also check" : "Check"} whether Microsoft Entra ID holds ${unknown.join(" or ")} for ${label} (JoinScope could not tell) and back ${plural ? "them" : "it"} up first — deleting the object deletes ${plural ? "them" : "it"}`
      : null;
  if (!held && !check) return null;
  return `${[held, check].filter((part) => part !== null).join(". ")} ${whereFor(object?.deviceId)}.`;
}

/**
 * For an object that is already gone: a hard delete took its BitLocker keys and LAPS password with it,
 * so the device has to escrow them again after the re-join. Soft-deleted objects keep them (restore instead).
 */
export function buildLostKeysStep(object: DirectoryObject | null): string | null {
  const keys = object ? object.hasBitlockerKeys : null;
  const laps = object ? object.hasLapsPassword : null;
  if (keys === false && laps === false) return null;
  const what =
    keys === true && laps === true
      ? "The deleted object held BitLocker recovery keys (and a LAPS password), which the delete removed from Microsoft Entra ID"
      : keys === true
        ? "The deleted object held BitLocker recovery keys, which the delete removed from Microsoft Entra ID"
        : laps === true
          ? "The deleted object held a LAPS password, which the delete removed from Microsoft Entra ID"
          : "Any BitLocker recovery keys or LAPS password stored with the deleted object were removed with it";
  return `${what}: before the re-join, confirm a recovery key is available elsewhere (\`manage-bde -protectors -get C:\` on the device), and afterwards back it up again (\`BackupToAAD-BitLockerKeyProtector\`) and let Windows LAPS back up a new password (\`Invoke-LapsPolicyProcessing\`).`;
}
