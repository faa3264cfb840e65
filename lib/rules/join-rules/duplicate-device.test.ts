import { describe, expect, it } from "vitest";
import type { DeviceSubject, DirectoryObject } from "@/lib/rules/device-subject";
import { duplicateDeviceRule, isSameMachine } from "@/lib/rules/join-rules/duplicate-device";
import { makeDeviceSubject, makeDirectoryObject, makeEntraObject, makeRegisteredObject, makeSubjectReport } from "@/lib/rules/testing/make-directory-object";
import { makeJoinRuleInput } from "@/lib/rules/testing/make-join-input";
import { makeReport } from "@/lib/rules/testing/make-report";

const OTHER_ID = "0a0a0a0a-0000-4000-8000-000000000002";
/** Another object of PC-0142, known by name only (no hardware id), cloud-only, without BitLocker keys or a LAPS password. */
const leftover = (overrides: Partial<DirectoryObject> = {}) =>
  makeDirectoryObject({
    objectId: OTHER_ID,
    deviceId: "22222222-3333-4444-8555-666666666666",
    hardwareId: null,
    onPremisesSyncEnabled: false,
    hasBitlockerKeys: false,
    hasLapsPassword: false,
    ...overrides,
  });
const evaluate = (subject: DeviceSubject) => duplicateDeviceRule.evaluate(makeJoinRuleInput(subject));

describe("isSameMachine", () => {
  const named = (displayName: string | null, operatingSystem: string | null, hardwareId: string | null = null) =>
    makeDirectoryObject({ displayName, operatingSystem, hardwareId });

  it.each([
    ["hardware ids in other case", named("PC-1", "Windows", "6825794768524310AB"), named("PC-2", "Windows", "6825794768524310ab"), true],
    ["different hardware ids, same name", named("PC-1", "Windows", "1"), named("PC-1", "Windows", "2"), false],
    ["one hardware id unknown, same Windows name", named("PC-1", "Windows 11", "1"), named("pc-1.corp.contoso.com", null), true],
    ["a Windows computer and a phone of one name", named("PC-1", "Windows"), named("PC-1", "iOS"), false],
    ["a phone and a Windows computer of one name", named("PC-1", "iOS"), named("PC-1", " Windows "), false],
    ["two objects without a name", named(null, "Windows"), named(null, "Windows"), false],
    ["two Windows names that differ", named("PC-1", "Windows"), named("PC-2", "Windows"), false],
  ])("%s: %s", (_name, a, b, expected) => {
    expect(isSameMachine(a, b)).toBe(expected);
  });
});

describe("duplicate-device: which objects count", () => {
  it.each([
    ["a deleted one", leftover({ deletedAt: "2025-03-01T00:00:00.000Z", deletedReason: "deleted" })],
    ["the subject's own object listed again", makeDirectoryObject()],
  ])("ignores %s", (_name, other) => {
    expect(evaluate(makeDeviceSubject({ otherObjects: [other] }))).toEqual([]);
  });

  it("calls an Entra joined object and a registered one of one machine no dual state (that needs a hybrid joined one)", () => {
    const entra = makeEntraObject({ hardwareId: null });
    const registered = makeRegisteredObject({ displayName: "PC-0177", hardwareId: null });
    const [finding] = evaluate(makeDeviceSubject({ report: null, directory: entra, otherObjects: [registered] }));
    expect(finding?.title).toBe("2 device objects for this machine");
  });

  it("quotes a leftover without a trust type or deviceId, and one sharing the hardware id in other case", () => {
    const byName = leftover({ trustType: null, deviceId: null });
    const byHardware = leftover({ objectId: "0b0b0b0b-0000-4000-8000-000000000003", displayName: "PC-OLD", hardwareId: "6825794768524310" });
    const subject = makeDeviceSubject({ directory: makeDirectoryObject({ hardwareId: "6825794768524310" }), otherObjects: [byName, byHardware] });
    const [finding] = evaluate(subject);
    expect(finding!.evidence.slice(1, 3)).toEqual([
      {
        source: `Entra ID device object ${OTHER_ID}`,
        field: "same name",
        value: "(no deviceId) · PC-0142 · unknown trust type · registered 2024-11-05 08:42 UTC · last sign-in 2025-03-01 09:15 UTC",
      },
      {
        source: "Entra ID device object 0b0b0b0b-0000-4000-8000-000000000003",
        field: "same [HWID]",
        value: "22222222-3333-4444-8555-666666666666 · PC-OLD · ServerAd · registered 2024-11-05 08:42 UTC · last sign-in 2025-03-01 09:15 UTC",
      },
    ]);
    expect(finding!.explanation).toContain("the other 2 are leftovers of earlier registrations.");
    expect(finding!.remediation[1]).toBe(`For ${OTHER_ID} (unknown trust type, deviceId none): disable it, wait a grace period, and delete it.`);
  });

  it("quotes a subject object without a deviceId or hardware id, and names by name a leftover that has one", () => {
    const byName = leftover({ hardwareId: "6825794768524310" });
    const [finding] = evaluate(makeDeviceSubject({ directory: makeDirectoryObject({ deviceId: null, hardwareId: null }), otherObjects: [byName] }));
    expect(finding!.evidence[0]!.value).toMatch(/^\(no deviceId\) · PC-0142 · ServerAd · /);
    expect(finding!.evidence[1]!.field).toBe("same name");
  });

  it("tells an admin to remove a synced leftover in Active Directory", () => {
    const [finding] = evaluate(makeDeviceSubject({ otherObjects: [leftover({ onPremisesSyncEnabled: true })] }));
    expect(finding!.remediation[1]).toBe(
      `For ${OTHER_ID} (ServerAd, deviceId 22222222-3333-4444-8555-666666666666), which is synced from Active Directory: delete or disable the stale computer object in Active Directory (or move it out of the sync scope) and let Entra Connect remove it; do not delete it in the cloud.`,
    );
  });

  it("names the deviceId of the object when the report (domain only) prints none", () => {
    const subject = makeDeviceSubject({ report: makeSubjectReport({ parsed: makeReport({ deviceId: null }) }), otherObjects: [leftover()] });
    expect(evaluate(subject)[0]!.explanation).toContain(
      "The machine reports deviceId 6e4cbe68-588b-499c-8c04-dcfff140a1ca, so object f1e2d3c4-b5a6-4798-8a9b-0c1d2e3f4a5b (ServerAd) is the live one; the other is a leftover of earlier registrations.",
    );
  });

  it("without a report, takes the object with a sign-in for the current one rather than one without", () => {
    const subject = makeDeviceSubject({ report: null, directory: makeDirectoryObject({ approximateLastSignInDateTime: null }), otherObjects: [leftover()] });
    const [finding] = evaluate(subject);
    expect(finding!.explanation).toContain(`the one with the latest sign-in (${OTHER_ID}) is most likely current.`);
    expect(finding!.evidence[0]!.field).toBe("this object");
  });
});
