import "server-only";
import { DIRECTORY_OBJECT_COLUMNS, quotedColumns, type DirectoryObjectColumn } from "@/lib/db/directory-device-columns";
import { queryIn, readBool, readIsoTimestamp, readJson, type DirectDb, type Row } from "@/lib/db/direct";
import { extraThumbprintsFromAlternativeSecurityIds, hasX509AlternativeSecurityId, type AlternativeSecurityId } from "@/lib/graph/alternative-security-ids";
import type { DirectoryObject } from "@/lib/rules/device-subject";
import { shortName } from "@/lib/rules/join-rules/directory-evidence";

/** Which objects a pass reads: every one of the tenant's, or those touching these registration ids, object ids and host names. */
export type ObjectScope = "all" | { deviceIds?: string[]; objectIds?: string[]; hostnames?: string[] };

/**
 * On SQLite the columns come packed in one JSON array per row: better-sqlite3 builds an object of every column per
 * row, which costs more than building the array and parsing it (bench/RESULTS.md, "Figures behind choices in the code"). PostgreSQL rows come as
 * they are (json_build_array would turn timestamps into zone-less text).
 */
const deviceSelect = (dialect: DirectDb["dialect"]) =>
  dialect === "sqlite"
    ? `SELECT json_array(${quotedColumns(DIRECTORY_OBJECT_COLUMNS)}) AS "packed" FROM "DirectoryDevice"`
    : `SELECT ${quotedColumns(DIRECTORY_OBJECT_COLUMNS)} FROM "DirectoryDevice"`;

/**
 * The whole tenant's objects (a full pass). PostgreSQL: rows as arrays, timestamps as their text (queryArrays): no
 * object and no Date per row and column, which a 100,000-object read made by the hundred thousand (decision 026).
 */
async function readAllDirectoryObjects(direct: DirectDb, tenantRef: string): Promise<DirectoryObject[]> {
  const sql = `${deviceSelect(direct.dialect)} WHERE "tenantRef" = ?`;
  if (direct.dialect === "sqlite") return (await direct.query(sql, [tenantRef])).map(directoryObjectFromResult);
  return (await direct.queryArrays(sql, [tenantRef])).map(directoryObjectFromValues);
}

/**
 * Phase 1 of loading subjects: the directory objects in scope, plus every object sharing a machine identity with them
 * (duplicates: the same hardware id, or the same short name).
 */
export async function readDirectoryObjects(direct: DirectDb, tenantRef: string, scope: ObjectScope): Promise<DirectoryObject[]> {
  if (scope === "all") return readAllDirectoryObjects(direct, tenantRef);
  const deviceIds = [...new Set(scope.deviceIds ?? [])];
  const objectIds = [...new Set(scope.objectIds ?? [])];
  const hostnames = (scope.hostnames ?? []).map(shortName);
  const where = `${deviceSelect(direct.dialect)} WHERE "tenantRef" = ? AND {in}`;
  const direct0 = [
    ...(await queryIn(direct, where, "deviceId", deviceIds, [tenantRef])),
    ...(await queryIn(direct, where, "objectId", objectIds, [tenantRef])),
  ].map(directoryObjectFromResult);
  const hw = [...new Set(direct0.map((d) => d.hardwareId).filter((v): v is string => !!v))];
  // Names compare as shortName does (the full pass's grouping and isSameMachine): first DNS label, any case.
  const names = [...new Set([...direct0.map((d) => shortName(d.displayName)), ...hostnames].filter((v): v is string => !!v))];
  const related = [
    ...(await queryIn(direct, where, "hardwareId", hw, [tenantRef])),
    ...(await queryIn(direct, where, { expression: shortNameSql(direct.dialect) }, names, [tenantRef])),
  ].map(directoryObjectFromResult);
  const byObject = new Map<string, DirectoryObject>();
  for (const d of [...direct0, ...related]) byObject.set(d.objectId, d);
  return [...byObject.values()];
}

/**
 * shortName(displayName) in SQL: trimmed, up to the first dot, trimmed, lower-case. The index on this expression
 * (migration 20261129180000_directory_short_name_index) serves it only while the text is the same as there.
 */
function shortNameSql(dialect: DirectDb["dialect"]): string {
  const name = `TRIM("displayName")`;
  return dialect === "sqlite"
    ? `LOWER(TRIM(CASE WHEN INSTR(${name}, '.') > 0 THEN SUBSTR(${name}, 1, INSTR(${name}, '.') - 1) ELSE ${name} END))`
    : `LOWER(TRIM(SPLIT_PART(${name}, '.', 1)))`;
}

function directoryObjectFromResult(row: Row): DirectoryObject {
  return typeof row.packed === "string" ? directoryObjectFromValues(JSON.parse(row.packed) as unknown[]) : directoryObjectFromRow(row);
}

const str = (value: unknown) => (value === null || value === undefined ? null : (value as string));

const COLUMN = Object.fromEntries(DIRECTORY_OBJECT_COLUMNS.map((c, i) => [c, i])) as Record<DirectoryObjectColumn, number>;

/** hasX509, and every thumbprint only for an object with several X509 keys (most have one: nothing extra to decode). */
function x509Facts(ids: AlternativeSecurityId[] | null): Pick<DirectoryObject, "hasX509" | "thumbprints"> {
  const thumbprints = extraThumbprintsFromAlternativeSecurityIds(ids);
  return thumbprints ? { hasX509: true, thumbprints } : { hasX509: hasX509AlternativeSecurityId(ids ?? []) };
}

/** The rules' view of a DirectoryDevice row read through the driver (the same mapping as toDirectoryObject). */
export function directoryObjectFromRow(row: Row): DirectoryObject {
  return directoryObjectFromValues(DIRECTORY_OBJECT_COLUMNS.map((c) => row[c]));
}

/**
 * The same, from the row's values in DIRECTORY_OBJECT_COLUMNS order: a Date, SQLite's stored text or PostgreSQL's
 * timestamp text for each time (readIsoTimestamp).
 */
function directoryObjectFromValues(v: readonly unknown[]): DirectoryObject {
  return {
    objectId: v[COLUMN.objectId] as string,
    deviceId: str(v[COLUMN.deviceId]),
    displayName: str(v[COLUMN.displayName]),
    accountEnabled: readBool(v[COLUMN.accountEnabled]),
    trustType: str(v[COLUMN.trustType]),
    profileType: str(v[COLUMN.profileType]),
    registrationDateTime: readIsoTimestamp(v[COLUMN.registrationDateTime]),
    approximateLastSignInDateTime: readIsoTimestamp(v[COLUMN.approximateLastSignInDateTime]),
    operatingSystem: str(v[COLUMN.operatingSystem]),
    operatingSystemVersion: str(v[COLUMN.operatingSystemVersion]),
    onPremisesSyncEnabled: readBool(v[COLUMN.onPremisesSyncEnabled]),
    onPremisesLastSyncDateTime: readIsoTimestamp(v[COLUMN.onPremisesLastSyncDateTime]),
    physicalIds: readJson<string[]>(v[COLUMN.physicalIds]),
    thumbprint: str(v[COLUMN.thumbprint]),
    ...x509Facts(readJson<AlternativeSecurityId[]>(v[COLUMN.alternativeSecurityIds])),
    hardwareId: str(v[COLUMN.hardwareId]),
    isPending: readBool(v[COLUMN.isPending]) ?? false,
    hasBitlockerKeys: readBool(v[COLUMN.hasBitlockerKeys]),
    hasLapsPassword: readBool(v[COLUMN.hasLapsPassword]),
    deletedAt: readIsoTimestamp(v[COLUMN.deletedAt]),
    deletedReason: str(v[COLUMN.deletedReason]),
    isManaged: readBool(v[COLUMN.isManaged]),
    isCompliant: readBool(v[COLUMN.isCompliant]),
    mdmAppId: str(v[COLUMN.mdmAppId]),
  };
}
