import { describe, expect, it } from "vitest";
import { matchReportsToObjects } from "@/lib/rules/match-reports";

/** DeviceReport / DirectoryDevice rows reduced to what matching reads, plus an id to follow them. */
const object = (
  objectId: string,
  deviceId: string | null,
  displayName: string,
  trustType = "ServerAd",
  extra: { deletedAt?: string | null; accountEnabled?: boolean | null } = {},
) => ({
  objectId,
  deviceId,
  displayName,
  trustType,
  accountEnabled: extra.accountEnabled ?? true,
  deletedAt: extra.deletedAt ?? null,
});
const report = (id: string, deviceId: string | null, hostname: string, objectGuid: string | null = null) => ({ id, deviceId, hostname, objectGuid });

describe("matchReportsToObjects", () => {
  const objects = [
    object("o-live", "6e4cbe68-588b-499c-8c04-dcfff140a1ca", "PC-0142"),
    object("o-deleted", "6e4cbe68-588b-499c-8c04-dcfff140a1ca", "PC-0142", "ServerAd", { deletedAt: "2025-01-01T00:00:00.000Z" }),
    object("o-new", "11111111-2222-4333-8444-555555555555", "PC-0143"),
    object("o-pending", "4b1d5e2a-7c3f-4e8b-9a0d-2f6c8e1b3a57", "PC-0200"),
    object("o-silent", "22222222-3333-4444-8555-666666666666", "PC-0300", "AzureAd"),
    object("o-disabled", "33333333-4444-4555-8666-777777777777", "PC-0301", "AzureAd", { accountEnabled: false }),
    object("o-workplace", "44444444-5555-4666-8777-888888888888", "PC-01", "Workplace"),
  ];

  it("matches by deviceId only (case and braces ignored), preferring the live object", () => {
    const result = matchReportsToObjects([report("r1", "{6E4CBE68-588B-499C-8C04-DCFFF140A1CA}", "whatever")], objects);
    expect(result.matched.map(({ report: r, object: o }) => [r.id, o.objectId])).toEqual([["r1", "o-live"]]);
  });

  it("never claims a hostname match: it lists candidates", () => {
    const result = matchReportsToObjects([report("r2", "99999999-0000-4000-8000-000000000000", "pc-0143.corp.contoso.com")], objects);
    expect(result.matched).toEqual([]);
    expect(result.unmatchedReports.map(({ report: r, candidates }) => [r.id, candidates.map((c) => c.objectId)])).toEqual([["r2", ["o-new"]]]);
  });

  it("pairs a domain-only report with the ServerAd object of its objectGUID", () => {
    const result = matchReportsToObjects([report("r3", null, "PC-0200", "4B1D5E2A-7C3F-4E8B-9A0D-2F6C8E1B3A57")], objects);
    expect(result.matched.map(({ object: o }) => o.objectId)).toEqual(["o-pending"]);
  });

  it("returns live, enabled, joined objects without a report as silent, in objectId order", () => {
    const result = matchReportsToObjects([report("r1", "6e4cbe68-588b-499c-8c04-dcfff140a1ca", "PC-0142")], objects);
    expect(result.silentObjects.map((o) => o.objectId)).toEqual(["o-new", "o-pending", "o-silent"]);
    expect(matchReportsToObjects([], [...objects].reverse())).toEqual(matchReportsToObjects([], objects));
  });
});

describe("matchReportsToObjects, ids in the forms they are stored in", () => {
  it("pairs a deviceId or objectGUID whatever its case, spaces and braces", () => {
    const stored = object("o-1", "6E4CBE68-588B-499C-8C04-DCFFF140A1CA", "PC-0142");
    const result = matchReportsToObjects([report("r-1", " {6e4cbe68-588b-499c-8c04-dcfff140a1ca} ", "PC-0142")], [stored]);
    expect(result.matched.map((m) => m.object.objectId)).toEqual(["o-1"]);
    const hybrid = object("o-2", "{4B1D5E2A-7C3F-4E8B-9A0D-2F6C8E1B3A57}", "PC-0200");
    const byGuid = matchReportsToObjects([report("r-2", null, "PC-0200", "4b1d5e2a-7c3f-4e8b-9a0d-2f6c8e1b3a57")], [hybrid]);
    expect(byGuid.matched.map((m) => m.object.objectId)).toEqual(["o-2"]);
  });

  it("prefers the live object of a deviceId to a deleted one, in whichever order they come", () => {
    const deleted = object("o-a", "6e4cbe68-588b-499c-8c04-dcfff140a1ca", "PC-0142", "ServerAd", { deletedAt: "2025-01-01T00:00:00.000Z" });
    const live = object("o-b", "6e4cbe68-588b-499c-8c04-dcfff140a1ca", "PC-0142");
    for (const objects of [
      [deleted, live],
      [live, deleted],
    ]) {
      expect(matchReportsToObjects([report("r-1", "6e4cbe68-588b-499c-8c04-dcfff140a1ca", "PC-0142")], objects).matched[0]!.object.objectId).toBe("o-b");
    }
  });
});

describe("matchReportsToObjects: ties, candidates and silent objects", () => {
  const id = "6e4cbe68-588b-499c-8c04-dcfff140a1ca";
  const both = <T>(items: T[]) => [items, [...items].reverse()];
  const candidatesOf = (result: ReturnType<typeof matchReportsToObjects>) => result.unmatchedReports.map(({ candidates }) => candidates.map((c) => c.objectId));

  it("takes the lowest objectId of two live objects of one deviceId, in whichever order they come", () => {
    for (const objects of both([object("o-b", id, "PC-0142"), object("o-a", id, "PC-0142")])) {
      expect(matchReportsToObjects([report("r-1", id, "PC-0142")], objects).matched[0]!.object.objectId).toBe("o-a");
    }
  });

  it("lists every live object of the hostname as a candidate, in objectId order, and no deleted one", () => {
    const objects = [
      object("o-c", "11111111-2222-4333-8444-555555555555", "PC-0143"),
      object("o-a", "22222222-3333-4444-8555-666666666666", "PC-0143.corp.contoso.com", "AzureAd"),
      object("o-b", "33333333-4444-4555-8666-777777777777", "PC-0143", "ServerAd", { deletedAt: "2025-01-01T00:00:00.000Z" }),
    ];
    for (const order of both(objects)) {
      expect(candidatesOf(matchReportsToObjects([report("r-1", id, "PC-0143")], order))).toEqual([["o-a", "o-c"]]);
    }
  });

  it("pairs a domain-only report's objectGUID with a ServerAd object only", () => {
    const guid = "4b1d5e2a-7c3f-4e8b-9a0d-2f6c8e1b3a57";
    const objects = [object("o-entra", guid, "PC-0200", "AzureAd"), { ...object("o-unknown", guid, "PC-0200"), trustType: null }];
    const result = matchReportsToObjects([report("r-1", null, "PC-0200", guid)], objects);
    expect(result.matched).toEqual([]);
    expect(candidatesOf(result)).toEqual([["o-entra", "o-unknown"]]);
  });

  it("does not list an object without a deviceId as a candidate of a report without one", () => {
    const result = matchReportsToObjects([report("r-1", null, "PC-0200")], [object("o-1", null, "PC-0200")]);
    expect(candidatesOf(result)).toEqual([[]]);
  });

  it("counts an object whose enabled state is unknown as silent, one without a trust type never", () => {
    const objects = [
      { ...object("o-unknown-state", "11111111-2222-4333-8444-555555555555", "PC-0143"), accountEnabled: null },
      { ...object("o-no-trust", "22222222-3333-4444-8555-666666666666", "PC-0144"), trustType: null },
    ];
    expect(matchReportsToObjects([], objects).silentObjects.map((o) => o.objectId)).toEqual(["o-unknown-state"]);
  });
});
