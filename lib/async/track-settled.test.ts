import { describe, expect, it } from "vitest";
import { trackSettled } from "./track-settled";

describe("trackSettled", () => {
  it("tells whether a promise has settled, either way, without awaiting it", async () => {
    let resolve!: (v: number) => void;
    const ok = trackSettled(new Promise<number>((r) => (resolve = r)));
    expect(ok.settled).toBe(false);
    resolve(7);
    await expect(ok.promise).resolves.toBe(7);
    expect(ok.settled).toBe(true);

    let reject!: (e: Error) => void;
    const failed = trackSettled(new Promise<number>((_, r) => (reject = r)));
    reject(new Error("refused"));
    // Not awaited yet: the rejection is not unhandled (vitest fails the run on one), and whoever awaits gets it.
    await new Promise((r) => setTimeout(r, 10));
    expect(failed.settled).toBe(true);
    await expect(failed.promise).rejects.toThrow("refused");
  });
});
