import { evaluateDevice } from "@/lib/rules/evaluate-device-rules";
import type { DeviceRuleSettings } from "@/lib/rules/device-subject";
import { fingerprintFinding } from "./fingerprint-finding";
import type { LoadedSubject } from "./loaded-subject";
import { parseRawSubject, type RawSubject } from "./raw-subject";

/** A finding as it will be written: evidence and remediation already JSON, with its fingerprint. */
export interface EvaluatedFinding {
  rule: string;
  severity: string;
  title: string;
  explanation: string;
  evidence: string;
  remediation: string;
  fingerprint: string;
  /** The device's primary finding: the root cause the findings in `explainedBy` point to. */
  primary: boolean;
  /** The rule of the device's primary finding when this finding is one it explains, else null. */
  explainedBy: string | null;
  /** The severity lists rank it by: its own, or a primary finding's rank (ConsolidatedFindings.primaryRank). */
  rankSeverity: string;
}

export interface EvaluatedSubject {
  key: string;
  deviceId: string | null;
  objectId: string | null;
  hostname: string | null;
  findings: EvaluatedFinding[];
}

/** Runs the rules on one subject and keeps only what the write needs, so the subject's parsed report can go. */
export function evaluateSubject(loaded: LoadedSubject, settings: DeviceRuleSettings): EvaluatedSubject {
  const findings: EvaluatedFinding[] = [];
  const rules = new Set<string>();
  const { findings: evaluated, primaryRule, explainedRules, primaryRank } = evaluateDevice(loaded.subject, settings);
  for (const f of evaluated) {
    // One row per (subject, rule): the rules emit at most one finding per rule; keep the first (worst) if not.
    if (rules.has(f.rule)) continue;
    rules.add(f.rule);
    const evidence = JSON.stringify(f.evidence);
    const remediation = JSON.stringify(f.remediation);
    const primary = f.rule === primaryRule;
    findings.push({
      rule: f.rule,
      severity: f.severity,
      title: f.title,
      explanation: f.explanation,
      evidence,
      remediation,
      fingerprint: fingerprintFinding(f, evidence, remediation),
      primary,
      explainedBy: primaryRule !== null && explainedRules.includes(f.rule) ? primaryRule : null,
      rankSeverity: primary && primaryRank ? primaryRank : f.severity,
    });
  }
  return { key: loaded.key, deviceId: loaded.deviceId, objectId: loaded.objectId, hostname: loaded.hostname, findings };
}

/** A batch as read (report bodies still JSON text), each subject parsed and evaluated in turn: on either thread. */
export function evaluateRawSubjects(subjects: readonly RawSubject[], settings: DeviceRuleSettings): EvaluatedSubject[] {
  return subjects.map((raw) => evaluateSubject(parseRawSubject(raw), settings));
}
