import type { ParsedDsregcmd } from "@/lib/reports/types";
import { fieldEvidence, parseTime, type Capture } from "@/lib/rules/report-fields";
import type { ReportRuleInput } from "@/lib/rules/report-rule-input";
import type { Evidence } from "@/lib/rules/types";

export interface DeviceCertificate {
  validToMs: number;
  report: ParsedDsregcmd;
  /** The DeviceCertificateValidity line as printed: built only by a rule that reports it (most devices are fine). */
  evidence(): Evidence;
}

/** The device certificate's end date: from the user capture, else the SYSTEM capture (same device certificate). */
export function findDeviceCertificate({ report, systemReport }: ReportRuleInput): DeviceCertificate | null {
  const captures: [Capture, ParsedDsregcmd | null | undefined][] = [
    ["user", report],
    ["system", systemReport],
  ];
  for (const [capture, candidate] of captures) {
    const validToMs = parseTime(candidate?.certValidTo);
    if (!candidate || validToMs === null) continue;
    return {
      validToMs,
      report: candidate,
      evidence: () => fieldEvidence(candidate, capture, "DeviceCertificateValidity", "Device Details", candidate.certValidTo),
    };
  }
  return null;
}
