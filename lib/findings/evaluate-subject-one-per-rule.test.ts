import { describe, expect, it, vi } from "vitest";
import type { ConsolidatedFindings } from "@/lib/rules/consolidate-remediation";
import { makeDeviceSettings, makeDeviceSubject } from "@/lib/rules/testing/make-directory-object";
import type { Finding } from "@/lib/rules/types";
import { evaluateSubject } from "./evaluate-subject";

/**
 * A Finding row is keyed by (subject, rule): should the rules ever emit one rule twice for a device, the write keeps
 * the first (the rules sort the worst first). The rules are replaced here by a result that does, since none of them
 * does so today.
 */
const rules = vi.hoisted(() => ({ result: null as ConsolidatedFindings | null }));
vi.mock("@/lib/rules/evaluate-device-rules", () => ({ evaluateDevice: () => rules.result }));

const prtMissing = (severity: Finding["severity"], title: string): Finding => ({
  rule: "prt-missing",
  severity,
  title,
  explanation: "No Primary Refresh Token: Conditional Access cannot see the device.",
  evidence: [{ source: "dsregcmd /status · SSO State", field: "AzureAdPrt", value: "NO" }],
  remediation: ["Sign out and in again on the device."],
});

describe("evaluateSubject, one finding per rule", () => {
  it("keeps the first of two findings of the same rule", () => {
    rules.result = {
      findings: [prtMissing("high", "No PRT: device authentication failed"), prtMissing("medium", "No PRT")],
      primaryRule: null,
      explainedRules: [],
      primaryRank: null,
    };
    const loaded = { key: "h:pc-0142", deviceId: null, objectId: null, hostname: "PC-0142", subject: makeDeviceSubject() };
    expect(evaluateSubject(loaded, makeDeviceSettings()).findings.map((f) => [f.rule, f.severity, f.title])).toEqual([
      ["prt-missing", "high", "No PRT: device authentication failed"],
    ]);
  });
});
