import type { ParsedDsregcmd } from "@/lib/reports/types";
import type { DirectoryObject } from "@/lib/rules/device-subject";
import { EVALUATION_SOURCE, formatIso, HISTORY_SOURCE, isLive, objectEvidence } from "@/lib/rules/join-rules/directory-evidence";
import type { JoinRule } from "@/lib/rules/join-rules/join-rule";
import { buildJoinRejoinSteps } from "@/lib/rules/join-rules/join-rejoin-steps";
import { certValidityEvidence, reportThumbprint, thumbprintEvidence } from "@/lib/rules/join-rules/subject-facts";
import { findDeviceAuthFailures } from "@/lib/rules/device-auth-status";
import { parseTime } from "@/lib/rules/report-fields";
import type { Evidence, Finding } from "@/lib/rules/types";

/**
 * alternativeSecurityIds is documented by Microsoft as for internal use only and subject to deprecation
 * (https://learn.microsoft.com/graph/api/resources/device): JoinScope decodes the X509 key's thumbprint
 * (lib/graph/alternative-security-ids.ts) and, if the format ever changes, reports "cannot decode" instead of a
 * mismatch (docs/domain.md, "Thumbprint").
 */
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
    if (!report || !isLive(object) || !thumbprint) return [];
    if (!object.thumbprint) return object.hasX509 ? cannotDecode(report.parsed, object) : [];
    // Every X509 key the object holds, not only the first: the device may sign with any of them.
    const held = object.thumbprints ?? [object.thumbprint];
    if (held.some((t) => t.toUpperCase() === thumbprint.toUpperCase())) return [];

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
      ...(rotation
        ? [{ source: `${HISTORY_SOURCE} · ${rotation.at}`, field: "cert-rotated", value: "the directory's certificate changed after this report" }]
        : []),
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
    // Device authentication that succeeds, with a PRT renewed after the directory was read, proves that Entra ID
    // holds the device's key: the directory data JoinScope has, or the pairing, is what is wrong. Never re-join on it.
    const authSucceeded = report.parsed.deviceAuthStatus === "SUCCESS" || report.systemParsed?.deviceAuthStatus === "SUCCESS";
    const prtMs = report.parsed.azureAdPrt === true ? parseTime(report.parsed.prtUpdateTime) : null;
    const snapshotMs = parseTime(input.settings.directorySyncedAt);
    if (authSucceeded && prtMs !== null && snapshotMs !== null && prtMs > snapshotMs) {
      return [
        {
          rule: "thumbprint-mismatch",
          severity: "medium",
          title: "Thumbprint differs, but the device authenticates: directory data inconsistent",
          explanation: `The device presents certificate ${thumbprint}, and JoinScope's copy of the directory object holds ${object.thumbprint.toUpperCase()}; yet the same report shows \`DeviceAuthStatus : SUCCESS\` and a PRT renewed on ${formatIso(report.parsed.prtUpdateTime) ?? report.parsed.prtUpdateTime}, after the directory was last synced (${formatIso(input.settings.directorySyncedAt) ?? input.settings.directorySyncedAt}). Microsoft Entra ID evidently holds the device's key, so the directory data or the pairing of report and object is out of date. Nothing on the device needs to change.`,
          evidence: [...evidence, { source: EVALUATION_SOURCE, field: "directorySyncedAt", value: input.settings.directorySyncedAt }],
          remediation: [
            "Run a full directory sync (Sync › Full sync) and let the findings be re-evaluated before doing anything on the device.",
            "If the mismatch remains, compare the object's alternativeSecurityIds in Graph Explorer (GET /v1.0/devices/{id}) with the report's Thumbprint: a device with several X509 keys, or a second object with this deviceId, explains it.",
            "Do not re-join a device whose device authentication succeeds.",
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

/** The object has an X509 key, but its thumbprint could not be read: the format may have changed. */
function cannotDecode(parsed: ParsedDsregcmd, object: DirectoryObject): Finding[] {
  return [
    {
      rule: "thumbprint-mismatch",
      severity: "info",
      title: "Directory certificate cannot be decoded",
      explanation:
        "The object's alternativeSecurityIds holds an X509 key, but JoinScope could not read a thumbprint from it, so it cannot compare the device's certificate with the directory's. Microsoft documents alternativeSecurityIds as internal and subject to change; device authentication (DeviceAuthStatus) remains the authoritative check.",
      evidence: [objectEvidence(object, "alternativeSecurityIds", "X509 key, thumbprint not decodable"), thumbprintEvidence(parsed)],
      remediation: ["Check DeviceAuthStatus in a SYSTEM capture of the device: SUCCESS means Entra ID holds the device's key."],
    },
  ];
}
