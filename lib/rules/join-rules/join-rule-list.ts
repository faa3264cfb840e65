import type { JoinRule, JoinRuleMetadata } from "@/lib/rules/join-rules/join-rule";
import { altSecurityIdsMissingRule } from "@/lib/rules/join-rules/alt-security-ids-missing";
import { certValidityVsRegisteredRule } from "@/lib/rules/join-rules/cert-validity-vs-registered";
import { duplicateDeviceRule } from "@/lib/rules/join-rules/duplicate-device";
import { objectDeletedRule } from "@/lib/rules/join-rules/object-deleted";
import { objectDisabledRule } from "@/lib/rules/join-rules/object-disabled";
import { outOfSyncScopeRule } from "@/lib/rules/join-rules/out-of-sync-scope";
import { pendingRegistrationRule } from "@/lib/rules/join-rules/pending-registration";
import { silentDeviceRule } from "@/lib/rules/join-rules/silent-device";
import { staleDeviceRule } from "@/lib/rules/join-rules/stale-device";
import { staleWhileActiveRule } from "@/lib/rules/join-rules/stale-while-active";
import { thumbprintMismatchRule } from "@/lib/rules/join-rules/thumbprint-mismatch";
import { compareSeverity } from "@/lib/rules/severity";

function bySeverityThenId(a: JoinRuleMetadata, b: JoinRuleMetadata): number {
  return compareSeverity(a.severity, b.severity) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
}

/**
 * Every rule that joins the report with the directory object (or looks at the directory alone), most severe first.
 * What each checks and why, with its Microsoft source: docs/domain.md.
 */
export const joinRules: readonly JoinRule[] = [
  altSecurityIdsMissingRule,
  certValidityVsRegisteredRule,
  duplicateDeviceRule,
  objectDeletedRule,
  objectDisabledRule,
  outOfSyncScopeRule,
  pendingRegistrationRule,
  silentDeviceRule,
  staleDeviceRule,
  staleWhileActiveRule,
  thumbprintMismatchRule,
].sort(bySeverityThenId);

/** The catalogue for a docs or UI "rules" page: metadata only, serialisable. */
export const JOIN_RULES: readonly JoinRuleMetadata[] = joinRules.map(({ id, severity, title, description }) => ({
  id,
  severity,
  title,
  description,
}));
