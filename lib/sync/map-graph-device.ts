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

/**
 * JSON with object keys sorted (UTF-16 order) and "@odata." keys left out; undefined is written as null.
 * Hand-rolled loops rather than entries/filter/map/join: this runs for every device of every page, and the
 * string must stay exactly what it was, since stored rawHash values are compared with it.
 */
function stableStringify(value: unknown): string {
  if (value === null || value === undefined) return "null";
  if (typeof value !== "object") return JSON.stringify(value);
  if (Array.isArray(value)) {
    let out = "[";
    for (let i = 0; i < value.length; i++) out += (i ? "," : "") + stableStringify(value[i]);
    return `${out}]`;
  }
  const record = value as Record<string, unknown>;
  const keys = Object.keys(record).sort();
  let out = "{";
  let first = true;
  for (const key of keys) {
    if (key.startsWith("@odata.")) continue;
    out += `${first ? "" : ","}${JSON.stringify(key)}:${stableStringify(record[key])}`;
    first = false;
  }
  return `${out}}`;
}
