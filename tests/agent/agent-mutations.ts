/**
 * Realistic bugs in public/agent/Invoke-JoinScopeAgent.ps1 (and the Intune detection script), each as a text edit,
 * with what is expected to catch it (issue 22 item 5). agent-mutations.test.ts applies every edit to a copy and
 * checks that claim:
 *   - static     a check of ./powershell-checks.ts reports a violation of the named kind
 *   - evaluator  a behaviour probe below, run by ./powershell-evaluator.ts, fails
 *   - pester     neither of those notices: only the named test of public/agent/tests/*.Tests.ps1, run in real
 *                PowerShell on Windows (or PowerShell 7), catches it. The test checks that the two above really
 *                stay quiet, so this list cannot claim more than the checks here prove.
 */
import type { CheckId } from "./powershell-checks";
import { PsHashtable, toPlain, type PowerShellEvaluator } from "./powershell-evaluator";

export type Detector = { kind: "static"; check: CheckId } | { kind: "evaluator"; probe: keyof typeof BEHAVIOUR_PROBES } | { kind: "pester"; test: string };

export interface AgentMutation {
  id: string;
  /** The bug as a developer might write it. */
  bug: string;
  file: "agent" | "remediation-detect";
  /** Exact text of the file, present once. */
  find: string;
  replace: string;
  caughtBy: Detector;
}

const SYSTEM = "S-1-5-18";
const ADMINISTRATORS = "S-1-5-32-544";
const USERS = "S-1-5-32-545";
const USER = "S-1-5-21-1004336348-1177238915-682003330-1104";

const table = (rows: [unknown[], unknown][], run: (args: unknown[]) => unknown, label: string): string[] =>
  rows.flatMap(([args, expected]) => {
    const actual = toPlain(run(args));
    return JSON.stringify(actual) === JSON.stringify(expected)
      ? []
      : [`${label}(${JSON.stringify(args)}) = ${JSON.stringify(actual)}, expected ${JSON.stringify(expected)}`];
  });

/** What the agent's decision functions must do; each returns the failures (empty: behaves). */
export const BEHAVIOUR_PROBES = {
  uploadDisposition: (ps: PowerShellEvaluator) =>
    table(
      [
        [[201, "", "PC-1", "PC-1"], "Sent"],
        [[0, "", "PC-1", "PC-1"], "Keep"],
        [[407, "", "PC-1", "PC-1"], "Keep"],
        [[408, "", "PC-1", "PC-1"], "Keep"],
        [[429, "rate-limited", "PC-1", "PC-1"], "Keep"],
        [[503, "", "PC-1", "PC-1"], "Keep"],
        [[403, "", "PC-1", "PC-1"], "Keep"],
        [[400, "invalid-body", "PC-1", "PC-1"], "Drop"],
        [[413, "", "PC-1", "PC-1"], "Drop"],
        [[415, "", "PC-1", "PC-1"], "Drop"],
        [[401, "invalid-key", "PC-1", "PC-1"], "Reenrol"],
        [[401, "device-revoked", "PC-1", "PC-1"], "Revoked"],
        [[403, "hostname-mismatch", "PC-1", "pc-1"], "Reenrol"],
        [[403, "hostname-mismatch", "PC-OLD", "PC-1"], "Drop"],
      ],
      (a) => ps.call("Get-UploadDisposition", {}, a),
      "Get-UploadDisposition",
    ),
  retryJitter: (ps: PowerShellEvaluator) => {
    const delay = (attempt: number, retryAfter: number, random: number) => ps.call("Get-RetryDelaySeconds", {}, [attempt, retryAfter, random]) as number;
    const failures: string[] = [];
    for (const attempt of [1, 2, 3, 4]) {
      if (delay(attempt, 0, 0.999) - delay(attempt, 0, 0) < Math.floor(delay(attempt, 0, 0) * 0.9)) failures.push(`attempt ${attempt}: no jitter`);
      if (delay(attempt + 1, 0, 0) <= delay(attempt, 0, 0)) failures.push(`attempt ${attempt}: no backoff`);
    }
    if (delay(1, 120, 0) < 120) failures.push("Retry-After not honoured");
    if (delay(1, 120, 0.999) === delay(1, 120, 0)) failures.push("Retry-After without jitter");
    return failures;
  },
  queueBound: (ps: PowerShellEvaluator) => {
    const names = Array.from({ length: 22 }, (_, i) => `202612${String(i + 1).padStart(2, "0")}T000000000Z-x.json`);
    return table(
      [
        [[[...names].reverse(), 20], names.slice(0, 2)],
        [[names.slice(0, 5), 20], []],
      ],
      (a) => ps.callAll("Get-QueueOverflow", {}, a),
      "Get-QueueOverflow",
    );
  },
  secretPrecedence: (ps: PowerShellEvaluator) =>
    table(
      [
        [["", "jsa_new", "jsa_old", ""], { Secret: "jsa_new", Source: "site default", Store: true }],
        [["jsa_p", "jsa_new", "jsa_old", ""], { Secret: "jsa_p", Source: "parameter", Store: true }],
        [["", "", "jsa_old", "jsa_v1"], { Secret: "jsa_old", Source: "registry", Store: false }],
        [["", "", "", "jsa_v1"], { Secret: "jsa_v1", Source: "registry (version 1 token)", Store: false }],
      ],
      (a) => ps.call("Resolve-EnrolmentSecret", {}, a),
      "Resolve-EnrolmentSecret",
    ),
  trustedFolder: (ps: PowerShellEvaluator) => {
    const rule = (sid: string, rights: number) => new PsHashtable({ Sid: sid, Rights: rights, Allow: true });
    const folder = (changes: Record<string, unknown>) =>
      new PsHashtable({
        IsDirectory: true,
        IsReparsePoint: false,
        Owner: ADMINISTRATORS,
        Protected: true,
        Rules: [rule(SYSTEM, 2032127), rule(ADMINISTRATORS, 2032127)],
        ...changes,
      });
    const trusted = (changes: Record<string, unknown>) => ps.call("Test-TrustedSecurity", {}, [folder(changes)]) === "";
    return table(
      [
        [[{}], true],
        [[{ Owner: USER }], false],
        [[{ IsReparsePoint: true }], false],
        [[{ Protected: false }], false],
        [[{ Rules: [rule(SYSTEM, 2032127), rule(USERS, 1179817)] }], false],
        [[{ Rules: [rule(SYSTEM, 2032127), rule(USER, 2)] }], false],
      ],
      (a) => trusted(a[0] as Record<string, unknown>),
      "Test-TrustedSecurity",
    );
  },
  captureFile: (ps: PowerShellEvaluator) => {
    const accepted = (changes: Record<string, unknown>) =>
      ps.call("Test-CaptureFile", {}, [new PsHashtable({ IsDirectory: false, IsReparsePoint: false, Owner: USER, Length: 7412, ...changes }), USER, 262144]) ===
      "";
    return table(
      [
        [[{}], true],
        [[{ IsReparsePoint: true }], false],
        [[{ IsDirectory: true }], false],
        [[{ Owner: "S-1-5-21-1-2-3-1105" }], false],
        [[{ Length: 10_000_000 }], false],
        [[{ Length: 0 }], false],
      ],
      (a) => accepted(a[0] as Record<string, unknown>),
      "Test-CaptureFile",
    );
  },
  captureUser: (ps: PowerShellEvaluator) => {
    const desktop = (name: string, sid: string, sessionId: number) => new PsHashtable({ Name: name, Sid: sid, SessionId: sessionId });
    const a = desktop("CONTOSO\\adele", "S-1-5-21-9-9-9-1107", 4);
    const m = desktop("CONTOSO\\megan", USER, 2);
    const l = desktop("CONTOSO\\lee", "S-1-5-21-9-9-9-1109", 2);
    return table(
      [
        [["CONTOSO\\ADELE", [m, a]], "CONTOSO\\adele"],
        [["", [a, m]], "CONTOSO\\megan"],
        [["", [l, m]], "CONTOSO\\megan"],
        [["", [m, l]], "CONTOSO\\megan"],
      ],
      (args) => (toPlain(ps.call("Select-CaptureUser", {}, args)) as { Name: string } | null)?.Name ?? null,
      "Select-CaptureUser",
    );
  },
  proxy: (ps: PowerShellEvaluator) => [
    ...table(
      [
        [["joinscope.contoso.com", "<local>;*.contoso.com"], true],
        [["joinscope", "<local>"], true],
        [["joinscope.fabrikam.com", "*.contoso.com"], false],
      ],
      (a) => ps.call("Test-ProxyBypass", {}, a),
      "Test-ProxyBypass",
    ),
    ...table([[["http=a:80;https=b:8443"], "http://b:8443"]], (a) => ps.call("ConvertTo-ProxyUri", {}, a), "ConvertTo-ProxyUri"),
  ],
  agentHealth: (ps: PowerShellEvaluator) =>
    table(
      [
        [[true, true, "Uploaded", "", 2, 2, 8], true],
        [[true, true, "Queued", "", 7.5, 0.2, 8], true],
        [[true, true, "Queued", "", 9, 0.2, 8], false],
        [[true, true, "DeviceRevoked", "", 1, 1, 8], false],
        [[true, true, "Refused", "", 1, 1, 8], false],
        [[false, true, "Uploaded", "", 1, 1, 8], false],
        [[true, false, "Uploaded", "", 1, 1, 8], false],
        [[true, true, "", "", -1, -1, 8], false],
      ],
      (a) => (toPlain(ps.call("Get-AgentHealth", {}, a)) as { Healthy: boolean }).Healthy,
      "Get-AgentHealth",
    ),
};

export const AGENT_MUTATIONS: AgentMutation[] = [
  // ---- caught by the tree checks
  {
    id: "relative-dsregcmd",
    bug: "dsregcmd found through PATH (a user-writable folder early in PATH, or the 32-bit redirection, decides which one runs)",
    file: "agent",
    find: "$lines = & (Get-SystemExecutable 'dsregcmd.exe') /status",
    replace: "$lines = dsregcmd.exe /status",
    caughtBy: { kind: "static", check: "external-command-path" },
  },
  {
    id: "relative-cmd-for-user-task",
    bug: "the user capture task runs cmd.exe by name",
    file: "agent",
    find: "$cmd = Get-SystemExecutable 'cmd.exe'",
    replace: "$cmd = 'cmd.exe'",
    caughtBy: { kind: "static", check: "external-command-path" },
  },
  {
    id: "log-device-key",
    bug: "logs the new device key after enrolling",
    file: "agent",
    find: 'Write-AgentLog "Enrolled as agent $($Context.Enrolment.AgentId) (HTTP $($result.Status))"',
    replace: 'Write-AgentLog "Enrolled as agent $($Context.Enrolment.AgentId) (HTTP $($result.Status)) with key $deviceKey"',
    caughtBy: { kind: "static", check: "secret-leak" },
  },
  {
    id: "log-enrolment-secret",
    bug: "names the secret itself instead of where it came from",
    file: "agent",
    find: 'with the enrolment secret from the $($Context.SecretSource)"',
    replace: 'with the enrolment secret $($Context.EnrolmentSecret)"',
    caughtBy: { kind: "static", check: "secret-leak" },
  },
  {
    id: "log-machine-key",
    bug: "prints the machine key while debugging a rotation",
    file: "agent",
    find: "Write-AgentLog 'The device key was rotated'",
    replace: 'Write-AgentLog "The device key was rotated (machine key $($Context.MachineKey))"',
    caughtBy: { kind: "static", check: "secret-leak" },
  },
  {
    id: "secret-on-relaunch-command-line",
    bug: "the 64-bit relaunch passes -EnrolmentSecret on the command line (visible to every process, and in 4688 events)",
    file: "agent",
    find: "if ($Bound.ContainsKey('EnrolmentSecret')) { $env:JOINSCOPE_ENROLMENT_SECRET = $EnrolmentSecret }",
    replace: "if ($Bound.ContainsKey('EnrolmentSecret')) { $arguments += @('-EnrolmentSecret', $EnrolmentSecret) }",
    caughtBy: { kind: "static", check: "secret-leak" },
  },
  {
    id: "non-atomic-queue-write",
    bug: "the queue file is written in place (a crash leaves half a report; a link in its place is written through)",
    file: "agent",
    find: "    Write-AtomicFile -Path $path -Bytes $Bytes\n",
    replace: "    [System.IO.File]::WriteAllBytes($path, $Bytes)\n",
    caughtBy: { kind: "static", check: "atomic-write" },
  },
  {
    id: "atomic-helper-copies",
    bug: "the helper copies the temporary file over the target instead of renaming it",
    file: "agent",
    find: "[System.IO.File]::Replace($temp, $Path, [NullString]::Value)",
    replace: "[System.IO.File]::Copy($temp, $Path, $true)",
    caughtBy: { kind: "static", check: "atomic-write" },
  },
  {
    id: "http-without-timeout",
    bug: "Invoke-WebRequest without -TimeoutSec (a stuck proxy holds the run past Intune's limit)",
    file: "agent",
    find: " -TimeoutSec $timeout -UseBasicParsing",
    replace: " -UseBasicParsing",
    caughtBy: { kind: "static", check: "http-helper" },
  },
  {
    id: "rotation-bypasses-http-helper",
    bug: "key rotation calls Invoke-RestMethod itself (no proxy, no timeout, exceptions instead of statuses)",
    file: "agent",
    find: '$result = Invoke-AgentHttpWithRetry "$($Context.ServerUrl)/api/v1/agents/key" (ConvertTo-BodyBytes @{ machineKey = $Context.MachineKey }) $Context.Enrolment.DeviceKey',
    replace:
      '$result = Invoke-RestMethod -Uri "$($Context.ServerUrl)/api/v1/agents/key" -Method Post -Body (ConvertTo-BodyBytes @{ machineKey = $Context.MachineKey })',
    caughtBy: { kind: "static", check: "http-helper" },
  },
  {
    id: "skip-sysnative-relaunch",
    bug: "no relaunch from Intune's 32-bit host (System32 and HKLM\\SOFTWARE are redirected)",
    file: "agent",
    find: "    if ([Environment]::Is64BitOperatingSystem -and -not [Environment]::Is64BitProcess) {\n        Invoke-NativeRelaunch $PSBoundParameters\n        exit $script:RelaunchExitCode\n    }\n",
    replace: "",
    caughtBy: { kind: "static", check: "sysnative-relaunch" },
  },
  {
    id: "relaunch-through-system32",
    bug: "relaunches System32\\...\\powershell.exe, which a 32-bit process is redirected to SysWOW64 for",
    file: "agent",
    find: "$powershell = Join-Path $env:SystemRoot 'Sysnative\\WindowsPowerShell\\v1.0\\powershell.exe'",
    replace: "$powershell = Join-Path $env:SystemRoot 'System32\\WindowsPowerShell\\v1.0\\powershell.exe'",
    caughtBy: { kind: "static", check: "sysnative-relaunch" },
  },
  {
    id: "relaunch-on-any-64-bit-os",
    bug: "relaunches whenever the OS is 64-bit, so the 64-bit copy relaunches again, forever",
    file: "agent",
    find: "if ([Environment]::Is64BitOperatingSystem -and -not [Environment]::Is64BitProcess) {\n        Invoke-NativeRelaunch",
    replace: "if ([Environment]::Is64BitOperatingSystem) {\n        Invoke-NativeRelaunch",
    caughtBy: { kind: "static", check: "sysnative-relaunch" },
  },
  {
    id: "runs-when-dot-sourced",
    bug: "the main guard is simplified away, so dot-sourcing the script (Pester) runs the agent",
    file: "agent",
    find: "if ($MyInvocation.InvocationName -ne '.') {\n    Set-StrictMode",
    replace: "if ($true) {\n    Set-StrictMode",
    caughtBy: { kind: "static", check: "dot-source-safe" },
  },
  {
    id: "overlap-without-mutex",
    bug: "a run that cannot take the mutex carries on (two runs share the queue and the keys)",
    file: "agent",
    find: "    if ($null -eq $mutex) {\n        Write-AgentLog 'Another run of the agent is in progress; this one stops'\n        $script:RunResult = @{ ExitCode = 0; Summary = 'JoinScope: another run is in progress' }\n        return\n    }\n",
    replace: "",
    caughtBy: { kind: "static", check: "mutex" },
  },
  {
    id: "session-local-mutex",
    bug: "the mutex name has no Global\\ prefix, so a run in another session does not see it",
    file: "agent",
    find: "$MutexName = 'Global\\JoinScopeAgent'",
    replace: "$MutexName = 'JoinScopeAgent'",
    caughtBy: { kind: "static", check: "mutex" },
  },
  {
    id: "remove-schedule-jitter",
    bug: "the 4-hour trigger loses its random delay: a fleet installed together reports together",
    file: "agent",
    find: " -RepetitionInterval (New-TimeSpan -Hours 4) -RandomDelay (New-TimeSpan -Minutes 30)",
    replace: " -RepetitionInterval (New-TimeSpan -Hours 4)",
    caughtBy: { kind: "static", check: "schedule-jitter" },
  },
  {
    id: "recursive-capture-cleanup",
    bug: "the capture folder is removed with Remove-Item -Recurse (follows a junction a user planted)",
    file: "agent",
    find: "        try { Remove-CaptureDirectory $inbox } catch",
    replace: "        try { Remove-Item -LiteralPath $inbox -Recurse -Force } catch",
    caughtBy: { kind: "static", check: "recursive-delete" },
  },
  {
    id: "dpapi-user-scope",
    bug: "keys protected with DPAPI's CurrentUser scope",
    file: "agent",
    find: "return , [System.Security.Cryptography.ProtectedData]::Protect($Bytes, $entropy, [System.Security.Cryptography.DataProtectionScope]::LocalMachine)",
    replace:
      "return , [System.Security.Cryptography.ProtectedData]::Protect($Bytes, $entropy, [System.Security.Cryptography.DataProtectionScope]::CurrentUser)",
    caughtBy: { kind: "static", check: "dpapi-scope" },
  },
  {
    id: "machine-key-from-get-random",
    bug: "the machine key made with Get-Random (predictable)",
    file: "agent",
    find: "    try { $rng.GetBytes($bytes) } finally { $rng.Dispose() }\n",
    replace: "    $bytes = [byte[]](1..32 | ForEach-Object { Get-Random -Maximum 256 })\n",
    caughtBy: { kind: "static", check: "dpapi-scope" },
  },
  {
    id: "ps7-null-coalescing",
    bug: "PowerShell 7's ?? operator, which Windows PowerShell 5.1 cannot parse",
    file: "agent",
    find: "    $deviceId = $null\n    if ($Context.DeviceId) { $deviceId = $Context.DeviceId }\n",
    replace: "    $deviceId = $Context.DeviceId ?? $null\n",
    caughtBy: { kind: "static", check: "ps7-syntax" },
  },
  // ---- caught by running the decision functions
  {
    id: "drop-queue-on-any-4xx",
    bug: "version 1's rule: any 4xx but 408/429 deletes the report (a proxy's 407 loses it)",
    file: "agent",
    find: "    if ($Status -eq 400 -or $Status -eq 413 -or $Status -eq 415) { return 'Drop' }",
    replace: "    if ($Status -ge 400 -and $Status -lt 500 -and $Status -ne 408 -and $Status -ne 429) { return 'Drop' }",
    caughtBy: { kind: "evaluator", probe: "uploadDisposition" },
  },
  {
    id: "drop-queue-on-407",
    bug: "treats the proxy's 407 as a refusal of the report",
    file: "agent",
    find: "if ($Status -eq 400 -or $Status -eq 413 -or $Status -eq 415) { return 'Drop' }",
    replace: "if ($Status -eq 400 -or $Status -eq 407 -or $Status -eq 413 -or $Status -eq 415) { return 'Drop' }",
    caughtBy: { kind: "evaluator", probe: "uploadDisposition" },
  },
  {
    id: "revoked-device-reenrols",
    bug: "device-revoked handled like an unknown key, so a revoked device enrols itself again",
    file: "agent",
    find: "    if ($Status -eq 401 -and $ErrorCode -eq 'device-revoked') { return 'Revoked' }\n",
    replace: "",
    caughtBy: { kind: "evaluator", probe: "uploadDisposition" },
  },
  {
    id: "renamed-machine-drops-reports",
    bug: "hostname-mismatch always drops, so a renamed machine never uploads again",
    file: "agent",
    find: "        if ($ReportHostname -eq $ComputerName) { return 'Reenrol' }\n",
    replace: "",
    caughtBy: { kind: "evaluator", probe: "uploadDisposition" },
  },
  {
    id: "remove-retry-jitter",
    bug: "plain exponential backoff: machines that failed together retry together",
    file: "agent",
    find: "$delay = $step / 2 + $Random * $step / 2",
    replace: "$delay = $step",
    caughtBy: { kind: "evaluator", probe: "retryJitter" },
  },
  {
    id: "ignore-retry-after",
    bug: "Retry-After ignored",
    file: "agent",
    find: "    if ($RetryAfter -gt 0) { $delay = [math]::Min(900, $RetryAfter + $Random * 30) }\n",
    replace: "",
    caughtBy: { kind: "evaluator", probe: "retryJitter" },
  },
  {
    id: "queue-drops-newest",
    bug: "the queue bound drops the newest reports instead of the oldest",
    file: "agent",
    find: "$sorted = @($Names | Sort-Object)",
    replace: "$sorted = @($Names | Sort-Object -Descending)",
    caughtBy: { kind: "evaluator", probe: "queueBound" },
  },
  {
    id: "registry-secret-wins",
    bug: "the registry copy wins over the script's site default (Intune cannot rotate the secret)",
    file: "agent",
    find: "    if ($Site) { return @{ Secret = $Site; Source = 'site default'; Store = $true } }\n    if ($Stored) { return @{ Secret = $Stored; Source = 'registry'; Store = $false } }\n",
    replace:
      "    if ($Stored) { return @{ Secret = $Stored; Source = 'registry'; Store = $false } }\n    if ($Site) { return @{ Secret = $Site; Source = 'site default'; Store = $true } }\n",
    caughtBy: { kind: "evaluator", probe: "secretPrecedence" },
  },
  {
    id: "register-stores-registry-secret",
    bug: "a secret read from the registry is marked to be stored, so -Register writes the stale one back",
    file: "agent",
    find: "if ($Stored) { return @{ Secret = $Stored; Source = 'registry'; Store = $false } }",
    replace: "if ($Stored) { return @{ Secret = $Stored; Source = 'registry'; Store = $true } }",
    caughtBy: { kind: "evaluator", probe: "secretPrecedence" },
  },
  {
    id: "state-folder-owner-unchecked",
    bug: "the state folder's owner is not checked (a user who created it first keeps control)",
    file: "agent",
    find: '    if ($Security.Owner -ne $SystemSid -and $Security.Owner -ne $AdministratorsSid) { return "it is owned by $($Security.Owner)" }\n',
    replace: "",
    caughtBy: { kind: "evaluator", probe: "trustedFolder" },
  },
  {
    id: "state-folder-read-access-accepted",
    bug: "only write access for others counts, so Users may read the DPAPI machine-scope keys",
    file: "agent",
    find: "        if (-not $rule.Allow) { continue }\n        if ($rule.Sid -eq $SystemSid",
    replace: "        if (-not $rule.Allow -or ($rule.Rights -band 0x116) -eq 0) { continue }\n        if ($rule.Sid -eq $SystemSid",
    caughtBy: { kind: "evaluator", probe: "trustedFolder" },
  },
  {
    id: "state-folder-junction-accepted",
    bug: "a junction in place of the state folder is accepted",
    file: "agent",
    find: "    if ($Security.IsReparsePoint) { return 'it is a reparse point (a junction or symbolic link)' }\n",
    replace: "",
    caughtBy: { kind: "evaluator", probe: "trustedFolder" },
  },
  {
    id: "capture-without-size-cap",
    bug: "the user's capture file is read whatever its size",
    file: "agent",
    find: '    if ($Info.Length -gt $MaxBytes) { return "it is $($Info.Length) bytes (at most $MaxBytes)" }\n',
    replace: "",
    caughtBy: { kind: "evaluator", probe: "captureFile" },
  },
  {
    id: "capture-owner-unchecked",
    bug: "the capture file is read whoever created it",
    file: "agent",
    find: '    if ($Info.Owner -ne $UserSid -and $Info.Owner -ne $AdministratorsSid) { return "it is owned by $($Info.Owner), not by the signed-in user" }\n',
    replace: "",
    caughtBy: { kind: "evaluator", probe: "captureFile" },
  },
  {
    id: "capture-follows-links",
    bug: "a link in place of the capture file is read",
    file: "agent",
    find: "    if ($Info.IsReparsePoint) { return 'it is a reparse point (a link)' }\n",
    replace: "",
    caughtBy: { kind: "evaluator", probe: "captureFile" },
  },
  {
    id: "multi-session-first-listed",
    bug: "on a multi-session host the first explorer.exe WMI lists wins, not the console user",
    file: "agent",
    find: "        if ($ConsoleUser -and $candidate.Name -eq $ConsoleUser) { $rank = 0 }\n",
    replace: "",
    caughtBy: { kind: "evaluator", probe: "captureUser" },
  },
  {
    id: "multi-session-tie-by-order",
    bug: "two desktops in one session: the choice depends on WMI's order",
    file: "agent",
    find: "        elseif ($rank -eq $bestRank -and $candidate.SessionId -eq $best.SessionId -and [string]::CompareOrdinal($candidate.Sid, $best.Sid) -lt 0) { $better = $true }\n",
    replace: "",
    caughtBy: { kind: "evaluator", probe: "captureUser" },
  },
  {
    id: "proxy-bypass-ignores-local",
    bug: "<local> in the WinHTTP bypass list is not understood",
    file: "agent",
    find: "            if ($HostName -notmatch '\\.') { return $true }\n",
    replace: "",
    caughtBy: { kind: "evaluator", probe: "proxy" },
  },
  {
    id: "detect-stale-after-a-day",
    bug: "the remediation detection calls an agent stale only after 80 hours",
    file: "remediation-detect",
    find: "    if ($HoursSinceSuccess -gt $Stale) {",
    replace: "    if ($HoursSinceSuccess -gt 10 * $Stale) {",
    caughtBy: { kind: "evaluator", probe: "agentHealth" },
  },
  {
    id: "detect-ignores-revocation",
    bug: "the remediation detection reports a revoked device as healthy",
    file: "remediation-detect",
    find: "if ($Outcome -eq 'DeviceRevoked' -or $Outcome -eq 'EnrolmentFailed'",
    replace: "if ($Outcome -eq 'EnrolmentFailed'",
    caughtBy: { kind: "evaluator", probe: "agentHealth" },
  },
  // ---- only the Pester suite (public/agent/tests) catches these
  {
    id: "one-bad-event-drops-the-log",
    bug: "no per-event try/catch: one event whose provider cannot render it loses the whole log",
    file: "agent",
    find: "            try { [void]$result.Add((ConvertTo-AgentEvent $record $logName)) } catch { $skipped++ }",
    replace: "            [void]$result.Add((ConvertTo-AgentEvent $record $logName))",
    caughtBy: { kind: "pester", test: "keeps the other events when one cannot be read" },
  },
  {
    id: "send-without-queueing",
    bug: "the report is sent without being written to the queue first (a lost answer loses it)",
    file: "agent",
    find: "        [void](Add-QueuedReport $Config.StateDirectory $report $MaxQueuedReports)\n",
    replace: "",
    caughtBy: { kind: "pester", test: "queues the report before it sends anything" },
  },
  {
    id: "forward-secret-parameter",
    bug: "the relaunch forwards every bound parameter, the secret included",
    file: "agent",
    find: "        if ($name -eq 'EnrolmentSecret') { continue }\n",
    replace: "",
    caughtBy: { kind: "pester", test: "never forwards the enrolment secret on the command line" },
  },
  {
    id: "untrusted-state-folder-used",
    bug: "an untrusted state folder is only logged, then used",
    file: "agent",
    find: "        Rename-Item -LiteralPath $Path -NewName ([System.IO.Path]::GetFileName($aside))\n",
    replace: "        return\n",
    caughtBy: { kind: "pester", test: "renames a folder it cannot trust and creates a new one" },
  },
  {
    id: "register-writes-any-secret",
    bug: "-Register writes whatever secret the run used, a stale registry copy included",
    file: "agent",
    find: "    if ($Config.StoreSecret) {",
    replace: "    if ($Config.EnrolmentSecret) {",
    caughtBy: { kind: "pester", test: "never writes back a secret read from the registry" },
  },
  {
    id: "rotation-ignored",
    bug: "keyRotation: due is never acted on",
    file: "agent",
    find: "        if ($context.RotationDue) { [void](Invoke-KeyRotation $context) }\n",
    replace: "",
    caughtBy: { kind: "pester", test: "rotates the device key when the server says keyRotation due" },
  },
  {
    id: "proxy-not-used",
    bug: "the proxy is resolved but never passed to Invoke-WebRequest",
    file: "agent",
    find: " -UseBasicParsing @proxyArguments",
    replace: " -UseBasicParsing",
    caughtBy: { kind: "pester", test: "passes the proxy with the computer account's credentials" },
  },
  {
    id: "status-not-written-on-failure",
    bug: "the status value is written only when the run succeeds",
    file: "agent",
    find: "        Write-AgentStatus $status\n    }\n}",
    replace: "    }\n}",
    caughtBy: { kind: "pester", test: "writes the status value even when the run fails" },
  },
  {
    id: "revoked-device-keeps-trying",
    bug: "a revoked device captures and asks to enrol on every run",
    file: "agent",
    find: "if ($revoked -and -not $Config.Register -and -not (Test-EnrolAttemptDue $context.Enrolment.LastEnrolAttemptAt $nowUtc)) {",
    replace: "if ($false) {",
    caughtBy: { kind: "pester", test: "does not upload while revoked, and asks again after a day" },
  },
  {
    id: "capture-folder-modify-for-user",
    bug: "the user gets Modify on the capture folder (can read, delete and plant links)",
    file: "agent",
    find: "$rights = [System.Security.AccessControl.FileSystemRights]::CreateFiles -bor [System.Security.AccessControl.FileSystemRights]::Synchronize",
    replace: "$rights = [System.Security.AccessControl.FileSystemRights]::Modify",
    caughtBy: { kind: "pester", test: "grants the signed-in user CreateFiles only on the capture folder" },
  },
];
