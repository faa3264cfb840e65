import { createHash } from "node:crypto";
import type { Finding } from "@/lib/rules/types";

/**
 * SHA-256 of `JSON.stringify([severity, title, explanation, evidence, remediation])`: a finding whose fingerprint
 * is unchanged is not rewritten. `evidenceJson` and `remediationJson` are the JSON the write stores anyway, so
 * each finding is serialised once; the bytes hashed are the same as the array's, so stored fingerprints stay valid.
 */
export function fingerprintFinding(f: Pick<Finding, "severity" | "title" | "explanation" | "evidence" | "remediation">, evidenceJson = JSON.stringify(f.evidence), remediationJson = JSON.stringify(f.remediation)): string {
  return createHash("sha256")
    .update(`[${JSON.stringify(f.severity)},${JSON.stringify(f.title)},${JSON.stringify(f.explanation)},${evidenceJson},${remediationJson}]`)
    .digest("hex");
}
