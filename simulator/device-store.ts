/**
 * One simulated tenant's directory: device objects with a change log, so `/devices/delta` can
 * answer "what changed since token N" and list paging can read a consistent snapshot.
 *
 * Device objects are never mutated in place: an update replaces the object. A snapshot is then
 * just an array of references, cheap to take even at 100,000 devices.
 */
import { randomUUID } from "node:crypto";
import type { BitlockerRecoveryKeyInfo, DeviceLocalCredentialInfo, GraphDevice } from "./types";

export type RemovedReason = "deleted" | "changed";

/**
 * One entry of a delta round, resolved into JSON only when its page is served, so an object that changes while
 * the round is paged shows its newer state (and is replayed in the next round, whose token predates the change).
 * `current`: the object as it is now, or its removal; `removed`: a removal the round replays before the object's
 * restore; `state`: an object's state before a removal in the same round.
 */
export type DeltaRef =
  { kind: "current"; id: string; full?: boolean } | { kind: "removed"; id: string; reason: RemovedReason } | { kind: "state"; id: string; device: GraphDevice };

export interface Snapshot {
  /** Store version the snapshot was taken at. */
  version: number;
  devices: readonly GraphDevice[];
}

const SNAPSHOT_CACHE = 16;

export class DeviceStore {
  readonly tenantId: string;
  readonly tenantName: string;
  /** Changes on every construction, so tokens from an earlier simulator run are "not found". */
  readonly epoch = randomUUID().slice(0, 8);
  bitlockerKeys: BitlockerRecoveryKeyInfo[];
  lapsCredentials: DeviceLocalCredentialInfo[];

  private devices = new Map<string, GraphDevice>();
  private deleted = new Map<string, GraphDevice>();
  private tombstones = new Map<string, { seq: number; reason: RemovedReason }>();
  private changeLog: Array<{ seq: number; id: string }> = [];
  /** When each object was last added or restored (0: present from the start). */
  private createdSeq = new Map<string, number>();
  /** When each property of each object last changed. */
  private propertySeq = new Map<string, Map<string, number>>();
  /** Each object's last removal, kept across a restore, with its state before it. */
  private lastRemoval = new Map<string, { seq: number; reason: RemovedReason; device: GraphDevice }>();
  private seq = 0;
  private snapshots = new Map<number, Snapshot>();

  constructor(init: {
    tenantId: string;
    tenantName: string;
    devices: readonly GraphDevice[];
    deletedDevices?: readonly GraphDevice[];
    bitlockerKeys?: readonly BitlockerRecoveryKeyInfo[];
    lapsCredentials?: readonly DeviceLocalCredentialInfo[];
  }) {
    this.tenantId = init.tenantId;
    this.tenantName = init.tenantName;
    for (const d of init.devices) this.devices.set(d.id, d);
    for (const d of init.deletedDevices ?? []) this.deleted.set(d.id, d);
    this.bitlockerKeys = [...(init.bitlockerKeys ?? [])];
    this.lapsCredentials = [...(init.lapsCredentials ?? [])];
  }

  /** Increases with every add, change or delete. */
  get version(): number {
    return this.seq;
  }

  get size(): number {
    return this.devices.size;
  }

  listDevices(): GraphDevice[] {
    return [...this.devices.values()];
  }

  getDevice(id: string): GraphDevice | undefined {
    return this.devices.get(id);
  }

  findByDeviceId(deviceId: string): GraphDevice | undefined {
    const wanted = deviceId.toLowerCase();
    for (const d of this.devices.values()) if (d.deviceId.toLowerCase() === wanted) return d;
    return undefined;
  }

  listDeletedDevices(): GraphDevice[] {
    return [...this.deleted.values()];
  }

  addDevice(device: GraphDevice): GraphDevice {
    if (this.devices.has(device.id)) throw new Error(`device ${device.id} already exists`);
    this.deleted.delete(device.id);
    this.tombstones.delete(device.id);
    this.devices.set(device.id, device);
    this.createdSeq.set(device.id, this.record(device.id));
    this.propertySeq.delete(device.id);
    return device;
  }

  /** Replaces the object with `{ ...old, ...patch }` (id cannot change). */
  updateDevice(id: string, patch: Partial<GraphDevice>): GraphDevice {
    const current = this.devices.get(id);
    if (!current) throw new Error(`device ${id} not found`);
    const next = { ...current, ...patch, id } as GraphDevice;
    this.devices.set(id, next);
    const seq = this.record(id);
    let props = this.propertySeq.get(id);
    if (!props) this.propertySeq.set(id, (props = new Map()));
    for (const key of Object.keys(patch)) {
      if (key !== "id" && JSON.stringify(current[key] ?? null) !== JSON.stringify(next[key] ?? null)) props.set(key, seq);
    }
    return next;
  }

  /**
   * Removes a device. `soft` keeps it in deleted items (delta reports `@removed: changed`);
   * otherwise it is gone for good (`@removed: deleted`), as hybrid objects are.
   */
  deleteDevice(id: string, options: { soft?: boolean; deletedDateTime?: string; removedReason?: string } = {}): void {
    const current = this.devices.get(id);
    if (!current) throw new Error(`device ${id} not found`);
    this.devices.delete(id);
    if (options.soft) {
      this.deleted.set(id, { ...current, deletedDateTime: options.deletedDateTime ?? new Date().toISOString().replace(/\.\d{3}Z$/, "Z") });
    }
    const seq = this.record(id);
    // removedReason: a reason Graph does not document yet, for tests of a client's tolerance.
    const reason = (options.removedReason ?? (options.soft ? "changed" : "deleted")) as RemovedReason;
    this.tombstones.set(id, { seq, reason });
    this.lastRemoval.set(id, { seq, reason, device: current });
  }

  /** Restores a soft-deleted device into the directory. */
  restoreDevice(id: string): GraphDevice {
    const d = this.deleted.get(id);
    if (!d) throw new Error(`deleted device ${id} not found`);
    this.deleted.delete(id);
    return this.addDevice({ ...d, deletedDateTime: null });
  }

  /** The devices as they are now; the same object is returned until the next change. */
  snapshot(): Snapshot {
    const existing = this.snapshots.get(this.seq);
    if (existing) {
      // Refresh LRU position.
      this.snapshots.delete(this.seq);
      this.snapshots.set(this.seq, existing);
      return existing;
    }
    const snap: Snapshot = { version: this.seq, devices: [...this.devices.values()] };
    this.snapshots.set(this.seq, snap);
    while (this.snapshots.size > SNAPSHOT_CACHE) {
      const oldest = this.snapshots.keys().next().value as number;
      this.snapshots.delete(oldest);
    }
    return snap;
  }

  /** A snapshot taken earlier, if still cached (paging sessions hold their version in the skiptoken). */
  snapshotAt(version: number): Snapshot | undefined {
    if (version === this.seq) return this.snapshot();
    return this.snapshots.get(version);
  }

  /** The ids of the objects changed after `version`, in the order of their last change. */
  changedIdsSince(version: number): string[] {
    const ids: string[] = [];
    const seen = new Set<string>();
    for (let i = this.changeLog.length - 1; i >= 0; i--) {
      const entry = this.changeLog[i]!;
      if (entry.seq <= version) break;
      if (seen.has(entry.id)) continue;
      seen.add(entry.id);
      ids.push(entry.id);
    }
    return ids.reverse();
  }

  /**
   * What a strict delta round since `version` may send for `id` before its current state: its removal, when it was
   * removed and restored since (Graph replays changes in order); its state, when it was created and removed since.
   */
  historySince(version: number, id: string): DeltaRef[] {
    const removal = this.lastRemoval.get(id);
    if (!removal || removal.seq <= version) return [];
    const created = this.createdSeq.get(id) ?? 0;
    if (this.devices.has(id)) return created > removal.seq ? [{ kind: "removed", id, reason: removal.reason }] : [];
    return created > version ? [{ kind: "state", id, device: removal.device }] : [];
  }

  /** Whether the object was added or restored after `version` (a delta round then sends all its properties). */
  createdSince(version: number, id: string): boolean {
    return (this.createdSeq.get(id) ?? 0) > version;
  }

  /** The object's properties changed after `version` (its whole set when it was created since). */
  changedPropertiesSince(version: number, id: string): string[] | "all" {
    if (this.createdSince(version, id)) return "all";
    const props = this.propertySeq.get(id);
    if (!props) return [];
    return [...props].filter(([, seq]) => seq > version).map(([key]) => key);
  }

  /** How the object left the directory, when it is not in it now. */
  removalOf(id: string): RemovedReason | null {
    return this.devices.has(id) ? null : (this.tombstones.get(id)?.reason ?? "deleted");
  }

  private record(id: string): number {
    this.seq += 1;
    this.changeLog.push({ seq: this.seq, id });
    return this.seq;
  }
}
