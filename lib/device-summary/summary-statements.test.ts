import { describe, expect, it } from "vitest";
import { findingsStatements, PASS_SUMMARY_COLUMNS, type SubjectFindings } from "./summary-statements";

const subjects = (n: number): SubjectFindings[] =>
  Array.from({ length: n }, (_, i) => ({
    subjectKey: `d:${String(i).padStart(8, "0")}`,
    worstRank: i % 4,
    openCount: i % 3,
    openRules: i % 3 ? "stale-device" : null,
    primaryRule: null,
    pr: null,
    nw: null,
    sc: 0,
  }));

describe("findingsStatements on PostgreSQL (decision 038)", () => {
  it("binds one array per column, however many subjects a statement updates", () => {
    const updates = findingsStatements("postgresql", "t1", subjects(4_500)).filter((s) => s.sql.startsWith("UPDATE"));
    expect(updates).toHaveLength(3);
    for (const s of updates) {
      // Eight columns of values and the tenant: a VALUES list bound 8 parameters a subject (16,001 for 2,000).
      expect(s.params).toHaveLength(9);
      expect(s.sql).toContain("unnest(");
    }
    const [keys, ranks] = updates[2]!.params as [string[], number[]];
    expect(keys).toHaveLength(500);
    expect(keys[0]).toBe("d:00004000");
    expect(ranks[0]).toBe(4_000 % 4);
  });

  it("sets exactly the columns a findings pass's ANALYZE reads", () => {
    const [update] = findingsStatements("postgresql", "t1", subjects(1)).filter((s) => s.sql.startsWith("UPDATE"));
    const set = update!.sql.slice(update!.sql.indexOf(" SET ") + 5, update!.sql.indexOf("FROM unnest("));
    // The assignments' targets: quoted names not qualified by a table (v."sc" = 1 is a test in the outlook's CASE).
    const columns = [...set.matchAll(/(?<![.\w])"(\w+)" = /g)].map((m) => m[1]);
    expect(new Set(columns)).toEqual(new Set(PASS_SUMMARY_COLUMNS));
  });
});
