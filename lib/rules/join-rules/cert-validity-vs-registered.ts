import { HOUR_MS, isLive, MINUTE_MS, objectEvidence, EVALUATION_SOURCE } from "@/lib/rules/join-rules/directory-evidence";
import type { JoinRule } from "@/lib/rules/join-rules/join-rule";
import { buildJoinRejoinSteps } from "@/lib/rules/join-rules/join-rejoin-steps";
import { certValidityEvidence, reportThumbprint } from "@/lib/rules/join-rules/subject-facts";
import { formatDuration, formatTime, parseTime } from "@/lib/rules/report-fields";
import type { Evidence, Finding } from "@/lib/rules/types";

/** Beyond a day apart the certificate certainly comes from another registration. */
const HIGH_AFTER_MS = 24 * HOUR_MS;

export const certValidityVsRegisteredRule: JoinRule = {
  id: "cert-validity-vs-registered",
  severity: "high",
  title: "Device certificate from another registration",
  description:
    "The start of the report's DeviceCertificateValidity and the object's registrationDateTime are further apart than certRegistrationToleranceMinutes (default 60): the certificate is issued in the same DRS request that sets registrationDateTime, so the device holds a certificate from another registration. Medium, high beyond 24 h. When both thumbprints are known and differ, thumbprint-mismatch reports it instead; when they are equal the directory holds this very certificate and the finding is info.",
  evaluate(input): Finding[] {
    const { subject, settings } = input;
    const report = subject.report;
    const object = subject.directory;
    if (!report || !isLive(object)) return [];
    const validFromMs = parseTime(report.parsed.certValidFrom) ?? parseTime(report.systemParsed?.certValidFrom);
    const registeredMs = parseTime(object.registrationDateTime);
    if (validFromMs === null || registeredMs === null) return [];
    const difference = Math.abs(validFromMs - registeredMs);
    const toleranceMs = settings.certRegistrationToleranceMinutes * MINUTE_MS;
    if (difference <= toleranceMs) return [];

    const thumbprint = reportThumbprint(input);
    const comparable = thumbprint !== null && object.thumbprint !== null;
    const sameCertificate = comparable && thumbprint.toUpperCase() === object.thumbprint!.toUpperCase();
    if (comparable && !sameCertificate) return []; // thumbprint-mismatch says it, with these times as evidence

    const evidence: Evidence[] = [
      certValidityEvidence(report.parsed),
      objectEvidence(object, "registrationDateTime", object.registrationDateTime),
      { source: EVALUATION_SOURCE, field: "certRegistrationToleranceMinutes", value: String(settings.certRegistrationToleranceMinutes) },
      ...(sameCertificate ? [objectEvidence(object, "thumbprint (alternativeSecurityIds X509)", object.thumbprint)] : []),
    ];
    const apart = `${formatDuration(difference)} apart (certificate from ${formatTime(validFromMs)}, registered ${formatTime(registeredMs)})`;

    if (sameCertificate) {
      return [
        {
          rule: "cert-validity-vs-registered",
          severity: "info",
          title: `Registration time and certificate start ${formatDuration(difference)} apart`,
          explanation: `The certificate and the registration time are ${apart}, but the directory object holds this very certificate (same thumbprint), so device authentication is unaffected. The registration time was probably reset, for example when the object was restored or re-synced.`,
          evidence,
          remediation: ["Nothing to do while the thumbprints match."],
        },
      ];
    }
    const severity = difference > HIGH_AFTER_MS ? "high" : "medium";
    return [
      {
        rule: "cert-validity-vs-registered",
        severity,
        title: `Device certificate from another registration (${formatDuration(difference)} apart)`,
        explanation: `The device certificate and the object's registration are ${apart}. DRS issues the certificate in the same request that sets registrationDateTime, so real pairs differ by minutes: the device holds a certificate from an earlier or later registration than the object it claims. Device authentication with it fails or soon will, so Conditional Access shows "Device State: Unregistered".${thumbprint === null ? " The report has no Thumbprint line to confirm it." : ""}`,
        evidence,
        remediation: buildJoinRejoinSteps({ report: report.parsed, object }),
      },
    ];
  },
};
