import { describe, expect, it, vi } from "vitest";
import type { Finding } from "@/lib/rules/types";

// Node 20.9 to 20.11 (package.json allows 20.9) have no crypto.hash: the module then hashes through createHash.
vi.mock("node:crypto", async (importOriginal) => ({ ...(await importOriginal<typeof import("node:crypto")>()), hash: undefined }));

describe("fingerprintFinding without crypto.hash (Node before 20.12)", () => {
  it("stores the same fingerprint as the one-shot hash: SHA-256 of the finding's shown parts, as hex", async () => {
    const { fingerprintFinding } = await import("./fingerprint-finding");
    // A stale-device finding as the rules word it.
    const finding: Pick<Finding, "severity" | "title" | "explanation" | "evidence" | "remediation"> = {
      severity: "low",
      title: "Stale device object",
      explanation: "PC-0142 has not signed in for 120 days.",
      evidence: [{ source: "Entra ID device object", field: "approximateLastSignInDateTime", value: "2024-11-09T08:00:00Z" }],
      remediation: ["Disable the object, then delete it after 30 days."],
    };
    // sha256sum of the serialised array, computed outside this code.
    expect(fingerprintFinding(finding)).toBe(EXPECTED);
  });
});

const EXPECTED = "bc16ae68bb306c0d2709377740760e6e03cc00d256292c888a035fda75f309e0";
