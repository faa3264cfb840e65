import { describe, expect, it } from "vitest";
import { copyRowBatches } from "./copy-cells";
import { copyLine, seededRandom } from "./testing/copy-lines";

/** COPY's text of the rows as chunks of `size` bytes (cut anywhere, inside a character too). */
async function* chunksOf(rows: readonly (readonly unknown[])[], size: number): AsyncGenerator<Uint8Array> {
  const bytes = Buffer.from(rows.map(copyLine).join(""), "utf8");
  for (let at = 0; at < bytes.length; at += size) yield bytes.subarray(at, at + size);
}

async function read(rows: readonly (readonly unknown[])[], size: number, batchRows: number) {
  const batches: unknown[][][] = [];
  for await (const batch of copyRowBatches(["text", "bool", "text"], chunksOf(rows, size), batchRows)) batches.push(batch);
  return batches;
}

const AWKWARD = ["", "plain", 'comma, and "quotes"', "line\nbreak", "cr\rhere", "\u0001delimiter", "quote\u0002twice\u0002\u0002", "Zürich 東京 😀", "t"];

describe("copyRowBatches", () => {
  it("gives each row's cells back as COPY was handed them: NULL as null, an empty text as '', quotes undoubled, booleans", async () => {
    const rows = AWKWARD.map((text, i) => [text, i % 3 === 0 ? null : i % 3 === 1, i % 2 ? null : text]);
    for (const size of [1, 2, 3, 7, 64, 1 << 20]) {
      const batches = await read(rows, size, 4);
      expect(
        batches.map((b) => b.length),
        `chunks of ${size}`,
      ).toEqual([4, 4, 1]);
      expect(batches.flat(), `chunks of ${size}`).toEqual(rows);
    }
  });

  it.each([
    [0, 3, []],
    [3, 3, [3]],
    [7, 3, [3, 3, 1]],
    [7, 100, [7]],
  ])("cuts %i rows into batches of %i", async (n, batchRows, sizes) => {
    const rows = Array.from({ length: n }, (_, i) => [`row ${i}`, true, null]);
    const batches = await read(rows, 5, batchRows);
    expect(batches.map((b) => b.length)).toEqual(sizes);
    expect(batches.flat()).toEqual(rows);
  });

  it("reads random rows in random chunks the same", async () => {
    const random = seededRandom(54);
    const pick = () => AWKWARD[Math.floor(random() * AWKWARD.length)]!;
    const rows = Array.from({ length: 300 }, () => [pick() + pick(), random() < 0.5, random() < 0.2 ? null : pick()]);
    expect((await read(rows, 1 + Math.floor(random() * 50), 13)).flat()).toEqual(rows);
  });

  it("refuses output that ends inside a row", async () => {
    async function* cut(): AsyncGenerator<Uint8Array> {
      yield Buffer.from("a\u0001t\u0001b\nc\u0001f", "utf8");
    }
    const reading = (async () => {
      for await (const batch of copyRowBatches(["text", "bool", "text"], cut(), 10)) void batch;
    })();
    await expect(reading).rejects.toThrow("ended inside a row");
  });
});
