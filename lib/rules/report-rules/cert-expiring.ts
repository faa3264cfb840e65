import { buildRejoinSteps } from "@/lib/rules/build-rejoin-steps";
import type { ReportRule } from "@/lib/rules/report-rule";
import { DEFAULT_CERT_EXPIRING_DAYS } from "@/lib/rules/report-rule-input";
import { formatDuration, formatTime, parseTime } from "@/lib/rules/report-fields";
import { findDeviceCertificate } from "@/lib/rules/find-device-certificate";
import type { Finding } from "@/lib/rules/types";

const DAY_MS = 86_400_000;

export const certExpiringRule: ReportRule = {
  id: "cert-expiring",
  severity: "medium",
  title: "Device certificate expiring soon",
  description: `The end of DeviceCertificateValidity is within certExpiringDays (default ${DEFAULT_CERT_EXPIRING_DAYS}) of now. Nothing fails yet; once it ends the device is treated as unregistered.`,
  evaluate(input): Finding[] {
    const nowMs = parseTime(input.now);
    const certificate = findDeviceCertificate(input);
    const days =
      input.certExpiringDays !== undefined && Number.isFinite(input.certExpiringDays) && input.certExpiringDays >= 0
        ? input.certExpiringDays
        : DEFAULT_CERT_EXPIRING_DAYS;
    if (nowMs === null || !certificate) return [];
    if (certificate.validToMs < nowMs || certificate.validToMs >= nowMs + days * DAY_MS) return [];
    const left = formatDuration(certificate.validToMs - nowMs);
    return [
      {
        rule: "cert-expiring",
        severity: "medium",
        title: `Device certificate expires on ${formatTime(certificate.validToMs)}`,
        explanation: `The device certificate ends on ${formatTime(certificate.validToMs)}, in ${left}. It still works, so Conditional Access sees the device as registered today; after that date device authentication fails and it will show "Device State: Unregistered".`,
        evidence: [
          certificate.evidence(),
          { source: "JoinScope evaluation", field: "now", value: input.now },
          { source: "JoinScope evaluation", field: "certExpiringDays", value: String(days) },
        ],
        remediation: [
          "Plan a re-registration in a maintenance window before the end date rather than waiting for sign-ins to fail.",
          ...buildRejoinSteps(certificate.report),
        ],
      },
    ];
  },
};
