import { describe, expect, it } from "vitest";
import { readEvidence, readRemediation } from "@/lib/queries/find-findings";
import {
  evidenceCell,
  evidenceJson,
  evidenceJsonText,
  flattenEvidence,
  flattenRemediation,
  remediationCell,
  remediationJson,
  remediationJsonText,
} from "./finding-export-source";

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

/** Every UTF-16 code unit from U+0000 to U+FFFF in strings of 64, and pairs: a lone surrogate, a pair, each control. */
function everyCodeUnit(): string[] {
  const strings: string[] = [];
  for (let start = 0; start < 0x10000; start += 64) strings.push(String.fromCharCode(...Array.from({ length: 64 }, (_, i) => start + i)));
  return [...strings, "\ud83d\ude00 paired", "lone \ud83d", "lone \ude00", "\u2028\u2029", 'quote " back \\ slash', ""];
}

/** The stored text in forms JSON.stringify does not write: escapes it would not use, spaces, another key order. */
const NOT_STRINGIFY_TEXT = [
  '[{"source":"a\\u0041","field":"f","value":"v"}]',
  '[{"source":"a\\/b","field":"f","value":"v"}]',
  '[{"source":"s","field":"f","value":"\\u0008"}]',
  '[{"source":"s","field":"f","value":"\\u001F"}]',
  '[{"source":"s","field":"f","value":"\\ud83d\\ude00"}]',
  '[{"source":"s","field":"f","value":"\\uD83D"}]',
  '[ {"source":"s","field":"f","value":"v"}]',
  '[{"source": "s","field":"f","value":"v"}]',
  '[{"field":"f","source":"s","value":"v"}]',
  '[{"source":"s","field":"f"}]',
  '[{"source":"s","field":"f","value":"v","expected":"e","extra":1}]',
  '[{"source":"s","field":"f","value":5}]',
  '[{"source":"s","field":"f","value":"v"},]'.replace(",]", ',{"source":"s","field":"f","value":true}]'),
  '{"source":"s"}',
  '"text"',
  "null",
];

describe("the findings export's JSON Lines text of the stored evidence and steps", () => {
  it("is evidenceJson of the parsed text for every code unit, whether it is passed on as stored or written again", () => {
    for (const text of everyCodeUnit()) {
      for (const evidence of [
        [{ source: text, field: "f", value: text }],
        [{ source: "s", field: text, value: null, expected: text }],
        [
          { source: "s", field: "f", value: "v", expected: null },
          { source: text, field: text, value: text },
        ],
      ]) {
        const stored = JSON.stringify(evidence);
        expect(evidenceJsonText(stored), stored).toBe(evidenceJson(JSON.parse(stored)));
      }
      const steps = JSON.stringify(["Run dsregcmd /leave", text]);
      expect(remediationJsonText(steps), steps).toBe(remediationJson(JSON.parse(steps)));
    }
  });

  it.each(NOT_STRINGIFY_TEXT)("writes %s again as evidenceJson does", (stored) => {
    expect(evidenceJsonText(stored)).toBe(evidenceJson(JSON.parse(stored)));
    expect(evidenceJsonText(stored)).not.toBe(stored);
  });

  it.each(['["a" ,"b"]', '["\\u0041"]', '["a",1]', '["a",null]', "{}", '[["a"]]'])("writes the steps %s again as remediationJson does", (stored) => {
    expect(remediationJsonText(stored)).toBe(remediationJson(JSON.parse(stored)));
    expect(remediationJsonText(stored)).not.toBe(stored);
  });

  it("passes on the stored text of a findings pass as it is", () => {
    const stored = JSON.stringify([{ source: "dsregcmd", field: "AzureAdPrt", value: "NO", expected: "YES" }]);
    expect(evidenceJsonText(stored)).toBe(stored);
    expect(remediationJsonText('["Sign in again","Then \\"join\\"\\n"]')).toBe('["Sign in again","Then \\"join\\"\\n"]');
  });
});
