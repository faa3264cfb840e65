import { describe, expect, it } from "vitest";
import { dedupeEvidence } from "@/lib/rules/dedupe-evidence";

describe("dedupeEvidence", () => {
  it("drops a line seen before (same source, field, value and expected value), keeping the first in order", () => {
    const a = { source: "dsregcmd · SSO State", field: "AzureAdPrt", value: "NO" };
    const b = { source: "dsregcmd · Device State", field: "AzureAdJoined", value: "YES" };
    expect(dedupeEvidence([a, b, { ...a }, b])).toEqual([a, b]);
    expect(dedupeEvidence([])).toEqual([]);
  });

  it("keeps lines that differ in any one part, a missing value and an empty one alike", () => {
    const base = { source: "s", field: "f", value: "v", expected: "e" };
    const lines = [base, { ...base, source: "t" }, { ...base, field: "g" }, { ...base, value: "w" }, { ...base, expected: "x" }, { ...base, expected: null }];
    expect(dedupeEvidence(lines)).toEqual(lines);
    // A missing value or expected value reads as empty: the same line.
    expect(
      dedupeEvidence([
        { source: "s", field: "f", value: null },
        { source: "s", field: "f", value: "" },
      ]),
    ).toEqual([{ source: "s", field: "f", value: null }]);
    expect(
      dedupeEvidence([
        { source: "s", field: "f", value: "v" },
        { source: "s", field: "f", value: "v", expected: "" },
        { source: "s", field: "f", value: "v", expected: null },
      ]),
    ).toEqual([{ source: "s", field: "f", value: "v" }]);
    // Parts are kept apart: "ab"+"c" is not "a"+"bc".
    expect(
      dedupeEvidence([
        { source: "ab", field: "c", value: "v" },
        { source: "a", field: "bc", value: "v" },
      ]),
    ).toHaveLength(2);
  });
});
