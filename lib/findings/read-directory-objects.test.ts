import { describe, expect, it } from "vitest";
import { directoryObjectFromRow } from "./read-directory-objects";

/**
 * directoryObjectFromRow reads a DirectoryDevice row as the driver returns it (the sign-ins' loader reads objects this
 * way, lib/signins/load-sign-in-context.ts): here as SQLite stores it (booleans as 0 and 1, times as
 * `2026-12-06T10:49:46.680+00:00`, JSON as text) and as PostgreSQL returns it (booleans, Dates, parsed JSON).
 */
const registeredPc = {
  objectId: "6f1c2a9e-4b7d-4e21-9a3f-1d2c3b4a5e01",
  deviceId: "dd5ac0a8-cb5f-461e-9269-2502cbabc065",
  displayName: "PC-0142",
  trustType: "Workplace",
  profileType: "RegisteredDevice",
  operatingSystem: "Windows",
  operatingSystemVersion: "10.0.26100.2605",
  thumbprint: null,
  hardwareId: "6825794768524310",
  deletedReason: null,
  mdmAppId: null,
};

const expected = {
  ...registeredPc,
  accountEnabled: true,
  registrationDateTime: "2024-11-05T08:42:41.000Z",
  approximateLastSignInDateTime: "2026-12-06T10:49:46.680Z",
  onPremisesSyncEnabled: null,
  onPremisesLastSyncDateTime: null,
  physicalIds: ["[USER-HWID]:jdoe:6825794768524310", "[HWID]:h:6825794768524310"],
  hasX509: false,
  isPending: false,
  hasBitlockerKeys: false,
  hasLapsPassword: null,
  deletedAt: null,
  isManaged: false,
  isCompliant: null,
};

describe("directoryObjectFromRow", () => {
  it("reads a row as SQLite stores it", () => {
    const row = {
      ...registeredPc,
      accountEnabled: 1,
      registrationDateTime: "2024-11-05T08:42:41.000+00:00",
      approximateLastSignInDateTime: "2026-12-06T10:49:46.680+00:00",
      onPremisesSyncEnabled: null,
      onPremisesLastSyncDateTime: null,
      physicalIds: JSON.stringify(expected.physicalIds),
      alternativeSecurityIds: "[]",
      isPending: 0,
      hasBitlockerKeys: 0,
      hasLapsPassword: null,
      deletedAt: null,
      isManaged: 0,
      isCompliant: null,
    };
    expect(directoryObjectFromRow(row)).toEqual(expected);
  });

  it("reads a row as PostgreSQL returns it, and a row without isPending as not pending", () => {
    const row = {
      ...registeredPc,
      accountEnabled: true,
      registrationDateTime: new Date("2024-11-05T08:42:41.000Z"),
      approximateLastSignInDateTime: new Date("2026-12-06T10:49:46.680Z"),
      onPremisesSyncEnabled: null,
      onPremisesLastSyncDateTime: null,
      physicalIds: expected.physicalIds,
      alternativeSecurityIds: null,
      isPending: null,
      hasBitlockerKeys: false,
      hasLapsPassword: null,
      deletedAt: null,
      isManaged: false,
      isCompliant: null,
    };
    expect(directoryObjectFromRow(row)).toEqual(expected);
  });
});
