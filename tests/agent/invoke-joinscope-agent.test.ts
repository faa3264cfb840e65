/**
 * public/agent/Invoke-JoinScopeAgent.ps1 without Windows: it parses cleanly with the PowerShell grammar and uses no
 * PowerShell 7-only syntax (it must run in Windows PowerShell 5.1), the behaviour checks of ./powershell-checks.ts
 * find nothing, it sends exactly the fields ReportUploadSchema accepts, and its decision functions — what to do with
 * a queued report after each answer, retry delays, which secret wins, which folder or capture file can be trusted,
 * whose session is captured, which proxy is used — behave as docs/agent.md says, run by ./powershell-evaluator.ts.
 * public/agent/tests/*.Tests.ps1 runs the same functions in real PowerShell (Pester 5).
 */
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { beforeAll, describe, expect, it } from "vitest";
import { AgentEventSchema, ReportUploadSchema } from "@/lib/ingest/upload-schema";
import { AGENT_VERSION } from "./agent-payload";
import {
  checkAscii,
  checkAtomicWrites,
  checkDotSourceSafe,
  checkDpapiScope,
  checkExternalCommandPaths,
  checkHttpHelper,
  checkMutex,
  checkRecursiveDeletes,
  checkScheduleJitter,
  checkSecretLeaks,
  checkSysnativeRelaunch,
} from "./powershell-checks";
import { PowerShellEvaluator, PsHashtable, toPlain } from "./powershell-evaluator";
import { codeWithoutStringsAndComments, findHashtableKeys, findPs7OnlySyntax, findSyntaxProblems, parsePowerShell } from "./powershell-syntax";

const SCRIPT_PATH = fileURLToPath(new URL("../../public/agent/Invoke-JoinScopeAgent.ps1", import.meta.url));
const script = readFileSync(SCRIPT_PATH, "utf8");
const capture = (name: string) => readFileSync(fileURLToPath(new URL(`../../lib/reports/fixtures/${name}`, import.meta.url)), "utf8");
type Tree = Awaited<ReturnType<typeof parsePowerShell>>;

const SYSTEM = "S-1-5-18";
const ADMINISTRATORS = "S-1-5-32-544";
const USERS = "S-1-5-32-545";
const MEGAN = "S-1-5-21-1004336348-1177238915-682003330-1104";
const FULL_CONTROL = 2032127;
const READ_AND_EXECUTE = 1179817;

describe("Invoke-JoinScopeAgent.ps1", () => {
  let tree: Tree;
  let ps: PowerShellEvaluator;
  beforeAll(async () => {
    tree = await parsePowerShell(script);
    ps = new PowerShellEvaluator(tree);
  });

  describe("syntax", () => {
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
        expect(
          findPs7OnlySyntax(codeWithoutStringsAndComments(code, t)).map((h) => h.operator),
          code,
        ).toContain(operator);
      }
      const quiet = "$a = 'x ?? y && z' # a ? b : c\n<# || #>\n";
      expect(findPs7OnlySyntax(codeWithoutStringsAndComments(quiet, await parsePowerShell(quiet)))).toEqual([]);
    });

    it("is ASCII, so Windows PowerShell 5.1 reads it the same whatever the code page", () => {
      expect(checkAscii(script)).toEqual([]);
    });

    it("turns on strict mode and stops on errors when it runs, and keeps TLS 1.2 available on 5.1", () => {
      expect(script).toMatch(/^ {4}Set-StrictMode -Version Latest$/m);
      expect(script).toMatch(/^ {4}\$ErrorActionPreference = 'Stop'$/m);
      expect(script).toContain("[System.Net.SecurityProtocolType]::Tls12");
    });

    it("has comment-based help with synopsis, description, every parameter and an example", () => {
      const help = /<#([\s\S]*?)#>/.exec(script)?.[1] ?? "";
      for (const keyword of [".SYNOPSIS", ".DESCRIPTION", ".EXAMPLE"]) expect(help).toContain(keyword);
      const params = /param\(([\s\S]*?)\n\)/.exec(script)?.[1] ?? "";
      const names = [...params.matchAll(/\]\$(\w+)/g)].map((m) => m[1]!);
      expect(names).toEqual(
        expect.arrayContaining([
          "ServerUrl",
          "EnrolmentSecret",
          "EnrolmentSecretFile",
          "ProxyUrl",
          "EventCount",
          "RedactUserNames",
          "StateDirectory",
          "Register",
          "TimeBudgetMinutes",
          "MaxQueuedReports",
        ]),
      );
      for (const name of names) expect(help, `.PARAMETER ${name}`).toContain(`.PARAMETER ${name}`);
      // Scripts and task arguments of version 1 keep working.
      expect(params).toContain("[Alias('Token')][string]$EnrolmentSecret");
      expect(params).toContain("[Alias('TokenFile')][string]$EnrolmentSecretFile");
    });

    it("is version 2.1.0, as the recorded payloads say", () => {
      expect(script).toContain(`$AgentVersion = '${AGENT_VERSION}'`);
      expect(AGENT_VERSION).toBe("2.1.0");
    });
  });

  describe("behaviour the tree proves (./powershell-checks.ts)", () => {
    it.each([
      ["every program it starts is named by a full path under $env:SystemRoot", () => checkExternalCommandPaths(tree)],
      ["every file write goes through Write-AtomicFile, which writes a temporary file and renames it", () => checkAtomicWrites(tree)],
      ["no secret reaches a log, Write-Host/Output, an event-log write, a throw or a command line", () => checkSecretLeaks(tree)],
      ["every request goes through Invoke-AgentHttp, with a timeout", () => checkHttpHelper(tree)],
      ["a 32-bit host relaunches through Sysnative before doing anything", () => checkSysnativeRelaunch(tree)],
      ["dot-sourcing runs nothing but definitions", () => checkDotSourceSafe(tree)],
      ["a run takes a Global\\ mutex and stops when it cannot", () => checkMutex(tree)],
      ["the scheduled task's triggers are jittered", () => checkScheduleJitter(tree)],
      ["nothing is deleted recursively", () => checkRecursiveDeletes(tree)],
      ["keys are DPAPI-protected with the machine scope and made by the CSPRNG", () => checkDpapiScope(tree)],
    ])("%s", (_name, check) => {
      expect(check()).toEqual([]);
    });
  });

  describe("the upload", () => {
    it("sends exactly the fields of ReportUploadSchema, and events with exactly AgentEventSchema's", () => {
      expect(findHashtableKeys(tree, "payload").sort()).toEqual(Object.keys(ReportUploadSchema.shape).sort());
      expect(findHashtableKeys(tree, "entry").sort()).toEqual(Object.keys(AgentEventSchema.shape).sort());
    });

    it("enrols with exactly decision 011's fields and decision 042's device proof", async () => {
      const { EnrolmentRequestSchema } = await import("@/lib/agent-devices/agent-request-schemas");
      const { DeviceProofSchema } = await import("@/lib/agent-devices/device-proof");
      expect(findHashtableKeys(tree, "request").sort()).toEqual(Object.keys(EnrolmentRequestSchema.shape).sort());
      expect(findHashtableKeys(tree, "deviceProof").sort()).toEqual(Object.keys(DeviceProofSchema.shape).sort());
      expect(script).toContain('"$($Context.ServerUrl)/api/v1/agents/enrol"');
      expect(script).toContain('"$($Context.ServerUrl)/api/v1/agents/key"');
      expect(script).toContain('"$($Context.ServerUrl)/api/v1/reports"');
    });

    it("posts UTF-8 bytes as application/json with a Bearer credential, and stays under the server's limits", () => {
      expect(script).toContain("[System.Text.Encoding]::UTF8.GetBytes($json)");
      expect(script).toContain("-ContentType 'application/json; charset=utf-8'");
      expect(script).toContain('Authorization = "Bearer $BearerToken"');
      // 2 logs x 250 = the schema's 500 events; 8000 < the schema's 8192 characters a message.
      expect(script).toMatch(/\$EventCount -gt 250/);
      const event = {
        id: 1098,
        time: "2026-11-29T07:40:12.1234567Z",
        level: "Error",
        task: null,
        log: "Microsoft-Windows-AAD/Operational",
        message: "x".repeat(8000),
      };
      expect(ReportUploadSchema.shape.events.safeParse(Array(500).fill(event)).success).toBe(true);
      expect(script).toMatch(/\$message\.Length -gt 8000/);
      expect(ps.call("Get-UploadDisposition", {}, [0, "", "", ""])).toBe("Keep");
      expect(script).toMatch(/^\$MaxBodyBytes = 1000000 /m);
    });

    it("captures the user's context unelevated through a one-shot task in the user's session", () => {
      expect(script).toMatch(/New-ScheduledTaskPrincipal -UserId \$User\.Sid -LogonType Interactive -RunLevel Limited/);
      expect(script).toContain("Unregister-ScheduledTask -TaskName $taskName");
    });

    it("exits 0, 1 or 2 only", () => {
      const codes = new Set([...codeWithoutStringsAndComments(script, tree).matchAll(/ExitCode = (\d+)/g)].map((m) => m[1]));
      expect([...codes].sort()).toEqual(["0", "1", "2"]);
      expect(script).toMatch(/^ {4}exit \$script:RunResult\.ExitCode$/m);
    });
  });

  describe("what a queued report becomes after an answer (Get-UploadDisposition)", () => {
    const disposition = (status: number, code = "", reportHost = "PC-0387", computer = "PC-0387") =>
      ps.call("Get-UploadDisposition", {}, [status, code, reportHost, computer]);

    it("is removed once stored, or already stored", () => {
      expect(disposition(201)).toBe("Sent");
      expect(disposition(200)).toBe("Sent");
    });

    it.each([0, 407, 408, 429, 500, 502, 503, 504, 404, 409])("stays queued on %i (no answer, proxy, transient, unexpected)", (status) => {
      expect(disposition(status)).toBe("Keep");
    });

    it("stays queued on a 403 that is not JoinScope's hostname-mismatch (a proxy's block page)", () => {
      expect(disposition(403)).toBe("Keep");
      expect(disposition(403, "enrolment-limit")).toBe("Keep");
    });

    it.each([400, 413, 415])("is dropped on %i, a refusal of that report", (status) => {
      expect(disposition(status, "invalid-body")).toBe("Drop");
    });

    it("re-enrols on an unknown key, stops on a revoked device", () => {
      expect(disposition(401, "invalid-key")).toBe("Reenrol");
      expect(disposition(401, "")).toBe("Reenrol");
      expect(disposition(401, "device-revoked")).toBe("Revoked");
    });

    it("on hostname-mismatch re-enrols when this machine was renamed, drops a report captured under its old name", () => {
      expect(disposition(403, "hostname-mismatch", "PC-0387", "pc-0387")).toBe("Reenrol");
      expect(disposition(403, "hostname-mismatch", "PC-OLD-NAME", "PC-0387")).toBe("Drop");
    });

    it.each(["device-id-mismatch", "device-identity-held"])("on %s (decision 042) re-enrols for this machine's report, drops another name's", (code) => {
      expect(disposition(403, code, "PC-0387", "PC-0387")).toBe("Reenrol");
      expect(disposition(403, code, "PC-OLD-NAME", "PC-0387")).toBe("Drop");
    });

    it("retries within the run only what may pass a moment later", () => {
      const transient = [0, 407, 408, 429, 500, 503, 400, 401].map((s) => ps.call("Test-TransientStatus", {}, [s]));
      expect(transient).toEqual([true, false, true, true, true, true, false, false]);
    });
  });

  describe("retry delays (Get-RetryDelaySeconds)", () => {
    const delay = (attempt: number, retryAfter: number, random: number) => ps.call("Get-RetryDelaySeconds", {}, [attempt, retryAfter, random]) as number;

    it("back off exponentially, and half of each step is random, so a fleet that failed together spreads out", () => {
      for (const attempt of [1, 2, 3, 4, 5]) {
        const low = delay(attempt, 0, 0);
        const high = delay(attempt, 0, 0.999);
        expect(high - low, `attempt ${attempt}`).toBeGreaterThanOrEqual(Math.floor(low * 0.9));
        expect(delay(attempt + 1, 0, 0)).toBeGreaterThan(low);
      }
      expect(delay(20, 0, 0.999)).toBeLessThanOrEqual(300);
    });

    it("honour Retry-After with up to 30 s of jitter, and never wait more than 15 minutes", () => {
      expect(delay(1, 120, 0)).toBe(120);
      expect(delay(1, 120, 0.999)).toBeGreaterThan(145);
      expect(delay(1, 120, 0.999)).toBeLessThanOrEqual(150);
      expect(delay(2, 5000, 0.5)).toBe(900);
    });
  });

  describe("the queue (Get-QueueOverflow)", () => {
    const names = Array.from({ length: 22 }, (_, i) => `202612${String(i + 1).padStart(2, "0")}T101500000Z-${"ab".repeat(16)}.json`);

    it("drops the oldest beyond the limit, whatever order the folder lists them in", () => {
      const shuffled = [...names.slice(11), ...names.slice(0, 11)].reverse();
      expect(ps.callAll("Get-QueueOverflow", {}, [shuffled, 20])).toEqual(names.slice(0, 2));
    });

    it("drops nothing within the limit; version 1's pending report sorts first", () => {
      expect(ps.callAll("Get-QueueOverflow", {}, [names.slice(0, 20), 20])).toEqual([]);
      expect(ps.callAll("Get-QueueOverflow", {}, [[...names.slice(0, 20), "00000000T000000000Z-legacy.json"], 20])).toEqual([
        "00000000T000000000Z-legacy.json",
      ]);
    });
  });

  describe("which enrolment secret is used (Resolve-EnrolmentSecret) — Intune rotation and the upgrade path", () => {
    const resolve = (given: string, site: string, stored: string, legacy: string) =>
      toPlain(ps.call("Resolve-EnrolmentSecret", {}, [given, site, stored, legacy]));

    it("a secret shipped in a new script (site default) wins over the stale registry copy, and may be stored", () => {
      expect(resolve("", "jsa_new", "jsa_old", "")).toEqual({ Secret: "jsa_new", Source: "site default", Store: true });
    });

    it("a parameter wins over both", () => {
      expect(resolve("jsa_param", "jsa_new", "jsa_old", "")).toEqual({ Secret: "jsa_param", Source: "parameter", Store: true });
    });

    it("a secret read back from the registry is never written back by -Register", () => {
      expect(resolve("", "", "jsa_old", "")).toMatchObject({ Secret: "jsa_old", Store: false });
    });

    it("an agent upgraded from version 1 enrols with its fleet token", () => {
      expect(resolve("", "", "", "jsa_fleet")).toEqual({ Secret: "jsa_fleet", Source: "registry (version 1 token)", Store: false });
      expect(resolve("", "", "", "")).toMatchObject({ Secret: "", Store: false });
    });

    it("the server URL and proxy follow the same order (parameter, site default, registry)", () => {
      expect(ps.call("Select-ConfiguredValue", {}, ["", "https://new", "https://old"])).toBe("https://new");
      expect(ps.call("Select-ConfiguredValue", {}, ["https://param", "https://new", "https://old"])).toBe("https://param");
      expect(ps.call("Select-ConfiguredValue", {}, ["", "", "https://old"])).toBe("https://old");
    });
  });

  describe("which state folder can be trusted (Test-TrustedSecurity)", () => {
    const rule = (sid: string, rights: number, allow = true) => new PsHashtable({ Sid: sid, Rights: rights, Allow: allow });
    const ours = () => ({
      IsDirectory: true,
      IsReparsePoint: false,
      Owner: ADMINISTRATORS,
      Protected: true,
      Rules: [rule(SYSTEM, FULL_CONTROL), rule(ADMINISTRATORS, FULL_CONTROL)],
    });
    const judge = (changes: Record<string, unknown>) => ps.call("Test-TrustedSecurity", {}, [new PsHashtable({ ...ours(), ...changes })]);

    it("trusts the folder it creates: SYSTEM or Administrators owner, protected, SYSTEM and Administrators only", () => {
      expect(judge({})).toBe("");
      expect(judge({ Owner: SYSTEM })).toBe("");
      expect(judge({ Rules: [...ours().Rules, rule("S-1-1-0", FULL_CONTROL, false)] })).toBe("");
    });

    it("refuses a folder a standard user created first (they stay its owner and can change its ACL)", () => {
      expect(judge({ Owner: MEGAN })).toMatch(/owned by S-1-5-21-/);
    });

    it("refuses a junction or symbolic link, and a file", () => {
      expect(judge({ IsReparsePoint: true })).toMatch(/reparse point/);
      expect(judge({ IsDirectory: false })).toMatch(/not a folder/);
    });

    it("refuses inherited permissions and any access for another account, reading included (DPAPI machine scope)", () => {
      expect(judge({ Protected: false })).toMatch(/inherits/);
      expect(judge({ Rules: [...ours().Rules, rule(USERS, READ_AND_EXECUTE)] })).toBe(`it allows access to ${USERS}`);
      expect(judge({ Rules: [...ours().Rules, rule(MEGAN, 2)] })).toBe(`it allows access to ${MEGAN}`);
    });
  });

  describe("the user's capture file (Test-CaptureFile)", () => {
    const info = (changes: Record<string, unknown> = {}) =>
      new PsHashtable({ IsDirectory: false, IsReparsePoint: false, Owner: MEGAN, Length: 7_412, ...changes });
    const judge = (changes: Record<string, unknown> = {}) => ps.call("Test-CaptureFile", {}, [info(changes), MEGAN, 262144]);

    it("is read when the signed-in user created it and it is a plain file of a plausible size", () => {
      expect(judge()).toBe("");
      expect(judge({ Owner: ADMINISTRATORS })).toBe("");
    });

    it("is refused when it is a link, a folder, someone else's, empty or over the cap", () => {
      expect(judge({ IsReparsePoint: true })).toMatch(/reparse point/);
      expect(judge({ IsDirectory: true })).toMatch(/folder/);
      expect(judge({ Owner: "S-1-5-21-1004336348-1177238915-682003330-1105" })).toMatch(/owned by/);
      expect(judge({ Length: 0 })).toMatch(/empty/);
      expect(judge({ Length: 262145 })).toMatch(/262145 bytes/);
    });
  });

  describe("whose session is captured on a multi-session host (Select-CaptureUser)", () => {
    const desktop = (name: string, sid: string, sessionId: number) => new PsHashtable({ Name: name, Sid: sid, SessionId: sessionId });
    const adele = desktop("CONTOSO\\adele.vance", "S-1-5-21-1-2-3-1107", 4);
    const megan = desktop("CONTOSO\\megan.bowen", MEGAN, 2);
    const lee = desktop("CONTOSO\\lee.gu", "S-1-5-21-1-2-3-1109", 2);
    const pick = (console: string, candidates: PsHashtable[]) =>
      (toPlain(ps.call("Select-CaptureUser", {}, [console, candidates])) as { Name: string } | null)?.Name ?? null;

    it("the console user when they have a desktop (names compared case-insensitively)", () => {
      expect(pick("contoso\\ADELE.VANCE", [megan, adele])).toBe("CONTOSO\\adele.vance");
    });

    it("else the desktop in the lowest session, ties broken by SID, whatever order WMI lists them in", () => {
      expect(pick("", [adele, megan])).toBe("CONTOSO\\megan.bowen");
      expect(pick("", [lee, megan, adele])).toBe(pick("", [adele, megan, lee]));
      expect(pick("CONTOSO\\gone", [adele, megan])).toBe("CONTOSO\\megan.bowen");
      expect(pick("", [])).toBeNull();
    });
  });

  describe("the proxy", () => {
    /** What `netsh winhttp set proxy proxy.contoso.com:8080 "<local>;*.contoso.com"` writes to WinHttpSettings. */
    const winHttpSettings = (server: string, bypass: string, flags = 3) => {
      const header = Buffer.alloc(16);
      header.writeInt32LE(0x28, 0);
      header.writeInt32LE(flags, 8);
      header.writeInt32LE(server.length, 12);
      const bypassLength = Buffer.alloc(4);
      bypassLength.writeInt32LE(bypass.length, 0);
      return [...Buffer.concat([header, Buffer.from(server, "latin1"), bypassLength, Buffer.from(bypass, "latin1")])];
    };

    it("reads netsh's WinHttpSettings value, and knows a direct one", () => {
      expect(toPlain(ps.call("ConvertFrom-WinHttpSettings", {}, [winHttpSettings("proxy.contoso.com:8080", "<local>;*.contoso.com")]))).toEqual({
        Server: "proxy.contoso.com:8080",
        Bypass: "<local>;*.contoso.com",
      });
      expect(ps.call("ConvertFrom-WinHttpSettings", {}, [[0x18, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]])).toBeNull();
      expect(ps.call("ConvertFrom-WinHttpSettings", {}, [winHttpSettings("proxy:8080", "", 1)])).toBeNull();
      expect(ps.call("ConvertFrom-WinHttpSettings", {}, [[1, 2, 3]])).toBeNull();
    });

    it("uses the https proxy of a per-scheme list, and an http:// URL for host:port", () => {
      expect(ps.call("ConvertTo-ProxyUri", {}, ["proxy.contoso.com:8080"])).toBe("http://proxy.contoso.com:8080");
      expect(ps.call("ConvertTo-ProxyUri", {}, ["http=web.contoso.com:80;https=secure.contoso.com:8443"])).toBe("http://secure.contoso.com:8443");
      expect(ps.call("ConvertTo-ProxyUri", {}, ["http=web.contoso.com:80"])).toBe("http://web.contoso.com:80");
    });

    it("skips the proxy for hosts on the bypass list (wildcards, <local>)", () => {
      const bypass = (host: string, list: string) => ps.call("Test-ProxyBypass", {}, [host, list]);
      expect(bypass("joinscope.contoso.com", "<local>;*.contoso.com")).toBe(true);
      expect(bypass("joinscope", "<local>")).toBe(true);
      expect(bypass("joinscope.fabrikam.com", "<local>;*.contoso.com")).toBe(false);
      expect(bypass("joinscope.contoso.com", "")).toBe(false);
    });
  });

  describe("the deviceId sent with an enrolment (Get-DeviceIdFromCapture)", () => {
    it("is the DeviceId dsregcmd prints for a joined device, lower-case", () => {
      expect(ps.call("Get-DeviceIdFromCapture", {}, [capture("win11-21h2-hybrid.txt")])).toBe("3dc7d8c5-adbf-436c-ae35-0379b81500f1");
      expect(ps.call("Get-DeviceIdFromCapture", {}, ["                  DeviceId : 3DC7D8C5-ADBF-436C-AE35-0379B81500F1\r\n"])).toBe(
        "3dc7d8c5-adbf-436c-ae35-0379b81500f1",
      );
    });

    it("is empty for a device that is only registered (WorkplaceDeviceId is not a join)", () => {
      expect(ps.call("Get-DeviceIdFromCapture", {}, [capture("win10-21h2-registered.txt")])).toBe("");
    });
  });

  describe("the device proof (decision 042)", () => {
    it("takes the device certificate's thumbprint dsregcmd prints under Device Details, upper-case (Get-ThumbprintFromCapture)", () => {
      expect(ps.call("Get-ThumbprintFromCapture", {}, [capture("win11-21h2-hybrid.txt")])).toBe("64D0C54E0F58825CBD3E04A85AE6A4A1CCD069C8");
      expect(ps.call("Get-ThumbprintFromCapture", {}, ["                Thumbprint : 64d0c54e0f58825cbd3e04a85ae6a4a1ccd069c8\r\n"])).toBe(
        "64D0C54E0F58825CBD3E04A85AE6A4A1CCD069C8",
      );
      // A registered device's WorkplaceThumbprint is a user's registration, not the machine's certificate.
      expect(ps.call("Get-ThumbprintFromCapture", {}, [capture("win10-21h2-registered.txt")])).toBe("");
    });

    it("re-enrols to prove its identity only when joined, not yet proven with this certificate, and at most once a day (Test-ProofDue)", () => {
      const due = (deviceId: string, thumbprint: string, proven: string, attemptDue: boolean) =>
        ps.call("Test-ProofDue", {}, [deviceId, thumbprint, proven, attemptDue]);
      const id = "3dc7d8c5-adbf-436c-ae35-0379b81500f1";
      const tp = "64D0C54E0F58825CBD3E04A85AE6A4A1CCD069C8";
      expect(due(id, tp, "", true)).toBe(true); // upgraded from 2.0, never proven
      expect(due(id, tp, "0F1E2D3C4B5A69788796A5B4C3D2E1F00A1B2C3D", true)).toBe(true); // the certificate was renewed
      expect(due(id, tp, tp.toLowerCase(), true)).toBe(false); // proven with this one
      expect(due(id, tp, "", false)).toBe(false); // tried within the day
      expect(due("", tp, "", true)).toBe(false); // not joined
      expect(due(id, "", "", true)).toBe(false); // no certificate printed
    });

    it("signs the text the server checks (Get-DeviceProofStatement and deviceProofStatement agree)", async () => {
      const { deviceProofStatement } = await import("@/lib/agent-devices/device-proof");
      const { createHash } = await import("node:crypto");
      const machineKey = "q".repeat(43);
      const signedAt = "2026-12-07T03:30:00.123Z";
      const machineKeyHash = createHash("sha256").update(machineKey).digest("hex");
      expect(ps.call("Get-DeviceProofStatement", {}, ["PC-0142", "3DC7D8C5-ADBF-436C-AE35-0379B81500F1", machineKeyHash.toUpperCase(), signedAt])).toBe(
        deviceProofStatement({ hostname: "PC-0142", deviceId: "3dc7d8c5-adbf-436c-ae35-0379b81500f1", machineKey, signedAt }),
      );
    });
  });
});
