import { describe, expect, it } from "vitest";
import { SYNC_WRITTEN_COLUMNS } from "@/lib/db/directory-device-columns";
import { copiedColumnStatements, SUMMARY_COPIED_COLUMNS } from "@/lib/device-summary/summary-statements";
import { ChangedColumnWrites } from "./changed-column-writes";

const TENANT = "tenant-ref-1";
const at = (column: string) => SYNC_WRITTEN_COLUMNS.indexOf(column as (typeof SYNC_WRITTEN_COLUMNS)[number]);

/** A stored row as deviceValues encodes it (SYNC_WRITTEN_COLUMNS' order): each column's value names the column. */
function row(objectId: string, changes: Record<string, unknown> = {}): unknown[] {
  const values: unknown[] = SYNC_WRITTEN_COLUMNS.map((c) => `${objectId}:${c}`);
  for (const [column, value] of Object.entries(changes)) values[at(column)] = value;
  return values;
}

const deviceUpdate = (columns: string[], rows: unknown[][]) => ({
  sql: `UPDATE "DirectoryDevice" SET ${[...columns, "lastSeenAt", "updatedAt"].map((c) => `"${c}" = ?`).join(", ")} WHERE "id" = ?`,
  params: [],
  eachRow: rows,
});

describe("ChangedColumnWrites", () => {
  it("writes only the columns that changed, with the bookkeeping, and copies an OS version into the summary", () => {
    const writes = new ChangedColumnWrites(TENANT);
    const after = row("o1", { operatingSystemVersion: "10.0.26100.2314", lastSeenAt: 1_733_560_000_000, updatedAt: 1_733_560_000_001 });
    expect(writes.add("o1", "row-1", row("o1"), after)).toBe(true);
    expect(writes.statements()).toEqual([
      deviceUpdate(["operatingSystemVersion"], [["10.0.26100.2314", 1_733_560_000_000, 1_733_560_000_001, "row-1"]]),
      ...copiedColumnStatements(TENANT, [{ objectId: "o1", changed: ["operatingSystemVersion"], copied: { operatingSystemVersion: "10.0.26100.2314" } }]),
    ]);
  });

  it("never compares the row's key, first sighting, deletion or bookkeeping", () => {
    const writes = new ChangedColumnWrites(TENANT);
    const before = row("o1");
    const after = row("o1", { id: "x", tenantRef: "x", objectId: "x", firstSeenAt: 1, deletedAt: 2, deletedReason: "deleted", lastSeenAt: 3, updatedAt: 4 });
    expect(writes.add("o1", "row-1", before, after)).toBe(true);
    expect(writes.statements()).toEqual([deviceUpdate([], [[3, 4, "row-1"]])]);
  });

  it("groups objects whose changed columns are the same into one statement", () => {
    const writes = new ChangedColumnWrites(TENANT);
    expect(writes.add("o1", "row-1", row("o1"), row("o1", { thumbprint: "A1" }))).toBe(true);
    expect(writes.add("o2", "row-2", row("o2"), row("o2", { hardwareId: "H2" }))).toBe(true);
    expect(writes.add("o3", "row-3", row("o3"), row("o3", { thumbprint: "A3" }))).toBe(true);
    expect(writes.statements()).toEqual([
      deviceUpdate(
        ["thumbprint"],
        [
          ["A1", "o1:lastSeenAt", "o1:updatedAt", "row-1"],
          ["A3", "o3:lastSeenAt", "o3:updatedAt", "row-3"],
        ],
      ),
      deviceUpdate(["hardwareId"], [["H2", "o2:lastSeenAt", "o2:updatedAt", "row-2"]]),
    ]);
  });

  it("leaves the summary to be computed again when a column it decides more from changed (enabled, pending, the registration id)", () => {
    for (const column of ["accountEnabled", "isPending", "deviceId", "onPremisesLastSyncDateTime"]) {
      const writes = new ChangedColumnWrites(TENANT);
      expect(writes.add("o1", "row-1", row("o1"), row("o1", { [column]: "new", trustType: "AzureAd" })), column).toBe(false);
      const statements = writes.statements();
      expect(statements, column).toHaveLength(1);
      expect(statements[0]!.sql, column).toContain(`"${column}" = ?`);
    }
  });

  it("writes no summary for a change of a column the summary does not read", () => {
    for (const column of ["profileType", "registrationDateTime", "isCompliant", "isManaged", "mdmAppId", "physicalIds", "alternativeSecurityIds", "rawHash"]) {
      const writes = new ChangedColumnWrites(TENANT);
      expect(writes.add("o1", "row-1", row("o1"), row("o1", { [column]: "new" })), column).toBe(true);
      expect(writes.statements(), column).toHaveLength(1);
    }
  });

  it("writes a new name into the summary, with the copied columns, when nothing else changed", () => {
    const writes = new ChangedColumnWrites(TENANT);
    expect(writes.add("o1", "row-1", row("o1"), row("o1", { displayName: "LAPTOP-RENAMED" }))).toBe(true);
    expect(writes.statements().slice(1)).toEqual(
      copiedColumnStatements(TENANT, [
        { objectId: "o1", displayName: "LAPTOP-RENAMED", changed: [], copied: Object.fromEntries(SUMMARY_COPIED_COLUMNS.map((c) => [c, `o1:${c}`])) },
      ]),
    );
    expect(writes.statements()[0]).toEqual(deviceUpdate(["displayName"], [["LAPTOP-RENAMED", "o1:lastSeenAt", "o1:updatedAt", "row-1"]]));
  });

  it("writes every copied column with a new name, and each copied column that changed alone without one", () => {
    const writes = new ChangedColumnWrites(TENANT);
    expect(writes.add("o1", "row-1", row("o1"), row("o1", { displayName: "LAPTOP-RENAMED", trustType: "AzureAd" }))).toBe(true);
    expect(writes.add("o2", "row-2", row("o2"), row("o2", { trustType: "AzureAd", operatingSystem: "Windows" }))).toBe(true);
    const copiedOf = (id: string, over: Record<string, unknown>) => Object.fromEntries(SUMMARY_COPIED_COLUMNS.map((c) => [c, over[c] ?? `${id}:${c}`]));
    expect(writes.statements().slice(2)).toEqual(
      copiedColumnStatements(TENANT, [
        { objectId: "o1", displayName: "LAPTOP-RENAMED", changed: ["trustType"], copied: copiedOf("o1", { trustType: "AzureAd" }) },
        { objectId: "o2", changed: ["trustType", "operatingSystem"], copied: { trustType: "AzureAd", operatingSystem: "Windows" } },
      ]),
    );
  });
});
