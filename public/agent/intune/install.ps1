<#
.SYNOPSIS
    Intune Win32 app install command for the JoinScope agent (docs/agent.md, "Intune: Win32 app").

.DESCRIPTION
    Runs Invoke-JoinScopeAgent.ps1 from the package with -Register: it copies itself to
    %ProgramFiles%\JoinScope (SYSTEM and Administrators only), stores the configuration in HKLM\SOFTWARE\JoinScope
    (same), registers the scheduled task \JoinScope\JoinScope Agent, enrols this machine and uploads a first report.
    The enrolment secret comes from enrolment-secret.txt in the package (the IME unpacks the package into a
    folder only SYSTEM and Administrators can read, and deletes it afterwards), so it is neither in a command line
    nor in a script's text (Script Block Logging records script text, event 4104).
    Exit 0 when the agent is installed (even if the first upload has to wait in the queue), 1 otherwise.

.PARAMETER ServerUrl
    The JoinScope URL, e.g. https://joinscope.contoso.com.

.PARAMETER EnrolmentSecretFile
    The file holding the jsa_ enrolment secret. Default: enrolment-secret.txt beside this script.

.PARAMETER ProxyUrl
    Passed on to the agent (-ProxyUrl); default the WinHTTP proxy.

.PARAMETER RedactUserNames
    Passed on to the agent; stored, so every scheduled run redacts.

.PARAMETER RedactionSalt
    Passed on to the agent; stored.

.EXAMPLE
    %SystemRoot%\Sysnative\WindowsPowerShell\v1.0\powershell.exe -NoProfile -ExecutionPolicy Bypass -File .\install.ps1 -ServerUrl https://joinscope.contoso.com
#>
[CmdletBinding()]
param(
    [Parameter(Mandatory = $true)][string]$ServerUrl,
    [string]$EnrolmentSecretFile,
    [string]$ProxyUrl,
    [switch]$RedactUserNames,
    [string]$RedactionSalt
)

function Get-SystemExecutable([string]$RelativePath) {
    return (Join-Path $env:SystemRoot (Join-Path 'System32' $RelativePath))
}

function Test-AgentInstalled {
    $installed = Join-Path (Join-Path $env:ProgramFiles 'JoinScope') 'Invoke-JoinScopeAgent.ps1'
    $task = Get-ScheduledTask -TaskPath '\JoinScope\' -TaskName 'JoinScope Agent' -ErrorAction SilentlyContinue
    return ((Test-Path -LiteralPath $installed) -and $null -ne $task)
}

function Invoke-Install($Bound) {
    # Returns @{ ExitCode; Line }; the agent's own summary line is kept in Line.
    $agent = Join-Path $PSScriptRoot 'Invoke-JoinScopeAgent.ps1'
    $secretFile = $EnrolmentSecretFile
    if (-not $secretFile) { $secretFile = Join-Path $PSScriptRoot 'enrolment-secret.txt' }
    if (-not (Test-Path -LiteralPath $secretFile)) {
        return @{ ExitCode = 1; Line = "JoinScope install: $secretFile is missing (put the jsa_ enrolment secret in the package)" }
    }
    $arguments = @{ ServerUrl = $ServerUrl; EnrolmentSecretFile = $secretFile; Register = $true }
    if ($ProxyUrl) { $arguments.ProxyUrl = $ProxyUrl }
    if ($Bound.ContainsKey('RedactUserNames')) { $arguments.RedactUserNames = [bool]$RedactUserNames }
    if ($RedactionSalt) { $arguments.RedactionSalt = $RedactionSalt }
    $agentOutput = @(& $agent @arguments) -join ' '
    $agentExit = $LASTEXITCODE
    if (-not (Test-AgentInstalled)) {
        return @{ ExitCode = 1; Line = "JoinScope install: the agent was not installed (exit code $agentExit: $agentOutput); see %ProgramData%\JoinScope\logs\agent.log" }
    }
    return @{ ExitCode = 0; Line = "JoinScope install: installed; first run exit code $agentExit ($agentOutput)" }
}

if ($MyInvocation.InvocationName -ne '.') {
    Set-StrictMode -Version Latest
    $ErrorActionPreference = 'Stop'
    # The Intune Management Extension runs Win32 app commands in a 32-bit process on 64-bit Windows: relaunch in
    # the 64-bit Windows PowerShell, where System32, Program Files and HKLM\SOFTWARE are the real ones.
    if ([Environment]::Is64BitOperatingSystem -and -not [Environment]::Is64BitProcess) {
        $powershell = Join-Path $env:SystemRoot 'Sysnative\WindowsPowerShell\v1.0\powershell.exe'
        $forward = @('-NoProfile', '-NonInteractive', '-ExecutionPolicy', 'Bypass', '-File', $PSCommandPath, '-ServerUrl', $ServerUrl)
        if ($EnrolmentSecretFile) { $forward += @('-EnrolmentSecretFile', $EnrolmentSecretFile) }
        if ($ProxyUrl) { $forward += @('-ProxyUrl', $ProxyUrl) }
        if ($RedactUserNames) { $forward += '-RedactUserNames' }
        if ($RedactionSalt) { $forward += @('-RedactionSalt', $RedactionSalt) }
        & $powershell @forward
        exit $LASTEXITCODE
    }
    try {
        $result = Invoke-Install $PSBoundParameters
    } catch {
        $result = @{ ExitCode = 1; Line = "JoinScope install failed: $($_.Exception.Message)" }
    }
    Write-Output $result.Line
    exit $result.ExitCode
}
