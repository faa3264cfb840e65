import { describe, expect, it } from "vitest";
import { readEvidence, readRemediation } from "@/lib/queries/find-findings";
import { evidenceCell, evidenceJson, flattenEvidence, flattenRemediation, remediationCell, remediationJson } from "./finding-export-source";

/** Stored evidence and steps as a findings pass writes them, and as older or damaged rows may hold them. */
const EVIDENCE: unknown[] = [
  [],
  [{ source: "dsregcmd", field: "AzureAdJoined", value: "NO", expected: "YES" }],
  [
    { source: "graph", field: "trustType", value: null },
    { source: "graph", field: "deviceId", value: 'a "quoted"\nvalue', expected: null },
    { field: "n", value: 5, expected: 6 },
    { source: 7, field: null, value: { nested: true }, expected: false },
  ],
  [null, 1, "text", [], { value: "" }, { source: "s", field: "f", value: "\u2028 \ud800 ünï", expected: undefined }],
  {},
  "not a list",
  null,
];
const STEPS: unknown[] = [[], ["Run dsregcmd /leave", 'Then "join" again'], ["a", 3, null, "b | c", { step: 1 }], {}, "one", null];

describe("the findings export's evidence and remediation cells", () => {
  it("are flattenEvidence(readEvidence()) and JSON.stringify(readEvidence()) of whatever is stored", () => {
    for (const json of EVIDENCE) {
      expect(evidenceCell(json), JSON.stringify(json)).toBe(flattenEvidence(readEvidence(json)));
      expect(evidenceJson(json), JSON.stringify(json)).toBe(JSON.stringify(readEvidence(json)));
    }
  });

  it("are flattenRemediation(readRemediation()) and JSON.stringify(readRemediation()) of whatever is stored", () => {
    for (const json of STEPS) {
      expect(remediationCell(json), JSON.stringify(json)).toBe(flattenRemediation(readRemediation(json)));
      expect(remediationJson(json), JSON.stringify(json)).toBe(JSON.stringify(readRemediation(json)));
    }
  });
});
