import type { GraphDevice } from "@/lib/graph/graph-schemas";
import { hasX509AlternativeSecurityId } from "@/lib/graph/alternative-security-ids";
import type { DirectoryObject } from "@/lib/rules/device-subject";
import { mapGraphDevice } from "@/lib/sync/map-graph-device";

/**
 * A Graph device object (as `GET /devices/{id}` returns it) as the rules see it, for diagnosing one
 * machine without a synced tenant. BitLocker/LAPS presence is unknown here, so remediation says to check.
 */
export function directoryObjectFromGraph(device: GraphDevice): DirectoryObject {
  const c = mapGraphDevice(device);
  const iso = (d: Date | null) => (d ? d.toISOString() : null);
  return {
    objectId: c.objectId,
    deviceId: c.deviceId,
    displayName: c.displayName,
    accountEnabled: c.accountEnabled,
    trustType: c.trustType,
    profileType: c.profileType,
    registrationDateTime: iso(c.registrationDateTime),
    approximateLastSignInDateTime: iso(c.approximateLastSignInDateTime),
    operatingSystem: c.operatingSystem,
    operatingSystemVersion: c.operatingSystemVersion,
    onPremisesSyncEnabled: c.onPremisesSyncEnabled,
    onPremisesLastSyncDateTime: iso(c.onPremisesLastSyncDateTime),
    physicalIds: c.physicalIds,
    thumbprint: c.thumbprint,
    hasX509: hasX509AlternativeSecurityId(device.alternativeSecurityIds),
    hardwareId: c.hardwareId,
    isPending: c.isPending,
    hasBitlockerKeys: null,
    hasLapsPassword: null,
    deletedAt: null,
    deletedReason: null,
    isManaged: c.isManaged,
    isCompliant: c.isCompliant,
    mdmAppId: c.mdmAppId,
  };
}
