/**
 * ca-device-object-gone on its own: which presented objects it calls gone (none held, deleted, disabled), what it asks
 * of a synced or cloud object, and when it says nothing. The helpdesk cases' full findings are in sign-in-findings.test.ts.
 */
import { describe, expect, it } from "vitest";
import { caDeviceObjectGoneRule } from "@/lib/rules/signin/ca-device-object-gone";
import type { DirectoryObject } from "@/lib/rules/device-subject";
import { makeSignIn, policy, ruleInput, type SignInChanges } from "@/lib/rules/signin/testing/sign-in-subjects";
import { makeDirectoryObject, makeEntraObject } from "@/lib/rules/testing/make-directory-object";

/** Lee Gu's sign-in on PC-0466 (edge-disabled-device.json, 53000, "compliant or hybrid joined"), changed. */
const event = (changes: SignInChanges = {}) => makeSignIn(changes, "edge-disabled-device.json");
const evaluate = (presentedObject: DirectoryObject | null | undefined, changes: SignInChanges = {}) =>
  caDeviceObjectGoneRule.evaluate(ruleInput({ signIn: event(changes), presentedObject, machines: [] }));
const DEVICE_ID = "74df6508-0658-4bb8-a70f-6f79c11fb95c";

describe("ca-device-object-gone", () => {
  it("says nothing without a presented device, a device failure, a looked-up object, or with an enabled one", () => {
    expect(evaluate(null, { device: { deviceId: null } })).toBeNull();
    expect(evaluate(null, { errorCode: 0, conditionalAccessStatus: "success" })).toBeNull();
    expect(evaluate(undefined)).toBeNull();
    expect(evaluate(makeDirectoryObject({ deviceId: DEVICE_ID }))).toBeNull();
    expect(evaluate(makeDirectoryObject({ deviceId: DEVICE_ID, accountEnabled: null }))).toBeNull();
  });

  it.each<[string, SignInChanges, string]>([
    ["compliant or hybrid joined", {}, "compliant or hybrid joined"],
    ["compliant", { errorCode: 53000, policies: [policy("C", ["RequireCompliantDevice"])] }, "compliant"],
    ["hybrid joined", { errorCode: 53001, policies: [policy("H", ["RequireDomainJoinedDevice"])] }, "hybrid joined"],
    ["registration", { errorCode: 50129, policies: [] }, "a registered device"],
  ])("a device id the directory does not hold, under a %s requirement", (_, changes, need) => {
    const outcome = evaluate(null, changes);
    expect(outcome?.causeLabel).toBe("Device object not in the directory");
    expect(outcome?.finding.explanation).toMatch(new RegExp(`could not count it as ${need}\\.$`));
  });

  it("quotes the sign-in's device name only when it has one", () => {
    const fields = (changes: SignInChanges) => evaluate(null, changes)?.finding.evidence.map((e) => e.field);
    expect(fields({})?.slice(0, 2)).toEqual(["deviceId", "displayName"]);
    expect(fields({ device: { displayName: null } })?.slice(0, 2)).toEqual(["deviceId", "status.errorCode"]);
  });

  it("a deleted cloud object can be restored: no hard-delete warning", () => {
    const outcome = evaluate(makeEntraObject({ deviceId: DEVICE_ID, deletedAt: "2025-04-01T10:00:00.000Z", accountEnabled: true }));
    expect(outcome?.causeLabel).toBe("Device object deleted");
    expect(outcome?.finding.explanation).toContain("was deleted (JoinScope noticed it on 2025-04-01 10:00 UTC). A deleted object cannot authenticate");
    expect(outcome?.finding.remediation[0]).toBe(
      "Open the device's page in JoinScope: its object-deleted finding says whether the object can be restored (Entra joined, soft-deleted, within 30 days: `POST /beta/directory/deletedItems/a7b8c9d0-e1f2-4a3b-8c4d-5e6f7a8b9c0d/restore`) or the device must register again.",
    );
    expect(outcome?.finding.evidence.slice(-3)).toEqual([
      { source: "Entra ID device object (deleted)", field: "objectId", value: "a7b8c9d0-e1f2-4a3b-8c4d-5e6f7a8b9c0d" },
      { source: "Entra ID device object (deleted)", field: "deletedAt", value: "2025-04-01T10:00:00.000Z" },
      { source: "JoinScope device", field: "subjectKey", value: `d:${DEVICE_ID}` },
    ]);
  });

  it("a deleted hybrid object, synced or not, must register again", () => {
    for (const onPremisesSyncEnabled of [true, null]) {
      const outcome = evaluate(makeDirectoryObject({ deviceId: DEVICE_ID, deletedAt: "2025-04-01T10:00:00.000Z", onPremisesSyncEnabled }));
      expect(outcome?.finding.remediation[0], String(onPremisesSyncEnabled)).toContain("(hybrid joined objects are hard-deleted;");
    }
    const synced = makeEntraObject({ deviceId: DEVICE_ID, deletedAt: "2025-04-01T10:00:00.000Z", onPremisesSyncEnabled: true });
    expect(evaluate(synced)?.finding.remediation[0]).toContain("(hybrid joined objects are hard-deleted;");
  });

  it("a disabled cloud object is enabled in Entra ID; a synced one in Active Directory", () => {
    const cloud = evaluate(makeEntraObject({ deviceId: DEVICE_ID, accountEnabled: false }));
    expect(cloud?.causeLabel).toBe("Device object disabled");
    expect(cloud?.finding.title).toBe("The sign-in presented a disabled device object");
    expect(cloud?.finding.remediation).toEqual([
      'Find out who disabled it (Entra audit log, activity "Disable device"); if the device is in use, enable it in the Entra admin center or PATCH `/devices/a7b8c9d0-e1f2-4a3b-8c4d-5e6f7a8b9c0d` with `{"accountEnabled": true}`.',
      "Lock and unlock the session on the device and sign in again: no re-join is needed.",
    ]);
    expect(cloud?.finding.evidence.slice(-2, -1)).toEqual([{ source: "Entra ID device object", field: "accountEnabled", value: "false" }]);
    const synced = evaluate(makeDirectoryObject({ deviceId: DEVICE_ID, accountEnabled: false }));
    expect(synced?.finding.remediation[0]).toMatch(/^Enable the computer account in Active Directory/);
  });
});
