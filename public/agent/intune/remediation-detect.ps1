<#
.SYNOPSIS
    Intune Remediations detection script: is the JoinScope agent installed, recent and working?

.DESCRIPTION
    Prints one line (Intune shows it as the pre-remediation detection output) and exits 1 when the agent is
    missing (no installed script or no scheduled task), stale (no upload for more than $StaleHours hours) or failing
    (its last run ended in DeviceRevoked, EnrolmentFailed, ConfigError, Refused or Failed), so that
    remediation-remediate.ps1 runs; exits 0 when it is healthy. Reads HKLM\SOFTWARE\JoinScope\Status, which every
    run of the agent writes (docs/agent.md, "Status values"), in the 64-bit registry view.
#>
$StaleHours = 8

function Get-AgentRegistryValue([string]$SubKey, [string]$Name) {
    $hive = [Microsoft.Win32.RegistryKey]::OpenBaseKey([Microsoft.Win32.RegistryHive]::LocalMachine, [Microsoft.Win32.RegistryView]::Registry64)
    try {
        $key = $hive.OpenSubKey($SubKey)
        if ($null -eq $key) { return $null }
        try { return $key.GetValue($Name) } finally { $key.Dispose() }
    } finally { $hive.Dispose() }
}

function Get-HoursSince([string]$Timestamp, [datetime]$Now) {
    # -1 when there is no (readable) time.
    if (-not $Timestamp) { return -1 }
    $parsed = [datetime]::MinValue
    $styles = [System.Globalization.DateTimeStyles]::RoundtripKind
    if (-not [datetime]::TryParse($Timestamp, [System.Globalization.CultureInfo]::InvariantCulture, $styles, [ref]$parsed)) { return -1 }
    return ($Now - $parsed.ToUniversalTime()).TotalHours
}

function Get-AgentHealth([bool]$Installed, [bool]$TaskPresent, [string]$Outcome, [string]$Message, [double]$HoursSinceSuccess, [double]$HoursSinceRun, [int]$Stale) {
    # @{ Healthy; Line }: the one line Intune shows. HoursSince* are -1 when the agent never got that far.
    if (-not $Installed) { return @{ Healthy = $false; Line = 'JoinScope: missing - the agent script is not installed under Program Files\JoinScope' } }
    if (-not $TaskPresent) { return @{ Healthy = $false; Line = 'JoinScope: missing - the scheduled task \JoinScope\JoinScope Agent is not registered' } }
    if ($Outcome -eq 'DeviceRevoked' -or $Outcome -eq 'EnrolmentFailed' -or $Outcome -eq 'ConfigError' -or $Outcome -eq 'Refused' -or $Outcome -eq 'Failed') {
        return @{ Healthy = $false; Line = "JoinScope: failing - $Outcome $Message" }
    }
    if ($HoursSinceSuccess -lt 0) {
        if ($HoursSinceRun -lt 0) { return @{ Healthy = $false; Line = 'JoinScope: stale - the agent has never run' } }
        return @{ Healthy = $false; Line = "JoinScope: stale - no upload yet ($Outcome)" }
    }
    if ($HoursSinceSuccess -gt $Stale) {
        return @{ Healthy = $false; Line = ('JoinScope: stale - last upload {0:N0} h ago ({1})' -f $HoursSinceSuccess, $Outcome) }
    }
    return @{ Healthy = $true; Line = ('JoinScope: healthy - last upload {0:N1} h ago ({1})' -f $HoursSinceSuccess, $Outcome) }
}

if ($MyInvocation.InvocationName -ne '.') {
    try {
        $programFiles = $env:ProgramW6432
        if (-not $programFiles) { $programFiles = $env:ProgramFiles }
        $installed = Test-Path -LiteralPath (Join-Path (Join-Path $programFiles 'JoinScope') 'Invoke-JoinScopeAgent.ps1')
        $task = $null -ne (Get-ScheduledTask -TaskPath '\JoinScope\' -TaskName 'JoinScope Agent' -ErrorAction SilentlyContinue)
        $now = (Get-Date).ToUniversalTime()
        $status = 'SOFTWARE\JoinScope\Status'
        $health = Get-AgentHealth $installed $task ([string](Get-AgentRegistryValue $status 'Outcome')) ([string](Get-AgentRegistryValue $status 'Message')) (Get-HoursSince ([string](Get-AgentRegistryValue $status 'LastSuccess')) $now) (Get-HoursSince ([string](Get-AgentRegistryValue $status 'LastRun')) $now) $StaleHours
        Write-Output $health.Line
        if ($health.Healthy) { exit 0 }
        exit 1
    } catch {
        Write-Output "JoinScope: detection failed - $($_.Exception.Message)"
        exit 1
    }
}
