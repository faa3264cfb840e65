import { formatIso, HISTORY_SOURCE, isLive, objectEvidence } from "@/lib/rules/join-rules/directory-evidence";
import type { JoinRule } from "@/lib/rules/join-rules/join-rule";
import { buildJoinRejoinSteps } from "@/lib/rules/join-rules/join-rejoin-steps";
import { certValidityEvidence, reportThumbprint, thumbprintEvidence } from "@/lib/rules/join-rules/subject-facts";
import { findDeviceAuthFailures } from "@/lib/rules/device-auth-status";
import { parseTime } from "@/lib/rules/report-fields";
import type { Evidence, Finding } from "@/lib/rules/types";

export const thumbprintMismatchRule: JoinRule = {
  id: "thumbprint-mismatch",
  severity: "critical",
  title: "Device certificate differs from the directory's",
  description:
    "The report's Thumbprint differs (case-insensitively) from the thumbprint decoded from the object's X509 alternativeSecurityId: the device signs with a key the directory does not hold, so device authentication fails and the device shows as unregistered. Info only when the directory's certificate changed after the report was captured (the report is older than the change).",
  evaluate(input): Finding[] {
    const { subject } = input;
    const report = subject.report;
    const object = subject.directory;
    const thumbprint = reportThumbprint(input);
    if (!report || !isLive(object) || !thumbprint || !object.thumbprint) return [];
    if (thumbprint.toUpperCase() === object.thumbprint.toUpperCase()) return [];

    const capturedMs = parseTime(report.capturedAt);
    const rotation = subject.history.find(
      (change) => change.kind === "cert-rotated" && capturedMs !== null && (parseTime(change.at) ?? -Infinity) > capturedMs,
    );
    const evidence: Evidence[] = [
      thumbprintEvidence(report.parsed, object.thumbprint),
      objectEvidence(object, "thumbprint (alternativeSecurityIds X509)", object.thumbprint),
      ...(report.parsed.certValidFrom ? [certValidityEvidence(report.parsed)] : []),
      objectEvidence(object, "registrationDateTime", object.registrationDateTime),
      ...findDeviceAuthFailures(report.parsed, report.systemParsed),
      ...(rotation ? [{ source: `${HISTORY_SOURCE} · ${rotation.at}`, field: "cert-rotated", value: "the directory's certificate changed after this report" }] : []),
    ];

    if (rotation) {
      return [
        {
          rule: "thumbprint-mismatch",
          severity: "info",
          title: "Directory certificate changed after the last report",
          explanation: `The device reported thumbprint ${thumbprint}, but the directory object's certificate changed on ${formatIso(rotation.at) ?? rotation.at}, after that report was captured: the device has most likely re-registered since. The next report will tell; nothing needs doing until then.`,
          evidence,
          remediation: [
            "Wait for the next agent report (or capture `dsregcmd /status` in the user's session) and compare its Thumbprint with the directory's.",
          ],
        },
      ];
    }
    return [
      {
        rule: "thumbprint-mismatch",
        severity: "critical",
        title: "Device certificate differs from the directory's",
        explanation: `The device presents certificate ${thumbprint}, but the directory object with its deviceId holds ${object.thumbprint.toUpperCase()}. Device authentication signs with the device's key, which Microsoft Entra ID cannot verify against another certificate, so it fails (AADSTS50155), no PRT carries the deviceid claim and Conditional Access shows "Device State: Unregistered". Usually the object was re-registered or recreated from elsewhere, or the device's key was lost (TPM cleared, bad sysprep image).`,
        evidence,
        remediation: buildJoinRejoinSteps({ report: report.parsed, object }),
      },
    ];
  },
};
