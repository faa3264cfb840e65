/**
 * Every bug of ./agent-mutations.ts, applied one at a time to a copy of the script: the detector it names catches
 * it, and the ones left to the Pester suite are really missed here (and have their Pester test).
 */
import { readdirSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { AGENT_MUTATIONS, BEHAVIOUR_PROBES, type AgentMutation } from "./agent-mutations";
import { checkAgentScript } from "./powershell-checks";
import { PowerShellEvaluator } from "./powershell-evaluator";
import { parsePowerShell } from "./powershell-syntax";

const AGENT_DIR = fileURLToPath(new URL("../../public/agent/", import.meta.url));
const FILES: Record<AgentMutation["file"], string> = {
  agent: AGENT_DIR + "Invoke-JoinScopeAgent.ps1",
  "remediation-detect": AGENT_DIR + "intune/remediation-detect.ps1",
};
const PROBES_FOR: Record<AgentMutation["file"], (keyof typeof BEHAVIOUR_PROBES)[]> = {
  agent: ["uploadDisposition", "retryJitter", "queueBound", "secretPrecedence", "trustedFolder", "captureFile", "captureUser", "proxy"],
  "remediation-detect": ["agentHealth"],
};
const pester = readdirSync(AGENT_DIR + "tests")
  .filter((f) => f.endsWith(".Tests.ps1"))
  .map((f) => readFileSync(AGENT_DIR + "tests/" + f, "utf8"))
  .join("\n");

/** What the checks and probes here say about one version of a file. */
async function detect(file: AgentMutation["file"], text: string) {
  const tree = await parsePowerShell(text);
  const violations = file === "agent" ? await checkAgentScript(text) : [];
  const ps = new PowerShellEvaluator(tree);
  const failedProbes = PROBES_FOR[file].filter((probe) => BEHAVIOUR_PROBES[probe](ps).length > 0);
  return { violations, failedProbes };
}

describe("the mutation list (tests/agent/agent-mutations.ts)", () => {
  it("holds at least 15 realistic bugs, with unique ids, most of them caught without Windows", () => {
    expect(AGENT_MUTATIONS.length).toBeGreaterThanOrEqual(15);
    expect(new Set(AGENT_MUTATIONS.map((m) => m.id)).size).toBe(AGENT_MUTATIONS.length);
    const here = AGENT_MUTATIONS.filter((m) => m.caughtBy.kind !== "pester").length;
    expect(here).toBeGreaterThan(AGENT_MUTATIONS.length / 2);
  });

  it.each(Object.keys(FILES) as AgentMutation["file"][])("the unmutated %s passes every check and probe", async (file) => {
    const { violations, failedProbes } = await detect(file, readFileSync(FILES[file], "utf8"));
    expect(violations).toEqual([]);
    expect(failedProbes).toEqual([]);
  });

  it.each(AGENT_MUTATIONS.map((m) => [m.id, m] as const))("%s", async (_id, mutation) => {
    const original = readFileSync(FILES[mutation.file], "utf8");
    expect(original.split(mutation.find).length - 1, `the edit's text must occur once in ${mutation.file}`).toBe(1);
    const { violations, failedProbes } = await detect(
      mutation.file,
      original.replace(mutation.find, () => mutation.replace),
    );
    const detector = mutation.caughtBy;
    if (detector.kind === "static") {
      expect(
        violations.map((v) => v.check),
        mutation.bug,
      ).toContain(detector.check);
    } else if (detector.kind === "evaluator") {
      expect(failedProbes, mutation.bug).toContain(detector.probe);
    } else {
      // Left to Pester: nothing here notices it (if something does, move the mutation up), and its test exists.
      expect(violations, `${mutation.id} is caught here after all`).toEqual([]);
      expect(failedProbes, `${mutation.id} is caught here after all`).toEqual([]);
      const named = pester.includes(`It '${detector.test}'`) || pester.includes(`It "${detector.test}"`);
      expect(named, `Pester test It '${detector.test}' in public/agent/tests`).toBe(true);
    }
  });
});
