import { describe, expect, it } from "vitest";
import { SYNC_WRITTEN_COLUMNS } from "@/lib/db/directory-device-columns";
import { deviceValues } from "./write-device-page";
import type { DeviceColumns } from "./map-graph-device";

describe("deviceValues", () => {
  it("gives each written column its own value, in SYNC_WRITTEN_COLUMNS order", () => {
    // Every column a distinct marker value, as PostgreSQL is given them (text, booleans and times as they are).
    const d = {
      objectId: "objectId",
      deviceId: "deviceId",
      displayName: "displayName",
      accountEnabled: true,
      trustType: "trustType",
      profileType: "profileType",
      registrationDateTime: new Date("2026-01-01T00:00:01Z"),
      approximateLastSignInDateTime: new Date("2026-01-01T00:00:02Z"),
      createdDateTime: new Date("2026-01-01T00:00:03Z"),
      operatingSystem: "operatingSystem",
      operatingSystemVersion: "operatingSystemVersion",
      isCompliant: false,
      isManaged: true,
      mdmAppId: "mdmAppId",
      onPremisesSyncEnabled: false,
      onPremisesLastSyncDateTime: new Date("2026-01-01T00:00:04Z"),
      physicalIds: ["physicalIds"],
      alternativeSecurityIds: [{ key: "alternativeSecurityIds" }],
      thumbprint: "thumbprint",
      hardwareId: "hardwareId",
      isPending: true,
      otherProperties: { otherProperties: 1 },
      rawHash: "rawHash",
    } satisfies DeviceColumns;
    const values = deviceValues("postgresql", d, "tenantRef", "now", { at: new Date("2026-01-01T00:00:05Z"), reason: "deletedReason" });
    expect(values).toHaveLength(SYNC_WRITTEN_COLUMNS.length);
    const byColumn = Object.fromEntries(SYNC_WRITTEN_COLUMNS.map((c, i) => [c, values[i]]));
    expect(byColumn).toEqual({
      id: expect.any(String),
      tenantRef: "tenantRef",
      objectId: "objectId",
      deviceId: "deviceId",
      displayName: "displayName",
      accountEnabled: true,
      trustType: "trustType",
      profileType: "profileType",
      registrationDateTime: "2026-01-01T00:00:01.000Z",
      approximateLastSignInDateTime: "2026-01-01T00:00:02.000Z",
      createdDateTime: "2026-01-01T00:00:03.000Z",
      operatingSystem: "operatingSystem",
      operatingSystemVersion: "operatingSystemVersion",
      isCompliant: false,
      isManaged: true,
      mdmAppId: "mdmAppId",
      onPremisesSyncEnabled: false,
      onPremisesLastSyncDateTime: "2026-01-01T00:00:04.000Z",
      physicalIds: JSON.stringify(["physicalIds"]),
      alternativeSecurityIds: JSON.stringify([{ key: "alternativeSecurityIds" }]),
      thumbprint: "thumbprint",
      hardwareId: "hardwareId",
      isPending: true,
      deletedAt: "2026-01-01T00:00:05.000Z",
      deletedReason: "deletedReason",
      firstSeenAt: "now",
      lastSeenAt: "now",
      otherProperties: JSON.stringify({ otherProperties: 1 }),
      rawHash: "rawHash",
      updatedAt: "now",
    });
  });
});
