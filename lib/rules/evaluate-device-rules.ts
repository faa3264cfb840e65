import type { ParsedDsregcmd } from "@/lib/reports/types";
import { resolveDeviceRuleSettings, type DeviceRuleSettings, type DeviceSubject } from "@/lib/rules/device-subject";
import { extractErrorCodes } from "@/lib/rules/error-codes";
import { evaluateReportRules } from "@/lib/rules/evaluate-report-rules";
import { consolidateRemediation, type ConsolidatedFindings } from "@/lib/rules/consolidate-remediation";
import { formatIso, normalizeSubject } from "@/lib/rules/join-rules/directory-evidence";
import type { JoinRuleInput } from "@/lib/rules/join-rules/join-rule";
import { joinRules } from "@/lib/rules/join-rules/join-rule-list";
import { PENDING_GRACE_MS, pendingSinceIso } from "@/lib/rules/join-rules/pending-registration";
import { parseTime } from "@/lib/rules/report-fields";
import { sortEvents } from "@/lib/rules/sort-events";
import { describeScopeDecision, isSyncScopeConfigured } from "@/lib/rules/sync-scope";
import { compareSeverity } from "@/lib/rules/severity";
import type { Finding } from "@/lib/rules/types";

function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Total order: severity, rule id, title, then the rest, so equal-looking findings never swap. */
function compareFindings(a: Finding, b: Finding): number {
  return (
    compareSeverity(a.severity, b.severity) || compareText(a.rule, b.rule) || compareText(a.title, b.title) || compareText(JSON.stringify(a), JSON.stringify(b))
  );
}

/** Pre-join failure signals beyond "not synced yet" (0x801C03F2), in either capture. */
function hasJoinFailureSignal(...reports: (ParsedDsregcmd | null | undefined)[]): boolean {
  for (const report of reports) {
    for (const section of report?.sections ?? []) {
      if (section.name.trim().toLowerCase() !== "diagnostic data") continue;
      for (const field of section.fields) {
        const key = field.key
          .trim()
          .replace(/[\s:]+$/, "")
          .toLowerCase();
        const value = field.value.trim();
        if (key.endsWith("test") && /^FAIL/i.test(value)) return true;
        if (key === "client errorcode" || key === "server errorcode") {
          if (extractErrorCodes(value).some((code) => code !== "0x0" && code !== "0x801c03f2")) return true;
        }
      }
    }
  }
  return false;
}

/**
 * A domain-only report whose Pending object is less than a day old is a hybrid join in progress:
 * not-joined's "high" would be a false alarm, so it becomes info with the reason, unless the pre-join
 * diagnostics show a real failure.
 */
function reconcileReportFindings(findings: Finding[], input: JoinRuleInput): Finding[] {
  const { subject, settings } = input;
  const object = subject.directory;
  const report = subject.report;
  if (!report || !object || object.deletedAt !== null || !object.isPending) return findings;
  const since = pendingSinceIso(input);
  const sinceMs = parseTime(since);
  if (sinceMs === null || settings.nowMs - sinceMs >= PENDING_GRACE_MS) return findings;
  if (report.parsed.domainJoined !== true || hasJoinFailureSignal(report.systemParsed, report.parsed)) return findings;
  return findings.map((finding) =>
    finding.rule === "not-joined" && finding.severity !== "info"
      ? {
          ...finding,
          severity: "info",
          explanation: `${finding.explanation} Expected for now: Entra Connect synced the computer on ${formatIso(since)} and its object is Pending, so the device completes the registration at its next restart or sign-in.`,
        }
      : finding,
  );
}

/**
 * Every rule for one machine: the report-only rules (when there is a report, with the tenant as the
 * expected tenant) and the join rules. Pure and deterministic: the same subject gives deep-equal
 * findings whatever the order of history, otherObjects, candidates and events, sorted by severity,
 * then rule id, then title, after the primary finding.
 */
export function evaluateDeviceRules(subject: DeviceSubject, settings: DeviceRuleSettings): Finding[] {
  return evaluateDevice(subject, settings).findings;
}

/** evaluateDeviceRules, with the device's primary finding and the findings it explains (consolidate-remediation.ts). */
export function evaluateDevice(subject: DeviceSubject, settings: DeviceRuleSettings): ConsolidatedFindings {
  const resolved = resolveDeviceRuleSettings(settings);
  const normalized = normalizeSubject(subject);
  const report = normalized.report ? { ...normalized.report, events: sortEvents(normalized.report.events ?? []) } : null;
  const canonical: DeviceSubject = { ...normalized, report };

  const dn = report?.computerDn?.trim();
  const input: JoinRuleInput = {
    subject: canonical,
    settings: resolved,
    scopeDecision: dn && isSyncScopeConfigured(resolved.syncScope) ? describeScopeDecision(dn, resolved.syncScope) : null,
  };

  const reportFindings = report
    ? evaluateReportRules({
        report: report.parsed,
        systemReport: report.systemParsed ?? null,
        events: report.events,
        expectedTenantId: canonical.tenantId,
        capturedAt: report.captureTime ? report.captureTime.at : report.capturedAt,
        capturedAtEvidence: report.captureTime?.evidence,
        now: resolved.now,
        certExpiringDays: resolved.certExpiringDays,
        prtStaleHours: resolved.prtStaleHours,
      })
    : [];
  const joinFindings = joinRules.flatMap((rule) => rule.evaluate(input));
  // One root cause, one remediation: the primary finding keeps the fix, the findings it explains point to it, and it
  // comes first (consolidate-remediation.ts).
  const consolidated = consolidateRemediation([...reconcileReportFindings(reportFindings, input), ...joinFindings]);
  const { primaryRule } = consolidated;
  consolidated.findings.sort((a, b) => Number(b.rule === primaryRule) - Number(a.rule === primaryRule) || compareFindings(a, b));
  return consolidated;
}
