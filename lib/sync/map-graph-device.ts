import { hash } from "node:crypto";
import {
  hardwareIdFromPhysicalIds,
  hasX509AlternativeSecurityId,
  thumbprintFromAlternativeSecurityIds,
} from "@/lib/graph/alternative-security-ids";
import type { GraphDevice } from "@/lib/graph/graph-schemas";
import { DEVICE_SELECT_PROPERTIES } from "@/lib/graph/sync-requests";
import { sortedStringify } from "./legacy-device-hash";

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
  /** What Graph returned beyond the properties above (usually nothing): the columns hold the rest. */
  otherProperties: Record<string, unknown>;
  /** Of the whole object, as Graph returned it. */
  rawHash: string;
}

const date = (v: string | null | undefined) => (v ? new Date(v) : null);

export function mapGraphDevice(device: GraphDevice): DeviceColumns {
  const others = propertiesWithoutColumn(device);
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
    otherProperties: others,
    rawHash: hashDevice(device, others),
  };
}

/**
 * Every property JoinScope selects has a column of its own (DeviceColumns), and so has createdDateTime, which it
 * no longer selects (undocumented for devices) but keeps for rows stored before and objects that carry it.
 */
const COLUMN_PROPERTIES: ReadonlySet<string> = new Set([...DEVICE_SELECT_PROPERTIES, "createdDateTime"]);
const NO_OTHER_PROPERTIES: Record<string, unknown> = Object.freeze({}) as Record<string, unknown>;

function propertiesWithoutColumn(device: GraphDevice): Record<string, unknown> {
  let out = NO_OTHER_PROPERTIES;
  for (const key in device) {
    if (COLUMN_PROPERTIES.has(key)) continue;
    if (out === NO_OTHER_PROPERTIES) out = {};
    out[key] = (device as Record<string, unknown>)[key];
  }
  return out;
}

/**
 * SHA-256 (base64url, 43 characters) of the object's JSON, "@odata." annotations left out. `device` must come
 * from GraphDeviceSchema: zod builds its output with the schema's properties in the schema's order, so the same
 * object always gives the same JSON whatever order its properties arrived in, and JSON.stringify's native path
 * does the work (decision 007). Properties outside the schema (none with lib/graph's $select) keep Graph's order
 * in zod's output, so they are appended with their keys sorted instead. Hashes stored before were 64 hex
 * characters of a sorted-key JSON (legacy-device-hash.ts), recognised by their length. `others`: the device's
 * properties without a column, when the caller has them already (mapGraphDevice).
 */
export function hashDevice(device: GraphDevice, others = propertiesWithoutColumn(device)): string {
  return hash("sha256", others === NO_OTHER_PROPERTIES ? JSON.stringify(device) : withOthersSorted(device, others), "base64url");
}

function withOthersSorted(device: GraphDevice, others: Record<string, unknown>): string {
  const columns: Record<string, unknown> = {};
  for (const key in device) if (COLUMN_PROPERTIES.has(key)) columns[key] = (device as Record<string, unknown>)[key];
  return JSON.stringify(columns) + sortedStringify(others);
}
