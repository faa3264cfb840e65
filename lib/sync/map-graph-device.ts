import { createHash } from "node:crypto";
import {
  hardwareIdFromPhysicalIds,
  hasX509AlternativeSecurityId,
  thumbprintFromAlternativeSecurityIds,
} from "@/lib/graph/alternative-security-ids";
import type { GraphDevice } from "@/lib/graph/graph-schemas";

/** The columns JoinScope derives from one Graph device object (everything but tenant and bookkeeping). */
export interface DeviceColumns {
  objectId: string;
  deviceId: string | null;
  displayName: string | null;
  accountEnabled: boolean | null;
  trustType: string | null;
  profileType: string | null;
  registrationDateTime: Date | null;
  approximateLastSignInDateTime: Date | null;
  createdDateTime: Date | null;
  operatingSystem: string | null;
  operatingSystemVersion: string | null;
  isCompliant: boolean | null;
  isManaged: boolean | null;
  mdmAppId: string | null;
  onPremisesSyncEnabled: boolean | null;
  onPremisesLastSyncDateTime: Date | null;
  physicalIds: string[] | null;
  alternativeSecurityIds: unknown[] | null;
  thumbprint: string | null;
  hardwareId: string | null;
  isPending: boolean;
  raw: Record<string, unknown>;
  rawHash: string;
}

const date = (v: string | null | undefined) => (v ? new Date(v) : null);

export function mapGraphDevice(device: GraphDevice): DeviceColumns {
  const altIds = device.alternativeSecurityIds ?? null;
  const hasX509 = hasX509AlternativeSecurityId(altIds);
  return {
    objectId: device.id,
    deviceId: device.deviceId?.toLowerCase() ?? null,
    displayName: device.displayName ?? null,
    accountEnabled: device.accountEnabled ?? null,
    trustType: device.trustType ?? null,
    profileType: device.profileType ?? null,
    registrationDateTime: date(device.registrationDateTime),
    approximateLastSignInDateTime: date(device.approximateLastSignInDateTime),
    createdDateTime: date(device.createdDateTime),
    operatingSystem: device.operatingSystem ?? null,
    operatingSystemVersion: device.operatingSystemVersion ?? null,
    isCompliant: device.isCompliant ?? null,
    isManaged: device.isManaged ?? null,
    mdmAppId: device.mdmAppId ?? null,
    onPremisesSyncEnabled: device.onPremisesSyncEnabled ?? null,
    onPremisesLastSyncDateTime: date(device.onPremisesLastSyncDateTime),
    physicalIds: device.physicalIds ?? null,
    alternativeSecurityIds: altIds,
    thumbprint: thumbprintFromAlternativeSecurityIds(altIds),
    hardwareId: hardwareIdFromPhysicalIds(device.physicalIds),
    // Microsoft's "pending" query: ServerAd, no X509 key, no registration time (how-to-hybrid-join-verify).
    isPending: device.trustType === "ServerAd" && !hasX509 && !device.registrationDateTime,
    raw: device as Record<string, unknown>,
    rawHash: hashDevice(device),
  };
}

/** Key-order-independent hash; @odata annotations excluded so the same object always hashes the same. */
export function hashDevice(device: Record<string, unknown>): string {
  return createHash("sha256").update(stableStringify(device)).digest("hex");
}

function stableStringify(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(stableStringify).join(",")}]`;
  if (value && typeof value === "object") {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([k]) => !k.startsWith("@odata."))
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${stableStringify(v)}`).join(",")}}`;
  }
  return JSON.stringify(value ?? null);
}
