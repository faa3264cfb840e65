import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import type { Finding } from "@/lib/rules/types";
import { fingerprintFinding } from "./fingerprint-finding";

/** The fingerprint stored before findings were written through the driver: the array, serialised whole. */
const storedFingerprint = (f: Finding) =>
  createHash("sha256")
    .update(JSON.stringify([f.severity, f.title, f.explanation, f.evidence, f.remediation]))
    .digest("hex");

describe("fingerprintFinding", () => {
  // A finding shaped like thumbprint-mismatch's, with the characters JSON escapes (quotes, backslash, newline, U+2028).
  const finding: Finding = {
    rule: "thumbprint-mismatch",
    severity: "high",
    title: 'Thumbprint "B9D5…" differs',
    explanation: "CONTOSO\\PC-01$ holds another certificate.\nSee\u2028the object.",
    evidence: [
      { source: "dsregcmd /status · Device Details", field: "Thumbprint", value: "B9D564648AC7BB04D3B9C0D8C39F733144ECBD67", expected: null },
      { source: "Entra ID device object", field: "alternativeSecurityIds", value: null },
    ],
    remediation: ["Run `dsregcmd /leave` as SYSTEM, then restart.", "Delete the stale object (“Devices › PC-01”)."],
  };

  it("hashes the same bytes as the whole array did, so fingerprints stored earlier still match", () => {
    expect(fingerprintFinding(finding)).toBe(storedFingerprint(finding));
    expect(fingerprintFinding(finding, JSON.stringify(finding.evidence), JSON.stringify(finding.remediation))).toBe(storedFingerprint(finding));
  });

  it("changes when any shown part changes", () => {
    const base = fingerprintFinding(finding);
    expect(fingerprintFinding({ ...finding, severity: "medium" })).not.toBe(base);
    expect(fingerprintFinding({ ...finding, explanation: `${finding.explanation} ` })).not.toBe(base);
    expect(fingerprintFinding({ ...finding, evidence: [finding.evidence[1]!, finding.evidence[0]!] })).not.toBe(base);
    expect(fingerprintFinding({ ...finding, remediation: finding.remediation.slice(1) })).not.toBe(base);
  });
});
