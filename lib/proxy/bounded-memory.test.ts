/**
 * What the parsers keep does not keep the file alive (issue 21: "files up to 100 MB stream through", peak RSS under
 * 200 MB). Each case reads a generated 64 MB file in a child process whose old generation is limited to 32 MB
 * (testing/bounded-memory-child.ts). Before the kept strings were copied out of their chunk (own-string.ts), a
 * one-line connector error's transaction id, URL and details, or a 504 page's first 4 KB, were views into the 64 KB
 * chunk (or the 60 KB page) they were cut from, so the chunks holding failures stayed alive: 64 MB of them, and the
 * child died of "heap out of memory". Now the kept failures take a few MB. A SAZ is read the same way, in a 24 MB heap.
 */
import { execFile } from "node:child_process";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";
import { ownString } from "./own-string";

const run = promisify(execFile);
const child = fileURLToPath(new URL("./testing/bounded-memory-child.ts", import.meta.url));
const root = fileURLToPath(new URL("../..", import.meta.url));

interface ChildRead {
  records: number;
  failures: number;
  kept: number;
  heapUsedMb: number;
}

async function readInSmallHeap(kind: "trace" | "har" | "har-body" | "saz", size = 64, heapMb = 32): Promise<ChildRead> {
  const { stdout } = await run(process.execPath, [`--max-old-space-size=${heapMb}`, "--expose-gc", "--import", "tsx", child, kind, String(size)], {
    cwd: root,
    maxBuffer: 1 << 20,
  });
  return JSON.parse(stdout.trim()) as ChildRead;
}

describe("the parsers' memory", { timeout: 120_000 }, () => {
  it("a 64 MB trace with a one-line error in every chunk reads in a 32 MB heap, its 2,000-odd errors kept", async () => {
    const r = await readInSmallHeap("trace");
    expect(r.records).toBeGreaterThan(300_000);
    expect(r.failures).toBe(Math.floor(r.records / 150));
    expect(r.kept).toBe(r.failures);
    // Node, tsx and the modules take ~12 MB; the kept errors ~2 MB.
    expect(r.heapUsedMb).toBeLessThan(24);
  });

  it("a 64 MB HAR whose 504 pages are 60 KB reads in a 32 MB heap, keeping 4 KB of each page", async () => {
    const r = await readInSmallHeap("har");
    expect(r.failures).toBe(Math.floor(r.records / 20));
    expect(r.failures).toBeGreaterThan(900);
    expect(r.kept).toBe(r.failures);
    expect(r.heapUsedMb).toBeLessThan(24);
  });

  it("a HAR whose one 504 page is 24 MB reads in a 32 MB heap", async () => {
    // Before, the entry's text was held three times (its pieces, their join, JSON.parse's string): 72 MB here.
    const r = await readInSmallHeap("har-body", 24);
    expect(r).toMatchObject({ records: 1, failures: 1, kept: 1 });
    expect(r.heapUsedMb).toBeLessThan(24);
  });

  it("a SAZ of 600 sessions with 100 KB responses reads in a 24 MB heap, keeping only the failed sessions", async () => {
    // Before, every session's parts were held to the end, 64 KB of each response: 38 MB here.
    const r = await readInSmallHeap("saz", 600, 24);
    expect(r).toMatchObject({ records: 600, failures: 24, kept: 24 });
    expect(r.heapUsedMb).toBeLessThan(20);
  });
});

describe("ownString", () => {
  it("keeps the characters, cut to the limit", () => {
    const s = `${"a".repeat(100)}0123456789abcdefghij`;
    expect(ownString(s.slice(100))).toBe("0123456789abcdefghij");
    expect(ownString(s.slice(100), 10)).toBe("0123456789");
    expect(ownString("short")).toBe("short");
    expect(ownString("", 5)).toBe("");
  });
});
