import { describe, expect, it } from "vitest";
import { buildKeyBackupStep, buildLostKeysStep } from "@/lib/rules/join-rules/key-backup";
import { makeDirectoryObject } from "@/lib/rules/testing/make-directory-object";

const ID = "6e4cbe68-588b-499c-8c04-dcfff140a1ca";
const WHERE_BY_ID = `(Entra admin center › Devices › the device › BitLocker keys / Local administrator password recovery, or \`Get-MgInformationProtectionBitlockerRecoveryKey -Filter "deviceId eq '${ID}'"\` and \`Get-LapsAADPassword -DeviceIds ${ID} -IncludePasswords\`).`;
const WHERE =
  "(Entra admin center › Devices › the device › BitLocker keys / Local administrator password recovery, or Graph `informationProtection/bitlocker/recoveryKeys` and `directory/deviceLocalCredentials`).";
const objectWith = (hasBitlockerKeys: boolean | null, hasLapsPassword: boolean | null) => makeDirectoryObject({ hasBitlockerKeys, hasLapsPassword });

describe("buildKeyBackupStep", () => {
  it.each([
    [true, true, "This object holds BitLocker recovery keys (and a LAPS password): back them up first — deleting the object deletes them"],
    [true, false, "This object holds BitLocker recovery keys: back them up first — deleting the object deletes them"],
    [false, true, "This object holds a LAPS password: back it up first — deleting the object deletes it"],
    [
      true,
      null,
      `This object holds BitLocker recovery keys: back them up first — deleting the object deletes them. Also check whether Microsoft Entra ID holds a LAPS password for deviceId ${ID} (JoinScope could not tell) and back it up first — deleting the object deletes it`,
    ],
    [
      null,
      true,
      `This object holds a LAPS password: back it up first — deleting the object deletes it. Also check whether Microsoft Entra ID holds BitLocker recovery keys for deviceId ${ID} (JoinScope could not tell) and back them up first — deleting the object deletes them`,
    ],
    [
      false,
      null,
      `Check whether Microsoft Entra ID holds a LAPS password for deviceId ${ID} (JoinScope could not tell) and back it up first — deleting the object deletes it`,
    ],
    [
      null,
      false,
      `Check whether Microsoft Entra ID holds BitLocker recovery keys for deviceId ${ID} (JoinScope could not tell) and back them up first — deleting the object deletes them`,
    ],
    [
      null,
      null,
      `Check whether Microsoft Entra ID holds BitLocker recovery keys or a LAPS password for deviceId ${ID} (JoinScope could not tell) and back them up first — deleting the object deletes them`,
    ],
  ])("keys %s, LAPS %s", (keys, laps, sentence) => {
    expect(buildKeyBackupStep(objectWith(keys, laps))).toBe(`${sentence} ${WHERE_BY_ID}`);
  });

  it("says nothing when the object holds neither", () => {
    expect(buildKeyBackupStep(objectWith(false, false))).toBeNull();
  });

  it("asks about both for no object, where Graph's paths show them", () => {
    expect(buildKeyBackupStep(null)).toBe(
      `Check whether Microsoft Entra ID holds BitLocker recovery keys or a LAPS password for this device (JoinScope could not tell) and back them up first — deleting the object deletes them ${WHERE}`,
    );
  });

  it("points to Graph's paths for an object without a deviceId", () => {
    expect(buildKeyBackupStep(makeDirectoryObject({ deviceId: null, hasLapsPassword: false }))).toBe(
      `This object holds BitLocker recovery keys: back them up first — deleting the object deletes them ${WHERE}`,
    );
  });
});

describe("buildLostKeysStep", () => {
  const AFTER =
    ": before the re-join, confirm a recovery key is available elsewhere (`manage-bde -protectors -get C:` on the device), and afterwards back it up again (`BackupToAAD-BitLockerKeyProtector`) and let Windows LAPS back up a new password (`Invoke-LapsPolicyProcessing`).";
  const ANY = "Any BitLocker recovery keys or LAPS password stored with the deleted object were removed with it";

  it.each([
    [true, true, "The deleted object held BitLocker recovery keys (and a LAPS password), which the delete removed from Microsoft Entra ID"],
    [true, false, "The deleted object held BitLocker recovery keys, which the delete removed from Microsoft Entra ID"],
    [true, null, "The deleted object held BitLocker recovery keys, which the delete removed from Microsoft Entra ID"],
    [false, true, "The deleted object held a LAPS password, which the delete removed from Microsoft Entra ID"],
    [null, true, "The deleted object held a LAPS password, which the delete removed from Microsoft Entra ID"],
    [false, null, ANY],
    [null, false, ANY],
    [null, null, ANY],
  ])("keys %s, LAPS %s", (keys, laps, what) => {
    expect(buildLostKeysStep(objectWith(keys, laps))).toBe(`${what}${AFTER}`);
  });

  it("says nothing when the object held neither, and the general sentence for no object", () => {
    expect(buildLostKeysStep(objectWith(false, false))).toBeNull();
    expect(buildLostKeysStep(null)).toBe(`${ANY}${AFTER}`);
  });
});
