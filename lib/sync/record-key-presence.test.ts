/**
 * collectKeyPresence: the BitLocker recovery key and LAPS password lists Graph pages through, reduced to the lower-case
 * device ids that have one, and the warnings when a list cannot be read. A stand-in Graph answers each request from a
 * script (the bodies go through the caller's schema, as the real client's do); storeKeyPresence, which writes the
 * flags, is tested against a database in tests/integration/key-presence.test.ts.
 */
import { describe, expect, it } from "vitest";
import type { GraphFailure } from "@/lib/graph/graph-client";
import { BITLOCKER_KEYS_REQUEST, LAPS_CREDENTIALS_REQUEST } from "@/lib/graph/sync-requests";
import { collectKeyPresence } from "./record-key-presence";
import { page, scriptedGraph, type ScriptedAnswer } from "./testing/scripted-graph";

const NEXT = "https://graph.microsoft.com/v1.0/next?$skiptoken=";

const key = (deviceId: string | null | undefined, id = `k-${deviceId}`) => ({ id, deviceId });
const laps = (id: string) => ({ id, deviceName: `PC-${id}`, lastBackupDateTime: "2026-11-30T10:00:00Z" });
const empty = page([]);

describe("collectKeyPresence", () => {
  it("follows each list's next links to the end, and keeps each device id once, lower-cased", async () => {
    const graph = scriptedGraph({
      [BITLOCKER_KEYS_REQUEST]: page([key("AAAA-1", "k1"), key("aaaa-1", "k2")], `${NEXT}b2`),
      [`${NEXT}b2`]: page([key("BbBb-2")], `${NEXT}b3`),
      [`${NEXT}b3`]: page([key("cccc-3")]),
      [LAPS_CREDENTIALS_REQUEST]: page([laps("DDDD-4")], `${NEXT}l2`),
      [`${NEXT}l2`]: page([laps("eeee-5"), laps("EEEE-5")]),
    });
    const presence = await collectKeyPresence(graph);
    expect(presence.warnings).toEqual([]);
    expect([...presence.bitlocker!].sort()).toEqual(["aaaa-1", "bbbb-2", "cccc-3"]);
    expect([...presence.laps!].sort()).toEqual(["dddd-4", "eeee-5"]);
    expect(graph.seen).toHaveLength(5);
  });

  it("reads a key without a device id, or with an empty one, as no device", async () => {
    const graph = scriptedGraph({
      [BITLOCKER_KEYS_REQUEST]: page([key(null, "k1"), key(undefined, "k2"), key("", "k3"), key("f00d")]),
      [LAPS_CREDENTIALS_REQUEST]: empty,
    });
    const presence = await collectKeyPresence(graph);
    expect([...presence.bitlocker!]).toEqual(["f00d"]);
    expect(presence.laps).toEqual(new Set());
  });

  const forbidden: GraphFailure = { kind: "forbidden", status: 403, code: "Authorization_RequestDenied", message: "Insufficient privileges" };
  const throttled: GraphFailure = { kind: "http", status: 503, code: "serviceNotAvailable", message: "Graph is busy" };

  it.each([
    {
      what: "BitLocker forbidden",
      bitlocker: forbidden as ScriptedAnswer,
      lapsPage: empty,
      warnings: [
        "BitlockerKey.ReadBasic.All is not granted to the app: JoinScope cannot tell which devices have BitLocker recovery keys stored, so re-join advice warns about them for every device.",
      ],
    },
    {
      what: "LAPS forbidden",
      bitlocker: empty,
      lapsPage: forbidden as ScriptedAnswer,
      warnings: [
        "DeviceLocalCredential.ReadBasic.All is not granted to the app: JoinScope cannot tell which devices have a LAPS password stored, so re-join advice warns about them for every device.",
      ],
    },
    {
      what: "both failing otherwise, BitLocker named first",
      bitlocker: throttled as ScriptedAnswer,
      lapsPage: { kind: "network", message: "fetch failed: ECONNRESET" } as ScriptedAnswer,
      warnings: [
        "Could not read BitLocker recovery keys stored presence: Graph is busy",
        "Could not read a LAPS password stored presence: fetch failed: ECONNRESET",
      ],
    },
  ])("a list that cannot be read is unknown (null), with a warning: $what", async ({ bitlocker, lapsPage, warnings }) => {
    const presence = await collectKeyPresence(scriptedGraph({ [BITLOCKER_KEYS_REQUEST]: bitlocker, [LAPS_CREDENTIALS_REQUEST]: lapsPage }));
    expect(presence.warnings).toEqual(warnings);
    expect(presence.bitlocker).toEqual("body" in bitlocker ? new Set() : null);
    expect(presence.laps).toEqual("body" in lapsPage ? new Set() : null);
  });

  it("a list that fails on a later page is unknown, not the ids read before it", async () => {
    const graph = scriptedGraph({
      [BITLOCKER_KEYS_REQUEST]: page([key("aaaa-1")], `${NEXT}b2`),
      [`${NEXT}b2`]: throttled,
      [LAPS_CREDENTIALS_REQUEST]: page([laps("dddd-4")]),
    });
    const presence = await collectKeyPresence(graph);
    expect(presence).toEqual({
      bitlocker: null,
      laps: new Set(["dddd-4"]),
      warnings: ["Could not read BitLocker recovery keys stored presence: Graph is busy"],
    });
  });
});
