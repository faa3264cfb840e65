import type { GraphDevice } from "@/lib/graph/graph-schemas";
import { extraThumbprintsFromAlternativeSecurityIds, hasX509AlternativeSecurityId, type AlternativeSecurityId } from "@/lib/graph/alternative-security-ids";
import type { DirectoryObjectColumn } from "@/lib/db/directory-device-columns";
import type { DirectoryObject } from "@/lib/rules/device-subject";
import { mapGraphDevice, type DeviceColumns } from "@/lib/sync/map-graph-device";

/**
 * A stored directory object: the columns the rules read (DIRECTORY_OBJECT_COLUMNS), as Prisma or mapGraphDevice
 * give them: the sync's columns plus what JoinScope learnt later (key presence, deletion).
 */
export type StoredDeviceColumns = Pick<
  DeviceColumns,
  Exclude<DirectoryObjectColumn, "physicalIds" | "alternativeSecurityIds" | "hasBitlockerKeys" | "hasLapsPassword" | "deletedAt" | "deletedReason">
> & {
  physicalIds: unknown;
  alternativeSecurityIds: unknown;
  hasBitlockerKeys: boolean | null;
  hasLapsPassword: boolean | null;
  deletedAt: Date | null;
  deletedReason: string | null;
};

const iso = (d: Date | null) => (d ? d.toISOString() : null);

/** The rules' view of a directory object, from a DirectoryDevice row or from Graph JSON (below). */
export function toDirectoryObject(row: StoredDeviceColumns): DirectoryObject {
  return {
    objectId: row.objectId,
    deviceId: row.deviceId,
    displayName: row.displayName,
    accountEnabled: row.accountEnabled,
    trustType: row.trustType,
    profileType: row.profileType,
    registrationDateTime: iso(row.registrationDateTime),
    approximateLastSignInDateTime: iso(row.approximateLastSignInDateTime),
    operatingSystem: row.operatingSystem,
    operatingSystemVersion: row.operatingSystemVersion,
    onPremisesSyncEnabled: row.onPremisesSyncEnabled,
    onPremisesLastSyncDateTime: iso(row.onPremisesLastSyncDateTime),
    physicalIds: (row.physicalIds ?? null) as string[] | null,
    thumbprint: row.thumbprint,
    hasX509: hasX509AlternativeSecurityId((row.alternativeSecurityIds ?? []) as AlternativeSecurityId[]),
    ...withExtraThumbprints(row.alternativeSecurityIds as AlternativeSecurityId[] | null),
    hardwareId: row.hardwareId,
    isPending: row.isPending,
    hasBitlockerKeys: row.hasBitlockerKeys,
    hasLapsPassword: row.hasLapsPassword,
    deletedAt: iso(row.deletedAt),
    deletedReason: row.deletedReason,
    isManaged: row.isManaged,
    isCompliant: row.isCompliant,
    mdmAppId: row.mdmAppId,
  };
}

/**
 * A Graph device object (as `GET /devices/{id}` returns it) as the rules see it, for diagnosing one
 * machine without a synced tenant. BitLocker/LAPS presence is unknown here, so remediation says to check.
 */
export function directoryObjectFromGraph(device: GraphDevice): DirectoryObject {
  // An object read from /directory/deletedItems carries deletedDateTime: it is soft-deleted and cannot authenticate
  // (https://learn.microsoft.com/entra/identity/devices/concept-soft-delete-devices).
  const deleted = typeof device.deletedDateTime === "string" && !Number.isNaN(Date.parse(device.deletedDateTime)) ? new Date(device.deletedDateTime) : null;
  return toDirectoryObject({
    ...mapGraphDevice(device),
    hasBitlockerKeys: null,
    hasLapsPassword: null,
    deletedAt: deleted,
    deletedReason: deleted ? "changed" : null,
  });
}

function withExtraThumbprints(ids: AlternativeSecurityId[] | null): Pick<DirectoryObject, "thumbprints"> {
  const thumbprints = extraThumbprintsFromAlternativeSecurityIds(ids);
  return thumbprints ? { thumbprints } : {};
}
