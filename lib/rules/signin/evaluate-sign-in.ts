import { describeClientShared } from "@/lib/rules/signin/describe-client";
import { readDeviceRequirement } from "@/lib/rules/signin/device-requirement";
import type { SignInRuleId } from "@/lib/rules/signin/sign-in-rule";
import { SIGN_IN_RULES } from "@/lib/rules/signin/sign-in-rule-list";
import type { SignInSubject } from "@/lib/rules/signin/sign-in-subject";
import type { Finding } from "@/lib/rules/types";

export interface SignInEvaluation {
  /** The sign-in failed for its device (a device error code, or a failed policy with a device grant control). */
  deviceRelated: boolean;
  /** Root cause first; empty for a sign-in that succeeded or was not blocked for its device. */
  findings: Finding[];
  /** The first finding's rule, or null when nothing explains a device-related failure (or there is none). */
  cause: SignInRuleId | null;
  /** What the Sign-ins view groups the sign-in under: "Chrome without the Microsoft Single Sign On extension", "No PRT: network or proxy error"… */
  causeLabel: string | null;
}

/**
 * Every sign-in rule on one sign-in and the device context around it. Pure: the same subject gives deep-equal
 * results. A successful sign-in, or one that failed for another reason than its device (MFA, location, a block
 * policy), gives no finding. What each rule reads and its Microsoft sources: docs/domain.md, "Sign-ins blocked for
 * their device" and "Reading the sign-in log". Clients are described through describeClientShared (the same
 * description as describeClient, shared between the sign-ins of one client).
 */
export function evaluateSignIn(subject: SignInSubject): SignInEvaluation {
  const requirement = readDeviceRequirement(subject.signIn);
  if (!requirement.deviceRelated) return { deviceRelated: false, findings: [], cause: null, causeLabel: null };
  const client = describeClientShared(subject.signIn);
  const explainedBy = new Set<SignInRuleId>();
  const findings: Finding[] = [];
  let causeLabel: string | null = null;
  for (const rule of SIGN_IN_RULES) {
    const outcome = rule.evaluate({ subject, requirement, client, explainedBy });
    if (!outcome) continue;
    explainedBy.add(rule.id);
    findings.push(outcome.finding);
    causeLabel ??= outcome.causeLabel;
  }
  return { deviceRelated: true, findings, cause: (findings[0]?.rule as SignInRuleId | undefined) ?? null, causeLabel };
}
