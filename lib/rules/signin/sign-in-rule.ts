import type { ClientDescription } from "@/lib/rules/signin/describe-client";
import type { DeviceRequirement } from "@/lib/rules/signin/device-requirement";
import type { SignInSubject } from "@/lib/rules/signin/sign-in-subject";
import type { Finding, Severity } from "@/lib/rules/types";

/** Stable ids of the rules on a sign-in blocked for its device (docs/domain.md, "Sign-ins blocked for their device"). */
export type SignInRuleId =
  "ca-device-object-gone" | "ca-device-object-mismatch" | "ca-device-no-prt" | "ca-device-not-joined" | "ca-device-not-compliant" | "ca-device-not-presented";

export interface SignInRuleInput {
  subject: SignInSubject;
  requirement: DeviceRequirement;
  client: ClientDescription;
  /** Rules that already explained the sign-in, in the order they ran: a consequence stays quiet behind its cause. */
  explainedBy: ReadonlySet<SignInRuleId>;
}

/** A finding, and the label the Sign-ins view groups it under ("Chrome without the Microsoft Single Sign On extension"). */
export interface SignInRuleOutcome {
  finding: Finding;
  causeLabel: string;
}

export interface SignInRule {
  id: SignInRuleId;
  severity: Severity;
  title: string;
  description: string;
  /** Pure: same input, same outcome. */
  evaluate(input: SignInRuleInput): SignInRuleOutcome | null;
}
