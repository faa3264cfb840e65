import type { ParsedDsregcmd } from "@/lib/reports/types";
import { fieldEvidence, parseTime } from "@/lib/rules/report-fields";
import type { Evidence } from "@/lib/rules/types";

export interface PrtTimes {
  updateMs: number | null;
  expiryMs: number | null;
  /** The lines as printed (null when the time is missing): built only by a rule that reports them. */
  evidence: { update(): Evidence | null; expiry(): Evidence | null };
}

/** AzureAdPrtUpdateTime / AzureAdPrtExpiryTime of the user capture, parsed, with the lines as printed. */
export function readPrtTimes(report: ParsedDsregcmd): PrtTimes {
  const updateMs = parseTime(report.prtUpdateTime);
  const expiryMs = parseTime(report.prtExpiryTime);
  return {
    updateMs,
    expiryMs,
    evidence: {
      update: () => (updateMs === null ? null : fieldEvidence(report, "user", "AzureAdPrtUpdateTime", "SSO State", report.prtUpdateTime)),
      expiry: () => (expiryMs === null ? null : fieldEvidence(report, "user", "AzureAdPrtExpiryTime", "SSO State", report.prtExpiryTime)),
    },
  };
}
