import { describe, expect, it } from "vitest";
import { readAhead } from "./read-ahead";

/** A keyset source of the numbers 0..total-1 that logs each read as it starts and lets the test settle it. */
function source(total: number, batchRows: number) {
  const log: string[] = [];
  const read = async (after: number | null) => {
    const from = after === null ? 0 : after + 1;
    log.push(`read after ${after}`);
    await new Promise((r) => setTimeout(r, 1));
    return Array.from({ length: Math.max(0, Math.min(batchRows, total - from)) }, (_, i) => from + i);
  };
  return { log, read };
}

describe("readAhead (an export's batches read one ahead, decision 049)", () => {
  it("hands on every batch in order, each next read sent before the batch is handed on", async () => {
    const { log, read } = source(7, 3);
    const got: number[][] = [];
    for await (const batch of readAhead(read, 3)) {
      log.push(`write ${batch.join(",")}`);
      got.push(batch);
    }
    expect(got).toEqual([[0, 1, 2], [3, 4, 5], [6]]);
    expect(log).toEqual(["read after null", "read after 2", "write 0,1,2", "read after 5", "write 3,4,5", "write 6"]);
  });

  it("reads no further after a short batch, and yields nothing for no rows (a full last batch costs one empty read)", async () => {
    const full = source(6, 3);
    const batches: number[][] = [];
    for await (const b of readAhead(full.read, 3)) batches.push(b);
    expect(batches).toEqual([
      [0, 1, 2],
      [3, 4, 5],
    ]);
    expect(full.log).toEqual(["read after null", "read after 2", "read after 5"]);
    const none = source(0, 3);
    for await (const b of readAhead(none.read, 3)) batches.push(b);
    expect(none.log).toEqual(["read after null"]);
    expect(batches).toHaveLength(2);
  });

  it("a consumer that stops holds at most the one batch read ahead, and a failing read ahead is dropped, not thrown later", async () => {
    const { log, read } = source(1_000, 10);
    for await (const batch of readAhead(read, 10)) {
      expect(batch[0]).toBe(0);
      break;
    }
    expect(log).toEqual(["read after null", "read after 9"]);
    let failed = 0;
    const failing = async (after: number | null) => {
      if (after !== null) {
        failed++;
        throw new Error("connection lost");
      }
      return [1, 2];
    };
    for await (const _ of readAhead(failing, 2)) break;
    await new Promise((r) => setTimeout(r, 5));
    expect(failed).toBe(1);
    await expect(
      (async () => {
        for await (const _ of readAhead(failing, 2));
      })(),
    ).rejects.toThrow("connection lost");
  });
});
