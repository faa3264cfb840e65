import { describe, expect, it } from "vitest";
import type { DirectoryChange } from "@/lib/rules/device-subject";
import { describeObject, detailString, isAutopilot, normalizeSubject, objectEvidence, shortName } from "@/lib/rules/join-rules/directory-evidence";
import { makeDeviceSubject, makeDirectoryObject, makePendingObject } from "@/lib/rules/testing/make-directory-object";

const both = <T>(items: T[]) => [items, [...items].reverse()];

describe("isAutopilot", () => {
  it.each([
    [["[ZTDID]:1b2c3d4e-0000-4000-8000-000000000001"], true],
    [["[HWID]:h:6825794768524310", "[ztdid]:1b2c3d4e-0000-4000-8000-000000000001"], true],
    [["[USER-HWID]:[ZTDID]:6825794768524310"], false],
    [[], false],
    [null, false],
  ])("%j → %s", (physicalIds, expected) => {
    expect(isAutopilot(makeDirectoryObject({ physicalIds }))).toBe(expected);
  });
});

describe("objectEvidence", () => {
  const object = makeDirectoryObject();
  const deleted = makeDirectoryObject({ deletedAt: "2025-03-08T22:10:00.000Z", deletedReason: "deleted" });

  it.each([
    ["the subject's own object", object, {}, { source: "Entra ID device object", field: "trustType", value: "ServerAd" }],
    ["another object, by its objectId", object, { own: false }, { source: `Entra ID device object ${object.objectId}`, field: "trustType", value: "ServerAd" }],
    ["a deleted object", deleted, {}, { source: "Entra ID device object (deleted)", field: "trustType", value: "ServerAd" }],
    [
      "another deleted object",
      deleted,
      { own: false },
      { source: `Entra ID device object ${object.objectId} (deleted)`, field: "trustType", value: "ServerAd" },
    ],
    ["an expected value", object, { expected: "AzureAd" }, { source: "Entra ID device object", field: "trustType", value: "ServerAd", expected: "AzureAd" }],
    ["an expected null", object, { expected: null }, { source: "Entra ID device object", field: "trustType", value: "ServerAd", expected: null }],
  ])("%s", (_name, target, extra, expected) => {
    expect(objectEvidence(target, "trustType", "ServerAd", extra)).toStrictEqual(expected);
  });
});

describe("describeObject", () => {
  it.each([
    ["a synced object", makeDirectoryObject(), "PC-0142 · ServerAd · registered 2024-11-05 08:42 UTC · last sign-in 2025-03-01 09:15 UTC · synced from AD"],
    [
      "a deleted cloud object",
      makeDirectoryObject({ onPremisesSyncEnabled: false, deletedAt: "2025-03-08T22:10:00.000Z", deletedReason: "deleted" }),
      "PC-0142 · ServerAd · registered 2024-11-05 08:42 UTC · last sign-in 2025-03-01 09:15 UTC · deleted (noticed 2025-03-08 22:10 UTC)",
    ],
    [
      "an object deleted at a time that does not parse",
      makeDirectoryObject({ onPremisesSyncEnabled: false, deletedAt: "yesterday", deletedReason: "deleted" }),
      "PC-0142 · ServerAd · registered 2024-11-05 08:42 UTC · last sign-in 2025-03-01 09:15 UTC · deleted (noticed yesterday)",
    ],
    [
      "a Pending object",
      makePendingObject({ displayName: null, trustType: null, onPremisesSyncEnabled: false }),
      "(no name) · unknown trust type · Pending (never registered) · no sign-in recorded",
    ],
    [
      "an object without times",
      makeDirectoryObject({ registrationDateTime: null, approximateLastSignInDateTime: null, onPremisesSyncEnabled: null }),
      "PC-0142 · ServerAd · no registration time · no sign-in recorded",
    ],
  ])("%s", (_name, object, expected) => {
    expect(describeObject(object)).toBe(expected);
  });
});

describe("shortName", () => {
  it.each([
    ["PC-0142.corp.contoso.com", "pc-0142"],
    ["  PC-0142 .corp.contoso.com", "pc-0142"],
    ["PC-0142", "pc-0142"],
    [".corp.contoso.com", null],
    ["   ", null],
    [null, null],
    [undefined, null],
  ])("%j → %j", (name, expected) => {
    expect(shortName(name)).toBe(expected);
  });
});

describe("normalizeSubject: one order whatever the query's", () => {
  const change = (at: string, kind: string, detail?: unknown): DirectoryChange => ({ kind, at, detail });

  it.each([
    // 09:30 UTC sorts after 10:00+01:00 (09:00 UTC) by time although it sorts before it as text.
    ["by time, not by text", [change("2025-03-09T09:30:00.000Z", "disabled"), change("2025-03-09T10:00:00.000+01:00", "created")]],
    ["the same instant written two ways, by text", [change("2025-03-09T09:00:00Z", "disabled"), change("2025-03-09T09:00:00.000Z", "disabled")]],
    ["the same time, by kind", [change("2025-03-09T09:00:00.000Z", "enabled"), change("2025-03-09T09:00:00.000Z", "disabled")]],
    [
      "the same time and kind, by detail",
      [change("2025-03-09T09:00:00.000Z", "deleted", { reason: "soft" }), change("2025-03-09T09:00:00.000Z", "deleted", { reason: "deleted" })],
    ],
    [
      "details whose keys were written in another order, by their sorted keys",
      [change("2025-03-09T09:00:00.000Z", "deleted", { a: 2, b: 1 }), change("2025-03-09T09:00:00.000Z", "deleted", { b: 2, a: 1 })],
    ],
    [
      "details holding lists",
      [change("2025-03-09T09:00:00.000Z", "renamed", { names: ["PC-02"] }), change("2025-03-09T09:00:00.000Z", "renamed", { names: ["PC-01"] })],
    ],
  ])("sorts the history %s", (_name, [later, earlier]) => {
    for (const history of both([later!, earlier!])) {
      expect(normalizeSubject(makeDeviceSubject({ history })).history).toEqual([earlier, later]);
    }
  });

  it.each([
    ["by objectId", makeDirectoryObject({ objectId: "b" }), makeDirectoryObject({ objectId: "a" })],
    ["then by deviceId", makeDirectoryObject({ objectId: "a", deviceId: "2" }), makeDirectoryObject({ objectId: "a", deviceId: "1" })],
    ["then by deviceId, none first", makeDirectoryObject({ objectId: "a", deviceId: "1" }), makeDirectoryObject({ objectId: "a", deviceId: null })],
    ["then by the rest", makeDirectoryObject({ objectId: "a", displayName: "PC-2" }), makeDirectoryObject({ objectId: "a", displayName: "PC-1" })],
    [
      "then by the rest, lists included",
      makeDirectoryObject({ objectId: "a", physicalIds: ["[HWID]:h:2"] }),
      makeDirectoryObject({ objectId: "a", physicalIds: ["[HWID]:h:1"] }),
    ],
  ])("sorts the other objects and candidates %s", (_name, later, earlier) => {
    for (const objects of both([later, earlier])) {
      const normalized = normalizeSubject(makeDeviceSubject({ otherObjects: objects, candidates: objects }));
      expect(normalized.otherObjects).toEqual([earlier, later]);
      expect(normalized.candidates).toEqual([earlier, later]);
    }
  });

  it("leaves the subject's arrays as they were", () => {
    const history = [change("2025-03-09T10:00:00.000Z", "disabled"), change("2025-03-09T09:00:00.000Z", "created")];
    const subject = makeDeviceSubject({ history });
    normalizeSubject(subject);
    expect(subject.history.map((c) => c.kind)).toEqual(["disabled", "created"]);
  });
});

describe("detailString", () => {
  const change = (detail: unknown): DirectoryChange => ({ kind: "deleted", at: "2025-03-09T09:00:00.000Z", detail });

  it.each([
    [{ reason: "deleted" }, "reason", "deleted"],
    [{ reason: "" }, "reason", null],
    [{ reason: 5 }, "reason", null],
    [{}, "reason", null],
    [null, "reason", null],
    [undefined, "reason", null],
    ["deleted", "0", null],
    [["deleted"], "0", null],
  ])("%j, %s → %j", (detail, key, expected) => {
    expect(detailString(change(detail), key)).toBe(expected);
  });
});
