import { describe, expect, it } from "vitest";
import type { DeviceRuleSettings, DeviceSubject } from "@/lib/rules/device-subject";
import { objectDeletedRule } from "@/lib/rules/join-rules/object-deleted";
import { makeDeviceSubject, makeDirectoryObject, makeEntraObject, makeRegisteredObject, makeSubjectReport } from "@/lib/rules/testing/make-directory-object";
import { makeJoinRuleInput } from "@/lib/rules/testing/make-join-input";
import { makeEntraReport, makeRegisteredReport, makeReport } from "@/lib/rules/testing/make-report";

const DELETED = { deletedAt: "2025-03-08T22:10:00.000Z", deletedReason: "deleted" } as const;
const CONNECT_STEP =
  "Find out why Entra Connect stopped syncing the computer: check its OU in Active Directory against Connect's domain and OU filtering, and that its userCertificate attribute is still populated. Move it back (or fix the filter) in Active Directory; the next sync creates a new Pending object for it.";
const evaluate = (subject: DeviceSubject, settings: Partial<DeviceRuleSettings> = {}) => objectDeletedRule.evaluate(makeJoinRuleInput(subject, settings));
const deletedHybrid = (overrides: Partial<DeviceSubject> = {}) => makeDeviceSubject({ directory: makeDirectoryObject(DELETED), ...overrides });
/** PC-0142's report with no object of its deviceId in the directory (never synced, or deleted before JoinScope's first sync). */
const neverSeen = (parsed = makeReport()) => makeDeviceSubject({ report: makeSubjectReport({ parsed }), directory: null });

describe("object-deleted: when it speaks", () => {
  it.each([
    ["braces, capitals and spaces", " {AAAABBBB-0000-CCCC-1111-DDDD2222EEEE} "],
    ["the plain form", "aaaabbbb-0000-cccc-1111-dddd2222eeee"],
  ])("takes the report's tenant id in %s for the subject's tenant", (_name, tenantId) => {
    const subject = deletedHybrid({ report: makeSubjectReport({ parsed: makeReport({ tenantId }) }) });
    expect(evaluate(subject)).toHaveLength(1);
  });

  it("speaks for a deleted object whatever JoinScope knows of the last directory sync", () => {
    expect(evaluate(deletedHybrid(), { directorySyncedAt: null })).toHaveLength(1);
    const newer = makeSubjectReport({ parsed: makeReport({ certValidFrom: "2025-03-09T13:45:00.000Z" }) });
    expect(evaluate(deletedHybrid({ report: newer }))).toHaveLength(1);
  });

  it.each([
    ["registered exactly at the last sync", "2025-03-09T13:30:00.000Z", 0],
    ["registered a millisecond before it", "2025-03-09T13:29:59.999Z", 1],
  ])("for a deviceId missing from the directory, stays quiet for a registration not older than the sync: %s", (_name, certValidFrom, count) => {
    expect(evaluate(neverSeen(makeReport({ certValidFrom })))).toHaveLength(count);
  });
});

describe("object-deleted: the DN outside the sync scope", () => {
  it.each([
    ["without a sync scope", { syncScope: null }],
    ["with the DN in another forest", {}],
  ])("says nothing of the DN %s", (_name, settings) => {
    const report = makeSubjectReport({ computerDn: "CN=PC-0142,OU=Staging,DC=fabrikam,DC=com" });
    const [finding] = evaluate(deletedHybrid({ report }), settings);
    expect(finding!.evidence.map((e) => e.field)).not.toContain("Distinguished-Name");
    expect(finding!.explanation).not.toContain("outside Entra Connect's sync scope");
  });
});

describe("object-deleted: the explanation's last sentences", () => {
  it("says nothing of when for an object JoinScope never saw", () => {
    const [finding] = evaluate(neverSeen());
    expect(finding!.title).toBe("No device object with this deviceId");
    expect(finding!.explanation).toBe(
      'dsregcmd still says `AzureAdJoined : YES` with DeviceId 6e4cbe68-588b-499c-8c04-dcfff140a1ca, but Microsoft Entra ID has no live object with that deviceId. The device keeps its local registration, so device authentication fails (AADSTS50155 / 700003), no PRT carries the deviceid claim and Conditional Access shows "Device State: Unregistered". JoinScope never saw a directory object with this deviceId, so it was deleted before JoinScope\'s first sync (or the registration never completed in this tenant); who removed it is unknown.',
    );
  });

  it("names the other objects of the machine's name", () => {
    const candidates = [
      makeEntraObject({ objectId: "0e0e0e0e-0000-4000-8000-000000000006", deviceId: "55555555-6666-4777-8888-999999999999", displayName: "PC-0142" }),
      makeEntraObject({ objectId: "0f0f0f0f-0000-4000-8000-000000000007", deviceId: "66666666-7777-4888-8999-000000000000", displayName: "PC-0142" }),
    ];
    const [finding] = evaluate(deletedHybrid({ candidates }));
    expect(finding!.explanation).toMatch(
      / 2 other objects have this machine's name but a different deviceId; the device does not use them, because it still presents 6e4cbe68-588b-499c-8c04-dcfff140a1ca\.$/,
    );
  });

  it("calls a deleted synced object that is not hybrid joined just deleted", () => {
    const subject = makeDeviceSubject({
      report: makeSubjectReport({ parsed: makeRegisteredReport(), hostname: "PC-01", computerDn: null }),
      directory: makeRegisteredObject({ ...DELETED, onPremisesSyncEnabled: true }),
    });
    expect(evaluate(subject)[0]!.title).toBe("Device object deleted");
  });
});

describe("object-deleted: the steps", () => {
  it.each([
    ["a hybrid report whose object JoinScope never saw", neverSeen(), true],
    ["an Entra joined report whose object JoinScope never saw", neverSeen(makeEntraReport()), false],
    ["a hybrid object an admin deleted", deletedHybrid({ directory: makeDirectoryObject({ ...DELETED, onPremisesSyncEnabled: false }) }), false],
    ["a hybrid object Entra Connect deleted", deletedHybrid(), true],
  ])("asks why Entra Connect stopped syncing for %s: %s", (_name, subject, expected) => {
    expect(evaluate(subject)[0]!.remediation.includes(CONNECT_STEP)).toBe(expected);
  });

  it("asks a soft-deleted object's keys to be backed up, not given up for lost", () => {
    const subject = makeDeviceSubject({
      report: makeSubjectReport({ parsed: makeRegisteredReport(), hostname: "PC-01", computerDn: null }),
      directory: makeRegisteredObject({ deletedAt: "2025-03-08T22:10:00.000Z", deletedReason: "changed", hasBitlockerKeys: true }),
    });
    const steps = evaluate(subject)[0]!.remediation;
    expect(steps.some((step) => step.startsWith("This object holds BitLocker recovery keys: back them up first"))).toBe(true);
    expect(steps.some((step) => step.startsWith("The deleted object held"))).toBe(false);
  });
});
