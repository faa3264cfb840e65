import { describe, expect, it } from "vitest";
import {
  compareSeverity,
  isSeverity,
  moreSevere,
  NO_SEVERITY_RANK,
  SEVERITIES,
  SEVERITY_ORDER,
  severityRankSql,
  worstSeverity,
  worstSeverityRank,
} from "@/lib/rules/severity";

describe("severity order", () => {
  it("ranks critical 0 to info 4, and 9 for no finding", () => {
    expect(SEVERITIES).toEqual(["critical", "high", "medium", "low", "info"]);
    expect(SEVERITIES.map((s) => SEVERITY_ORDER[s])).toEqual([0, 1, 2, 3, 4]);
    expect(NO_SEVERITY_RANK).toBe(9);
  });

  it("knows the five severities and nothing else, inherited object keys included", () => {
    for (const s of SEVERITIES) expect(isSeverity(s), s).toBe(true);
    for (const value of ["Critical", "", "none", "toString", "constructor", 0, 2, null, undefined, { high: 1 }])
      expect(isSeverity(value), String(value)).toBe(false);
  });

  it("compares: negative when the first is more severe, zero when equal, positive otherwise", () => {
    expect(compareSeverity("critical", "info")).toBe(-4);
    expect(compareSeverity("medium", "high")).toBe(1);
    expect(compareSeverity("low", "low")).toBe(0);
    expect([...SEVERITIES].reverse().sort(compareSeverity)).toEqual(SEVERITIES);
  });

  it("picks the more severe of two, whichever side it is on", () => {
    expect(moreSevere("high", "medium")).toBe("high");
    expect(moreSevere("medium", "high")).toBe("high");
    expect(moreSevere("info", "critical")).toBe("critical");
    expect(moreSevere("low", "low")).toBe("low");
  });

  it("finds the worst severity of a list, skipping values that are not one; null for none", () => {
    expect(worstSeverity([])).toBeNull();
    expect(worstSeverity([{ severity: "bogus" }])).toBeNull();
    expect(worstSeverity([{ severity: "low" }, { severity: "high" }, { severity: "medium" }])).toBe("high");
    expect(worstSeverity([{ severity: "high" }, { severity: "low" }])).toBe("high");
    expect(worstSeverity([{ severity: "info" }, { severity: "CRITICAL" }, { severity: "info" }])).toBe("info");
    expect(worstSeverity([{ severity: "medium" }, { severity: "critical" }])).toBe("critical");
  });

  it("ranks the worst of a list, 9 for an empty one", () => {
    expect(worstSeverityRank([])).toBe(9);
    expect(worstSeverityRank([{ severity: "info" }])).toBe(4);
    expect(worstSeverityRank([{ severity: "low" }, { severity: "high" }, { severity: "medium" }])).toBe(1);
  });

  it("writes the rank as a SQL CASE over a column, an unknown value ranked as info", () => {
    expect(severityRankSql('f."severity"')).toBe(
      `CASE f."severity" WHEN 'critical' THEN 0 WHEN 'high' THEN 1 WHEN 'medium' THEN 2 WHEN 'low' THEN 3 ELSE 4 END`,
    );
  });
});
