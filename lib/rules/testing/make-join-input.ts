import { resolveDeviceRuleSettings, type DeviceRuleSettings, type DeviceSubject } from "@/lib/rules/device-subject";
import { normalizeSubject } from "@/lib/rules/join-rules/directory-evidence";
import type { JoinRuleInput } from "@/lib/rules/join-rules/join-rule";
import { describeScopeDecision, isSyncScopeConfigured } from "@/lib/rules/sync-scope";
import { makeDeviceSettings } from "@/lib/rules/testing/make-directory-object";

/** The input evaluateDeviceRules gives each join rule, for a subject and settings (makeDeviceSettings with `overrides`). */
export function makeJoinRuleInput(subject: DeviceSubject, overrides: Partial<DeviceRuleSettings> = {}): JoinRuleInput {
  const settings = resolveDeviceRuleSettings(makeDeviceSettings(overrides));
  const normalized = normalizeSubject(subject);
  const dn = normalized.report?.computerDn?.trim();
  return {
    subject: normalized,
    settings,
    scopeDecision: dn && isSyncScopeConfigured(settings.syncScope) ? describeScopeDecision(dn, settings.syncScope) : null,
  };
}
