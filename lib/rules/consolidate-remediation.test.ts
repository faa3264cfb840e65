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

describe("which findings a root cause explains", () => {
  const POINTER = (title: string, rule: string) =>
    `Fix the primary cause first: "${title}" (${rule}). Its steps resolve this finding too; nothing else is needed for it.`;
  // A hybrid object deleted in Entra ID: the report's PRT findings name their cause in the title (classify-prt-failure.ts).
  const deleted = finding("object-deleted", "critical", "Device object deleted", ["Restore the object"]);

  it("explains a missing or expired PRT whose cause is a failed device authentication", () => {
    const result = consolidateRemediation([
      deleted,
      finding("prt-missing", "high", "No Primary Refresh Token: device authentication failed"),
      finding("prt-expired", "high", "Primary Refresh Token expired: device authentication failed"),
    ]);
    expect(result.explainedRules).toEqual(["prt-missing", "prt-expired"]);
    expect(result.findings.map((f) => f.remediation)).toEqual([
      ["Restore the object"],
      [POINTER("Device object deleted", "object-deleted")],
      [POINTER("Device object deleted", "object-deleted")],
    ]);
  });

  it("leaves a PRT finding of another cause, and another rule that mentions the cause, with their own steps", () => {
    const own = [
      finding("prt-missing", "high", "No Primary Refresh Token: wrong credentials or password not synced", ["Check the password"]),
      finding("prt-stale", "medium", "Primary Refresh Token not renewed: device authentication failed", ["Lock and unlock"]),
      finding("cert-expiring", "medium", "Device certificate expiring: device authentication failed soon", ["Renew"]),
    ];
    expect(consolidateRemediation([deleted, ...own])).toEqual({ findings: [deleted, ...own], primaryRule: null, explainedRules: [], primaryRank: null });
    const withOne = consolidateRemediation([deleted, ...own, finding("device-auth-failed", "critical", "Device authentication failed")]);
    expect(withOne.explainedRules).toEqual(["device-auth-failed"]);
    expect(withOne.findings.slice(1, 4)).toEqual(own);
  });

  it("keeps the steps of a failed device authentication that is itself the primary finding", () => {
    const authFailed = finding("device-auth-failed", "critical", "Device authentication failed: device key not found", ["Re-register the device"]);
    const prt = finding("prt-missing", "high", "No Primary Refresh Token: device authentication failed");
    const result = consolidateRemediation([prt, authFailed]);
    expect(result.primaryRule).toBe("device-auth-failed");
    expect(result.explainedRules).toEqual(["prt-missing"]);
    expect(result.findings).toEqual([{ ...prt, remediation: [POINTER(authFailed.title, "device-auth-failed")] }, authFailed]);
  });

  it("reads the primary rule only from a finding whose one step is the pointer", () => {
    expect(primaryRuleOf([{ remediation: [POINTER("Device object deleted", "object-deleted"), "Then capture dsregcmd /status again."] }])).toBeNull();
    expect(primaryRuleOf([{ remediation: [] }, { remediation: [POINTER("Device object deleted", "object-deleted")] }])).toBe("object-deleted");
  });
});
