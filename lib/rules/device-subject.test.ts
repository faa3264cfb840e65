import { describe, expect, it } from "vitest";
import { resolveDeviceRuleSettings } from "@/lib/rules/device-subject";
import { CONTOSO_SCOPE, DEVICE_NOW } from "@/lib/rules/testing/make-directory-object";

describe("resolveDeviceRuleSettings", () => {
  it("applies the defaults: 60 minutes, 90 days, 240 minutes, no agents, the directory current as of now", () => {
    expect(resolveDeviceRuleSettings({ now: DEVICE_NOW })).toEqual({
      now: DEVICE_NOW,
      nowMs: Date.parse(DEVICE_NOW),
      syncScope: null,
      certRegistrationToleranceMinutes: 60,
      staleThresholdDays: 90,
      agentIntervalMinutes: 240,
      certExpiringDays: undefined,
      prtStaleHours: undefined,
      tenantHasAgents: false,
      directorySyncedAt: DEVICE_NOW,
    });
  });

  it("keeps the tenant's own settings, a never-synced directory as null, and floors the stale threshold at 21 days", () => {
    const resolved = resolveDeviceRuleSettings({
      now: DEVICE_NOW,
      syncScope: CONTOSO_SCOPE,
      certRegistrationToleranceMinutes: 15,
      staleThresholdDays: 14,
      agentIntervalMinutes: 60,
      certExpiringDays: 30,
      prtStaleHours: 8,
      tenantHasAgents: true,
      directorySyncedAt: null,
    });
    expect(resolved).toMatchObject({
      syncScope: CONTOSO_SCOPE,
      certRegistrationToleranceMinutes: 15,
      staleThresholdDays: 21,
      agentIntervalMinutes: 60,
      certExpiringDays: 30,
      prtStaleHours: 8,
      tenantHasAgents: true,
      directorySyncedAt: null,
    });
  });

  it("falls back to the default for a setting that is zero, negative or not finite", () => {
    for (const value of [0, -5, Number.NaN, Number.POSITIVE_INFINITY]) {
      const resolved = resolveDeviceRuleSettings({
        now: DEVICE_NOW,
        certRegistrationToleranceMinutes: value,
        staleThresholdDays: value,
        agentIntervalMinutes: value,
      });
      expect([resolved.certRegistrationToleranceMinutes, resolved.staleThresholdDays, resolved.agentIntervalMinutes], String(value)).toEqual([60, 90, 240]);
    }
    expect(resolveDeviceRuleSettings({ now: DEVICE_NOW, staleThresholdDays: 0.5, agentIntervalMinutes: 0.5 })).toMatchObject({
      staleThresholdDays: 21,
      agentIntervalMinutes: 0.5,
    });
  });

  it("refuses an evaluation time that is not a date, naming it", () => {
    expect(() => resolveDeviceRuleSettings({ now: "2025-13-45T99:00:00Z" })).toThrow(
      "evaluateDeviceRules: settings.now is not an ISO date: 2025-13-45T99:00:00Z",
    );
  });
});
