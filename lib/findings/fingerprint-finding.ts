import * as crypto from "node:crypto";
import type { Finding } from "@/lib/rules/types";

/**
 * SHA-256 as hex, one-shot where Node has it (crypto.hash, 20.12+; package.json allows 20.9): a full pass hashes
 * ~150,000 findings, and a Hash object per finding cost about as much again as the hashing.
 */
const sha256Hex: (text: string) => string =
  typeof crypto.hash === "function" ? (text) => crypto.hash("sha256", text, "hex") : (text) => crypto.createHash("sha256").update(text).digest("hex");

/**
 * SHA-256 of `JSON.stringify([severity, title, explanation, evidence, remediation])`: a finding whose fingerprint
 * is unchanged is not rewritten. `evidenceJson` and `remediationJson` are the JSON the write stores anyway, so
 * each finding is serialised once; the bytes hashed are the same as the array's, so stored fingerprints stay valid.
 */
export function fingerprintFinding(
  f: Pick<Finding, "severity" | "title" | "explanation" | "evidence" | "remediation">,
  evidenceJson = JSON.stringify(f.evidence),
  remediationJson = JSON.stringify(f.remediation),
): string {
  return sha256Hex(`[${JSON.stringify(f.severity)},${JSON.stringify(f.title)},${JSON.stringify(f.explanation)},${evidenceJson},${remediationJson}]`);
}
