import { describe, expect, it } from "vitest";
import type { DirectDb } from "@/lib/db/direct";
import { keysetBatches, segmentsUnionSql, type KeysetQuery } from "./keyset-page";

/** A table of ids 1…n behind DirectDb's queryArrays, read by keyset on "id"; each read's cursor is recorded. */
function table(n: number) {
  const ids = Array.from({ length: n }, (_, i) => i + 1);
  const asked: (number | null)[] = [];
  const direct = {
    dialect: "postgresql",
    async queryArrays(sql: string, params: readonly unknown[]) {
      const limit = Number(/LIMIT (\d+)$/.exec(sql)![1]);
      const after = params.length > 1 ? Number(params[params.length - 1]) : null;
      asked.push(after);
      return ids
        .filter((id) => after === null || id > after)
        .slice(0, limit)
        .map((id) => [id]);
    },
  } as unknown as DirectDb;
  const query: KeysetQuery = {
    direct,
    table: "T",
    columns: ["id"],
    filter: { sql: `"tenantRef" = ?`, params: ["t"] },
    ordering: [{ where: null, keys: [{ column: "id", dir: "asc" }], holds: () => true }],
  };
  return { query, asked };
}

describe("keysetBatches", () => {
  it.each([
    [7, 3, [[1, 2, 3], [4, 5, 6], [7]], [null, 3, 6]],
    [
      6,
      3,
      [
        [1, 2, 3],
        [4, 5, 6],
      ],
      [null, 3, 6],
    ],
    [2, 3, [[1, 2]], [null]],
    [0, 3, [], [null]],
  ])("reads %i rows %i at a time, each batch after the last row of the one before", async (n, batchRows, expected, cursors) => {
    const t = table(n);
    const batches: number[][] = [];
    for await (const rows of keysetBatches(t.query, batchRows)) batches.push(rows.map((r) => r[0] as number));
    expect(batches).toEqual(expected);
    expect(t.asked).toEqual(cursors);
  });

  it("reads a batch only when the caller asks for it", async () => {
    const t = table(10);
    const it = keysetBatches(t.query, 3);
    expect(t.asked).toEqual([]);
    await it.next();
    expect(t.asked).toEqual([null]);
    await it.return(undefined);
    expect(t.asked).toEqual([null]);
  });
});

describe("segmentsUnionSql", () => {
  it("reads each segment in its own keys' order, the segments one after the other", () => {
    const sql = segmentsUnionSql(
      [
        {
          where: `"s" = 'a'`,
          keys: [
            { column: "k", dir: "asc" },
            { column: "p", dir: "desc" },
          ],
          holds: () => true,
        },
        { where: null, keys: [{ column: "k", dir: "desc" }], holds: () => true },
      ],
      (where, orderBy) => `(SELECT * FROM "T" WHERE ${where ?? "TRUE"} ORDER BY ${orderBy})`,
    );
    expect(sql).toBe(`(SELECT * FROM "T" WHERE "s" = 'a' ORDER BY "k" ASC, "p" DESC) UNION ALL (SELECT * FROM "T" WHERE TRUE ORDER BY "k" DESC)`);
  });
});
