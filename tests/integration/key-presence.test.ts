/**
 * storeKeyPresence: a full sync's BitLocker and LAPS presence written onto the tenant's directory rows, deleted ones
 * included. A list that could not be read (null) leaves its flag as it was; only rows whose flags change are written
 * (their updatedAt moves), and other tenants' rows are never touched. collectKeyPresence, which reads the lists from
 * Graph, has its unit tests in lib/sync/record-key-presence.test.ts.
 */
import { afterAll, describe, expect, it } from "vitest";
import { db } from "@/lib/db/client";
import { openSyncConnection } from "@/lib/sync/open-sync-connection";
import { storeKeyPresence, type KeyPresence } from "@/lib/sync/record-key-presence";
import { createTenant } from "@/lib/tenants/create-tenant";

const BEFORE = new Date("2026-11-01T00:00:00Z");
const NOW = new Date("2026-12-07T12:00:00Z");
const connection = openSyncConnection();
afterAll(() => connection.close());

let seq = 0;
async function newTenant(): Promise<string> {
  seq += 1;
  const created = await createTenant(db, { tenantId: `7d1c2b3a-0000-4000-8000-${String(seq).padStart(12, "0")}`, name: `Fabrikam ${seq}`, actor: "test" });
  if (!created.ok) throw new Error(created.error.message);
  return created.id;
}

interface Row {
  objectId: string;
  deviceId: string | null;
  hasBitlockerKeys: boolean | null;
  hasLapsPassword: boolean | null;
  deletedAt?: Date | null;
}

async function seed(tenantRef: string, rows: Row[]): Promise<void> {
  await db.directoryDevice.createMany({ data: rows.map((r) => ({ ...r, tenantRef, otherProperties: {}, updatedAt: BEFORE })) });
}

/** The tenant's rows by object id: the two flags, and whether the row was written (its updatedAt moved to NOW). */
async function flags(tenantRef: string) {
  const rows = await db.directoryDevice.findMany({ where: { tenantRef }, orderBy: { objectId: "asc" } });
  return Object.fromEntries(
    rows.map((r) => [r.objectId, { bitlocker: r.hasBitlockerKeys, laps: r.hasLapsPassword, written: r.updatedAt.getTime() === NOW.getTime() }]),
  );
}

const store = (tenantRef: string, presence: Omit<KeyPresence, "warnings">) =>
  storeKeyPresence(connection, { tenantRef, presence: { ...presence, warnings: [] }, now: NOW });

describe("storeKeyPresence", () => {
  it("sets each flag from its list (deleted rows included, a row without a device id has neither), writing only the rows that change", async () => {
    const tenantRef = await newTenant();
    await seed(tenantRef, [
      { objectId: "o1-both-new", deviceId: "d1", hasBitlockerKeys: null, hasLapsPassword: null },
      { objectId: "o2-both-gone", deviceId: "d2", hasBitlockerKeys: true, hasLapsPassword: true },
      { objectId: "o3-unchanged", deviceId: "d3", hasBitlockerKeys: true, hasLapsPassword: false },
      { objectId: "o4-no-device-id", deviceId: null, hasBitlockerKeys: null, hasLapsPassword: true },
      { objectId: "o5-deleted", deviceId: "d5", hasBitlockerKeys: false, hasLapsPassword: false, deletedAt: BEFORE },
      { objectId: "o6-laps-only-changes", deviceId: "d6", hasBitlockerKeys: false, hasLapsPassword: false },
    ]);
    await store(tenantRef, { bitlocker: new Set(["d1", "d3", "d5"]), laps: new Set(["d1", "d5", "d6"]) });
    expect(await flags(tenantRef)).toEqual({
      "o1-both-new": { bitlocker: true, laps: true, written: true },
      "o2-both-gone": { bitlocker: false, laps: false, written: true },
      "o3-unchanged": { bitlocker: true, laps: false, written: false },
      "o4-no-device-id": { bitlocker: false, laps: false, written: true },
      "o5-deleted": { bitlocker: true, laps: true, written: true },
      "o6-laps-only-changes": { bitlocker: false, laps: true, written: true },
    });
  });

  it.each([
    { unknown: "LAPS", presence: { bitlocker: new Set(["d1"]), laps: null } },
    { unknown: "BitLocker", presence: { bitlocker: null, laps: new Set(["d1"]) } },
  ])("leaves the flag of a list that could not be read ($unknown) as it was", async ({ unknown, presence }) => {
    const tenantRef = await newTenant();
    // o1 changes in the known list; o2 holds in the known list what it should and a stored flag in the unknown one.
    await seed(tenantRef, [
      { objectId: "o1", deviceId: "d1", hasBitlockerKeys: null, hasLapsPassword: null },
      { objectId: "o2", deviceId: "d2", hasBitlockerKeys: unknown === "BitLocker", hasLapsPassword: unknown === "LAPS" },
      // o3 changes in the known list and holds a flag in the unknown one, which its write must keep.
      { objectId: "o3", deviceId: "d1", hasBitlockerKeys: unknown === "BitLocker" ? true : null, hasLapsPassword: unknown === "LAPS" ? true : null },
    ]);
    await store(tenantRef, presence);
    const known = unknown === "LAPS" ? "bitlocker" : "laps";
    const other = unknown === "LAPS" ? "laps" : "bitlocker";
    const after = await flags(tenantRef);
    expect(after.o1).toEqual({ [known]: true, [other]: null, written: true });
    expect(after.o2).toEqual({ [known]: false, [other]: true, written: false });
    expect(after.o3).toEqual({ [known]: true, [other]: true, written: true });
  });

  it("with neither list known, writes nothing", async () => {
    const tenantRef = await newTenant();
    await seed(tenantRef, [{ objectId: "o1", deviceId: "d1", hasBitlockerKeys: true, hasLapsPassword: null }]);
    await store(tenantRef, { bitlocker: null, laps: null });
    expect(await flags(tenantRef)).toEqual({ o1: { bitlocker: true, laps: null, written: false } });
  });

  it("writes a tenant's rows only, and all of them past one statement's id list", async () => {
    const mine = await newTenant();
    const theirs = await newTenant();
    const ids = Array.from({ length: 501 }, (_, i) => `d${String(i).padStart(4, "0")}`);
    await seed(
      mine,
      ids.map((d) => ({ objectId: `o-${d}`, deviceId: d, hasBitlockerKeys: null, hasLapsPassword: null })),
    );
    await seed(theirs, [{ objectId: "o-d0000", deviceId: "d0000", hasBitlockerKeys: null, hasLapsPassword: null }]);
    await store(mine, { bitlocker: new Set(ids), laps: new Set() });
    const rows = Object.values(await flags(mine));
    expect(rows).toHaveLength(ids.length);
    expect(rows.every((r) => r.bitlocker === true && r.laps === false && r.written)).toBe(true);
    expect(await flags(theirs)).toEqual({ "o-d0000": { bitlocker: null, laps: null, written: false } });
  });
});
