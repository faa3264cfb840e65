/**
 * Each behaviour check of ./powershell-checks.ts on small PowerShell samples: it flags the bug it is about and
 * accepts the safe form, so a clean result on the agent script means something.
 */
import { describe, expect, it } from "vitest";
import {
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
  type Violation,
} from "./powershell-checks";
import { parsePowerShell, type PsTree } from "./powershell-syntax";

async function run(check: (tree: PsTree) => Violation[], code: string): Promise<Violation[]> {
  return check(await parsePowerShell(code));
}

const HELPERS = `
function Get-SystemExecutable([string]$RelativePath) { return (Join-Path $env:SystemRoot (Join-Path 'System32' $RelativePath)) }
function Write-AgentLog([string]$Message) { Write-Verbose (Protect-LogText $Message) }
function Protect-LogText([string]$Text) { return $Text }
`;

describe("external-command-path", () => {
  it.each([
    ["dsregcmd /status", "a bare name"],
    ["schtasks.exe /query", "a bare .exe"],
    ["& 'dsregcmd.exe' /status", "& with a relative path"],
    ['& "$env:TEMP\\dsregcmd.exe" /status', "& under a user-writable folder"],
    ["$exe = $ServerUrl\n& $exe", "& on a variable not built from SystemRoot"],
    ["New-ScheduledTaskAction -Execute 'cmd.exe' -Argument '/c x'", "a task action with a relative program"],
    ["Start-Process -FilePath icacls.exe", "Start-Process with a relative program"],
    ["$a | sort", "an alias"],
  ])("flags %s (%s)", async (code) => {
    expect(await run(checkExternalCommandPaths, HELPERS + code)).not.toEqual([]);
  });

  it.each([
    "& (Get-SystemExecutable 'dsregcmd.exe') /status",
    "$cmd = Get-SystemExecutable 'cmd.exe'\nNew-ScheduledTaskAction -Execute $cmd -Argument '/c x'",
    '& "$env:SystemRoot\\System32\\icacls.exe" x',
    "$ps = Join-Path $env:SystemRoot 'Sysnative\\WindowsPowerShell\\v1.0\\powershell.exe'\n& $ps -File x",
    "& { Get-Date }",
    "Get-ChildItem -LiteralPath C:\\ | Sort-Object Name",
  ])("accepts %s", async (code) => {
    expect(await run(checkExternalCommandPaths, HELPERS + code)).toEqual([]);
  });
});

const ATOMIC = `
function Write-AtomicFile([string]$Path, [byte[]]$Bytes) {
    $temp = Join-Path ([System.IO.Path]::GetDirectoryName($Path)) ('.{0}.tmp' -f [guid]::NewGuid())
    $stream = New-Object System.IO.FileStream($temp, [System.IO.FileMode]::CreateNew, [System.IO.FileAccess]::Write, [System.IO.FileShare]::None)
    try { $stream.Write($Bytes, 0, $Bytes.Length) } finally { $stream.Dispose() }
    Move-Item -LiteralPath $temp -Destination $Path -Force
}
`;

describe("atomic-write", () => {
  it("accepts writes through the helper and reads", async () => {
    expect(
      await run(
        checkAtomicWrites,
        ATOMIC +
          "Write-AtomicFile -Path $p -Bytes $b\n$x = [System.IO.File]::ReadAllBytes($p)\n$s = New-Object System.IO.FileStream($p, [System.IO.FileMode]::Open, [System.IO.FileAccess]::Read, [System.IO.FileShare]::Read)",
      ),
    ).toEqual([]);
  });

  it.each([
    "[System.IO.File]::WriteAllBytes($p, $b)",
    "[IO.File]::AppendAllText($p, 'x')",
    "Set-Content -LiteralPath $p -Value 'x'",
    "Add-Content -LiteralPath $p -Value 'x'",
    "'x' | Out-File $p",
    "Get-Date > $p",
    "Copy-Item -LiteralPath $a -Destination $p",
    "New-Item -ItemType File -Path $p",
    "$s = New-Object System.IO.StreamWriter($p)",
  ])("flags %s outside the helper", async (code) => {
    expect(await run(checkAtomicWrites, ATOMIC + code)).not.toEqual([]);
  });

  it("flags a helper that writes in place or does not rename", async () => {
    const inPlace = ATOMIC.replace("Move-Item -LiteralPath $temp -Destination $Path -Force", "[System.IO.File]::WriteAllBytes($Path, $Bytes)");
    expect((await run(checkAtomicWrites, inPlace)).map((v) => v.message).join("\n")).toMatch(/must move|writes in place/);
    const noTemp = ATOMIC.replace("FileMode]::CreateNew", "FileMode]::Create");
    expect(await run(checkAtomicWrites, noTemp)).not.toEqual([]);
  });
});

describe("secret-leak", () => {
  it.each([
    ['Write-AgentLog "using $EnrolmentSecret"', "a secret variable in a log line"],
    ["Write-Host $deviceKey", "Write-Host"],
    ['Write-Output "key=$($Context.Enrolment.DeviceKey)"', "a secret member"],
    ["$k = $DeviceKey.Substring(0, 8)\nWrite-Verbose $k", "a value computed from a secret"],
    ['$h = @{ Authorization = "Bearer $BearerToken" }\nWrite-AgentLog ($h | Out-String)', "a hashtable holding a secret"],
    ["$c = @{ Hostname = 'x'; DeviceKey = $k }\nWrite-AgentLog \"$c\"", "a container used whole"],
    ["[System.Diagnostics.EventLog]::WriteEntry('JoinScope', $MachineKey)", "an event-log write"],
    ["& (Get-SystemExecutable 'cmd.exe') /c echo $EnrolmentSecret", "an external command's arguments"],
    ["New-ScheduledTaskAction -Execute (Get-SystemExecutable 'cmd.exe') -Argument \"/c x $EnrolmentSecret\"", "a task's arguments"],
    ['throw "bad key $deviceKey"', "a throw"],
    ["function F($Value) { Write-AgentLog $Value }\nF $EnrolmentSecret", "a secret passed into a function that logs its parameter"],
    ["$k = Get-MachineKey $dir\nWrite-AgentLog $k", "the result of Get-MachineKey"],
  ])("flags %s (%s)", async (code) => {
    expect(await run(checkSecretLeaks, HELPERS + code)).not.toEqual([]);
  });

  it.each([
    'Write-AgentLog "Secret read from $EnrolmentSecretFile"',
    "$c = @{ Hostname = 'x'; DeviceKey = $k }\nWrite-AgentLog \"Enrolled $($c.Hostname)\"",
    'Write-AgentLog "Using the secret from the $($Config.SecretSource)"',
    '$r = Invoke-Thing -Token $DeviceKey\nWrite-AgentLog "HTTP $($r.Status)"',
    "Write-AgentLog (Protect-LogText $EnrolmentSecret)",
  ])("accepts %s", async (code) => {
    expect(await run(checkSecretLeaks, HELPERS + code)).toEqual([]);
  });
});

describe("http-helper", () => {
  const helper = (call: string) => `function Invoke-AgentHttp([string]$Uri) { ${call} }\n`;
  it("accepts Invoke-WebRequest with -TimeoutSec inside the helper", async () => {
    expect(await run(checkHttpHelper, helper("Invoke-WebRequest -Uri $Uri -Method Post -TimeoutSec $timeout -UseBasicParsing"))).toEqual([]);
  });
  it.each([
    helper("Invoke-WebRequest -Uri $Uri -Method Post -UseBasicParsing"),
    helper("Invoke-WebRequest -Uri $Uri -TimeoutSec 0"),
    helper("Invoke-WebRequest -Uri $Uri -TimeoutSec 9") + "Invoke-RestMethod -Uri $u -TimeoutSec 9",
    helper("Invoke-WebRequest -Uri $Uri -TimeoutSec 9") + "$c = New-Object System.Net.WebClient",
    helper("Invoke-WebRequest -Uri $Uri -TimeoutSec 9") + "$c = [System.Net.Http.HttpClient]::new()",
  ])("flags %s", async (code) => {
    expect(await run(checkHttpHelper, code)).not.toEqual([]);
  });
});

const GUARD = (body: string) => `function Invoke-NativeRelaunch {
    $powershell = Join-Path $env:SystemRoot 'Sysnative\\WindowsPowerShell\\v1.0\\powershell.exe'
    & $powershell -File $PSCommandPath
}
if ($MyInvocation.InvocationName -ne '.') {
${body}
}`;

describe("sysnative-relaunch and dot-source-safe", () => {
  const relaunch =
    "    if ([Environment]::Is64BitOperatingSystem -and -not [Environment]::Is64BitProcess) {\n        Invoke-NativeRelaunch\n        exit $LASTEXITCODE\n    }\n    Invoke-AgentMain";

  it("accepts a guard that relaunches first", async () => {
    expect(await run(checkSysnativeRelaunch, GUARD(relaunch))).toEqual([]);
    expect(await run(checkDotSourceSafe, "$AgentVersion = '2.0.0'\n" + GUARD(relaunch))).toEqual([]);
  });

  it.each([
    ["no relaunch", "    Invoke-AgentMain"],
    ["the wrong test", relaunch.replace("-not [Environment]::Is64BitProcess", "[Environment]::Is64BitProcess")],
    ["no exit after it", relaunch.replace("        exit $LASTEXITCODE\n", "")],
    ["work before it", "    Invoke-AgentMain\n" + relaunch],
  ])("flags %s", async (_name, body) => {
    expect(await run(checkSysnativeRelaunch, GUARD(body))).not.toEqual([]);
  });

  it("flags System32 instead of Sysnative (a 32-bit process is redirected to SysWOW64)", async () => {
    expect(await run(checkSysnativeRelaunch, GUARD(relaunch).replace("Sysnative", "System32"))).not.toEqual([]);
  });

  it("flags top-level work outside the guard, and a missing guard", async () => {
    expect(await run(checkDotSourceSafe, "$x = Get-Date\n" + GUARD(relaunch))).not.toEqual([]);
    expect(await run(checkDotSourceSafe, "Invoke-AgentMain")).not.toEqual([]);
  });
});

describe("mutex", () => {
  const script = (maker: string, caller: string) => `$MutexName = 'Global\\JoinScopeAgent'
function Enter-AgentMutex {
${maker}
}
function Invoke-AgentMain {
${caller}
}`;
  const maker = `    $mutex = [System.Threading.Mutex]::new($false, $MutexName)
    $acquired = $mutex.WaitOne(0)
    if (-not $acquired) { $mutex.Dispose(); return $null }
    return $mutex`;
  const caller = `    $mutex = Enter-AgentMutex
    if ($null -eq $mutex) { return }
    try { Invoke-AgentRun } finally { $mutex.ReleaseMutex() }`;

  it("accepts a Global\\ mutex whose caller stops without it and releases it", async () => {
    expect(await run(checkMutex, script(maker, caller))).toEqual([]);
  });

  it.each([
    ["a session-local name", script(maker, caller).replace("Global\\\\", "").replace("'Global\\JoinScopeAgent'", "'JoinScopeAgent'")],
    ["WaitOne ignored", script(maker.replace("    if (-not $acquired) { $mutex.Dispose(); return $null }\n", ""), caller)],
    ["the caller runs anyway", script(maker, caller.replace("    if ($null -eq $mutex) { return }\n", ""))],
    ["never released", script(maker, caller.replace("finally { $mutex.ReleaseMutex() }", "finally { }"))],
    ["no mutex", "function Invoke-AgentMain { Invoke-AgentRun }"],
  ])("flags %s", async (_name, code) => {
    expect(await run(checkMutex, code)).not.toEqual([]);
  });
});

describe("schedule-jitter, recursive-delete, dpapi-scope", () => {
  it("flags a time trigger without -RandomDelay and a logon delay without Get-Random", async () => {
    expect(await run(checkScheduleJitter, "$t = New-ScheduledTaskTrigger -Once -At $at -RepetitionInterval $i")).not.toEqual([]);
    expect(await run(checkScheduleJitter, "$t = New-ScheduledTaskTrigger -AtLogOn\n$t.Delay = 'PT10M'")).not.toEqual([]);
    expect(
      await run(
        checkScheduleJitter,
        "$t = New-ScheduledTaskTrigger -Once -At $at -RepetitionInterval $i -RandomDelay $d\n$l = New-ScheduledTaskTrigger -AtLogOn\n$l.Delay = 'PT{0}M' -f (Get-Random -Minimum 10 -Maximum 21)",
      ),
    ).toEqual([]);
  });

  it("flags recursive deletes", async () => {
    expect(await run(checkRecursiveDeletes, "Remove-Item -LiteralPath $d -Recurse -Force")).not.toEqual([]);
    expect(await run(checkRecursiveDeletes, "[System.IO.Directory]::Delete($d, $true)")).not.toEqual([]);
    expect(await run(checkRecursiveDeletes, "Remove-Item -LiteralPath $f -Force\n[System.IO.Directory]::Delete($d, $false)")).toEqual([]);
  });

  it("flags DPAPI with the user scope, unprotected keys and keys from Get-Random", async () => {
    const good = `function Get-MachineKey { $rng = New-Object System.Security.Cryptography.RNGCryptoServiceProvider }
function P($b) { [System.Security.Cryptography.ProtectedData]::Protect($b, $e, [System.Security.Cryptography.DataProtectionScope]::LocalMachine) }`;
    expect(await run(checkDpapiScope, good)).toEqual([]);
    expect(await run(checkDpapiScope, good.replace("LocalMachine", "CurrentUser"))).not.toEqual([]);
    expect(
      await run(
        checkDpapiScope,
        good.replace("$rng = New-Object System.Security.Cryptography.RNGCryptoServiceProvider", "$bytes = 1..32 | ForEach-Object { Get-Random -Maximum 256 }"),
      ),
    ).not.toEqual([]);
    expect(await run(checkDpapiScope, "function Get-MachineKey { }")).not.toEqual([]);
  });
});
