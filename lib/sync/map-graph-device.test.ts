import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import { createSimTenant } from "@/lib/simulator/create-sim-tenant";
import { hashDevice } from "./map-graph-device";

/** The canonical form rawHash was first computed with: stored hashes must keep matching it. */
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
const referenceHash = (d: Record<string, unknown>) => createHash("sha256").update(referenceStringify(d)).digest("hex");

describe("hashDevice", () => {
  it("hashes generated Graph devices exactly as stored hashes were computed", () => {
    // The simulator's devices imitate Graph's /devices objects: every trust type, nulls, arrays of objects.
    const { tenant } = createSimTenant({ seed: 5, deviceCount: 300, includeReports: false, now: new Date("2026-01-01T00:00:00Z") });
    for (const d of tenant.devices) expect(hashDevice(d as unknown as Record<string, unknown>)).toBe(referenceHash(d as unknown as Record<string, unknown>));
  });

  it("ignores key order and @odata annotations, writes undefined as null, keeps unicode keys in UTF-16 order", () => {
    const a = { id: "x", "@odata.type": "#microsoft.graph.device", b: [1, { z: null, y: undefined }], Ä: "ü", a: true, 'a"q': 1.5 };
    const b = { 'a"q': 1.5, a: true, Ä: "ü", b: [1, { y: null, z: null }], id: "x" };
    expect(hashDevice(a)).toBe(referenceHash(a));
    expect(hashDevice(a)).toBe(hashDevice(b));
    expect(hashDevice({ id: "x", list: [undefined, null] })).toBe(referenceHash({ id: "x", list: [undefined, null] }));
  });

  it("matches the reference for objects of many shapes, one after another (shapes are cached)", () => {
    const objects: Record<string, unknown>[] = [];
    for (let i = 0; i < 40; i++) {
      const keys = ["id", "b", "a", `k${i % 11}`, "@odata.etag", "z"].slice(0, 3 + (i % 4));
      const o: Record<string, unknown> = {};
      for (const k of i % 2 ? keys : [...keys].reverse()) o[k] = k === "z" ? [{ y: i, x: null }, { x: true }] : `${k}-${i}`;
      objects.push(o);
    }
    for (const o of [...objects, ...objects.reverse()]) expect(hashDevice(o)).toBe(referenceHash(o));
  });
});

