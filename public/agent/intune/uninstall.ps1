<#
.SYNOPSIS
    Intune Win32 app uninstall command for the JoinScope agent.

.DESCRIPTION
    Removes the scheduled task \JoinScope\JoinScope Agent, the script under %ProgramFiles%\JoinScope and the
    configuration under HKLM\SOFTWARE\JoinScope. The state folder (%ProgramData%\JoinScope: the machine and device
    keys, the queue, the log) stays unless -RemoveState is given: a reinstall then continues the same enrolment.
    On the Agents page, revoke the device if it should not come back. Exit 0.

.PARAMETER RemoveState
    Also delete %ProgramData%\JoinScope, file by file (never a recursive delete).

.EXAMPLE
    %SystemRoot%\Sysnative\WindowsPowerShell\v1.0\powershell.exe -NoProfile -ExecutionPolicy Bypass -File .\uninstall.ps1
#>
[CmdletBinding()]
param([switch]$RemoveState)

function Remove-FolderFiles([string]$Path) {
    # Entry by entry, links removed as links: a recursive delete would follow a junction.
    if (-not (Test-Path -LiteralPath $Path)) { return }
    foreach ($child in @(Get-ChildItem -LiteralPath $Path -Force)) {
        $isLink = ($child.Attributes -band [System.IO.FileAttributes]::ReparsePoint) -ne 0
        if ($child.PSIsContainer -and -not $isLink) { Remove-FolderFiles $child.FullName }
        elseif ($child.PSIsContainer) { [System.IO.Directory]::Delete($child.FullName, $false) }
        else { Remove-Item -LiteralPath $child.FullName -Force }
    }
    [System.IO.Directory]::Delete($Path, $false)
}

function Invoke-Uninstall {
    Unregister-ScheduledTask -TaskPath '\JoinScope\' -TaskName 'JoinScope Agent' -Confirm:$false -ErrorAction SilentlyContinue
    Remove-FolderFiles (Join-Path $env:ProgramFiles 'JoinScope')
    foreach ($key in 'HKLM:\SOFTWARE\JoinScope\Status', 'HKLM:\SOFTWARE\JoinScope') {
        if (Test-Path -LiteralPath $key) { Remove-Item -LiteralPath $key -Force }
    }
    if ($RemoveState) { Remove-FolderFiles (Join-Path $env:ProgramData 'JoinScope') }
    Write-Output 'JoinScope uninstall: removed'
}

if ($MyInvocation.InvocationName -ne '.') {
    Set-StrictMode -Version Latest
    $ErrorActionPreference = 'Stop'
    if ([Environment]::Is64BitOperatingSystem -and -not [Environment]::Is64BitProcess) {
        $powershell = Join-Path $env:SystemRoot 'Sysnative\WindowsPowerShell\v1.0\powershell.exe'
        $forward = @('-NoProfile', '-NonInteractive', '-ExecutionPolicy', 'Bypass', '-File', $PSCommandPath)
        if ($RemoveState) { $forward += '-RemoveState' }
        & $powershell @forward
        exit $LASTEXITCODE
    }
    try {
        Invoke-Uninstall
        exit 0
    } catch {
        Write-Output "JoinScope uninstall failed: $($_.Exception.Message)"
        exit 1
    }
}
