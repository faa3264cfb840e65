import "server-only";
import type { Db, Prisma } from "@/lib/db/client";
import { mapGraphDevice, type DeviceColumns } from "./map-graph-device";
import { chunk } from "@/lib/db/in-list";
import { dedupeByObjectId, describeDeviceChanges } from "./describe-device-changes";
import type { ApplyPageInput, PageCounts } from "./write-device-page";

type Tx = Parameters<Parameters<Db["$transaction"]>[0]>[0];

export type { ApplyPageInput, PageCounts };

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
 * The Prisma path, for a caller that writes a page inside its own Prisma transaction (e2e/seed.ts). The sync
 * itself writes pages through the direct SQL path (write-device-page.ts), which is 40× cheaper per page
 * (docs/decisions/004-prisma-write-cost.md); both share the change detection (describe-device-changes.ts).
 *
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
    for (const c of describeDeviceChanges(before, d)) changes.push(change(tenantRef, d, c.kind, now, syncRunRef, c.detail));
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
