import { buildRejoinSteps } from "@/lib/rules/build-rejoin-steps";
import type { ReportRule } from "@/lib/rules/report-rule";
import { formatTime, parseTime } from "@/lib/rules/report-fields";
import { findDeviceCertificate } from "@/lib/rules/find-device-certificate";
import type { Finding } from "@/lib/rules/types";

export const certExpiredRule: ReportRule = {
  id: "cert-expired",
  severity: "critical",
  title: "Device certificate expired",
  description:
    "The end of DeviceCertificateValidity is before now: the device can no longer prove its identity, so it gets no PRT and Conditional Access calls it unregistered.",
  evaluate(input): Finding[] {
    const nowMs = parseTime(input.now);
    const certificate = findDeviceCertificate(input);
    if (nowMs === null || !certificate || certificate.validToMs >= nowMs) return [];
    return [
      {
        rule: "cert-expired",
        severity: "critical",
        title: `Device certificate expired on ${formatTime(certificate.validToMs)}`,
        explanation: `The device certificate ended on ${formatTime(certificate.validToMs)}. Device authentication signs with this registration, so Microsoft Entra ID rejects it, no PRT carries the deviceid claim, and Conditional Access shows "Device State: Unregistered" although dsregcmd may still say the device is joined.`,
        evidence: [certificate.evidence(), { source: "JoinScope evaluation", field: "now", value: input.now }],
        remediation: buildRejoinSteps(certificate.report),
      },
    ];
  },
};
