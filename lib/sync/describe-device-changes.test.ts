import { describe, expect, it } from "vitest";
import { describeDeviceChanges, type StoredDeviceState } from "./describe-device-changes";
import type { DeviceColumns } from "./map-graph-device";

const stored: StoredDeviceState = {
  deletedAt: null,
  thumbprint: "AA",
  accountEnabled: true,
  registrationDateTime: new Date("2025-01-10T09:00:00.000Z"),
  trustType: "AzureAd",
  onPremisesSyncEnabled: null,
  displayName: "PC-1",
};
const after = (change: Partial<StoredDeviceState> = {}) => ({ ...stored, ...change }) as unknown as DeviceColumns;

describe("describeDeviceChanges", () => {
  it("says when a deleted object came back, and when", () => {
    expect(describeDeviceChanges({ ...stored, deletedAt: new Date("2026-01-02T03:04:05.000Z") }, after())).toEqual([
      { kind: "restored", detail: { deletedAt: "2026-01-02T03:04:05.000Z" } },
    ]);
  });

  it("names a certificate added, rotated or removed", () => {
    expect(describeDeviceChanges({ ...stored, thumbprint: null }, after())[0]?.kind).toBe("cert-added");
    expect(describeDeviceChanges(stored, after({ thumbprint: "BB" }))[0]).toEqual({ kind: "cert-rotated", detail: { from: "AA", to: "BB" } });
    expect(describeDeviceChanges(stored, after({ thumbprint: null }))[0]?.kind).toBe("cert-removed");
  });

  it("names an account enabled or disabled", () => {
    expect(describeDeviceChanges(stored, after({ accountEnabled: false }))).toEqual([{ kind: "disabled", detail: {} }]);
    expect(describeDeviceChanges({ ...stored, accountEnabled: false }, after())).toEqual([{ kind: "enabled", detail: {} }]);
  });

  it("calls a change of none of its fields a change without detail, unless told that is no change", () => {
    expect(describeDeviceChanges(stored, after())).toEqual([{ kind: "changed", detail: {} }]);
    expect(describeDeviceChanges(stored, after(), { undescribedChange: true })).toEqual([{ kind: "changed", detail: {} }]);
    expect(describeDeviceChanges(stored, after(), { undescribedChange: false })).toEqual([]);
    expect(describeDeviceChanges(stored, after({ displayName: "PC-2" }), { undescribedChange: false })).toEqual([
      { kind: "changed", detail: { displayName: { from: "PC-1", to: "PC-2" } } },
    ]);
  });
});
