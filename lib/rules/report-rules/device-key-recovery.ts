import type { ParsedDsregcmd } from "@/lib/reports/types";
import type { ReportRule } from "@/lib/rules/report-rule";
import { findField, sourceLabel, type Capture } from "@/lib/rules/report-fields";
import type { Evidence, Finding } from "@/lib/rules/types";

/**
 * `AadRecoveryEnabled : YES` means the keys stored on the device are not usable and the device is marked for
 * recovery; a failed `KeySignTest` (run elevated) means the same: the device keys are unhealthy. The next sign-in
 * starts recovery and re-registers the device: silently on a hybrid joined device, with a prompt for the user on an
 * Entra joined or registered one (https://learn.microsoft.com/entra/identity/devices/troubleshoot-device-dsregcmd,
 * "Diagnostic data"; docs/domain.md, "Device key health").
 */
export const deviceKeyRecoveryRule: ReportRule = {
  id: "device-key-recovery",
  severity: "high",
  title: "Device keys unusable: recovery pending",
  description:
    "AadRecoveryEnabled is YES or KeySignTest FAILED (user or SYSTEM capture): the device's keys cannot sign, so device authentication fails until the recovery flow re-registers the device at the next sign-in (silently when hybrid joined, with a prompt when Entra joined or registered).",
  evaluate({ report, systemReport }): Finding[] {
    const evidence = [...keyHealthEvidence(report, "user"), ...(systemReport ? keyHealthEvidence(systemReport, "system") : [])];
    if (evidence.length === 0) return [];
    const hybrid = report.azureAdJoined === true && report.domainJoined === true;
    const registeredOnly = report.azureAdJoined !== true && report.workplaceJoined === true;
    const next = hybrid
      ? "On a hybrid joined device recovery is silent: the next sign-in (or restart) re-registers the device with new keys."
      : registeredOnly
        ? "On a registered device the user is prompted to sign in again at the next sign-in, which re-registers the device."
        : "On an Entra joined device the user is prompted to authenticate at the next sign-in, which recovers and re-registers the device.";
    return [
      {
        rule: "device-key-recovery",
        severity: "high",
        title: "Device keys unusable: recovery pending",
        explanation: `The device's keys cannot sign (${evidence.map((e) => `${e.field} : ${e.value}`).join(", ")}), so device authentication fails and Conditional Access can show "Device State: Unregistered" until the device recovers. ${next} Likely causes: the TPM was cleared or reset, the device was cloned from an image that was not generalised (sysprep) after it joined, or the key is gone (0x80090016, NTE_BAD_KEYSET).`,
        evidence,
        remediation: [
          "Have the user sign in to Windows (lock and unlock is not enough; sign out and in, or restart and sign in) with network access to Microsoft Entra ID, then capture `dsregcmd /status` again: AadRecoveryEnabled should be NO and KeySignTest PASSED (run elevated).",
          "If the TPM was cleared or the device came from an image that was not generalised, fix that first (Get-Tpm; re-image with sysprep /generalize), or recovery will break again.",
          "If recovery does not complete, check the AAD Operational log for the recovery error and treat the device as a re-join case, backing up BitLocker recovery keys and the LAPS password first.",
        ],
      },
    ];
  },
};

function keyHealthEvidence(report: ParsedDsregcmd, capture: Capture): Evidence[] {
  const evidence: Evidence[] = [];
  const recovery = findField(report, "AadRecoveryEnabled", "Diagnostic Data");
  if (recovery && /^YES$/i.test(recovery.value.trim())) {
    evidence.push({ source: sourceLabel(capture, recovery.section), field: recovery.key, value: recovery.value });
  }
  const keySign = findField(report, "KeySignTest", "Diagnostic Data");
  if (keySign && /^FAIL/i.test(keySign.value.trim())) {
    evidence.push({ source: sourceLabel(capture, keySign.section), field: keySign.key, value: keySign.value });
  }
  return evidence;
}
