import "server-only";
import {
  encodeDate,
  encodeValue,
  inList,
  insertStatements,
  insertValueStatements,
  queryIn,
  readBool,
  readDate,
  readJson,
  type Dialect,
  type DirectDb,
  type Row,
  type Statement,
} from "@/lib/db/direct";
import { DIRECTORY_DEVICE_COLUMNS, STORED_DEVICE_COLUMNS, SYNC_WRITTEN_COLUMNS, quotedColumns } from "@/lib/db/directory-device-columns";
import { DIRECTORY_CHANGE_COLUMNS } from "@/lib/db/directory-change-columns";
import { preEncoded } from "@/lib/db/pre-encoded";
import { chunk } from "@/lib/db/in-list";
import type { GraphDevice } from "@/lib/graph/graph-schemas";
import { dedupeByObjectId, describeDeviceChanges, type StoredDeviceState } from "./describe-device-changes";
import { isLegacyHash, legacyHashDevice } from "./legacy-device-hash";
import { isColumnsHash, jsonHashDevice, mapGraphDevice, mergeDeltaEntry, storedDeviceColumns, type DeviceColumns } from "./map-graph-device";
import { timeOrderedId } from "@/lib/db/time-ordered-id";
import { ChangedColumnWrites } from "./changed-column-writes";
import { directoryStatements } from "@/lib/device-summary/summary-statements";
import { deviceSubjectKey, objectSubjectKey } from "@/lib/rules/subject-key";

export interface PageCounts {
  seen: number;
  added: number;
  changed: number;
  deleted: number;
  /** Registration ids (or object ids when no deviceId) whose findings must be re-evaluated. */
  touchedDeviceIds: string[];
}

export interface ApplyPageInput {
  tenantRef: string;
  devices: GraphDevice[];
  removed?: { id: string; reason: "changed" | "deleted" }[];
  /** full: unchanged objects get lastSeenAt = now, so objects missing at the end can be told apart. */
  mode: "full" | "delta";
  now: Date;
  syncRunRef: string;
  /**
   * The tenant's first full sync: every object is new to JoinScope, not newly created in Entra ID, so no "created"
   * change is recorded (it would date the object's creation to the sync). The timeline shows when each object was
   * first seen (firstSeenAt) and registered (registrationDateTime) from the object itself. Its pages also leave the
   * device summaries alone: the run builds them all once its pages are in (every summary is new; written in name order
   * at the end instead of in Graph's order page by page, the summaries' indexes cost a quarter; decision 012).
   */
  baseline?: boolean;
}

export interface DevicePageWrite {
  /** The page's writes, to run in one transaction together with the run's resume point (run-sync.ts). */
  statements: Statement[];
  counts: PageCounts;
}

/** The columns of deviceValues' arrays, in their order: every column but key presence (record-key-presence.ts). */
const DEVICE_INSERT_COLUMNS = SYNC_WRITTEN_COLUMNS;
/** Their kinds, for PostgreSQL's array-per-column insert (lib/db/direct.ts). */
const DEVICE_INSERT_TYPES = DEVICE_INSERT_COLUMNS.map((c) => DIRECTORY_DEVICE_COLUMNS[c]);

/** A new object is inserted; a changed or restored one keeps its id, firstSeenAt and key presence. */
const UPSERT = {
  target: ["tenantRef", "objectId"],
  update: DEVICE_INSERT_COLUMNS.filter((c) => !["id", "tenantRef", "objectId", "firstSeenAt"].includes(c)),
} as const;

/** Timeline rows carry the page's time already encoded. */
const CHANGE_INSERT_COLUMNS = preEncoded(DIRECTORY_CHANGE_COLUMNS, ["at"]);

interface StoredDevice extends StoredDeviceState {
  id: string;
  objectId: string;
  deviceId: string | null;
  rawHash: string | null;
}

/**
 * One Graph page as SQL for the direct path (lib/db/direct.ts): new and changed objects (by raw hash) as one
 * multi-row upsert, removals as soft deletes, a DirectoryChange per change for the device timeline, and in
 * full mode one lastSeenAt update for the unchanged ones. Reads the page's stored rows; writes nothing itself.
 * Only the sync lease holder writes a tenant's devices, so the rows read here are still current when the
 * caller's transaction runs (and the upsert would absorb a concurrent insert anyway).
 */
export async function planDevicePage(direct: DirectDb, input: ApplyPageInput, mapped = mapDevicePage(input.devices)): Promise<DevicePageWrite> {
  const { tenantRef, now, syncRunRef } = input;
  const dialect = direct.dialect;
  const removed = input.removed ?? [];
  const nowEncoded = encodeDate(dialect, now);
  const existing = await readStoredDevices(direct, tenantRef, [...mapped.map((d) => d.objectId), ...removed.map((r) => r.id)]);

  const upserts: unknown[][] = [];
  const changes: Record<string, unknown>[] = [];
  const unchanged: string[] = [];
  /** Unchanged objects whose stored hash is in an earlier format: [current hash, row id]. */
  const rehashed: [string, string][] = [];
  let sources: Map<string, GraphDevice> | null = null;
  const touched = new Set<string>();
  const summaries = new SummaryScope();
  let added = 0;
  let changed = 0;
  const change = (objectId: string, deviceId: string | null, kind: string, detail: Record<string, unknown>) =>
    changes.push({ id: timeOrderedId(), tenantRef, objectId, deviceId, kind, at: nowEncoded, syncRunRef, detail });

  for (const d of mapped) {
    const before = existing.get(d.objectId);
    if (before && !before.deletedAt && before.rawHash !== null && before.rawHash !== d.rawHash && !isColumnsHash(before.rawHash)) {
      // A hash in an earlier format (before decision 007, or its JSON hash): unchanged if it is the hash of what
      // Graph sent now in that format, and the row then gets the current hash.
      sources ??= new Map(input.devices.map((g) => [g.id, g]));
      const source = sources.get(d.objectId)!;
      if (before.rawHash === (isLegacyHash(before.rawHash) ? legacyHashDevice(source) : jsonHashDevice(source))) {
        rehashed.push([d.rawHash, before.id]);
        before.rawHash = d.rawHash;
      }
    }
    if (before && before.rawHash === d.rawHash && !before.deletedAt) {
      unchanged.push(before.id);
      continue;
    }
    upserts.push(deviceValues(dialect, d, tenantRef, nowEncoded));
    touched.add(d.deviceId ?? d.objectId);
    summaries.add(d.objectId, d.deviceId, before ? before.deviceId : d.deviceId);
    if (!before) {
      added++;
      if (!input.baseline)
        change(d.objectId, d.deviceId, "created", { trustType: d.trustType, registrationDateTime: d.registrationDateTime?.toISOString() ?? null });
      continue;
    }
    changed++;
    const earlierFormat = before.rawHash !== null && !isColumnsHash(before.rawHash);
    for (const c of describeDeviceChanges(before, d, { undescribedChange: !earlierFormat })) change(d.objectId, d.deviceId, c.kind, c.detail);
    if (before.deviceId && before.deviceId !== d.deviceId) touched.add(before.deviceId);
  }

  const deletedIds = new Map<"changed" | "deleted", string[]>([
    ["changed", []],
    ["deleted", []],
  ]);
  for (const r of removed) {
    const before = existing.get(r.id);
    if (!before || before.deletedAt) continue;
    deletedIds.get(r.reason)!.push(before.id);
    change(r.id, before.deviceId, "deleted", { reason: r.reason, displayName: before.displayName });
    touched.add(before.deviceId ?? r.id);
    summaries.add(r.id, before.deviceId, before.deviceId);
  }

  const statements = [
    ...insertValueStatements(dialect, "DirectoryDevice", DEVICE_INSERT_COLUMNS, upserts, UPSERT, DEVICE_INSERT_TYPES),
    ...insertStatements(dialect, "DirectoryChange", CHANGE_INSERT_COLUMNS, changes, undefined, DIRECTORY_CHANGE_COLUMNS),
  ];
  for (const [reason, ids] of deletedIds) {
    for (const part of chunk(ids)) {
      statements.push({
        sql: `UPDATE "DirectoryDevice" SET "deletedAt" = ?, "deletedReason" = ?, "updatedAt" = ? WHERE ${inList("id", part.length)}`,
        params: [now, reason, now, ...part],
      });
    }
  }
  if (input.mode === "full") {
    // updatedAt too, as Prisma's updateMany did: it is the row's last write.
    for (const part of chunk(unchanged)) {
      statements.push({
        sql: `UPDATE "DirectoryDevice" SET "lastSeenAt" = ?, "updatedAt" = ? WHERE ${inList("id", part.length)}`,
        params: [now, now, ...part],
      });
    }
  }
  if (rehashed.length) statements.push({ sql: `UPDATE "DirectoryDevice" SET "rawHash" = ? WHERE "id" = ?`, params: [], eachRow: rehashed });
  if (!input.baseline) statements.push(...directoryStatements(dialect, tenantRef, summaries));
  const deleted = deletedIds.get("changed")!.length + deletedIds.get("deleted")!.length;
  return { statements, counts: { seen: mapped.length, added, changed, deleted, touchedDeviceIds: [...touched] } };
}

/** A delta entry as the sync hands it over: an object (partial) or a removal, in the order Graph sent them. */
export type DeltaPageEntry = { kind: "object"; device: GraphDevice } | { kind: "removed"; id: string; reason: "changed" | "deleted" };

export interface DeltaPageInput {
  tenantRef: string;
  entries: DeltaPageEntry[];
  now: Date;
  syncRunRef: string;
}

/** An object's state while a delta page's entries are applied to it in order. */
interface DeltaState {
  columns: DeviceColumns | null;
  deleted: { at: Date; reason: string } | null;
}

/**
 * One delta page as SQL: its entries applied in order to the objects as stored, the last one winning per object
 * (Graph may send an object more than once in a round, and replays changes: a removal, then the restore), each
 * object entry merged into what JoinScope holds (mergeDeltaEntry: a property the entry leaves out keeps its value),
 * then each object's end state against its stored row: a new row, an upsert of a changed or restored one, a soft
 * delete. Objects whose end state equals their row are not written. Timeline rows as planDevicePage writes them.
 */
export async function planDeltaPage(direct: DirectDb, input: DeltaPageInput): Promise<DevicePageWrite> {
  const { tenantRef, now, syncRunRef } = input;
  const dialect = direct.dialect;
  const nowEncoded = encodeDate(dialect, now);
  const ids = [...new Set(input.entries.map((e) => (e.kind === "object" ? e.device.id : e.id)))];
  const stored = await readStoredRows(direct, tenantRef, ids);

  const states = new Map<string, DeltaState>();
  const stateOf = (id: string): DeltaState => {
    let state = states.get(id);
    if (!state) {
      const row = stored.get(id);
      state = { columns: row?.columns ?? null, deleted: row?.deleted ?? null };
      states.set(id, state);
    }
    return state;
  };
  let seen = 0;
  for (const entry of input.entries) {
    if (entry.kind === "removed") {
      const state = stateOf(entry.id);
      if (state.columns && !state.deleted) state.deleted = { at: now, reason: entry.reason };
      continue;
    }
    seen++;
    const state = stateOf(entry.device.id);
    // An object that is deleted at this point and comes back whole (with deviceId and displayName, which every device
    // has) is a new object as Graph sends one: its set properties, without the unset ones, so it replaces the stored
    // row rather than being merged into it (a property cleared before the removal would come back). Graph does not
    // document what a restore sends; one that carries less is merged, so a partial entry never erases a property.
    const whole = "deviceId" in entry.device && "displayName" in entry.device;
    state.columns = mergeDeltaEntry(state.deleted && whole ? null : state.columns, entry.device);
    state.deleted = null;
  }

  const upserts: unknown[][] = [];
  const changes: Record<string, unknown>[] = [];
  const deletions: [Date, string, string][] = [];
  const touched = new Set<string>();
  const summaries = new SummaryScope();
  const columnWrites = dialect === "sqlite" ? new ChangedColumnWrites(tenantRef) : null;
  let added = 0;
  let changed = 0;
  let deleted = 0;
  const change = (objectId: string, deviceId: string | null, kind: string, detail: Record<string, unknown>) =>
    changes.push({ id: timeOrderedId(), tenantRef, objectId, deviceId, kind, at: nowEncoded, syncRunRef, detail });

  for (const [objectId, end] of states) {
    const row = stored.get(objectId);
    if (!end.columns) continue; // a removal of an object JoinScope never held
    const d = end.columns;
    if (!row) {
      summaries.add(objectId, d.deviceId, d.deviceId);
      // New to JoinScope: created, or created and removed within the round (kept, deleted, for its history).
      upserts.push(deviceValues(dialect, d, tenantRef, nowEncoded, end.deleted));
      touched.add(d.deviceId ?? objectId);
      change(objectId, d.deviceId, "created", { trustType: d.trustType, registrationDateTime: d.registrationDateTime?.toISOString() ?? null });
      if (end.deleted) change(objectId, d.deviceId, "deleted", { reason: end.deleted.reason, displayName: d.displayName });
      else added++;
      continue;
    }
    const before = row.columns;
    const columnsChanged = d.rawHash !== before.rawHash;
    const wasAlive = !row.deleted;
    const isAlive = !end.deleted;
    if (!columnsChanged && wasAlive === isAlive) continue;
    touched.add(d.deviceId ?? objectId);
    if (before.deviceId && before.deviceId !== d.deviceId) touched.add(before.deviceId);
    if (isAlive) {
      changed++;
      const values = deviceValues(dialect, d, tenantRef, nowEncoded);
      // SQLite, alive before and after: an UPDATE of the columns that changed, and its summary's copies of them when
      // that is all its summary takes from them (decision 043).
      if (columnWrites && wasAlive) {
        if (!columnWrites.add(objectId, row.id, deviceValues(dialect, before, tenantRef, nowEncoded), values))
          summaries.add(objectId, d.deviceId, before.deviceId);
      } else {
        upserts.push(values);
        summaries.add(objectId, d.deviceId, before.deviceId);
      }
      const state = { ...before, deletedAt: row.deleted?.at ?? null };
      for (const c of describeDeviceChanges(state, d)) change(objectId, d.deviceId, c.kind, c.detail);
      continue;
    }
    summaries.add(objectId, d.deviceId, before.deviceId);
    if (wasAlive) {
      deleted++;
      if (columnsChanged) {
        for (const c of describeDeviceChanges({ ...before, deletedAt: null }, d)) change(objectId, d.deviceId, c.kind, c.detail);
      }
      change(objectId, d.deviceId, "deleted", { reason: end.deleted!.reason, displayName: before.displayName });
    }
    if (columnsChanged) upserts.push(deviceValues(dialect, d, tenantRef, nowEncoded, end.deleted));
    else deletions.push([end.deleted!.at, end.deleted!.reason, row.id]);
  }

  const statements = [
    ...insertValueStatements(dialect, "DirectoryDevice", DEVICE_INSERT_COLUMNS, upserts, UPSERT, DEVICE_INSERT_TYPES),
    ...insertStatements(dialect, "DirectoryChange", CHANGE_INSERT_COLUMNS, changes, undefined, DIRECTORY_CHANGE_COLUMNS),
  ];
  if (columnWrites) statements.push(...columnWrites.statements());
  for (const [at, reason, id] of deletions) {
    statements.push({
      sql: `UPDATE "DirectoryDevice" SET "deletedAt" = ?, "deletedReason" = ?, "updatedAt" = ? WHERE "id" = ?`,
      params: [at, reason, now, id],
    });
  }
  statements.push(...directoryStatements(dialect, tenantRef, summaries));
  return { statements, counts: { seen, added, changed, deleted, touchedDeviceIds: [...touched] } };
}

/**
 * The objects a page writes, for their summaries (lib/device-summary): by registration id (now and before, so the
 * other objects and the report-only row of that id follow) or, without one, by object id.
 */
export class SummaryScope {
  readonly deviceIds = new Set<string>();
  readonly objectIds = new Set<string>();
  readonly previousSubjectKeys = new Set<string>();

  add(objectId: string, deviceId: string | null, previousDeviceId: string | null): void {
    if (deviceId) this.deviceIds.add(deviceId);
    else this.objectIds.add(objectId);
    if (previousDeviceId && previousDeviceId !== deviceId) {
      this.deviceIds.add(previousDeviceId);
      this.previousSubjectKeys.add(deviceSubjectKey(previousDeviceId));
    }
    if (!previousDeviceId && deviceId) this.previousSubjectKeys.add(objectSubjectKey(objectId));
  }
}

/** The stored rows of a delta page's objects, whole: what its entries are merged into. */
async function readStoredRows(
  direct: DirectDb,
  tenantRef: string,
  objectIds: string[],
): Promise<Map<string, { id: string; columns: DeviceColumns; deleted: { at: Date; reason: string } | null }>> {
  const out = new Map<string, { id: string; columns: DeviceColumns; deleted: { at: Date; reason: string } | null }>();
  const rows = await queryIn(
    direct,
    `SELECT "id", ${quotedColumns(STORED_DEVICE_COLUMNS)}, "rawHash", "deletedAt", "deletedReason" FROM "DirectoryDevice" WHERE "tenantRef" = ? AND {in}`,
    "objectId",
    objectIds,
    [tenantRef],
  );
  for (const r of rows) {
    const deletedAt = readDate(r.deletedAt);
    out.set(r.objectId as string, {
      id: r.id as string,
      deleted: deletedAt ? { at: deletedAt, reason: (r.deletedReason as string | null) ?? "deleted" } : null,
      columns: storedDeviceColumns(readStoredColumns(r), (r.rawHash as string | null) ?? null),
    });
  }
  return out;
}

/** A row's STORED_DEVICE_COLUMNS, each read as its kind says (delta pages only: a full page never reads them back). */
function readStoredColumns(r: Row): Omit<DeviceColumns, "rawHash"> {
  const out: Record<string, unknown> = {};
  for (const c of STORED_DEVICE_COLUMNS) {
    const v = r[c];
    switch (DIRECTORY_DEVICE_COLUMNS[c]) {
      case "bool":
        out[c] = readBool(v);
        break;
      case "datetime":
        out[c] = readDate(v);
        break;
      case "json":
        out[c] = readJson(v);
        break;
      default:
        out[c] = (v as string | null) ?? null;
    }
  }
  out.isPending = out.isPending ?? false;
  out.otherProperties = out.otherProperties ?? {};
  return out as Omit<DeviceColumns, "rawHash">;
}

/** Plans and commits one page in its own transaction, outside a sync run (e2e/seed.ts seeds a directory this way). */
export async function writeDevicePage(direct: DirectDb, input: ApplyPageInput): Promise<PageCounts> {
  const { statements, counts } = await planDevicePage(direct, input);
  await direct.batch(statements);
  return counts;
}

/** The database-independent part of a page (mapping and hashing), which a caller can do ahead of time. */
export function mapDevicePage(devices: GraphDevice[]): DeviceColumns[] {
  return dedupeByObjectId(devices.map(mapGraphDevice));
}

async function readStoredDevices(direct: DirectDb, tenantRef: string, objectIds: string[]): Promise<Map<string, StoredDevice>> {
  const out = new Map<string, StoredDevice>();
  const rows = await queryIn(
    direct,
    `SELECT "id", "objectId", "deviceId", "rawHash", "deletedAt", "thumbprint", "accountEnabled", "registrationDateTime", "trustType", "onPremisesSyncEnabled", "displayName"
     FROM "DirectoryDevice" WHERE "tenantRef" = ? AND {in}`,
    "objectId",
    objectIds,
    [tenantRef],
  );
  for (const r of rows) {
    out.set(r.objectId as string, {
      id: r.id as string,
      objectId: r.objectId as string,
      deviceId: (r.deviceId as string | null) ?? null,
      rawHash: (r.rawHash as string | null) ?? null,
      deletedAt: readDate(r.deletedAt),
      thumbprint: (r.thumbprint as string | null) ?? null,
      accountEnabled: readBool(r.accountEnabled),
      registrationDateTime: readDate(r.registrationDateTime),
      trustType: (r.trustType as string | null) ?? null,
      onPremisesSyncEnabled: readBool(r.onPremisesSyncEnabled),
      displayName: (r.displayName as string | null) ?? null,
    });
  }
  return out;
}

/**
 * One object's row for DEVICE_INSERT_COLUMNS (SYNC_WRITTEN_COLUMNS), in their order, encoded for the dialect (built
 * directly: this runs for every object of every page). `now`: the page's time, already encoded. Exported for
 * write-device-page.test.ts, which checks each value against its column's name.
 */
export function deviceValues(
  dialect: Dialect,
  d: DeviceColumns,
  tenantRef: string,
  now: string,
  deleted: { at: Date; reason: string } | null = null,
): unknown[] {
  return [
    timeOrderedId(),
    tenantRef,
    d.objectId,
    d.deviceId,
    d.displayName,
    encodeValue(dialect, "bool", d.accountEnabled),
    d.trustType,
    d.profileType,
    encodeValue(dialect, "datetime", d.registrationDateTime),
    encodeValue(dialect, "datetime", d.approximateLastSignInDateTime),
    encodeValue(dialect, "datetime", d.createdDateTime),
    d.operatingSystem,
    d.operatingSystemVersion,
    encodeValue(dialect, "bool", d.isCompliant),
    encodeValue(dialect, "bool", d.isManaged),
    d.mdmAppId,
    encodeValue(dialect, "bool", d.onPremisesSyncEnabled),
    encodeValue(dialect, "datetime", d.onPremisesLastSyncDateTime),
    encodeValue(dialect, "json", d.physicalIds),
    encodeValue(dialect, "json", d.alternativeSecurityIds),
    d.thumbprint,
    d.hardwareId,
    encodeValue(dialect, "bool", d.isPending),
    deleted ? encodeDate(dialect, deleted.at) : null, // deletedAt
    deleted?.reason ?? null, // deletedReason
    now, // firstSeenAt
    now, // lastSeenAt
    encodeValue(dialect, "json", d.otherProperties),
    d.rawHash,
    now, // updatedAt
  ];
}
