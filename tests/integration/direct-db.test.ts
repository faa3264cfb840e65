/**
 * The direct SQL path (lib/db/direct.ts) writes rows that Prisma reads back exactly as if Prisma had written
 * them, on both databases; a failed batch leaves nothing behind.
 */
import { randomUUID } from "node:crypto";
import { afterAll, describe, expect, it } from "vitest";
import { db } from "@/lib/db/client";
import { createDirectDb, directDb, encodeValue, insertStatements, readBool, readDate, readIsoTimestamp, readJson, type ColumnKind } from "@/lib/db/direct";
import { config } from "@/lib/config";
import { openPostgresWriter } from "@/lib/db/postgres-writer";
import { preEncoded } from "@/lib/db/pre-encoded";
import { openSqliteWriter } from "@/lib/db/sqlite-writer";
import { testDatabaseKind } from "../setup/databases";
import { createTenantWithToken } from "../setup/factories";

/** A DirectoryDevice row of `tenantRef` with only the columns that must be set, by object id: the writer tests' rows. */
function minimalDevice(tenantRef: string, now: Date) {
  return (objectId: string) => ({
    id: randomUUID(),
    tenantRef,
    objectId,
    accountEnabled: true,
    isPending: false,
    otherProperties: {},
    firstSeenAt: now,
    lastSeenAt: now,
    updatedAt: now,
  });
}

const DEVICE_COLUMNS = {
  id: "text",
  tenantRef: "text",
  objectId: "text",
  deviceId: "text",
  displayName: "text",
  accountEnabled: "bool",
  registrationDateTime: "datetime",
  isPending: "bool",
  alternativeSecurityIds: "json",
  otherProperties: "json",
  firstSeenAt: "datetime",
  lastSeenAt: "datetime",
  updatedAt: "datetime",
} satisfies Record<string, ColumnKind>;

afterAll(async () => directDb().close());

describe("direct SQL path", () => {
  it("writes rows Prisma reads back unchanged (dates, booleans, JSON, nulls)", async () => {
    const { tenantRef } = await createTenantWithToken(db, { tenantId: randomUUID() });
    const direct = directDb();
    const registered = new Date("2024-03-05T06:07:08.123Z");
    const other = { id: "obj-1", nested: { list: [1, "two", null], flag: true }, text: 'quote " and ? mark' };
    const rows = [
      {
        id: randomUUID(),
        tenantRef,
        objectId: "obj-1",
        deviceId: "dev-1",
        displayName: "PC-1",
        accountEnabled: true,
        registrationDateTime: registered,
        isPending: false,
        alternativeSecurityIds: [{ type: 2, key: "AAA=" }],
        otherProperties: other,
        firstSeenAt: registered,
        lastSeenAt: registered,
        updatedAt: registered,
      },
      {
        id: randomUUID(),
        tenantRef,
        objectId: "obj-2",
        deviceId: null,
        displayName: null,
        accountEnabled: false,
        registrationDateTime: null,
        isPending: true,
        alternativeSecurityIds: null,
        otherProperties: {},
        firstSeenAt: registered,
        lastSeenAt: registered,
        updatedAt: registered,
      },
    ];
    await direct.batch(insertStatements(direct.dialect, "DirectoryDevice", DEVICE_COLUMNS, rows));

    const read = await db.directoryDevice.findMany({ where: { tenantRef }, orderBy: { objectId: "asc" } });
    expect(read.map((r) => [r.objectId, r.deviceId, r.displayName, r.accountEnabled, r.registrationDateTime?.toISOString() ?? null, r.isPending])).toEqual([
      ["obj-1", "dev-1", "PC-1", true, "2024-03-05T06:07:08.123Z", false],
      ["obj-2", null, null, false, null, true],
    ]);
    expect(read[0]!.otherProperties).toEqual(other);
    expect(read[0]!.alternativeSecurityIds).toEqual([{ type: 2, key: "AAA=" }]);
    expect(read[1]!.alternativeSecurityIds).toBeNull();

    // And the direct readers decode what Prisma wrote.
    await db.directoryDevice.update({
      where: { id: rows[1]!.id },
      data: { accountEnabled: true, registrationDateTime: registered, otherProperties: { written: "by prisma" } },
    });
    const [back] = await direct.query<{ accountEnabled: unknown; registrationDateTime: unknown; otherProperties: unknown }>(
      `SELECT "accountEnabled", "registrationDateTime", "otherProperties" FROM "DirectoryDevice" WHERE "id" = ?`,
      [rows[1]!.id],
    );
    expect(readBool(back!.accountEnabled)).toBe(true);
    expect(readDate(back!.registrationDateTime)?.toISOString()).toBe("2024-03-05T06:07:08.123Z");
    expect(readJson(back!.otherProperties)).toEqual({ written: "by prisma" });

    // Date parameters compare correctly against stored values.
    const later = await direct.query(`SELECT "objectId" FROM "DirectoryDevice" WHERE "tenantRef" = ? AND "registrationDateTime" >= ?`, [
      tenantRef,
      new Date("2024-03-05T06:07:08.123Z"),
    ]);
    expect(later).toHaveLength(2);
  });

  it("reads rows as arrays with the same values, and timestamps as toISOString's text (written by Prisma or the direct path)", async () => {
    const { tenantRef } = await createTenantWithToken(db, { tenantId: randomUUID() });
    const direct = directDb();
    // Whole seconds, tenths and hundredths: PostgreSQL's text drops the fraction's trailing zeros.
    const dates = ["2024-03-05T06:07:08.123Z", "2024-03-05T06:07:08.000Z", "2024-03-05T06:07:08.500Z", "1999-12-31T23:59:59.990Z", "2030-01-01T00:00:00.001Z"];
    const rows = dates.map((at, i) => ({
      id: randomUUID(),
      tenantRef,
      objectId: `obj-${i}`,
      deviceId: i % 2 ? null : `dev-${i}`,
      displayName: `PC-${i}`,
      accountEnabled: i % 2 === 0,
      registrationDateTime: i === 4 ? null : new Date(at),
      isPending: false,
      alternativeSecurityIds: [{ type: 2, key: `K${i}=` }],
      otherProperties: {},
      firstSeenAt: new Date(at),
      lastSeenAt: new Date(at),
      updatedAt: new Date(at),
    }));
    await direct.batch(insertStatements(direct.dialect, "DirectoryDevice", DEVICE_COLUMNS, rows.slice(0, 3)));
    for (const r of rows.slice(3)) await db.directoryDevice.create({ data: r });

    const sql = `SELECT "objectId", "deviceId", "accountEnabled", "registrationDateTime", "lastSeenAt", "alternativeSecurityIds" FROM "DirectoryDevice" WHERE "tenantRef" = ? ORDER BY "objectId"`;
    const objects = await direct.query(sql, [tenantRef]);
    const arrays = await direct.queryArrays(sql, [tenantRef]);
    expect(arrays).toHaveLength(dates.length);
    arrays.forEach((a, i) => {
      const o = objects[i]!;
      expect(a.slice(0, 2)).toEqual([o.objectId, o.deviceId]);
      expect(readBool(a[2])).toBe(readBool(o.accountEnabled));
      expect(readIsoTimestamp(a[3])).toBe(readDate(o.registrationDateTime)?.toISOString() ?? null);
      expect(readIsoTimestamp(a[4])).toBe(dates[i]);
      expect(readJson(a[5])).toEqual([{ type: 2, key: `K${i}=` }]);
    });
    expect(readIsoTimestamp(arrays[4]![3])).toBeNull();
  });

  it("upserts on a unique key and rolls the whole batch back when one statement fails", async () => {
    const { tenantRef } = await createTenantWithToken(db, { tenantId: randomUUID() });
    const direct = directDb();
    const now = new Date();
    const row = (objectId: string, displayName: string) => ({
      id: randomUUID(),
      tenantRef,
      objectId,
      displayName,
      accountEnabled: true,
      isPending: false,
      otherProperties: {},
      firstSeenAt: now,
      lastSeenAt: now,
      updatedAt: now,
    });
    const upsert = { target: ["tenantRef", "objectId"], update: ["displayName", "updatedAt"] } as const;
    await direct.batch(insertStatements(direct.dialect, "DirectoryDevice", DEVICE_COLUMNS, [row("a", "first")], upsert));
    await direct.batch(insertStatements(direct.dialect, "DirectoryDevice", DEVICE_COLUMNS, [row("a", "second"), row("b", "new")], upsert));
    const names = async () =>
      (await db.directoryDevice.findMany({ where: { tenantRef }, orderBy: { objectId: "asc" } })).map((r) => `${r.objectId}=${r.displayName}`);
    expect(await names()).toEqual(["a=second", "b=new"]);

    const before = await names();
    const failing = [
      ...insertStatements(direct.dialect, "DirectoryDevice", DEVICE_COLUMNS, [row("c", "would be lost")]),
      {
        sql: `INSERT INTO "DirectoryDevice" ("id", "tenantRef", "objectId", "otherProperties") VALUES (?, ?, ?, ?)`,
        params: [randomUUID(), "no-such-tenant", "d", "{}"],
      },
    ];
    await expect(direct.batch(failing)).rejects.toThrow();
    expect(await names()).toEqual(before);
  });

  it("batches issued together commit together, but a failing one rolls back only itself", async () => {
    const { tenantRef } = await createTenantWithToken(db, { tenantId: randomUUID() });
    const direct = directDb();
    const now = new Date();
    const row = minimalDevice(tenantRef, now);
    await direct.batch(insertStatements(direct.dialect, "DirectoryDevice", DEVICE_COLUMNS, [row("taken")]));
    const results = await Promise.allSettled([
      direct.batch(insertStatements(direct.dialect, "DirectoryDevice", DEVICE_COLUMNS, [row("one")])),
      // "new" would be written, but the same batch then hits the unique index: neither row may stay.
      direct.batch(insertStatements(direct.dialect, "DirectoryDevice", DEVICE_COLUMNS, [row("new"), row("taken")])),
      direct.batch(insertStatements(direct.dialect, "DirectoryDevice", DEVICE_COLUMNS, [row("two")])),
    ]);
    expect(results.map((r) => r.status)).toEqual(["fulfilled", "rejected", "fulfilled"]);
    const ids = (await db.directoryDevice.findMany({ where: { tenantRef }, orderBy: { objectId: "asc" } })).map((r) => r.objectId);
    expect(ids).toEqual(["one", "taken", "two"]);
  });

  it.skipIf(testDatabaseKind() !== "sqlite")(
    "a group with a failing batch is run again batch by batch: the others keep their order and their counts",
    async () => {
      const { tenantRef } = await createTenantWithToken(db, { tenantId: randomUUID() });
      const direct = directDb();
      const row = minimalDevice(tenantRef, new Date());
      const insert = (...ids: string[]) => insertStatements(direct.dialect, "DirectoryDevice", DEVICE_COLUMNS, ids.map(row));
      const rename = (name: string) => ({
        sql: `UPDATE "DirectoryDevice" SET "displayName" = ? WHERE "tenantRef" = ? AND "objectId" = ?`,
        params: [name, tenantRef, "x1"],
      });
      await direct.batch(insert("taken"));
      const results = await Promise.allSettled([
        direct.batch([...insert("x1"), rename("first")]),
        // Fails on its second row: its first must not stay, though the group ran it once before the failure was found.
        direct.batch([...insert("x2", "taken"), rename("failed")]),
        // Reads what the first batch of the group wrote.
        direct.batch([rename("third"), ...insert("x3")]),
      ]);
      expect(results.map((r) => (r.status === "fulfilled" ? r.value : "rejected"))).toEqual([[1, 1], "rejected", [1, 1]]);
      const rows = await db.directoryDevice.findMany({ where: { tenantRef }, orderBy: { objectId: "asc" }, select: { objectId: true, displayName: true } });
      expect(rows).toEqual([
        { objectId: "taken", displayName: null },
        { objectId: "x1", displayName: "third" },
        { objectId: "x3", displayName: null },
      ]);
    },
  );

  it("SQLite: keeps the savepoints' page copies in memory, and a failing batch of many pages still rolls back only itself", async () => {
    const { tenantRef } = await createTenantWithToken(db, { tenantId: randomUUID() });
    const direct = directDb();
    if (direct.dialect === "sqlite") {
      // Each batch of a group commit has its savepoint; with temp_store FILE its sub-journal spilled past 64 KB to a
      // temporary file created and deleted per transaction (bench/RESULTS.md, the ingest CPU round).
      expect(await direct.query("PRAGMA temp_store")).toEqual([{ temp_store: 2 }]);
    }
    const now = new Date();
    const row = minimalDevice(tenantRef, now);
    const wide = (prefix: string, n: number) =>
      Array.from({ length: n }, (_, i) => ({ ...row(`${prefix}-${String(i).padStart(4, "0")}`), otherProperties: { pad: "x".repeat(2_000) } }));
    await direct.batch(insertStatements(direct.dialect, "DirectoryDevice", DEVICE_COLUMNS, [row("taken")]));
    // ~600 KB a batch: far past the sub-journal's 64 KB.
    const results = await Promise.allSettled([
      direct.batch(insertStatements(direct.dialect, "DirectoryDevice", DEVICE_COLUMNS, wide("a", 300))),
      direct.batch(insertStatements(direct.dialect, "DirectoryDevice", DEVICE_COLUMNS, [...wide("b", 300), row("taken")])),
      direct.batch(insertStatements(direct.dialect, "DirectoryDevice", DEVICE_COLUMNS, wide("c", 300))),
    ]);
    expect(results.map((r) => r.status)).toEqual(["fulfilled", "rejected", "fulfilled"]);
    const ids = (await db.directoryDevice.findMany({ where: { tenantRef }, select: { objectId: true } })).map((r) => r.objectId[0]);
    expect(ids.filter((c) => c === "a").length).toBe(300);
    expect(ids.filter((c) => c === "b").length).toBe(0);
    expect(ids.filter((c) => c === "c").length).toBe(300);
    expect(ids.filter((c) => c === "t").length).toBe(1);
  });

  it("writes a large insert in bulk, under PostgreSQL's parameter limit", async () => {
    const { tenantRef } = await createTenantWithToken(db, { tenantId: randomUUID() });
    const direct = directDb();
    const now = new Date();
    const rows = Array.from({ length: 5_000 }, (_, i) => ({
      id: randomUUID(),
      tenantRef,
      objectId: `bulk-${i}`,
      accountEnabled: true,
      isPending: false,
      otherProperties: { i },
      firstSeenAt: now,
      lastSeenAt: now,
      updatedAt: now,
    }));
    const statements = insertStatements(direct.dialect, "DirectoryDevice", DEVICE_COLUMNS, rows);
    // PostgreSQL: multi-row VALUES lists under its parameter limit; SQLite: one single-row statement run per row.
    if (direct.dialect === "postgresql") expect(statements.length).toBeGreaterThan(1);
    else expect(statements).toMatchObject([{ params: [], eachRow: { length: 5_000 } }]);
    await direct.batch(statements);
    expect(await db.directoryDevice.count({ where: { tenantRef } })).toBe(5_000);
  });

  it("writes rows given with their columns' types as one array per column on PostgreSQL (unnest), read back as any insert's", async () => {
    const { tenantRef } = await createTenantWithToken(db, { tenantId: randomUUID() });
    const direct = directDb();
    const at = new Date("2024-03-05T06:07:08.120Z");
    // Text that an array literal must escape: quotes, backslashes, commas, braces, the word NULL, an empty string.
    // Then text that JSON.stringify would escape differently (decision 052's literals): control characters, a surrogate pair.
    const names = ['say "hi", {ok}', "back\\slash\\", "NULL", "", "naïve ☃", null, 'line\nbreak\t"tab"\u0001 \\', 'emoji 😀 "x"'];
    const rows = names.map((displayName, i) => ({
      id: randomUUID(),
      tenantRef,
      objectId: `arr-${i}`,
      deviceId: i % 2 ? null : `dev-${i}`,
      displayName,
      accountEnabled: i === 5 ? null : i % 2 === 0,
      registrationDateTime: i === 3 ? null : at,
      isPending: false,
      alternativeSecurityIds: i === 4 ? null : [{ type: 2, key: `K"${i}\\=` }],
      otherProperties: { i, text: 'a "quoted", {braced} \\ value' },
      firstSeenAt: at,
      lastSeenAt: at,
      updatedAt: at,
    }));
    // As a findings pass writes them: the time and the JSON encoded by the caller already, the table's types beside.
    const written = preEncoded(DEVICE_COLUMNS, ["firstSeenAt", "otherProperties"]);
    const encodedRows = rows.map((r) => ({
      ...r,
      firstSeenAt: encodeValue(direct.dialect, "datetime", r.firstSeenAt),
      otherProperties: JSON.stringify(r.otherProperties),
    }));
    const statements = insertStatements(direct.dialect, "DirectoryDevice", written, encodedRows, undefined, DEVICE_COLUMNS);
    // PostgreSQL: one statement of one parameter per column, whatever the row count.
    if (direct.dialect === "postgresql") expect(statements.map((s) => s.params.length)).toEqual([Object.keys(DEVICE_COLUMNS).length]);
    // Each array as its literal's text (decision 052): one string to clone to the writer's thread, nothing for the driver to serialise.
    if (direct.dialect === "postgresql") expect(statements[0]!.params.every((p) => typeof p === "string" && p.startsWith("{") && p.endsWith("}"))).toBe(true);
    expect(await direct.batch(statements)).toEqual([rows.length]);

    const read = await db.directoryDevice.findMany({ where: { tenantRef }, orderBy: { objectId: "asc" } });
    expect(
      read.map((r) => ({
        objectId: r.objectId,
        deviceId: r.deviceId,
        displayName: r.displayName,
        accountEnabled: r.accountEnabled,
        registrationDateTime: r.registrationDateTime?.toISOString() ?? null,
        alternativeSecurityIds: r.alternativeSecurityIds,
        otherProperties: r.otherProperties,
        firstSeenAt: r.firstSeenAt.toISOString(),
      })),
    ).toEqual(
      rows.map((r) => ({
        objectId: r.objectId,
        deviceId: r.deviceId,
        displayName: r.displayName,
        accountEnabled: r.accountEnabled,
        registrationDateTime: r.registrationDateTime?.toISOString() ?? null,
        alternativeSecurityIds: r.alternativeSecurityIds,
        otherProperties: r.otherProperties,
        firstSeenAt: at.toISOString(),
      })),
    );

    // An upsert through the arrays: existing rows updated in place, new ones inserted.
    const upsert = { target: ["tenantRef", "objectId"], update: ["displayName"] };
    const again = [
      { ...rows[0]!, id: randomUUID(), displayName: "renamed" },
      { ...rows[0]!, id: randomUUID(), objectId: "arr-new", displayName: "new" },
    ];
    expect(await direct.batch(insertStatements(direct.dialect, "DirectoryDevice", DEVICE_COLUMNS, again, upsert, DEVICE_COLUMNS))).toEqual([2]);
    const after = await db.directoryDevice.findMany({ where: { tenantRef, objectId: { in: ["arr-0", "arr-new"] } }, orderBy: { objectId: "asc" } });
    expect(after.map((r) => [r.objectId, r.id, r.displayName])).toEqual([
      ["arr-0", rows[0]!.id, "renamed"],
      ["arr-new", again[1]!.id, "new"],
    ]);
  });

  it.skipIf(testDatabaseKind() !== "postgresql")(
    "a PostgreSQL writer commits the transactions sent to it in order, and refuses every one sent after one that failed",
    async () => {
      const { tenantRef } = await createTenantWithToken(db, { tenantId: randomUUID() });
      const now = new Date();
      const row = minimalDevice(tenantRef, now);
      const insert = (...ids: string[]) => insertStatements("postgresql", "DirectoryDevice", DEVICE_COLUMNS, ids.map(row));
      const rename = (name: string) => ({ sql: `UPDATE "DirectoryDevice" SET "displayName" = ? WHERE "tenantRef" = ?`, params: [name, tenantRef] });
      const stored = async () =>
        (await db.directoryDevice.findMany({ where: { tenantRef }, orderBy: { objectId: "asc" } })).map((r) => [r.objectId, r.displayName]);
      const writer = openPostgresWriter(config.DATABASE_URL);
      try {
        // Sent together, run one after another in the order sent: each sees the ones before it, the last rename wins.
        const [a, b, c] = await Promise.all([
          writer.batch(insert("a1", "a2")),
          writer.batch([...insert("b1"), rename("after b")]),
          writer.batch([rename("after c"), ...insert("c1")]),
        ]);
        expect(a).toEqual([2]);
        expect(b).toEqual([1, 3]);
        expect(c).toEqual([3, 1]);
        // A failed transaction leaves nothing, and the ones sent after it are refused unrun: a sync's next page must
        // not commit its resume point past a page that was not written.
        const results = await Promise.allSettled([
          writer.batch(insert("d1")),
          writer.batch([rename("after e"), ...insert("e1", "a1")]),
          writer.batch([rename("after f"), ...insert("f1")]),
        ]);
        expect(results.map((r) => r.status)).toEqual(["fulfilled", "rejected", "rejected"]);
        expect(String((results[1] as PromiseRejectedResult).reason)).toMatch(/unique|duplicate/i);
        expect(String((results[2] as PromiseRejectedResult).reason)).toMatch(/an earlier transaction failed/);
        await expect(writer.batch(insert("g1"))).rejects.toThrow(/an earlier transaction failed/);
        expect(await stored()).toEqual([
          ["a1", "after c"],
          ["a2", "after c"],
          ["b1", "after c"],
          ["c1", null],
          ["d1", null],
        ]);
      } finally {
        await writer.close();
      }
    },
  );

  // The sync's page writer on SQLite (PostgreSQL's: the test above).
  it.skipIf(testDatabaseKind() !== "sqlite")("a group-commit writer runs the batches that wait as one transaction, each with its own counts", async () => {
    const { tenantRef } = await createTenantWithToken(db, { tenantId: randomUUID() });
    const now = new Date();
    const row = minimalDevice(tenantRef, now);
    const insert = (...ids: string[]) => insertStatements("sqlite", "DirectoryDevice", DEVICE_COLUMNS, ids.map(row));
    const rename = (name: string) => ({ sql: `UPDATE "DirectoryDevice" SET "displayName" = ? WHERE "tenantRef" = ?`, params: [name, tenantRef] });
    const writer = openSqliteWriter(config.DATABASE_URL, { groupCommit: true });
    try {
      // The first runs alone; the next two wait for it and commit together, and each gets back its own counts.
      const [a, b, c] = await Promise.all([
        writer.batch(insert("a1", "a2")),
        writer.batch([...insert("b1"), rename("after b")]),
        writer.batch([rename("after c"), ...insert("c1")]),
      ]);
      expect(a).toEqual([2]);
      expect(b).toEqual([1, 3]);
      expect(c).toEqual([3, 1]);
      // A failure in a group fails every batch of that group (one transaction): none of their rows stay.
      const results = await Promise.allSettled([
        writer.batch(insert("d1")),
        writer.batch(insert("e1")),
        writer.batch(insert("e1-dup", "a1")),
        writer.batch(insert("f1")),
      ]);
      expect(results.map((r) => r.status)).toEqual(["fulfilled", "rejected", "rejected", "rejected"]);
      // The writer goes on after a failed group.
      expect(await writer.batch(insert("g1"))).toEqual([1]);
      const ids = (await db.directoryDevice.findMany({ where: { tenantRef }, orderBy: { objectId: "asc" } })).map((r) => r.objectId);
      expect(ids).toEqual(["a1", "a2", "b1", "c1", "d1", "g1"]);
      await expect(writer.batch(insert("h1"), { commit: false })).rejects.toThrow(/whole transactions/);
    } finally {
      await writer.close();
    }
  });

  it.skipIf(testDatabaseKind() !== "sqlite")(
    "a sync's writer (stopAfterFailure) refuses what waits behind a failed group and everything after it: no later page commits",
    async () => {
      const { tenantRef } = await createTenantWithToken(db, { tenantId: randomUUID() });
      const now = new Date();
      const row = minimalDevice(tenantRef, now);
      const insert = (...ids: string[]) => insertStatements("sqlite", "DirectoryDevice", DEVICE_COLUMNS, ids.map(row));
      const writer = openSqliteWriter(config.DATABASE_URL, { groupCommit: true, groupSize: 2, stopAfterFailure: true });
      try {
        expect(await writer.batch(insert("p1"))).toEqual([1]);
        // Pages 2 and 3 commit together and fail together (a duplicate object); pages 4 and 5 wait behind them.
        const results = await Promise.allSettled([
          writer.batch(insert("p2"), { hold: true }),
          writer.batch(insert("p3", "p1"), { hold: true }),
          writer.batch(insert("p4"), { hold: true }),
          writer.batch(insert("p5")),
        ]);
        expect(results.map((r) => r.status)).toEqual(["rejected", "rejected", "rejected", "rejected"]);
        await expect(writer.batch(insert("p6"))).rejects.toThrow();
        const ids = (await db.directoryDevice.findMany({ where: { tenantRef }, orderBy: { objectId: "asc" } })).map((r) => r.objectId);
        expect(ids).toEqual(["p1"]);
      } finally {
        await writer.close();
      }
    },
  );

  it.skipIf(testDatabaseKind() !== "sqlite")("held batches wait for a full group, a flush, or a batch that is not held", async () => {
    const { tenantRef } = await createTenantWithToken(db, { tenantId: randomUUID() });
    const now = new Date();
    const row = minimalDevice(tenantRef, now);
    const insert = (id: string) => insertStatements("sqlite", "DirectoryDevice", DEVICE_COLUMNS, [row(id)]);
    const stored = async () => (await db.directoryDevice.findMany({ where: { tenantRef }, orderBy: { objectId: "asc" } })).map((r) => r.objectId);
    const settleFor = (ms: number) => new Promise((r) => setTimeout(r, ms));
    const writer = openSqliteWriter(config.DATABASE_URL, { groupCommit: true, groupSize: 3 });
    try {
      // Two held batches wait, even though the thread is idle; the third completes the group.
      const a = writer.batch(insert("a"), { hold: true });
      const b = writer.batch(insert("b"), { hold: true });
      await settleFor(100);
      expect(await stored()).toEqual([]);
      const c = writer.batch(insert("c"), { hold: true });
      expect(await Promise.all([a, b, c])).toEqual([[1], [1], [1]]);
      expect(await stored()).toEqual(["a", "b", "c"]);
      // flush(): what is held goes now, however few.
      const d = writer.batch(insert("d"), { hold: true });
      await settleFor(50);
      expect(await stored()).toEqual(["a", "b", "c"]);
      writer.flush();
      expect(await d).toEqual([1]);
      // A batch that is not held takes the held ones with it.
      const e = writer.batch(insert("e"), { hold: true });
      expect(await Promise.all([e, writer.batch(insert("f"))])).toEqual([[1], [1]]);
      expect(await stored()).toEqual(["a", "b", "c", "d", "e", "f"]);
    } finally {
      await writer.close();
    }
  });

  it("copyOut: PostgreSQL's COPY bytes with the parameters as literals; stopped early, the connection is closed, not pooled (decision 049)", async () => {
    if (testDatabaseKind() !== "postgresql") {
      expect(directDb().copyOut, "SQLite has no COPY: the exports format rows themselves").toBeUndefined();
      return;
    }
    const direct = createDirectDb(config.DATABASE_URL);
    const bytes = async (chunks: AsyncIterable<Uint8Array>) => {
      const out: Buffer[] = [];
      for await (const c of chunks) out.push(Buffer.from(c));
      return Buffer.concat(out).toString("utf8");
    };
    try {
      const text = await bytes(direct.copyOut!(`SELECT ? AS "a", ? + 1 AS "b", "x" FROM generate_series(1, 2) AS "x"`, [`it's \\ "q"`, 41], "FORMAT csv"));
      expect(text).toBe(`"it's \\ ""q""",42,1\n"it's \\ ""q""",42,2\n`);
      // More early stops than the pool has connections: a leaked or re-pooled mid-COPY connection would hang or fail the reads.
      for (let i = 0; i < 14; i++) {
        const copy = direct.copyOut!(`SELECT repeat('x', 1000) FROM generate_series(1, 200000)`, [], "FORMAT csv");
        expect((await copy.next()).done).toBe(false);
        await copy.return(undefined);
        expect(await direct.query(`SELECT ? AS "n"`, [String(i)])).toEqual([{ n: String(i) }]);
      }
      expect(await bytes(direct.copyOut!(`SELECT 1`, [], "FORMAT csv"))).toBe("1\n");
    } finally {
      await direct.close();
    }
  }, 60_000);
});
