import type { ReportRule, ReportRuleMetadata } from "@/lib/rules/report-rule";
import { certExpiredRule } from "@/lib/rules/report-rules/cert-expired";
import { certExpiringRule } from "@/lib/rules/report-rules/cert-expiring";
import { deviceAuthFailedRule } from "@/lib/rules/report-rules/device-auth-failed";
import { deviceKeyRecoveryRule } from "@/lib/rules/report-rules/device-key-recovery";
import { notJoinedRule } from "@/lib/rules/report-rules/not-joined";
import { prtExpiredRule } from "@/lib/rules/report-rules/prt-expired";
import { prtMissingRule } from "@/lib/rules/report-rules/prt-missing";
import { prtStaleRule } from "@/lib/rules/report-rules/prt-stale";
import { tenantMismatchRule } from "@/lib/rules/report-rules/tenant-mismatch";
import { tpmNotProtectedRule } from "@/lib/rules/report-rules/tpm-not-protected";
import { userContextNotCapturedRule } from "@/lib/rules/report-rules/user-context-not-captured";
import { compareSeverity } from "@/lib/rules/severity";

function bySeverityThenId(a: ReportRuleMetadata, b: ReportRuleMetadata): number {
  return compareSeverity(a.severity, b.severity) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
}

/** Every rule that needs only the report (and optionally its SYSTEM capture and events), most severe first. */
export const reportRules: readonly ReportRule[] = [
  certExpiredRule,
  certExpiringRule,
  deviceAuthFailedRule,
  deviceKeyRecoveryRule,
  notJoinedRule,
  prtExpiredRule,
  prtMissingRule,
  prtStaleRule,
  tenantMismatchRule,
  tpmNotProtectedRule,
  userContextNotCapturedRule,
].sort(bySeverityThenId);

/** The catalogue for a docs or UI "rules" page: metadata only, no functions, serialisable. */
export const REPORT_RULES: readonly ReportRuleMetadata[] = reportRules.map(({ id, severity, title, description }) => ({
  id,
  severity,
  title,
  description,
}));
