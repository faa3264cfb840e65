import { describe, expect, it } from "vitest";
import { describeConditionalAccessOutlook } from "./conditional-access-outlook";
import { groupDeviceFindings } from "./sort-device-findings";

const f = (rule: string, severity: "critical" | "high" | "medium" | "low" | "info", extra: { primary?: boolean; explainedBy?: string | null } = {}) => ({
  rule,
  severity,
  title: `${rule} title`,
  primary: extra.primary ?? false,
  explainedBy: extra.explainedBy ?? null,
});

describe("describeConditionalAccessOutlook", () => {
  it("names the primary cause of a device Conditional Access treats as unregistered now, not the worst symptom", () => {
    const outlook = describeConditionalAccessOutlook(
      [f("device-auth-failed", "critical", { explainedBy: "object-disabled" }), f("object-disabled", "high", { primary: true })],
      false,
    );
    expect(outlook).toEqual({ kind: "unregistered-now", cause: { rule: "object-disabled", title: "object-disabled title" } });
  });

  it("tells a computer out of Connect's scope whose object is still live apart: unregistered at the next Connect cycle", () => {
    expect(describeConditionalAccessOutlook([f("out-of-sync-scope", "critical")], true)).toEqual({
      kind: "next-connect-cycle",
      cause: { rule: "out-of-sync-scope", title: "out-of-sync-scope title" },
    });
    // Once the object is gone it is unregistered now.
    expect(describeConditionalAccessOutlook([f("out-of-sync-scope", "critical")], false).kind).toBe("unregistered-now");
  });

  it("does not call a device unregistered for a medium thumbprint inconsistency or a stale PRT", () => {
    expect(describeConditionalAccessOutlook([f("thumbprint-mismatch", "medium"), f("prt-stale", "medium")], true)).toEqual({
      kind: "attention",
      worst: "medium",
    });
    expect(describeConditionalAccessOutlook([f("tpm-not-protected", "info")], true)).toEqual({ kind: "healthy" });
    expect(describeConditionalAccessOutlook([], true)).toEqual({ kind: "healthy" });
  });
});

describe("groupDeviceFindings", () => {
  it("puts the flagged primary first with the findings it explains, whatever the severities and the remediation text", () => {
    const grouped = groupDeviceFindings([
      f("prt-missing", "high", { explainedBy: "object-disabled" }),
      f("tpm-not-protected", "info"),
      f("device-auth-failed", "critical", { explainedBy: "object-disabled" }),
      f("cert-expiring", "medium"),
      f("object-disabled", "high", { primary: true }),
    ]);
    expect(grouped.primary?.rule).toBe("object-disabled");
    expect(grouped.explained.map((x) => x.rule)).toEqual(["device-auth-failed", "prt-missing"]);
    expect(grouped.others.map((x) => x.rule)).toEqual(["cert-expiring", "tpm-not-protected"]);
  });

  it("without a stored primary lists everything by severity", () => {
    const grouped = groupDeviceFindings([f("prt-stale", "medium"), f("prt-missing", "high")]);
    expect(grouped.primary).toBeNull();
    expect(grouped.explained).toEqual([]);
    expect(grouped.others.map((x) => x.rule)).toEqual(["prt-missing", "prt-stale"]);
  });
});
