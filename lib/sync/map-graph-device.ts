import { hash } from "node:crypto";
import {
  hardwareIdFromPhysicalIds,
  hasX509AlternativeSecurityId,
  thumbprintFromAlternativeSecurityIds,
} from "@/lib/graph/alternative-security-ids";
import { DEVICE_SELECT, type GraphDevice } from "@/lib/graph/graph-schemas";

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
    otherProperties: propertiesWithoutColumn(device),
    rawHash: hashDevice(device),
  };
}

/** Every property JoinScope selects has a column of its own (DeviceColumns). */
const COLUMN_PROPERTIES = new Set(DEVICE_SELECT.split(","));

function propertiesWithoutColumn(device: GraphDevice): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(device)) if (!COLUMN_PROPERTIES.has(key)) out[key] = (device as Record<string, unknown>)[key];
  return out;
}

/** Key-order-independent hash; @odata annotations excluded so the same object always hashes the same. */
export function hashDevice(device: Record<string, unknown>): string {
  return hash("sha256", stableStringify(device), "hex");
}

/**
 * JSON with object keys sorted (UTF-16 order) and "@odata." keys left out; undefined is written as null.
 * Hand-rolled loops rather than entries/filter/map/join: this runs for every device of every page, and the
 * string must stay exactly what it was, since stored rawHash values are compared with it. Graph's objects of a
 * page share their keys in the same order, so the sorted keys of the last object shape (with their JSON-quoted
 * form) are reused while an object's keys are the same strings in the same order.
 */
function stableStringify(value: unknown): string {
  if (value === null || value === undefined) return "null";
  switch (typeof value) {
    case "string":
      return JSON.stringify(value);
    case "boolean":
      return value ? "true" : "false";
    case "object":
      break;
    default:
      return JSON.stringify(value);
  }
  if (Array.isArray(value)) {
    let out = "[";
    for (let i = 0; i < value.length; i++) out += (i ? "," : "") + stableStringify(value[i]);
    return `${out}]`;
  }
  const record = value as Record<string, unknown>;
  const shape = sortedShape(Object.keys(record));
  let out = "{";
  for (let i = 0; i < shape.keys.length; i++) out += `${i ? "," : ""}${shape.quoted[i]}:${stableStringify(record[shape.keys[i]!])}`;
  return `${out}}`;
}

interface Shape {
  /** Object.keys order, as seen. */
  seen: string[];
  /** Sorted, "@odata." keys left out, and each one JSON-quoted. */
  keys: string[];
  quoted: string[];
}

/** A few recent shapes (a device, its alternativeSecurityIds entries): enough for Graph's uniform pages. */
const shapes: Shape[] = [];

function sortedShape(seen: string[]): Shape {
  for (const shape of shapes) if (sameKeys(shape.seen, seen)) return shape;
  const keys = seen.filter((k) => !k.startsWith("@odata.")).sort();
  const shape = { seen, keys, quoted: keys.map((k) => JSON.stringify(k)) };
  shapes.unshift(shape);
  if (shapes.length > 8) shapes.pop();
  return shape;
}

function sameKeys(a: string[], b: string[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}
