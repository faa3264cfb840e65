import "server-only";
import type { Db, Prisma } from "@/lib/db/client";
import type { GraphDevice } from "@/lib/graph/graph-schemas";
import { mapGraphDevice, type DeviceColumns } from "./map-graph-device";
import { chunk } from "@/lib/db/in-list";

type Tx = Parameters<Parameters<Db["$transaction"]>[0]>[0];

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
}

const EXISTING_SELECT = {
  id: true,
  objectId: true,
  deviceId: true,
  rawHash: true,
  deletedAt: true,
  thumbprint: true,
  accountEnabled: true,
  registrationDateTime: true,
  trustType: true,
  onPremisesSyncEnabled: true,
  displayName: true,
} as const;

type Existing = Prisma.DirectoryDeviceGetPayload<{ select: typeof EXISTING_SELECT }>;

/**
 * Writes one Graph page inside the caller's transaction: new objects with createMany, changed ones
 * (by raw hash) one by one, removals as soft-deleted rows, and a DirectoryChange per change for the
 * device timeline. Unchanged objects cost one batched lastSeenAt update in full mode, nothing in delta.
 */
export async function applyDevicePage(tx: Tx, input: ApplyPageInput): Promise<PageCounts> {
  const { tenantRef, now, syncRunRef } = input;
  const mapped = dedupeByObjectId(input.devices.map(mapGraphDevice));
  const removed = input.removed ?? [];
  const ids = [...mapped.map((d) => d.objectId), ...removed.map((r) => r.id)];
  const existingRows: Existing[] = [];
  for (const part of chunk(ids)) {
    existingRows.push(...(await tx.directoryDevice.findMany({ where: { tenantRef, objectId: { in: part } }, select: EXISTING_SELECT })));
  }
  const existing = new Map(existingRows.map((r) => [r.objectId, r]));

  const creates: Prisma.DirectoryDeviceCreateManyInput[] = [];
  const changes: Prisma.DirectoryChangeCreateManyInput[] = [];
  const unchanged: string[] = [];
  const touched = new Set<string>();
  let changed = 0;

  for (const d of mapped) {
    const before = existing.get(d.objectId);
    if (!before) {
      creates.push({ ...columns(d), tenantRef, firstSeenAt: now, lastSeenAt: now });
      changes.push(change(tenantRef, d, "created", now, syncRunRef, { trustType: d.trustType, registrationDateTime: d.registrationDateTime?.toISOString() ?? null }));
      touched.add(d.deviceId ?? d.objectId);
      continue;
    }
    if (before.rawHash === d.rawHash && !before.deletedAt) {
      unchanged.push(d.objectId);
      continue;
    }
    changed++;
    await tx.directoryDevice.update({
      where: { id: before.id },
      data: { ...columns(d), lastSeenAt: now, deletedAt: null, deletedReason: null },
    });
    for (const c of describeChanges(before, d)) changes.push(change(tenantRef, d, c.kind, now, syncRunRef, c.detail));
    touched.add(d.deviceId ?? d.objectId);
    if (before.deviceId && before.deviceId !== d.deviceId) touched.add(before.deviceId);
  }

  let deleted = 0;
  for (const r of removed) {
    const before = existing.get(r.id);
    if (!before || before.deletedAt) continue;
    deleted++;
    await tx.directoryDevice.update({ where: { id: before.id }, data: { deletedAt: now, deletedReason: r.reason } });
    changes.push({
      tenantRef,
      objectId: r.id,
      deviceId: before.deviceId,
      kind: "deleted",
      at: now,
      syncRunRef,
      detail: { reason: r.reason, displayName: before.displayName },
    });
    touched.add(before.deviceId ?? r.id);
  }

  // Smaller statements keep Prisma's per-call argument tree (and the process's peak memory) small.
  for (let i = 0; i < creates.length; i += CREATE_BATCH) await tx.directoryDevice.createMany({ data: creates.slice(i, i + CREATE_BATCH) });
  for (let i = 0; i < changes.length; i += CREATE_BATCH) await tx.directoryChange.createMany({ data: changes.slice(i, i + CREATE_BATCH) });
  if (input.mode === "full") {
    for (const part of chunk(unchanged)) {
      await tx.directoryDevice.updateMany({ where: { tenantRef, objectId: { in: part } }, data: { lastSeenAt: now } });
    }
  }
  return { seen: mapped.length, added: creates.length, changed, deleted, touchedDeviceIds: [...touched] };
}

const CREATE_BATCH = 200;

function dedupeByObjectId(devices: DeviceColumns[]): DeviceColumns[] {
  const byId = new Map<string, DeviceColumns>();
  for (const d of devices) byId.set(d.objectId, d); // the later entry of a page wins, as Graph intends
  return [...byId.values()];
}

function columns(d: DeviceColumns) {
  return {
    objectId: d.objectId,
    deviceId: d.deviceId,
    displayName: d.displayName,
    accountEnabled: d.accountEnabled,
    trustType: d.trustType,
    profileType: d.profileType,
    registrationDateTime: d.registrationDateTime,
    approximateLastSignInDateTime: d.approximateLastSignInDateTime,
    createdDateTime: d.createdDateTime,
    operatingSystem: d.operatingSystem,
    operatingSystemVersion: d.operatingSystemVersion,
    isCompliant: d.isCompliant,
    isManaged: d.isManaged,
    mdmAppId: d.mdmAppId,
    onPremisesSyncEnabled: d.onPremisesSyncEnabled,
    onPremisesLastSyncDateTime: d.onPremisesLastSyncDateTime,
    physicalIds: (d.physicalIds ?? undefined) as Prisma.InputJsonValue | undefined,
    alternativeSecurityIds: (d.alternativeSecurityIds ?? undefined) as Prisma.InputJsonValue | undefined,
    thumbprint: d.thumbprint,
    hardwareId: d.hardwareId,
    isPending: d.isPending,
    raw: d.raw as Prisma.InputJsonValue,
    rawHash: d.rawHash,
  };
}

function change(
  tenantRef: string,
  d: DeviceColumns,
  kind: string,
  at: Date,
  syncRunRef: string,
  detail: Record<string, unknown>,
): Prisma.DirectoryChangeCreateManyInput {
  return { tenantRef, objectId: d.objectId, deviceId: d.deviceId, kind, at, syncRunRef, detail: detail as Prisma.InputJsonValue };
}

/** What an admin wants to see on the timeline, most specific first. */
function describeChanges(before: Existing, after: DeviceColumns): { kind: string; detail: Record<string, unknown> }[] {
  const out: { kind: string; detail: Record<string, unknown> }[] = [];
  if (before.deletedAt) out.push({ kind: "restored", detail: { deletedAt: before.deletedAt.toISOString() } });
  if (before.thumbprint !== after.thumbprint) {
    out.push({
      kind: after.thumbprint ? (before.thumbprint ? "cert-rotated" : "cert-added") : "cert-removed",
      detail: { from: before.thumbprint, to: after.thumbprint },
    });
  }
  if (before.accountEnabled !== after.accountEnabled && after.accountEnabled !== null) {
    out.push({ kind: after.accountEnabled ? "enabled" : "disabled", detail: {} });
  }
  const fields: Record<string, { from: unknown; to: unknown }> = {};
  const compare = (name: string, a: unknown, b: unknown) => {
    if (a !== b) fields[name] = { from: a, to: b };
  };
  compare("registrationDateTime", before.registrationDateTime?.toISOString() ?? null, after.registrationDateTime?.toISOString() ?? null);
  compare("trustType", before.trustType, after.trustType);
  compare("onPremisesSyncEnabled", before.onPremisesSyncEnabled, after.onPremisesSyncEnabled);
  compare("displayName", before.displayName, after.displayName);
  if (Object.keys(fields).length || out.length === 0) out.push({ kind: "changed", detail: fields });
  return out;
}
