/**
 * ca-device-not-compliant on its own: which of the sign-in's and the directory's isManaged and isCompliant it reads,
 * and when it leaves the sign-in to another rule. The helpdesk cases' full findings are in sign-in-findings.test.ts.
 */
import { describe, expect, it } from "vitest";
import type { DirectoryObject } from "@/lib/rules/device-subject";
import { caDeviceNotCompliantRule } from "@/lib/rules/signin/ca-device-not-compliant";
import type { SignInRuleId } from "@/lib/rules/signin/sign-in-rule";
import { makeSignIn, policy, ruleInput, type SignInChanges } from "@/lib/rules/signin/testing/sign-in-subjects";
import { makeEntraObject } from "@/lib/rules/testing/make-directory-object";

/** Diego's FAB-LT-3350 (edge-not-compliant.json: 53000, isManaged true, isCompliant false), changed. */
const event = (changes: SignInChanges = {}) => makeSignIn(changes, "edge-not-compliant.json");
const evaluate = (changes: SignInChanges = {}, presentedObject?: DirectoryObject | null, explainedBy: SignInRuleId[] = []) =>
  caDeviceNotCompliantRule.evaluate(ruleInput({ signIn: event(changes), presentedObject, machines: [] }, explainedBy));
const UNKNOWN = { device: { isManaged: null, isCompliant: null } };
const OBJECT = makeEntraObject({ deviceId: "8f3c2b1a-0e9d-4c8b-a7f6-5e4d3c2b1a09", displayName: "FAB-OBJ", isManaged: true, isCompliant: false });

describe("ca-device-not-compliant", () => {
  it("stays quiet when another rule explained the object, for a requirement without compliance, or without a presented device", () => {
    expect(evaluate()).not.toBeNull();
    expect(evaluate({}, undefined, ["ca-device-object-gone"])).toBeNull();
    expect(evaluate({}, undefined, ["ca-device-object-mismatch"])).toBeNull();
    expect(evaluate({}, undefined, ["ca-device-not-joined"])).not.toBeNull();
    expect(evaluate({ errorCode: 53001, policies: [policy("H", ["RequireDomainJoinedDevice"])] })).toBeNull();
    expect(evaluate({ errorCode: 0, conditionalAccessStatus: "success" })).toBeNull();
    expect(evaluate({ device: { deviceId: null } })).toBeNull();
  });

  it.each<[string, SignInChanges, DirectoryObject | undefined, string | null]>([
    ["managed and compliant", { device: { isManaged: true, isCompliant: true } }, undefined, null],
    ["nothing known", UNKNOWN, undefined, null],
    ["not compliant", { device: { isManaged: null, isCompliant: false } }, undefined, "Device not compliant"],
    ["not managed", { device: { isManaged: false, isCompliant: null } }, undefined, "Device not enrolled in Intune"],
    ["the directory's word when the sign-in has none: not compliant", UNKNOWN, OBJECT, "Device not compliant"],
    ["the directory's word when the sign-in has none: not managed", UNKNOWN, { ...OBJECT, isManaged: false }, "Device not enrolled in Intune"],
    ["the directory's word when the sign-in has none: compliant", UNKNOWN, { ...OBJECT, isCompliant: true }, null],
    ["the sign-in's word before the directory's", { device: { isManaged: true, isCompliant: true } }, OBJECT, null],
  ])("%s", (_, changes, object, causeLabel) => {
    expect(evaluate(changes, object)?.causeLabel ?? null).toBe(causeLabel);
  });

  it("quotes the sign-in's flags it has, and the directory object's compliance and MDM", () => {
    const outcome = evaluate({ device: { isManaged: null, trustType: null, displayName: null } }, { ...OBJECT, isCompliant: null, isManaged: false });
    expect(outcome?.finding.title).toBe("FAB-OBJ is not managed by Intune");
    expect(outcome?.finding.evidence).toEqual([
      { source: "Entra ID sign-in log · deviceDetail", field: "deviceId", value: "8f3c2b1a-0e9d-4c8b-a7f6-5e4d3c2b1a09" },
      { source: "Entra ID sign-in log · deviceDetail", field: "isCompliant", value: "false" },
      { source: "Entra ID device object", field: "isCompliant", value: null },
      { source: "Entra ID device object", field: "mdmAppId", value: "0000000a-0000-0000-c000-000000000000" },
      { source: "Entra ID sign-in log", field: "status.errorCode", value: "53000 DeviceNotCompliant" },
      { source: "Entra ID sign-in log", field: "conditionalAccessStatus", value: "failure" },
      { source: "Entra ID sign-in log · appliedConditionalAccessPolicies", field: "Require compliant device", value: "failure · RequireCompliantDevice" },
      { source: "JoinScope device", field: "subjectKey", value: "d:8f3c2b1a-0e9d-4c8b-a7f6-5e4d3c2b1a09" },
    ]);
    expect(outcome?.finding.explanation).toContain(
      "The sign-in presented FAB-OBJ (deviceId 8f3c2b1a-0e9d-4c8b-a7f6-5e4d3c2b1a09, FAB-OBJ · AzureAd · registered",
    );
    expect(evaluate({}, { ...OBJECT, isCompliant: true })?.finding.evidence).toContainEqual({
      source: "Entra ID device object",
      field: "isCompliant",
      value: "true",
    });
  });

  it("leaves out the sign-in's isCompliant when it has none", () => {
    const fields = evaluate({ device: { isManaged: false, isCompliant: null } })?.finding.evidence.map((e) => `${e.source} ${e.field}`);
    expect(fields?.slice(0, 3)).toEqual([
      "Entra ID sign-in log · deviceDetail deviceId",
      "Entra ID sign-in log · deviceDetail isManaged",
      "Entra ID sign-in log · deviceDetail trustType",
    ]);
  });

  it("names the device by its id when neither the sign-in nor the directory names it", () => {
    expect(evaluate({ device: { displayName: null } })?.finding.title).toBe("8f3c2b1a-0e9d-4c8b-a7f6-5e4d3c2b1a09 is not compliant");
  });
});
