import { hash } from "node:crypto";
import { hardwareIdFromPhysicalIds, hasX509AlternativeSecurityId, thumbprintFromAlternativeSecurityIds } from "@/lib/graph/alternative-security-ids";
import type { GraphDevice } from "@/lib/graph/graph-schemas";
import { GRAPH_PROPERTY_COLUMNS, type DerivedColumn, type GraphPropertyColumn, type GraphPropertyValues } from "@/lib/db/directory-device-columns";
import { sortedStringify } from "./legacy-device-hash";

/**
 * The columns JoinScope derives from one Graph device object (everything but tenant and bookkeeping): the property
 * columns and the derived ones of lib/db/directory-device-columns.ts, whose types these are.
 */
export type DeviceColumns = { objectId: string } & GraphPropertyValues & {
    thumbprint: string | null;
    hardwareId: string | null;
    isPending: boolean;
    /** What Graph returned beyond the properties above (usually nothing): the columns hold the rest. */
    otherProperties: Record<string, unknown>;
    /** Of the columns above (hashDeviceColumns), so a full object and a merged delta entry hash alike. */
    rawHash: string;
  } & Record<DerivedColumn, unknown>;

const date = (v: string | null | undefined) => (v ? new Date(v) : null);

export function mapGraphDevice(device: GraphDevice): DeviceColumns {
  const columns = mapProperties(device, propertiesWithoutColumn(device));
  return withDerivedColumns(columns as DeviceColumns);
}

/**
 * The columns that come straight from Graph's properties (without the derived ones and the hash). Written out, not
 * looped over the column list: this runs for every object of every page; its type makes it name every property column.
 */
function mapProperties(
  device: GraphDevice,
  others: Record<string, unknown>,
): { objectId: string; otherProperties: Record<string, unknown> } & GraphPropertyValues {
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
    alternativeSecurityIds: device.alternativeSecurityIds ?? null,
    otherProperties: others,
  };
}

/**
 * Sets the columns derived from others (thumbprint, hardware id, pending) and the hash, in place. `carried`: the
 * properties a delta entry changed; the derived columns of the others are kept (decoding alternativeSecurityIds is
 * most of a delta entry's cost).
 */
function withDerivedColumns(c: DeviceColumns, carried: ReadonlySet<string> | null = null): DeviceColumns {
  const altIds = c.alternativeSecurityIds as GraphDevice["alternativeSecurityIds"];
  const altIdsChanged = !carried || carried.has("alternativeSecurityIds");
  if (altIdsChanged) c.thumbprint = thumbprintFromAlternativeSecurityIds(altIds);
  if (!carried || carried.has("physicalIds")) c.hardwareId = hardwareIdFromPhysicalIds(c.physicalIds);
  if (altIdsChanged || carried!.has("trustType") || carried!.has("registrationDateTime")) {
    // Microsoft's "pending" query: ServerAd, no X509 key, no registration time (how-to-hybrid-join-verify).
    c.isPending = c.trustType === "ServerAd" && !hasX509AlternativeSecurityId(altIds) && !c.registrationDateTime;
  }
  c.rawHash = hashDeviceColumns(c);
  return c;
}

/**
 * A delta entry merged into the object as JoinScope holds it (`base`, null when it holds none): Graph sends an
 * updated object's id and "at least the properties that have been updated", and leaves out properties never set
 * (https://learn.microsoft.com/graph/delta-query-overview), so a property the entry does not carry keeps its value;
 * one it carries as null is cleared. The derived columns and the hash are computed from the merged object.
 */
export function mergeDeltaEntry(base: DeviceColumns | null, entry: GraphDevice): DeviceColumns {
  const carried = mapProperties(entry, {});
  const merged = { ...(base ?? EMPTY_COLUMNS), objectId: entry.id } as DeviceColumns;
  const target = merged as unknown as Record<string, unknown>;
  const keys = new Set<string>();
  for (const key in entry) {
    if (key === "id" || key.startsWith("@")) continue;
    keys.add(key);
    const column = PROPERTY_COLUMN[key];
    if (column) target[column] = (carried as unknown as Record<string, unknown>)[column];
    else {
      if (merged.otherProperties === (base ?? EMPTY_COLUMNS).otherProperties) merged.otherProperties = { ...merged.otherProperties };
      merged.otherProperties[key] = (entry as Record<string, unknown>)[key];
    }
  }
  if (Object.keys(merged.otherProperties).length === 0) merged.otherProperties = NO_OTHER_PROPERTIES;
  // Into nothing: every derived column from the entry's properties.
  return withDerivedColumns(merged, base ? keys : null);
}

/** A Graph property's column, for the properties that have one (all of them map to the column of their name). */
const PROPERTY_COLUMN: Record<string, GraphPropertyColumn> = Object.fromEntries(GRAPH_PROPERTY_COLUMNS.map((p) => [p, p]));

/**
 * A stored row's columns as DeviceColumns: what a delta entry is merged into. A hash in the current format is the
 * hash of these columns (both sync paths write it with them); an earlier one is recomputed, with the derived columns.
 */
export function storedDeviceColumns(row: Omit<DeviceColumns, "rawHash">, storedHash: string | null): DeviceColumns {
  if (isColumnsHash(storedHash)) return { ...row, rawHash: storedHash! };
  return withDerivedColumns({ ...row, rawHash: "" });
}

/**
 * Every property JoinScope selects has a column of its own (DeviceColumns), and so has createdDateTime, which it
 * no longer selects (undocumented for devices) but keeps for rows stored before and objects that carry it.
 */
const COLUMN_PROPERTIES: ReadonlySet<string> = new Set(["id", ...GRAPH_PROPERTY_COLUMNS]);
const NO_OTHER_PROPERTIES: Record<string, unknown> = Object.freeze({}) as Record<string, unknown>;

/** What a delta entry for an object JoinScope does not hold is merged into: every property unset. */
const EMPTY_COLUMNS: DeviceColumns = Object.freeze({
  objectId: "",
  ...(Object.fromEntries(GRAPH_PROPERTY_COLUMNS.map((c) => [c, null])) as { [K in GraphPropertyColumn]: null }),
  thumbprint: null,
  hardwareId: null,
  isPending: false,
  otherProperties: NO_OTHER_PROPERTIES,
  rawHash: "",
}) as DeviceColumns;

function propertiesWithoutColumn(device: GraphDevice): Record<string, unknown> {
  let out = NO_OTHER_PROPERTIES;
  for (const key in device) {
    if (COLUMN_PROPERTIES.has(key)) continue;
    if (out === NO_OTHER_PROPERTIES) out = {};
    out[key] = (device as Record<string, unknown>)[key];
  }
  return out;
}

const ALT_ID_KEYS = new Set(["type", "identityProvider", "key"]);
const time = (d: Date | null) => (d ? d.getTime() : null);

/**
 * The rawHash of a device's columns: "c" + SHA-256 (base64url), 44 characters. Of the columns, not of Graph's JSON,
 * because a delta entry is merged into the stored columns (mergeDeltaEntry): a full object and the same object
 * built by deltas must hash alike, and PostgreSQL's jsonb does not keep a JSON column's key order, so
 * alternativeSecurityIds are hashed as tuples and properties without a column with sorted keys. The derived columns
 * (thumbprint, hardware id, pending) follow from the others and are left out. Hashes stored before were the JSON of
 * decision 007 (43 characters, jsonHashDevice) or older (64, legacy-device-hash.ts), told apart by their length.
 */
export function hashDeviceColumns(c: Omit<DeviceColumns, "rawHash">): string {
  // The hash's array is a stored format: written out in its order, which HASHED_COLUMNS (checked below) repeats.
  const altIds = c.alternativeSecurityIds as Record<string, unknown>[] | null;
  const alt = altIds?.map((a) => {
    const tuple: unknown[] = [a.type ?? null, a.identityProvider ?? null, a.key ?? null];
    let extra: Record<string, unknown> | null = null;
    for (const k in a) if (!ALT_ID_KEYS.has(k)) (extra ??= {})[k] = a[k];
    if (extra) tuple.push(sortedStringify(extra));
    return tuple;
  });
  let others: string | null = null;
  for (const _ in c.otherProperties) {
    others = sortedStringify(c.otherProperties);
    break;
  }
  const text = JSON.stringify([
    c.deviceId,
    c.displayName,
    c.accountEnabled,
    c.trustType,
    c.profileType,
    time(c.registrationDateTime),
    time(c.approximateLastSignInDateTime),
    time(c.createdDateTime),
    c.operatingSystem,
    c.operatingSystemVersion,
    c.isCompliant,
    c.isManaged,
    c.mdmAppId,
    c.onPremisesSyncEnabled,
    time(c.onPremisesLastSyncDateTime),
    c.physicalIds,
    alt ?? null,
    others,
  ]);
  return `c${hash("sha256", text, "base64url")}`;
}

export function isColumnsHash(rawHash: string | null): boolean {
  return rawHash !== null && rawHash.length === 44 && rawHash.startsWith("c");
}

/**
 * The rawHash format of decision 007, still on rows a sync has not rewritten since: SHA-256 (base64url, 43 characters) of the object's JSON, "@odata." annotations left out. `device` must come
 * from GraphDeviceSchema: zod builds its output with the schema's properties in the schema's order, so the same
 * object always gives the same JSON whatever order its properties arrived in, and JSON.stringify's native path
 * does the work (decision 007). Properties outside the schema (none with lib/graph's $select) keep Graph's order
 * in zod's output, so they are appended with their keys sorted instead. Hashes stored before were 64 hex
 * characters of a sorted-key JSON (legacy-device-hash.ts), recognised by their length. `others`: the device's
 * properties without a column, when the caller has them already (mapGraphDevice).
 */
export function jsonHashDevice(device: GraphDevice, others = propertiesWithoutColumn(device)): string {
  return hash("sha256", others === NO_OTHER_PROPERTIES ? JSON.stringify(device) : withOthersSorted(device, others), "base64url");
}

function withOthersSorted(device: GraphDevice, others: Record<string, unknown>): string {
  const columns: Record<string, unknown> = {};
  for (const key in device) if (COLUMN_PROPERTIES.has(key)) columns[key] = (device as Record<string, unknown>)[key];
  return JSON.stringify(columns) + sortedStringify(others);
}

/**
 * The property columns hashDeviceColumns hashes, in its array's order (then the properties without a column). Every
 * property column must be in it, or a change to that property alone would not be written: the type below fails to
 * compile when lib/db/directory-device-columns.ts gains a property column this list (and the hash) lacks. Adding
 * one changes every stored hash, so the next sync rewrites each row once.
 */
// eslint-disable-next-line @typescript-eslint/no-unused-vars -- read only by the compile-time check below
const HASHED_COLUMNS = [
  "deviceId",
  "displayName",
  "accountEnabled",
  "trustType",
  "profileType",
  "registrationDateTime",
  "approximateLastSignInDateTime",
  "createdDateTime",
  "operatingSystem",
  "operatingSystemVersion",
  "isCompliant",
  "isManaged",
  "mdmAppId",
  "onPremisesSyncEnabled",
  "onPremisesLastSyncDateTime",
  "physicalIds",
  "alternativeSecurityIds",
] as const satisfies readonly GraphPropertyColumn[];
type Unhashed = Exclude<GraphPropertyColumn, (typeof HASHED_COLUMNS)[number]>;
const everyPropertyColumnHashed: [Unhashed] extends [never] ? true : Unhashed = true;
void everyPropertyColumnHashed;
