import type { DeviceColumns } from "./map-graph-device";

/** The stored fields a sync page compares against when an object's raw hash changed. */
export interface StoredDeviceState {
  deletedAt: Date | null;
  thumbprint: string | null;
  accountEnabled: boolean | null;
  registrationDateTime: Date | null;
  trustType: string | null;
  onPremisesSyncEnabled: boolean | null;
  displayName: string | null;
}

export interface DeviceChange {
  kind: string;
  detail: Record<string, unknown>;
}

/**
 * What an admin wants to see on the timeline, most specific first. A change of none of the fields compared here is
 * a "changed" without detail, unless `undescribedChange` is false: a row whose stored hash predates the current
 * format may differ only in its hash (or in createdDateTime, which the sync no longer selects), which is no change.
 */
export function describeDeviceChanges(before: StoredDeviceState, after: DeviceColumns, options: { undescribedChange?: boolean } = {}): DeviceChange[] {
  const out: DeviceChange[] = [];
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
  if (Object.keys(fields).length || (out.length === 0 && options.undescribedChange !== false)) out.push({ kind: "changed", detail: fields });
  return out;
}

/** Graph may repeat an object within a page; the later entry wins, as Graph intends. */
export function dedupeByObjectId(devices: DeviceColumns[]): DeviceColumns[] {
  const byId = new Map<string, DeviceColumns>();
  for (const d of devices) byId.set(d.objectId, d);
  return [...byId.values()];
}
