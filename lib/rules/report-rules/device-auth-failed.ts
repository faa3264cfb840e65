import { dedupeEvidence } from "@/lib/rules/dedupe-evidence";
import { findDeviceAuthFailures } from "@/lib/rules/device-auth-status";
import { describeErrorCode, normalizeErrorCode } from "@/lib/rules/error-codes";
import { buildDeviceAuthRemediation } from "@/lib/rules/prt-remediation";
import type { ReportRule } from "@/lib/rules/report-rule";
import { fieldEvidence, yesNo } from "@/lib/rules/report-fields";
import type { Evidence, Finding } from "@/lib/rules/types";

// What DeviceAuthStatus FAILED means and why it is usually a symptom of a directory-side cause: docs/domain.md,
// "How a device proves itself", "Other rules" and "One root cause, one remediation".
export const deviceAuthFailedRule: ReportRule = {
  id: "device-auth-failed",
  severity: "critical",
  title: "Device authentication failed",
  description:
    'DeviceAuthStatus is "FAILED. Device is either disabled or deleted": the directory object is deleted or disabled, or no longer holds the device\'s key. The client still says it is joined, but it gets no PRT and Conditional Access shows "Device State: Unregistered". ("FAILED. ERROR" only means the check could not run and is ignored.)',
  evaluate({ report, systemReport }): Finding[] {
    const failures = findDeviceAuthFailures(report, systemReport);
    if (failures.length === 0) return [];

    const aadsts = report.aadsts ? normalizeErrorCode(report.aadsts) : null;
    const description = aadsts ? describeErrorCode(aadsts) : null;
    const evidence: Evidence[] = dedupeEvidence([
      ...failures,
      ...(report.azureAdJoined !== null ? [fieldEvidence(report, "user", "AzureAdJoined", "Device State", yesNo(report.azureAdJoined))] : []),
      ...(report.deviceId ? [fieldEvidence(report, "user", "DeviceId", "Device Details", report.deviceId)] : []),
      ...(report.azureAdPrt === false ? [fieldEvidence(report, "user", "AzureAdPrt", "SSO State", "NO")] : []),
      ...(aadsts ? [fieldEvidence(report, "user", "Server Error Description", "SSO State", report.aadsts)] : []),
    ]);

    const cause =
      aadsts === "aadsts135011"
        ? "AADSTS135011 says the object is disabled."
        : "Usual causes: the object was deleted (by an admin, a stale-device clean-up, or Entra Connect after the computer left its sync scope), it was disabled (AADSTS135011), or it no longer holds this device's key (object recreated, TPM cleared).";
    return [
      {
        rule: "device-auth-failed",
        severity: "critical",
        title:
          aadsts === "aadsts135011"
            ? "Device authentication failed: device disabled"
            : "Device authentication failed: device object deleted, disabled or key mismatch",
        explanation: [
          'Microsoft Entra ID refused the request signed with this device\'s key. dsregcmd still shows the device as joined with the same DeviceId because the client keeps its local registration, but no PRT is issued with the deviceid claim, so Conditional Access shows "Device State: Unregistered".',
          cause,
          description ? `${description.code}: ${description.meaning}` : "",
        ]
          .filter((part) => part !== "")
          .join(" "),
        evidence,
        remediation: buildDeviceAuthRemediation(report),
      },
    ];
  },
};
