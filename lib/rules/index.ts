export { evaluateReportRules } from "@/lib/rules/evaluate-report-rules";
export { REPORT_RULES, reportRules } from "@/lib/rules/report-rule-list";
export {
  classifyPrtFailure,
  PRT_FAILURE_CAUSE_LABELS,
  type ClassifyPrtFailureOptions,
  type PrtFailureCause,
  type PrtFailureClassification,
} from "@/lib/rules/classify-prt-failure";
export { describeErrorCode, type ErrorCodeDescription, type ErrorCodeKind } from "@/lib/rules/error-codes";
export {
  detectCaptureContext,
  parseExecutingAccount,
  type CaptureContext,
  type CaptureContextKind,
  type ExecutingAccount,
  type ExecutingAccountKind,
} from "@/lib/rules/capture-context";
export {
  DEFAULT_CERT_EXPIRING_DAYS,
  DEFAULT_PRT_STALE_HOURS,
  type ReportRuleInput,
} from "@/lib/rules/report-rule-input";
export type { ReportRule, ReportRuleId, ReportRuleMetadata } from "@/lib/rules/report-rule";
export { SEVERITY_ORDER, type Evidence, type Finding, type Severity } from "@/lib/rules/types";
