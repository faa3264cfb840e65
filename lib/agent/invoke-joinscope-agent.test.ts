/**
 * Checks of public/agent/Invoke-JoinScopeAgent.ps1 that run without Windows: the tree-sitter
 * PowerShell grammar must parse it cleanly, it must use no PowerShell 7-only syntax (it has to run in
 * Windows PowerShell 5.1), must never hand the token to a logging command, and must send exactly the
 * fields ReportUploadSchema accepts.
 */
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { beforeAll, describe, expect, it } from "vitest";
import { AgentEventSchema, ReportUploadSchema } from "@/lib/ingest/upload-schema";
import {
  codeWithoutStringsAndComments,
  findHashtableKeys,
  findPs7OnlySyntax,
  findSyntaxProblems,
  findTokenLogging,
  parsePowerShell,
} from "./powershell-syntax";

const SCRIPT_PATH = fileURLToPath(new URL("../../public/agent/Invoke-JoinScopeAgent.ps1", import.meta.url));
const script = readFileSync(SCRIPT_PATH, "utf8");
type Tree = Awaited<ReturnType<typeof parsePowerShell>>;

describe("Invoke-JoinScopeAgent.ps1", () => {
  let tree: Tree;
  beforeAll(async () => {
    tree = await parsePowerShell(script);
  });

  it("parses with the PowerShell grammar: no ERROR or MISSING node", () => {
    expect(findSyntaxProblems(tree)).toEqual([]);
  });

  it("the grammar check is not vacuous: it rejects broken PowerShell", async () => {
    for (const broken of ["function f { if ($x) { 1 }", "$h = @{ a = 1", "$a = $b ? 1 : 2", "Write-Output ("]) {
      expect(findSyntaxProblems(await parsePowerShell(broken)), broken).not.toEqual([]);
    }
  });

  it("uses no PowerShell 7-only syntax outside strings and comments (??, ?., &&, ||, ternary, -Parallel)", () => {
    expect(findPs7OnlySyntax(codeWithoutStringsAndComments(script, tree))).toEqual([]);
  });

  it("the PowerShell 7 syntax check finds each operator in code but not in strings or comments", async () => {
    const samples: [string, string][] = [
      ["$a = $b ?? 'x'", "??"],
      ["$a = $b?.Name", "?. / ?["],
      ["git pull && npm i", "&&"],
      ["Test-Path x || exit 1", "||"],
      ["$a = $b ? 1 : 2", "? (ternary or Where-Object alias)"],
      ["1..3 | ForEach-Object -Parallel { $_ }", "-Parallel"],
    ];
    for (const [code, operator] of samples) {
      const t = await parsePowerShell(code);
      expect(findPs7OnlySyntax(codeWithoutStringsAndComments(code, t)).map((h) => h.operator), code).toContain(operator);
    }
    const quiet = "$a = 'x ?? y && z' # a ? b : c\n<# || #>\n";
    expect(findPs7OnlySyntax(codeWithoutStringsAndComments(quiet, await parsePowerShell(quiet)))).toEqual([]);
  });

  it("turns on strict mode, stops on errors, and keeps TLS 1.2 available on 5.1", () => {
    expect(script).toMatch(/^Set-StrictMode -Version Latest$/m);
    expect(script).toMatch(/^\$ErrorActionPreference = 'Stop'$/m);
    expect(script).toContain("[System.Net.ServicePointManager]::SecurityProtocol");
    expect(script).toContain("[System.Net.SecurityProtocolType]::Tls12");
  });

  it("has comment-based help with synopsis, description, every parameter and an example", () => {
    const help = /<#([\s\S]*?)#>/.exec(script)?.[1] ?? "";
    for (const keyword of [".SYNOPSIS", ".DESCRIPTION", ".EXAMPLE"]) expect(help).toContain(keyword);
    const params = /param\(([\s\S]*?)\n\)/.exec(script)?.[1] ?? "";
    const names = [...params.matchAll(/\]\$(\w+)/g)].map((m) => m[1]!);
    expect(names).toEqual(expect.arrayContaining(["ServerUrl", "Token", "TokenFile", "EventCount", "RedactUserNames", "StateDirectory", "Register"]));
    for (const name of names) expect(help, `.PARAMETER ${name}`).toContain(`.PARAMETER ${name}`);
  });

  it("never hands a token variable to a logging command", () => {
    expect(findTokenLogging(tree)).toEqual([]);
  });

  it("the token-logging check catches the obvious leaks", async () => {
    for (const leak of ['Write-Host $Token', 'Write-AgentLog "using $Token"', 'Add-Content log.txt ("t=" + $script:Token)', "[System.Diagnostics.EventLog]::WriteEntry('s', $AgentToken)"]) {
      expect(findTokenLogging(await parsePowerShell(leak)), leak).not.toEqual([]);
    }
    expect(findTokenLogging(await parsePowerShell('Write-AgentLog "Token read from $TokenFile"'))).toEqual([]);
  });

  it("masks any jsa_ string in what it logs", () => {
    expect(script).toMatch(/-replace 'jsa_\[A-Za-z0-9_\\-\]\+', 'jsa_\*\*\*'/);
    // Every log write goes through Protect-LogText.
    expect(script).toMatch(/\$line = .*\(Protect-LogText \$Message\)/);
    expect(script).toMatch(/WriteEntry\(\$EventSource, \(Protect-LogText \$Message\)/);
  });

  it("sends exactly the fields of ReportUploadSchema, and events with exactly AgentEventSchema's", () => {
    expect(findHashtableKeys(tree, "payload").sort()).toEqual(Object.keys(ReportUploadSchema.shape).sort());
    expect(findHashtableKeys(tree, "entry").sort()).toEqual(Object.keys(AgentEventSchema.shape).sort());
  });

  it("uploads UTF-8 bytes as application/json with a Bearer token, and honours the server's limits", () => {
    expect(script).toContain("[System.Text.Encoding]::UTF8.GetBytes($json)");
    expect(script).toContain("-ContentType 'application/json; charset=utf-8'");
    expect(script).toContain('Authorization = "Bearer $AgentToken"');
    expect(script).toContain("/api/v1/reports");
    // 2 logs x 250 = the schema's 500 events; 8000 < the schema's 8192 characters a message.
    expect(script).toMatch(/\$EventCount -gt 250/);
    const event = { id: 1098, time: "2026-11-29T07:40:12.1234567Z", level: "Error", task: null, log: "Microsoft-Windows-AAD/Operational", message: "x".repeat(8000) };
    expect(ReportUploadSchema.shape.events.safeParse(Array(500).fill(event)).success).toBe(true);
    expect(script).toMatch(/\$message\.Length -gt 8000/);
    expect(script).toMatch(/\$MaxBodyBytes = 1000000/);
  });

  it("captures the user's context unelevated through a one-shot task in the user's session", () => {
    expect(script).toMatch(/New-ScheduledTaskPrincipal -UserId \$User\.Sid -LogonType Interactive -RunLevel Limited/);
    expect(script).toContain("Unregister-ScheduledTask -TaskName $taskName");
  });

  it("exits 0, 1 or 2 only", () => {
    const codes = new Set([...codeWithoutStringsAndComments(script, tree).matchAll(/\bexit (\d+)/g)].map((m) => m[1]));
    expect([...codes].sort()).toEqual(["0", "1", "2"]);
  });
});
