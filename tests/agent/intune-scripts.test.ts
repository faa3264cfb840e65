/**
 * public/agent/intune/*.ps1 (Win32 app install/uninstall/detect, Remediations detect/remediate) and the Pester
 * suites in public/agent/tests: they parse, run in Windows PowerShell 5.1, start programs by full path only, never
 * delete recursively, run nothing when dot-sourced (the Pester tests dot-source them), and the remediation
 * detection judges the status value as docs/agent.md says.
 */
import { readdirSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import {
  checkAscii,
  checkDotSourceSafe,
  checkExternalCommandPaths,
  checkRecursiveDeletes,
  checkSecretLeaks,
  checkSysnativeRelaunch,
} from "./powershell-checks";
import { PowerShellEvaluator, toPlain } from "./powershell-evaluator";
import { codeWithoutStringsAndComments, findPs7OnlySyntax, findSyntaxProblems, parsePowerShell } from "./powershell-syntax";

const AGENT_DIR = fileURLToPath(new URL("../../public/agent/", import.meta.url));
const INTUNE = ["install.ps1", "uninstall.ps1", "detect.ps1", "remediation-detect.ps1", "remediation-remediate.ps1"];
const read = (path: string) => readFileSync(AGENT_DIR + path, "utf8");

describe("public/agent/intune", () => {
  it("holds the Win32 app's install, uninstall and detection scripts and the Remediations pair", () => {
    expect(
      readdirSync(AGENT_DIR + "intune")
        .filter((f) => f.endsWith(".ps1"))
        .sort(),
    ).toEqual([...INTUNE].sort());
  });

  describe.each(INTUNE)("%s", (file) => {
    const text = read(`intune/${file}`);

    it("parses, uses no PowerShell 7-only syntax and is ASCII", async () => {
      const tree = await parsePowerShell(text);
      expect(findSyntaxProblems(tree)).toEqual([]);
      expect(findPs7OnlySyntax(codeWithoutStringsAndComments(text, tree))).toEqual([]);
      expect(checkAscii(text)).toEqual([]);
    });

    it("starts programs by full path only, never deletes recursively, leaks no secret and runs nothing when dot-sourced", async () => {
      const tree = await parsePowerShell(text);
      expect(checkExternalCommandPaths(tree)).toEqual([]);
      expect(checkRecursiveDeletes(tree)).toEqual([]);
      expect(checkSecretLeaks(tree)).toEqual([]);
      expect(checkDotSourceSafe(tree)).toEqual([]);
    });
  });

  it.each(["install.ps1", "uninstall.ps1"])("%s relaunches from the IME's 32-bit host through Sysnative", async (file) => {
    expect(checkSysnativeRelaunch(await parsePowerShell(read(`intune/${file}`)))).toEqual([]);
  });

  it("the detection scripts read the 64-bit registry view and Program Files whatever their host", () => {
    for (const file of ["detect.ps1", "remediation-detect.ps1"]) {
      const text = read(`intune/${file}`);
      expect(text, file).toContain("[Microsoft.Win32.RegistryView]::Registry64");
      expect(text, file).toContain("$env:ProgramW6432");
    }
  });

  it("the Win32 detection prints something only when it exits 0 (Intune's rule for detected)", () => {
    const text = read("intune/detect.ps1");
    const main = text.slice(text.indexOf("if ($MyInvocation.InvocationName -ne '.')"));
    expect(main.match(/Write-Output/g)).toHaveLength(1);
    expect(main).toMatch(/Write-Output "JoinScope agent \$version installed"\s+exit 0/);
    expect(main.trim().split("\n").slice(-2)[0]!.trim()).toBe("exit 1");
  });

  describe("remediation-detect.ps1's verdict (Get-AgentHealth)", () => {
    const health = async (installed: boolean, task: boolean, outcome: string, sinceSuccess: number, sinceRun: number) => {
      const ps = new PowerShellEvaluator(await parsePowerShell(read("intune/remediation-detect.ps1")));
      return toPlain(ps.call("Get-AgentHealth", {}, [installed, task, outcome, "HTTP 503", sinceSuccess, sinceRun, 8])) as { Healthy: boolean; Line: string };
    };

    it("healthy within 8 hours of an upload, even if the last attempt was queued", async () => {
      expect(await health(true, true, "Uploaded", 2.5, 2.5)).toEqual({ Healthy: true, Line: "JoinScope: healthy - last upload 2.5 h ago (Uploaded)" });
      expect((await health(true, true, "Queued", 7.9, 0.1)).Healthy).toBe(true);
    });

    it("missing, stale or failing otherwise, in one line", async () => {
      expect(await health(false, true, "Uploaded", 1, 1)).toMatchObject({
        Healthy: false,
        Line: expect.stringMatching(/^JoinScope: missing - the agent script/),
      });
      expect(await health(true, false, "Uploaded", 1, 1)).toMatchObject({
        Healthy: false,
        Line: expect.stringMatching(/^JoinScope: missing - the scheduled task/),
      });
      expect(await health(true, true, "Queued", 9.4, 0.1)).toEqual({ Healthy: false, Line: "JoinScope: stale - last upload 9 h ago (Queued)" });
      expect(await health(true, true, "", -1, -1)).toEqual({ Healthy: false, Line: "JoinScope: stale - the agent has never run" });
      for (const outcome of ["DeviceRevoked", "EnrolmentFailed", "ConfigError", "Refused", "Failed"]) {
        expect(await health(true, true, outcome, 1, 1)).toEqual({ Healthy: false, Line: `JoinScope: failing - ${outcome} HTTP 503` });
      }
    });
  });
});

describe("public/agent/tests (Pester 5)", () => {
  it.each(readdirSync(AGENT_DIR + "tests").filter((f) => f.endsWith(".ps1")))("%s parses and uses no PowerShell 7-only syntax", async (file) => {
    const text = read(`tests/${file}`);
    const tree = await parsePowerShell(text);
    expect(findSyntaxProblems(tree)).toEqual([]);
    expect(findPs7OnlySyntax(codeWithoutStringsAndComments(text, tree))).toEqual([]);
    expect(checkAscii(text)).toEqual([]);
  });
});
