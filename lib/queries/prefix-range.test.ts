import { describe, expect, it } from "vitest";
import { prefixRange } from "./find-devices";

describe("prefixRange (the OS version filter read as a range of its index)", () => {
  it("gives [prefix, prefix with its last character's successor) for printable ASCII without letters", () => {
    expect(prefixRange("10.0")).toEqual({ from: "10.0", to: "10.1" });
    expect(prefixRange("10.0.22631")).toEqual({ from: "10.0.22631", to: "10.0.22632" });
    expect(prefixRange("10.")).toEqual({ from: "10.", to: "10/" });
    expect(prefixRange("9")).toEqual({ from: "9", to: ":" });
  });

  it("gives none where a range would not be LIKE's set: letters (SQLite ignores their case), other characters", () => {
    for (const prefix of ["ab", "10.0a", "10.0.A", "10.0é", "10\u0000", "10~", "10\t"]) expect(prefixRange(prefix), JSON.stringify(prefix)).toBeNull();
  });

  it("holds exactly the strings that start with the prefix (random strings, byte order as both databases compare)", () => {
    const alphabet = ["0", "1", "9", ".", "/", ":", "-", " ", "a", "A", "é"];
    let seed = 7;
    const next = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31);
    const word = (max: number) => Array.from({ length: next() % max }, () => alphabet[next() % alphabet.length]).join("");
    let checked = 0;
    for (let n = 0; n < 3_000; n++) {
      const prefix = word(4) || "1";
      const range = prefixRange(prefix);
      if (!range) continue;
      for (let m = 0; m < 20; m++) {
        const value = m % 2 ? prefix + word(4) : word(6);
        const inRange = Buffer.compare(Buffer.from(value), Buffer.from(range.from)) >= 0 && Buffer.compare(Buffer.from(value), Buffer.from(range.to)) < 0;
        expect(inRange, `${JSON.stringify(value)} for ${JSON.stringify(prefix)}`).toBe(value.startsWith(prefix));
        checked++;
      }
    }
    expect(checked).toBeGreaterThan(10_000);
  });
});
