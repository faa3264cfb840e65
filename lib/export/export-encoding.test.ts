import { gunzipSync } from "node:zlib";
import { describe, expect, it } from "vitest";
import { acceptsGzip, gzipChunks } from "./export-encoding";

describe("acceptsGzip", () => {
  it.each([
    ["gzip", true],
    ["gzip, deflate, br, zstd", true],
    ["GZIP;q=0.5", true],
    ["x-gzip", true],
    ["*", true],
    ["br, *;q=0.1", true],
    [null, false],
    ["", false],
    ["identity", false],
    ["deflate, br", false],
    ["gzip;q=0", false],
    ["gzip;q=0, *", false],
    ["*;q=0", false],
    ["gzip;q=0.000", false],
    ["identity, gzip ; q=0.8", true],
  ])("%j → %s", (header, expected) => {
    expect(acceptsGzip(header)).toBe(expected);
  });
});

describe("gzipChunks", () => {
  async function* counted(state: { read: number }, chunks: number, bytes: number) {
    for (let i = 0; i < chunks; i++) {
      state.read++;
      // Incompressible-ish text so the output is not tiny: each chunk differs.
      yield Buffer.from(Array.from({ length: bytes / 16 }, (_, j) => `${(i * 7919 + j * 104729).toString(36).padStart(15, "x")}\n`).join(""));
    }
  }

  it("gunzips to the chunks' bytes, in order", async () => {
    const input: Buffer[] = [];
    for await (const c of counted({ read: 0 }, 20, 64 * 1024)) input.push(c);
    const out: Buffer[] = [];
    for await (const c of gzipChunks(counted({ read: 0 }, 20, 64 * 1024))) out.push(Buffer.from(c));
    expect(gunzipSync(Buffer.concat(out)).equals(Buffer.concat(input))).toBe(true);
  });

  it("reads chunks only as its output is consumed, and a consumer that stops ends the reads", async () => {
    const state = { read: 0 };
    const gen = gzipChunks(counted(state, 200, 256 * 1024));
    await gen.next();
    await new Promise((r) => setTimeout(r, 100));
    // A few chunks at most are in flight (zlib's input buffer, the one read ahead), not the 200.
    expect(state.read).toBeLessThan(6);
    await gen.return(undefined);
    const after = state.read;
    await new Promise((r) => setTimeout(r, 100));
    expect(state.read).toBe(after);
  });

  it("an error of the source ends the stream with that error", async () => {
    async function* failing() {
      yield Buffer.from("a,b\n");
      throw new Error("the database went away");
    }
    await expect(async () => {
      for await (const chunk of gzipChunks(failing())) void chunk;
    }).rejects.toThrow("the database went away");
  });
});
