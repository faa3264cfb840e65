/**
 * ca-device-no-prt on its own: which sign-ins a machine without a PRT explains, and how it names the machine and the
 * PRT's cause. The helpdesk cases' full findings are in sign-in-findings.test.ts.
 */
import { describe, expect, it } from "vitest";
import { caDeviceNoPrtRule } from "@/lib/rules/signin/ca-device-no-prt";
import type { SignInRuleId } from "@/lib/rules/signin/sign-in-rule";
import type { SignInMachine } from "@/lib/rules/signin/sign-in-subject";
import { builtMachine, makeSignIn, ruleInput, type SignInChanges } from "@/lib/rules/signin/testing/sign-in-subjects";
import { makeReport } from "@/lib/rules/testing/make-report";

/** jdoe's Chrome sign-in (chrome-no-extension.json, 53000, no device, 2025-03-09 14:12 UTC) from these machines. */
const evaluate = (machines: SignInMachine[], changes: SignInChanges = {}, explainedBy: SignInRuleId[] = []) =>
  caDeviceNoPrtRule.evaluate(ruleInput({ signIn: makeSignIn(changes), machines }, explainedBy));
const NO_PRT = builtMachine("PC-0142", makeReport({ azureAdPrt: false, prtUpdateTime: null, prtExpiryTime: null }));

describe("ca-device-no-prt", () => {
  it("explains a Windows sign-in, or one from an unknown platform, that presented no device and failed for it", () => {
    expect(evaluate([NO_PRT])?.causeLabel).toBe("No PRT on the user's machine");
    expect(evaluate([NO_PRT], { device: { operatingSystem: null } })).not.toBeNull();
    expect(evaluate([NO_PRT], { device: { operatingSystem: "Android 14" } })).toBeNull();
    expect(evaluate([NO_PRT], { device: { deviceId: "6e4cbe68-588b-499c-8c04-dcfff140a1ca" } })).toBeNull();
    expect(evaluate([NO_PRT], { errorCode: 0, conditionalAccessStatus: "success" })).toBeNull();
  });

  it("stays quiet behind a missing join, and when no machine lacks a PRT", () => {
    expect(evaluate([NO_PRT], {}, ["ca-device-not-joined"])).toBeNull();
    expect(evaluate([NO_PRT], {}, ["ca-device-object-gone"])).not.toBeNull();
    expect(evaluate([builtMachine("PC-0142", makeReport())])).toBeNull();
    expect(evaluate([])).toBeNull();
  });

  it("names the machine and its report's time as written when it cannot format it, and quotes only the sign-in's deviceId of the client", () => {
    const outcome = evaluate([{ ...NO_PRT, capturedAt: "yesterday" }]);
    expect(outcome?.finding.title).toBe("No usable PRT on PC-0142");
    expect(outcome?.finding.explanation).toContain(". PC-0142 (report of yesterday) shows AzureAdPrt : NO. Without a Primary Refresh Token");
    expect(outcome?.finding.evidence[0]).toEqual({ source: "Entra ID sign-in log · deviceDetail", field: "deviceId", value: "(empty)" });
    expect(outcome?.finding.evidence.map((e) => e.field)).not.toContain("browser");
    expect(outcome?.finding.remediation[0]).toBe("Fix the PRT on PC-0142 first: follow its prt-missing finding in JoinScope.");
  });
});
