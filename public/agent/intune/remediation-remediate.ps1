<#
.SYNOPSIS
    Intune Remediations remediation script: repairs the JoinScope agent.

.DESCRIPTION
    Runs the installed agent with -Register: the scheduled task is registered again (with a fresh random delay),
    the configuration stored in HKLM\SOFTWARE\JoinScope is used as it is (a secret read from there is never written
    back), a revoked device asks to enrol again, and a report is uploaded (queued ones first). Prints one line and
    exits 0 when that run uploaded, 1 otherwise. It cannot reinstall a missing agent: that is the Win32 app's job.
#>
function Invoke-Remediation {
    # Returns @{ ExitCode; Line }.
    $programFiles = $env:ProgramW6432
    if (-not $programFiles) { $programFiles = $env:ProgramFiles }
    $installed = Join-Path (Join-Path $programFiles 'JoinScope') 'Invoke-JoinScopeAgent.ps1'
    if (-not (Test-Path -LiteralPath $installed)) {
        return @{ ExitCode = 1; Line = 'JoinScope: cannot repair - the agent is not installed; assign the JoinScope Win32 app to this device' }
    }
    # 64-bit Windows PowerShell whatever this host is (Sysnative from a 32-bit host).
    $folder = 'System32'
    if ([Environment]::Is64BitOperatingSystem -and -not [Environment]::Is64BitProcess) { $folder = 'Sysnative' }
    $powershell = Join-Path $env:SystemRoot "$folder\WindowsPowerShell\v1.0\powershell.exe"
    $output = @(& $powershell -NoProfile -NonInteractive -ExecutionPolicy Bypass -File $installed -Register) -join ' '
    $code = $LASTEXITCODE
    $line = 'JoinScope: re-registered the task and ran the agent (exit {0}): {1}' -f $code, $output
    if ($code -eq 0) { return @{ ExitCode = 0; Line = $line } }
    return @{ ExitCode = 1; Line = $line }
}

if ($MyInvocation.InvocationName -ne '.') {
    Set-StrictMode -Version Latest
    $ErrorActionPreference = 'Stop'
    try {
        $result = Invoke-Remediation
    } catch {
        $result = @{ ExitCode = 1; Line = "JoinScope: remediation failed - $($_.Exception.Message)" }
    }
    Write-Output $result.Line
    exit $result.ExitCode
}
