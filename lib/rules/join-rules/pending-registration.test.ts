import { describe, expect, it } from "vitest";
import type { DeviceSubject } from "@/lib/rules/device-subject";
import { pendingRegistrationRule, pendingSinceIso } from "@/lib/rules/join-rules/pending-registration";
import { makeDeviceSubject, makePendingObject, makeSubjectReport, PENDING_OBJECT_GUID } from "@/lib/rules/testing/make-directory-object";
import { makeJoinRuleInput } from "@/lib/rules/testing/make-join-input";
import { makePendingHybridReport } from "@/lib/rules/testing/make-report";

const pendingSubject = (overrides: Partial<DeviceSubject> = {}) =>
  makeDeviceSubject({
    report: makeSubjectReport({ parsed: makePendingHybridReport(), hostname: "PC-0200", objectGuid: PENDING_OBJECT_GUID }),
    directory: makePendingObject(),
    ...overrides,
  });

describe("pendingSinceIso", () => {
  it("takes the object's last sync, else its 'created' change (not an earlier change of another kind), else nothing", () => {
    const history = [
      { kind: "disabled", at: "2025-03-08T09:00:00.000Z", detail: null },
      { kind: "created", at: "2025-03-08T10:00:00.000Z", detail: null },
    ];
    expect(pendingSinceIso(makeJoinRuleInput(pendingSubject({ history })))).toBe("2025-03-09T11:00:00.000Z");
    const unsynced = makePendingObject({ onPremisesLastSyncDateTime: null });
    expect(pendingSinceIso(makeJoinRuleInput(pendingSubject({ directory: unsynced, history })))).toBe("2025-03-08T10:00:00.000Z");
    expect(pendingSinceIso(makeJoinRuleInput(pendingSubject({ directory: unsynced, history: [history[0]!] })))).toBeNull();
  });
});

describe("pending-registration: the report's AzureAdJoined line when the paste lost it", () => {
  it.each([
    [false, "NO"],
    [null, null],
  ])("AzureAdJoined %s → %s", (azureAdJoined, value) => {
    const parsed = makePendingHybridReport({ azureAdJoined, omit: { "Device State": ["AzureAdJoined"] } });
    const [finding] = pendingRegistrationRule.evaluate(makeJoinRuleInput(pendingSubject({ report: makeSubjectReport({ parsed, hostname: "PC-0200" }) })));
    expect(finding!.evidence.at(-1)).toEqual({ source: "dsregcmd /status · Device State", field: "AzureAdJoined", value });
  });

  it("quotes YES for a report that claims the join", () => {
    const parsed = makePendingHybridReport({ azureAdJoined: true, omit: { "Device State": ["AzureAdJoined"] } });
    const [finding] = pendingRegistrationRule.evaluate(makeJoinRuleInput(pendingSubject({ report: makeSubjectReport({ parsed, hostname: "PC-0200" }) })));
    expect(finding!.title).toBe("Object Pending while the device says it is joined");
    expect(finding!.evidence.at(-1)).toEqual({ source: "dsregcmd /status · Device State", field: "AzureAdJoined", value: "YES" });
  });
});
