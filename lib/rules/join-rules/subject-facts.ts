import type { ParsedDsregcmd } from "@/lib/reports/types";
import type { DirectoryObject } from "@/lib/rules/device-subject";
import { DAY_MS } from "@/lib/rules/join-rules/directory-evidence";
import type { JoinRuleInput } from "@/lib/rules/join-rules/join-rule";
import { fieldEvidence, findField, parseTime } from "@/lib/rules/report-fields";
import type { Evidence } from "@/lib/rules/types";

// How dsregcmd prints each join state, and where a registered device keeps its DeviceId and Thumbprint:
// docs/domain.md, "Join states" and "Reading `dsregcmd /status`".

/** Registered devices print their registration in the Work Account section with Workplace-prefixed keys. */
function keyFor(report: ParsedDsregcmd, key: "DeviceId" | "Thumbprint"): { key: string; section: string } {
  if (findField(report, key) || report.azureAdJoined === true || !findField(report, `Workplace${key}`)) {
    return { key, section: "Device Details" };
  }
  return { key: `Workplace${key}`, section: findField(report, `Workplace${key}`)!.section };
}

export function deviceIdEvidence(report: ParsedDsregcmd): Evidence {
  const { key, section } = keyFor(report, "DeviceId");
  return fieldEvidence(report, "user", key, section, report.deviceId);
}

export function thumbprintEvidence(report: ParsedDsregcmd, expected?: string | null): Evidence {
  const { key, section } = keyFor(report, "Thumbprint");
  const evidence = fieldEvidence(report, "user", key, section, report.thumbprint);
  return expected === undefined ? evidence : { ...evidence, expected };
}

export function certValidityEvidence(report: ParsedDsregcmd): Evidence {
  const section = findField(report, "DeviceCertificateValidity")?.section ?? "Device Details";
  return fieldEvidence(report, "user", "DeviceCertificateValidity", section, report.certValidFrom);
}

/** The device certificate's thumbprint: the user capture, else the SYSTEM capture (same certificate for joined devices). */
export function reportThumbprint(input: JoinRuleInput): string | null {
  const report = input.subject.report;
  return report?.parsed.thumbprint ?? report?.systemParsed?.thumbprint ?? null;
}

/** When the machine last reported: the explicit lastReportAt, else the latest report's receipt. */
export function lastReportMs(input: JoinRuleInput): number | null {
  const { subject } = input;
  const times = [parseTime(subject.lastReportAt), parseTime(subject.report?.receivedAt)].filter((ms): ms is number => ms !== null);
  return times.length === 0 ? null : Math.max(...times);
}

/** True when the machine reported within the stale threshold: it is in use, whatever the sign-in timestamp says. */
export function reportedRecently(input: JoinRuleInput): boolean {
  const last = lastReportMs(input);
  return last !== null && input.settings.nowMs - last <= input.settings.staleThresholdDays * DAY_MS;
}

/**
 * stale-device's condition: live, not Pending, not reporting, and approximateLastSignInDateTime older
 * than the threshold (or null, with no report within the threshold, on an object registered before it).
 */
export function isStaleObject(object: DirectoryObject, input: JoinRuleInput): boolean {
  if (object.deletedAt !== null || object.isPending || reportedRecently(input)) return false;
  const thresholdMs = input.settings.staleThresholdDays * DAY_MS;
  const signIn = parseTime(object.approximateLastSignInDateTime);
  if (signIn !== null) return input.settings.nowMs - signIn > thresholdMs;
  const registered = parseTime(object.registrationDateTime);
  return registered === null || input.settings.nowMs - registered > thresholdMs;
}
