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
export { DEFAULT_CERT_EXPIRING_DAYS, DEFAULT_PRT_STALE_HOURS, type ReportRuleInput } from "@/lib/rules/report-rule-input";
export type { ReportRule, ReportRuleId, ReportRuleMetadata } from "@/lib/rules/report-rule";
export { SEVERITY_ORDER, type Evidence, type Finding, type Severity } from "@/lib/rules/types";
export { evaluateDeviceRules } from "@/lib/rules/evaluate-device-rules";
export {
  DEFAULT_AGENT_INTERVAL_MINUTES,
  DEFAULT_CERT_REGISTRATION_TOLERANCE_MINUTES,
  DEFAULT_STALE_THRESHOLD_DAYS,
  MIN_STALE_THRESHOLD_DAYS,
  resolveDeviceRuleSettings,
  type DeletedReason,
  type DeviceRuleSettings,
  type DeviceSubject,
  type DeviceSubjectReport,
  type DirectoryChange,
  type DirectoryChangeKind,
  type DirectoryHistory,
  type DirectoryObject,
  type ResolvedDeviceRuleSettings,
} from "@/lib/rules/device-subject";
export { JOIN_RULES, joinRules } from "@/lib/rules/join-rules/join-rule-list";
export type { JoinRule, JoinRuleId, JoinRuleInput, JoinRuleMetadata } from "@/lib/rules/join-rules/join-rule";
export {
  describeScopeDecision,
  isDnInScope,
  isSyncScopeConfigured,
  normalizeDn,
  type ScopeContainer,
  type ScopeDecision,
  type SyncScope,
  type SyncScopeForest,
} from "@/lib/rules/sync-scope";
export { matchReportsToObjects, type MatchableObject, type MatchableReport, type ReportMatches } from "@/lib/rules/match-reports";
