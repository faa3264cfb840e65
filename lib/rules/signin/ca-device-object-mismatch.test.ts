/**
 * ca-device-object-mismatch on its own: which of the user's machines is the one that signed in (the report the admin
 * gave, the presented device's name or hardware id), whether the presented object is its leftover registration, and
 * what it quotes. The helpdesk cases' full findings are in sign-in-findings.test.ts.
 */
import { describe, expect, it } from "vitest";
import type { DirectoryObject } from "@/lib/rules/device-subject";
import { caDeviceObjectMismatchRule } from "@/lib/rules/signin/ca-device-object-mismatch";
import type { SignInRuleId } from "@/lib/rules/signin/sign-in-rule";
import type { SignInMachine, SignInSubject } from "@/lib/rules/signin/sign-in-subject";
import { builtMachine, makeSignIn, ruleInput, SUBJECTS, type SignInChanges } from "@/lib/rules/signin/testing/sign-in-subjects";
import { makeDirectoryObject, makeRegisteredObject } from "@/lib/rules/testing/make-directory-object";
import { makeEntraReport, makeReport } from "@/lib/rules/testing/make-report";

const evaluate = (subject: SignInSubject, explainedBy: SignInRuleId[] = []) => caDeviceObjectMismatchRule.evaluate(ruleInput(subject, explainedBy));
/** PC-0142's leftover registration presented (edge-leftover-registration.json: 5c2a9e1d…, "Azure AD registered", 53001), changed. */
const event = (changes: SignInChanges = {}) => makeSignIn(changes, "edge-leftover-registration.json");
const PRESENTED = "5c2a9e1d-7b4f-4e3a-9d6c-8f1e2a3b4c5d";
/** The healthy hybrid PC-0142 of make-report.ts (DeviceId 6e4cbe68…), under another host name when given. */
const pc0142 = (overrides: Partial<SignInMachine> = {}) => builtMachine("PC-0142", makeReport(), overrides);

describe("ca-device-object-mismatch: the machine that signed in", () => {
  it("stays quiet without a presented device, a device failure, or when the object is gone", () => {
    expect(evaluate({ signIn: event(), machines: [pc0142()] })).not.toBeNull();
    expect(evaluate({ signIn: event(), machines: [pc0142()] }, ["ca-device-object-gone"])).toBeNull();
    expect(evaluate({ signIn: event({ device: { deviceId: null } }), machines: [pc0142()] })).toBeNull();
    expect(evaluate({ signIn: event({ errorCode: 0, conditionalAccessStatus: "success" }), machines: [pc0142()] })).toBeNull();
  });

  it.each<[string, SignInChanges, DirectoryObject | null, SignInMachine, boolean]>([
    ["the same name", {}, null, pc0142(), true],
    ["the same name, against the report's device name", {}, null, pc0142({ hostname: "" }), true],
    ["the same host name, whatever the report's device name", {}, null, builtMachine("PC-0142", makeReport({ deviceName: "X-0001.corp.contoso.com" })), true],
    ["the same name, the report's FQDN", { device: { displayName: "pc-0142" } }, null, pc0142({ hostname: "" }), true],
    ["another name", { device: { displayName: "LT-0007" } }, null, pc0142(), false],
    ["no name at all", { device: { displayName: null } }, null, pc0142(), false],
    [
      "the directory object's name when the sign-in has none",
      { device: { displayName: null } },
      makeRegisteredObject({ displayName: "PC-0142" }),
      pc0142(),
      true,
    ],
    ["the report the admin gave, whatever its name", { device: { displayName: "LT-0007" } }, null, pc0142({ linkedBy: "given" }), true],
    [
      "the same hardware id, in another case",
      { device: { displayName: "LT-0007" } },
      makeRegisteredObject({ hardwareId: "ABCDEF" }),
      pc0142({ directory: makeDirectoryObject({ hardwareId: "abcdef" }) }),
      true,
    ],
    [
      "another hardware id",
      { device: { displayName: "LT-0007" } },
      makeRegisteredObject({ hardwareId: "ABCDEF" }),
      pc0142({ directory: makeDirectoryObject({ hardwareId: "abcdeg" }) }),
      false,
    ],
    [
      "no hardware id on the machine's object",
      { device: { displayName: "LT-0007" } },
      makeRegisteredObject({ hardwareId: null }),
      pc0142({ directory: makeDirectoryObject({ hardwareId: null }) }),
      false,
    ],
    ["the presented device itself, in another case", { device: { deviceId: PRESENTED } }, null, pc0142({ deviceId: PRESENTED.toUpperCase() }), false],
    ["a machine without a DeviceId", {}, null, pc0142({ deviceId: null }), false],
  ])("%s", (_, changes, presentedObject, machine, fires) => {
    expect(evaluate({ signIn: event(changes), presentedObject, machines: [machine] }) !== null).toBe(fires);
  });
});

describe("ca-device-object-mismatch: what it says", () => {
  it("a registration presented from an Entra joined machine is its leftover, and the join is not called hybrid", () => {
    const entra = builtMachine("PC-0142", makeEntraReport({ deviceName: "PC-0142" }));
    const outcome = evaluate({ signIn: event(), machines: [entra] });
    expect(outcome?.causeLabel).toBe("Leftover registration presented instead of the join");
    expect(outcome?.finding.title).toBe("PC-0142 presented its leftover registration, not its join");
    expect(outcome?.finding.explanation).toContain(`a Microsoft Entra registered object, while PC-0142 reports DeviceId ${entra.deviceId} (Entra joined).`);
    expect(outcome?.finding.remediation[2]).toBe(
      `Then disable and delete the leftover object in Entra ID (it holds no BitLocker key of the machine's join; check first), and sign in again: the sign-in log should show deviceId ${entra.deviceId}.`,
    );
  });

  it("a registration presented from a machine that is not joined is another object", () => {
    const registered = builtMachine("PC-0142", makeReport({ azureAdJoined: false, joinType: "none" }));
    expect(evaluate({ signIn: event(), machines: [registered] })?.causeLabel).toBe("Another device object presented");
  });

  it("reads the presented trust type from the directory object first", () => {
    const hybridObject = makeDirectoryObject({ deviceId: PRESENTED, displayName: "PC-0142" });
    expect(evaluate({ signIn: event(), presentedObject: hybridObject, machines: [pc0142()] })?.causeLabel).toBe("Another device object presented");
    const registeredObject = makeRegisteredObject({ deviceId: PRESENTED, displayName: "PC-0142" });
    expect(evaluate({ signIn: event({ device: { trustType: null } }), presentedObject: registeredObject, machines: [pc0142()] })?.causeLabel).toBe(
      "Leftover registration presented instead of the join",
    );
  });

  it("quotes the sign-in's name and trust type when it has them, the machine's registration and its links", () => {
    const linked = pc0142({ subjectKey: "d:6e4cbe68-588b-499c-8c04-dcfff140a1ca", directory: makeDirectoryObject() });
    const registered = builtMachine("PC-0142", makeReport({ workplaceJoined: true }));
    const fields = (subject: SignInSubject) => evaluate(subject)?.finding.evidence.map((e) => `${e.source} ${e.field}`);
    expect(fields({ signIn: event({ device: { trustType: null } }), machines: [linked] })).toEqual([
      "Entra ID sign-in log · deviceDetail deviceId",
      "Entra ID sign-in log · deviceDetail displayName",
      "dsregcmd /status · Device Details DeviceId",
      "dsregcmd /status · Device State AzureAdJoined",
      "Entra ID device object f1e2d3c4-b5a6-4798-8a9b-0c1d2e3f4a5b objectId",
      "JoinScope device subjectKey",
      "JoinScope device subjectKey",
      "Entra ID sign-in log status.errorCode",
      "Entra ID sign-in log conditionalAccessStatus",
      "Entra ID sign-in log · appliedConditionalAccessPolicies Exchange Online: require hybrid joined device",
    ]);
    expect(
      fields({ signIn: event({ device: { displayName: null } }), presentedObject: makeRegisteredObject({ displayName: "PC-0142" }), machines: [registered] }),
    ).toEqual([
      "Entra ID sign-in log · deviceDetail deviceId",
      "Entra ID sign-in log · deviceDetail trustType",
      "dsregcmd /status · Device Details DeviceId",
      "dsregcmd /status · Device State AzureAdJoined",
      "dsregcmd /status · User State WorkplaceJoined",
      "Entra ID device object c3d4e5f6-a7b8-4c9d-8e0f-1a2b3c4d5e6f objectId",
      "JoinScope device subjectKey",
      "Entra ID sign-in log status.errorCode",
      "Entra ID sign-in log conditionalAccessStatus",
      "Entra ID sign-in log · appliedConditionalAccessPolicies Exchange Online: require hybrid joined device",
    ]);
  });

  it("quotes the machine's join lines under their own sections even when its report omits them", () => {
    const bare = builtMachine("PC-0142", makeReport({ workplaceJoined: true, omit: { "Device State": ["AzureAdJoined"], "User State": ["WorkplaceJoined"] } }));
    const evidence = evaluate({ signIn: event(), machines: [bare] })?.finding.evidence;
    expect(evidence).toContainEqual({ source: "dsregcmd /status · Device State", field: "AzureAdJoined", value: "YES" });
    expect(evidence).toContainEqual({ source: "dsregcmd /status · User State", field: "WorkplaceJoined", value: "YES" });
  });

  it("another object without a directory object says so without describing one", () => {
    const outcome = evaluate({ signIn: event({ device: { trustType: "Hybrid Azure AD joined" } }), machines: [pc0142()] });
    expect(outcome?.finding.explanation).toMatch(new RegExp(`^The sign-in presented deviceId ${PRESENTED}, but PC-0142 reports DeviceId`));
    expect(evaluate(SUBJECTS.clonedImage())?.finding.title).toBe("The sign-in presented another object than PC-0142's");
  });
});
