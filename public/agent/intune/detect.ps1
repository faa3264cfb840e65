<#
.SYNOPSIS
    Intune Win32 app detection script for the JoinScope agent.

.DESCRIPTION
    Intune counts the app as installed when this script exits 0 and writes to standard output; anything else is
    "not installed". Installed means: the script under %ProgramFiles%\JoinScope, the scheduled task
    \JoinScope\JoinScope Agent, and HKLM\SOFTWARE\JoinScope\InstalledVersion at least $RequiredVersion. Reads the
    64-bit registry view and Program Files whatever the host's bitness ("Run script as 32-bit process" on or off).
#>
$RequiredVersion = '2.1.0'

function Get-AgentRegistryValue([string]$SubKey, [string]$Name) {
    $hive = [Microsoft.Win32.RegistryKey]::OpenBaseKey([Microsoft.Win32.RegistryHive]::LocalMachine, [Microsoft.Win32.RegistryView]::Registry64)
    try {
        $key = $hive.OpenSubKey($SubKey)
        if ($null -eq $key) { return $null }
        try { return $key.GetValue($Name) } finally { $key.Dispose() }
    } finally { $hive.Dispose() }
}

function Get-ProgramFiles64 {
    # In a 32-bit process ProgramFiles is "Program Files (x86)"; ProgramW6432 is the 64-bit one.
    if ($env:ProgramW6432) { return $env:ProgramW6432 }
    return $env:ProgramFiles
}

function Test-VersionAtLeast([string]$Version, [string]$Required) {
    $parsed = $null
    if (-not [version]::TryParse($Version, [ref]$parsed)) { return $false }
    return $parsed -ge [version]$Required
}

if ($MyInvocation.InvocationName -ne '.') {
    $installed = Join-Path (Join-Path (Get-ProgramFiles64) 'JoinScope') 'Invoke-JoinScopeAgent.ps1'
    $version = [string](Get-AgentRegistryValue 'SOFTWARE\JoinScope' 'InstalledVersion')
    $task = Get-ScheduledTask -TaskPath '\JoinScope\' -TaskName 'JoinScope Agent' -ErrorAction SilentlyContinue
    if ((Test-Path -LiteralPath $installed) -and $null -ne $task -and (Test-VersionAtLeast $version $RequiredVersion)) {
        Write-Output "JoinScope agent $version installed"
        exit 0
    }
    exit 1
}
