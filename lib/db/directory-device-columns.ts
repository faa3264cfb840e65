/**
 * The DirectoryDevice row, defined once: every column, how the direct path (lib/db/direct.ts) encodes it, and where
 * its value comes from. The Graph `$select` (lib/graph/sync-requests.ts), the Graph → row mapping and its hash
 * (lib/sync/map-graph-device.ts), the sync page writer (lib/sync/write-device-page.ts), the findings loader
 * (lib/findings/load-subject-context.ts), the Graph → DirectoryObject adapter and the device page's query derive their
 * column lists and types from here, so a new Graph property is one edit here (plus its migration) that the compiler
 * then walks through the rest. Type-only imports: lib/graph and the simulator may import this module.
 */
import type { Prisma } from "@/lib/db/client";
import type { ColumnKind } from "@/lib/db/direct";

/**
 * Where a column's value comes from:
 * - `key`: the row's own id and tenant; `objectId` is Graph's `id`.
 * - `property`: the Graph device property of the same name, which the sync selects.
 * - `unselected-property`: a Graph property of the same name that the sync no longer selects (kept for the rows and
 *   objects that carry it).
 * - `derived`: computed from the properties (lib/sync/map-graph-device.ts).
 * - `key-presence`: BitLocker / LAPS presence, written by lib/sync/record-key-presence.ts only.
 * - `lifecycle`: the sync's bookkeeping (first and last seen, soft deletion, the row's last write).
 * - `others`: the properties Graph returned without a column of their own, and the hash of the columns.
 */
export type DirectoryDeviceColumnSource = "key" | "property" | "unselected-property" | "derived" | "key-presence" | "lifecycle" | "others";

interface ColumnDefinition {
  kind: ColumnKind;
  source: DirectoryDeviceColumnSource;
}

/** Every column, in the schema's order (prisma/schema.base.prisma, model DirectoryDevice). */
export const DIRECTORY_DEVICE_COLUMN_DEFINITIONS = {
  id: { kind: "text", source: "key" },
  tenantRef: { kind: "text", source: "key" },
  objectId: { kind: "text", source: "key" },
  deviceId: { kind: "text", source: "property" },
  displayName: { kind: "text", source: "property" },
  accountEnabled: { kind: "bool", source: "property" },
  trustType: { kind: "text", source: "property" },
  profileType: { kind: "text", source: "property" },
  registrationDateTime: { kind: "datetime", source: "property" },
  approximateLastSignInDateTime: { kind: "datetime", source: "property" },
  createdDateTime: { kind: "datetime", source: "unselected-property" },
  operatingSystem: { kind: "text", source: "property" },
  operatingSystemVersion: { kind: "text", source: "property" },
  isCompliant: { kind: "bool", source: "property" },
  isManaged: { kind: "bool", source: "property" },
  mdmAppId: { kind: "text", source: "property" },
  onPremisesSyncEnabled: { kind: "bool", source: "property" },
  onPremisesLastSyncDateTime: { kind: "datetime", source: "property" },
  physicalIds: { kind: "json", source: "property" },
  alternativeSecurityIds: { kind: "json", source: "property" },
  thumbprint: { kind: "text", source: "derived" },
  hardwareId: { kind: "text", source: "derived" },
  isPending: { kind: "bool", source: "derived" },
  hasBitlockerKeys: { kind: "bool", source: "key-presence" },
  hasLapsPassword: { kind: "bool", source: "key-presence" },
  deletedAt: { kind: "datetime", source: "lifecycle" },
  deletedReason: { kind: "text", source: "lifecycle" },
  firstSeenAt: { kind: "datetime", source: "lifecycle" },
  lastSeenAt: { kind: "datetime", source: "lifecycle" },
  otherProperties: { kind: "json", source: "others" },
  rawHash: { kind: "text", source: "others" },
  updatedAt: { kind: "datetime", source: "lifecycle" },
} as const satisfies Record<Prisma.DirectoryDeviceScalarFieldEnum, ColumnDefinition>;

type Definitions = typeof DIRECTORY_DEVICE_COLUMN_DEFINITIONS;
export type DirectoryDeviceColumn = keyof Definitions;
type ColumnsFrom<S extends DirectoryDeviceColumnSource> = {
  [K in DirectoryDeviceColumn]: Definitions[K]["source"] extends S ? K : never;
}[DirectoryDeviceColumn];

/** The Graph properties that have a column of their name (selected or not). */
export type GraphPropertyColumn = ColumnsFrom<"property" | "unselected-property">;
/** The columns computed from the properties. */
export type DerivedColumn = ColumnsFrom<"derived">;

/** Every column and its kind, for insertStatements. */
export const DIRECTORY_DEVICE_COLUMNS = Object.fromEntries(Object.entries(DIRECTORY_DEVICE_COLUMN_DEFINITIONS).map(([name, d]) => [name, d.kind])) as {
  readonly [K in DirectoryDeviceColumn]: Definitions[K]["kind"];
};

const columnsFrom = <S extends DirectoryDeviceColumnSource>(...sources: S[]): ColumnsFrom<S>[] =>
  (Object.keys(DIRECTORY_DEVICE_COLUMN_DEFINITIONS) as DirectoryDeviceColumn[]).filter((c) =>
    (sources as DirectoryDeviceColumnSource[]).includes(DIRECTORY_DEVICE_COLUMN_DEFINITIONS[c].source),
  ) as ColumnsFrom<S>[];

/** The Graph properties with a column of their own name, in column order. */
export const GRAPH_PROPERTY_COLUMNS: readonly GraphPropertyColumn[] = columnsFrom("property", "unselected-property");

/** The device properties the sync asks Graph for: `id` (the objectId column) and every selected property column. */
export const GRAPH_SELECTED_PROPERTIES: readonly string[] = ["id", ...columnsFrom("property")];

/** The columns a sync writes, in column order: all but key presence (lib/sync/record-key-presence.ts writes those). */
export const SYNC_WRITTEN_COLUMNS = (Object.keys(DIRECTORY_DEVICE_COLUMN_DEFINITIONS) as DirectoryDeviceColumn[]).filter(
  (c) => DIRECTORY_DEVICE_COLUMN_DEFINITIONS[c].source !== "key-presence",
) as Exclude<DirectoryDeviceColumn, ColumnsFrom<"key-presence">>[];

/** The columns a stored object is merged from (a delta entry into its row): the mapped columns, without the bookkeeping. */
export const STORED_DEVICE_COLUMNS = [
  "objectId",
  ...GRAPH_PROPERTY_COLUMNS,
  ...columnsFrom("derived"),
  "otherProperties",
] as const satisfies readonly DirectoryDeviceColumn[];

/**
 * The columns the rules read (DirectoryObject in lib/rules/device-subject.ts), nothing else: otherProperties and the
 * hashes would only be carried. The order is the findings loader's packed-row order.
 */
export const DIRECTORY_OBJECT_COLUMNS = [
  "objectId",
  "deviceId",
  "displayName",
  "accountEnabled",
  "trustType",
  "profileType",
  "registrationDateTime",
  "approximateLastSignInDateTime",
  "operatingSystem",
  "operatingSystemVersion",
  "onPremisesSyncEnabled",
  "onPremisesLastSyncDateTime",
  "physicalIds",
  "alternativeSecurityIds",
  "thumbprint",
  "hardwareId",
  "isPending",
  "hasBitlockerKeys",
  "hasLapsPassword",
  "deletedAt",
  "deletedReason",
  "isManaged",
  "isCompliant",
  "mdmAppId",
] as const satisfies readonly DirectoryDeviceColumn[];
export type DirectoryObjectColumn = (typeof DIRECTORY_OBJECT_COLUMNS)[number];

/** The columns the device page lists for each of a subject's objects (lib/queries/find-device-detail.ts). */
export const DEVICE_PAGE_OBJECT_COLUMNS = [
  "objectId",
  "deviceId",
  "displayName",
  "trustType",
  "accountEnabled",
  "registrationDateTime",
  "firstSeenAt",
  "approximateLastSignInDateTime",
  "thumbprint",
  "isPending",
  "hasBitlockerKeys",
  "hasLapsPassword",
  "deletedAt",
  "deletedReason",
  "onPremisesSyncEnabled",
  "operatingSystem",
  "operatingSystemVersion",
] as const satisfies readonly DirectoryDeviceColumn[];

/** A Prisma `select` of the given columns. */
export function selectColumns<C extends DirectoryDeviceColumn>(columns: readonly C[]): { [K in C]: true } {
  return Object.fromEntries(columns.map((c) => [c, true])) as { [K in C]: true };
}

/** The `"a", "b", …` list of the given columns, for SQL. */
export function quotedColumns(columns: readonly string[]): string {
  return columns.map((c) => `"${c}"`).join(", ");
}

/** The value a column of each kind holds once read (json: whatever the JSON was). */
interface KindValue {
  text: string | null;
  int: number | null;
  bool: boolean | null;
  datetime: Date | null;
  json: unknown;
}

/** The Graph property columns as values: what mapGraphDevice makes of a device's properties. */
export type GraphPropertyValues = { [K in GraphPropertyColumn]: KindValue[Definitions[K]["kind"]] } & {
  physicalIds: string[] | null;
  alternativeSecurityIds: unknown[] | null;
};
