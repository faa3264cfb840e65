import { describe, expect, it } from "vitest";
import { consolidateRemediation, primaryRuleOf } from "@/lib/rules/consolidate-remediation";
import type { Finding } from "@/lib/rules/types";
import { sortFindings } from "@/lib/display/severity";

const finding = (rule: string, severity: Finding["severity"], title: string, remediation = ["Run `dsregcmd /leave` …"]): Finding => ({
  rule,
  severity,
  title,
  explanation: "",
  evidence: [],
  remediation,
});

describe("consolidateRemediation and the stored findings' order", () => {
  // A disabled hybrid object: object-disabled is high, device-auth-failed critical, yet the root cause is the former.
  const findings = [
    finding("device-auth-failed", "critical", "Device authentication failed: device disabled"),
    finding("object-disabled", "high", "Device object disabled", ["Enable the computer account in Active Directory"]),
    finding("prt-missing", "high", "No Primary Refresh Token: device authentication failed"),
    finding("prt-missing-other", "medium", "Unrelated"),
  ];

  it("points the consequences to the root cause and keeps the rest", () => {
    const { findings: out, primaryRule, explainedRules, primaryRank } = consolidateRemediation(findings);
    expect(primaryRule).toBe("object-disabled");
    expect(explainedRules).toEqual(["device-auth-failed", "prt-missing"]);
    // Ranked with the worst finding it explains: a list by severity shows it before device-auth-failed.
    expect(primaryRank).toBe("critical");
    expect(out[0]!.remediation).toEqual([
      'Fix the primary cause first: "Device object disabled" (object-disabled). Its steps resolve this finding too; nothing else is needed for it.',
    ]);
    expect(out[2]!.remediation[0]).toMatch(/^Fix the primary cause first/);
    expect(out[1]!.remediation).toEqual(["Enable the computer account in Active Directory"]);
    expect(out[3]!.remediation).toEqual(["Run `dsregcmd /leave` …"]);
    expect(findings[0]!.remediation).toEqual(["Run `dsregcmd /leave` …"]);
  });

  it("lets a page put the primary first from the stored text alone", () => {
    const stored = consolidateRemediation(findings).findings;
    expect(primaryRuleOf(stored)).toBe("object-disabled");
    expect(sortFindings(stored).map((f) => f.rule)).toEqual(["object-disabled", "device-auth-failed", "prt-missing", "prt-missing-other"]);
    expect(primaryRuleOf(findings)).toBeNull();
    expect(sortFindings(findings).map((f) => f.rule)).toEqual(["device-auth-failed", "object-disabled", "prt-missing", "prt-missing-other"]);
  });

  it("names no primary when nothing is explained by a root cause", () => {
    const alone = [finding("object-disabled", "high", "Device object disabled"), finding("tpm-not-protected", "info", "TPM")];
    expect(consolidateRemediation(alone)).toEqual({ findings: alone, primaryRule: null, explainedRules: [], primaryRank: null });
  });
});
