import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import { GraphDeviceSchema } from "@/lib/graph/graph-schemas";
import { directoryObjectFromGraph, toDirectoryObject, type StoredDeviceColumns } from "./directory-object-from-graph";
import { mapGraphDevice } from "./map-graph-device";

/** An `X509:` alternativeSecurityId key as Entra ID stores it (MS-DVRE): base64 of UTF-16LE marker + SHA-1 thumbprint + key hash. */
const x509 = (thumbprint: string) => ({
  type: 2,
  identityProvider: null,
  key: Buffer.from(`X509:<SHA1-TP-PUBKEY>${thumbprint}${createHash("sha256").update(thumbprint).digest("base64")}`, "utf16le").toString("base64"),
});
const TP1 = "65A221B61CEE4765A1F4370AF2BAD581F25A96E9";
const TP2 = "0123456789ABCDEF0123456789ABCDEF01234567";

/** A hybrid-joined Windows device as `GET /devices/{id}` returns it (https://learn.microsoft.com/graph/api/resources/device). */
const HYBRID = {
  id: "8a2b7c4e-1f3d-4e5a-9b6c-7d8e9f0a1b2c",
  deviceId: "5c4d3e2f-1a0b-4c9d-8e7f-6a5b4c3d2e1f",
  displayName: "LAPTOP-7Q2M4K",
  accountEnabled: true,
  trustType: "ServerAd",
  profileType: "RegisteredDevice",
  registrationDateTime: "2026-03-14T08:21:44Z",
  approximateLastSignInDateTime: "2026-12-01T07:55:10Z",
  operatingSystem: "Windows",
  operatingSystemVersion: "10.0.22631.4460",
  isCompliant: true,
  isManaged: true,
  mdmAppId: "0000000a-0000-0000-c000-000000000000",
  onPremisesSyncEnabled: true,
  onPremisesLastSyncDateTime: "2026-12-07T06:00:12Z",
  physicalIds: ["[USER-GID]:6f1e2d3c-4b5a-4968-8776-655443322110:6755399441055744", "[HWID]:h:6966582928829439", "[GID]:g:6966582928829440"],
  alternativeSecurityIds: [x509(TP1)],
};

describe("directoryObjectFromGraph: one Graph device object as the rules see it", () => {
  it("maps every field of a live hybrid-joined object, key presence unknown", () => {
    expect(directoryObjectFromGraph(GraphDeviceSchema.parse(HYBRID))).toStrictEqual({
      objectId: HYBRID.id,
      deviceId: HYBRID.deviceId,
      displayName: "LAPTOP-7Q2M4K",
      accountEnabled: true,
      trustType: "ServerAd",
      profileType: "RegisteredDevice",
      registrationDateTime: "2026-03-14T08:21:44.000Z",
      approximateLastSignInDateTime: "2026-12-01T07:55:10.000Z",
      operatingSystem: "Windows",
      operatingSystemVersion: "10.0.22631.4460",
      onPremisesSyncEnabled: true,
      onPremisesLastSyncDateTime: "2026-12-07T06:00:12.000Z",
      physicalIds: HYBRID.physicalIds,
      thumbprint: TP1,
      hasX509: true,
      hardwareId: "6966582928829439",
      isPending: false,
      hasBitlockerKeys: null,
      hasLapsPassword: null,
      deletedAt: null,
      deletedReason: null,
      isManaged: true,
      isCompliant: true,
      mdmAppId: "0000000a-0000-0000-c000-000000000000",
    });
  });

  it("lists every thumbprint of an object holding two X509 keys, and none for one", () => {
    const two = directoryObjectFromGraph(GraphDeviceSchema.parse({ ...HYBRID, alternativeSecurityIds: [x509(TP1), x509(TP2)] }));
    expect(two.thumbprint).toBe(TP1);
    expect(two.thumbprints).toEqual([TP1, TP2]);
    expect("thumbprints" in directoryObjectFromGraph(GraphDeviceSchema.parse(HYBRID))).toBe(false);
  });

  it("reads an object from deletedItems (deletedDateTime) as soft-deleted, and ignores a deletedDateTime that is no date", () => {
    const deleted = directoryObjectFromGraph(GraphDeviceSchema.parse({ ...HYBRID, deletedDateTime: "2026-12-05T10:30:00Z" }));
    expect(deleted).toMatchObject({ deletedAt: "2026-12-05T10:30:00.000Z", deletedReason: "changed" });
    for (const deletedDateTime of ["not a date", null, 1733394600000]) {
      expect(directoryObjectFromGraph(GraphDeviceSchema.parse({ ...HYBRID, deletedDateTime })), String(deletedDateTime)).toMatchObject({
        deletedAt: null,
        deletedReason: null,
      });
    }
  });

  it("reads an object synced by Connect that never registered (no key, no registration time) as pending, with nothing to read", () => {
    const pending = directoryObjectFromGraph(
      GraphDeviceSchema.parse({ id: "1f2e3d4c-5b6a-4798-8a9b-0c1d2e3f4a5b", displayName: "DESKTOP-PEND01", trustType: "ServerAd", accountEnabled: true }),
    );
    expect(pending).toMatchObject({
      deviceId: null,
      registrationDateTime: null,
      approximateLastSignInDateTime: null,
      onPremisesLastSyncDateTime: null,
      physicalIds: null,
      thumbprint: null,
      hasX509: false,
      hardwareId: null,
      isPending: true,
    });
    expect("thumbprints" in pending).toBe(false);
  });
});

describe("toDirectoryObject: a stored DirectoryDevice row as the rules see it", () => {
  it("writes the row's dates as ISO text and keeps what JoinScope learnt later (key presence, deletion)", () => {
    const row: StoredDeviceColumns = {
      ...mapGraphDevice(GraphDeviceSchema.parse({ ...HYBRID, alternativeSecurityIds: [x509(TP2), x509(TP1)] })),
      hasBitlockerKeys: true,
      hasLapsPassword: false,
      deletedAt: new Date("2026-12-06T22:15:00Z"),
      deletedReason: "deleted",
    };
    expect(toDirectoryObject(row)).toMatchObject({
      registrationDateTime: "2026-03-14T08:21:44.000Z",
      thumbprint: TP2,
      thumbprints: [TP2, TP1],
      hasX509: true,
      hasBitlockerKeys: true,
      hasLapsPassword: false,
      deletedAt: "2026-12-06T22:15:00.000Z",
      deletedReason: "deleted",
    });
  });

  it("reads a row whose JSON columns are null as no physical ids and no X509 key", () => {
    const row: StoredDeviceColumns = {
      ...mapGraphDevice(GraphDeviceSchema.parse({ id: "1f2e3d4c-5b6a-4798-8a9b-0c1d2e3f4a5b" })),
      physicalIds: null,
      alternativeSecurityIds: null,
      hasBitlockerKeys: null,
      hasLapsPassword: null,
      deletedAt: null,
      deletedReason: null,
    };
    expect(toDirectoryObject(row)).toMatchObject({ physicalIds: null, hasX509: false, thumbprint: null, deletedAt: null });
  });
});
