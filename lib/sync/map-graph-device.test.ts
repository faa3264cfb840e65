import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import { DIRECTORY_DEVICE_COLUMNS, GRAPH_PROPERTY_COLUMNS } from "@/lib/db/directory-device-columns";
import { GraphDeviceSchema } from "@/lib/graph/graph-schemas";
import { createSimTenant } from "@/simulator/create-sim-tenant";
import { isLegacyHash, legacyHashDevice } from "./legacy-device-hash";
import { hashDeviceColumns, isColumnsHash, jsonHashDevice as hashDevice, mapGraphDevice, mergeDeltaEntry, storedDeviceColumns } from "./map-graph-device";

/** The canonical form rawHash was computed with before decision 007: stored hashes of that time must keep matching it. */
function referenceStringify(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(referenceStringify).join(",")}]`;
  if (value && typeof value === "object") {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([k]) => !k.startsWith("@odata."))
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${referenceStringify(v)}`).join(",")}}`;
  }
  return JSON.stringify(value ?? null);
}
const referenceHash = (d: object) => createHash("sha256").update(referenceStringify(d)).digest("hex");
const simDevices = () => createSimTenant({ seed: 5, deviceCount: 300, includeReports: false, now: new Date("2026-01-01T00:00:00Z") }).tenant.devices;
const reversed = (o: object) => Object.fromEntries(Object.entries(o).reverse());

describe("jsonHashDevice (decision 007's rawHash)", () => {
  it("gives the same hash for the same Graph object whatever order its properties arrived in", () => {
    for (const d of simDevices()) {
      const a = GraphDeviceSchema.parse(d);
      const b = GraphDeviceSchema.parse({ ...reversed(d), alternativeSecurityIds: d.alternativeSecurityIds?.map(reversed) });
      expect(hashDevice(b)).toBe(hashDevice(a));
      expect(hashDevice(a)).toMatch(/^[A-Za-z0-9_-]{43}$/);
      expect(isLegacyHash(hashDevice(a))).toBe(false);
    }
  });

  it("leaves out @odata annotations and changes with any value, including properties without a column", () => {
    const base = GraphDeviceSchema.parse({ id: "x", displayName: "PC1", accountEnabled: true, extensionAttributes: { a: 1 } });
    expect(hashDevice(GraphDeviceSchema.parse({ "@odata.type": "#microsoft.graph.device", ...base }))).toBe(hashDevice(base));
    expect(hashDevice(GraphDeviceSchema.parse({ ...base, accountEnabled: false }))).not.toBe(hashDevice(base));
    expect(hashDevice(GraphDeviceSchema.parse({ ...base, extensionAttributes: { a: 2 } }))).not.toBe(hashDevice(base));
    expect(mapGraphDevice(base).otherProperties).toEqual({ extensionAttributes: { a: 1 } });
    expect(mapGraphDevice(GraphDeviceSchema.parse({ id: "y" })).otherProperties).toEqual({});
  });
});

describe("legacyHashDevice", () => {
  it("hashes generated Graph devices exactly as hashes stored before decision 007 were computed", () => {
    for (const d of simDevices()) {
      expect(legacyHashDevice(d)).toBe(referenceHash(d));
      expect(legacyHashDevice(GraphDeviceSchema.parse(d))).toBe(referenceHash(d));
      expect(isLegacyHash(legacyHashDevice(d))).toBe(true);
    }
  });

  it("ignores key order and @odata annotations, writes undefined as null, keeps unicode keys in UTF-16 order", () => {
    const a = { id: "x", "@odata.type": "#microsoft.graph.device", b: [1, { z: null, y: undefined }], Ä: "ü", a: true, 'a"q': 1.5 };
    const b = { 'a"q': 1.5, a: true, Ä: "ü", b: [1, { y: null, z: null }], id: "x" };
    expect(legacyHashDevice(a)).toBe(referenceHash(a));
    expect(legacyHashDevice(a)).toBe(legacyHashDevice(b));
    expect(legacyHashDevice({ id: "x", list: [undefined, null] })).toBe(referenceHash({ id: "x", list: [undefined, null] }));
  });
});

describe("mergeDeltaEntry and the columns hash", () => {
  const full = () => GraphDeviceSchema.parse(simDevices().find((d) => d.alternativeSecurityIds?.length && d.registrationDateTime && d.physicalIds?.length)!);

  it("keeps every property a delta entry leaves out, takes the ones it carries, nulls included", () => {
    const base = mapGraphDevice(full());
    const renamed = mergeDeltaEntry(base, GraphDeviceSchema.parse({ id: base.objectId, displayName: "PC-NEW" }));
    expect(renamed).toEqual({ ...base, displayName: "PC-NEW", rawHash: expect.any(String) });
    expect(renamed.rawHash).not.toBe(base.rawHash);
    const cleared = mergeDeltaEntry(base, GraphDeviceSchema.parse({ id: base.objectId, registrationDateTime: null, alternativeSecurityIds: [] }));
    expect(cleared).toMatchObject({ registrationDateTime: null, thumbprint: null, deviceId: base.deviceId, trustType: base.trustType });
    // An entry that carries nothing (Graph's replay of an id) changes nothing.
    expect(mergeDeltaEntry(base, GraphDeviceSchema.parse({ id: base.objectId })).rawHash).toBe(base.rawHash);
  });

  it("hashes the same object alike whether it came whole, was built by deltas, or was read back from a row", () => {
    const g = full();
    const whole = mapGraphDevice(g);
    const { displayName, trustType, ...rest } = g;
    const built = mergeDeltaEntry(mergeDeltaEntry(null, GraphDeviceSchema.parse(rest)), GraphDeviceSchema.parse({ id: g.id, displayName, trustType }));
    expect(built.rawHash).toBe(whole.rawHash);
    // As PostgreSQL's jsonb gives the JSON columns back: keys reordered.
    const { rawHash: _h, ...row } = whole;
    const readBack = storedDeviceColumns(
      { ...row, alternativeSecurityIds: whole.alternativeSecurityIds!.map((a) => reversed(a as object)), otherProperties: reversed(whole.otherProperties) },
      "an earlier hash",
    );
    expect(readBack.rawHash).toBe(whole.rawHash);
    expect(isColumnsHash(whole.rawHash)).toBe(true);
    expect(isLegacyHash(whole.rawHash)).toBe(false);
    expect(hashDeviceColumns({ ...row, accountEnabled: !row.accountEnabled })).not.toBe(whole.rawHash);
  });
});

describe("hashDeviceColumns covers every property column", () => {
  it("changes when any one Graph property column changes (lib/db/directory-device-columns.ts)", () => {
    const base = mapGraphDevice(GraphDeviceSchema.parse(simDevices()[0]));
    const changedValue = (kind: string, value: unknown): unknown => {
      if (kind === "datetime") return new Date((value instanceof Date ? value.getTime() : 0) + 60_000);
      if (kind === "bool") return value === true ? false : true;
      if (kind === "json") return [...((value as unknown[] | null) ?? []), "[OrderId]:changed"];
      return `${String(value)}-changed`;
    };
    for (const column of GRAPH_PROPERTY_COLUMNS) {
      const changed = { ...base, [column]: changedValue(DIRECTORY_DEVICE_COLUMNS[column], base[column]) };
      expect(hashDeviceColumns(changed), column).not.toBe(hashDeviceColumns(base));
    }
  });
});
