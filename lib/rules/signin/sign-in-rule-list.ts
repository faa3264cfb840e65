import { caDeviceNoPrtRule } from "@/lib/rules/signin/ca-device-no-prt";
import { caDeviceNotCompliantRule } from "@/lib/rules/signin/ca-device-not-compliant";
import { caDeviceNotJoinedRule } from "@/lib/rules/signin/ca-device-not-joined";
import { caDeviceNotPresentedRule } from "@/lib/rules/signin/ca-device-not-presented";
import { caDeviceObjectGoneRule } from "@/lib/rules/signin/ca-device-object-gone";
import { caDeviceObjectMismatchRule } from "@/lib/rules/signin/ca-device-object-mismatch";
import type { SignInRule } from "@/lib/rules/signin/sign-in-rule";

/**
 * In the order they run, root causes first: a rule sees which rules already explained the sign-in and stays quiet when
 * it would only describe a consequence (a deleted object is neither joined nor compliant; a machine without a PRT
 * presents nothing in any browser). The first finding is the sign-in's cause in the Sign-ins view.
 */
export const SIGN_IN_RULES: readonly SignInRule[] = [
  caDeviceObjectGoneRule,
  caDeviceObjectMismatchRule,
  caDeviceNotJoinedRule,
  caDeviceNoPrtRule,
  caDeviceNotCompliantRule,
  caDeviceNotPresentedRule,
];
