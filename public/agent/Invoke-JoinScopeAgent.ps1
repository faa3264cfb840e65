<#
.SYNOPSIS
    Uploads this machine's Entra ID device-registration state (dsregcmd /status, AAD events) to JoinScope.

.DESCRIPTION
    Runs as SYSTEM (Intune Win32 app or remediation, Group Policy scheduled task) and builds one report:
      - dsregcmd       : `dsregcmd /status` in the signed-in user's session, unelevated (the PRT is per
                         user). Captured through a one-shot scheduled task running as that user, which may
                         only create its output file in a folder SYSTEM then checks before reading. When no
                         user is signed in, this is the SYSTEM capture and the server says so
                         (user-context-not-captured).
      - dsregcmdSystem : the same command as SYSTEM (DeviceAuthStatus, KeySignTest), only when the user
                         capture succeeded.
      - events         : the last -EventCount events of Microsoft-Windows-AAD/Operational and
                         Microsoft-Windows-User Device Registration/Admin.
      - computerDn, objectGuid, osBuild.

    Credentials (docs/decisions/011-agent-enrolment.md): the enrolment secret (jsa_...) is only used to enrol.
    Enrolment returns a device key (jsd_...) that uploads this machine's reports; it is bound to a machine key
    of 32 random bytes made here. Both keys are kept DPAPI-protected (machine scope) in the state folder, which
    only SYSTEM and Administrators can open. An unknown key re-enrols with the machine key; a revoked device
    stops; the server's "keyRotation: due" rotates the key.

    Every report is written to a bounded queue (<StateDirectory>\queue, -MaxQueuedReports) before it is sent
    and only removed once the server stored it or refused that report for good (400, 413, 415, 403
    hostname-mismatch); network errors, proxy errors (407), 408, 429 and 5xx keep it for the next run.
    A 32-bit host (Intune's default) relaunches the script in 64-bit Windows PowerShell through Sysnative.
    One run at a time (a global mutex), within -TimeBudgetMinutes. The outcome is written to
    HKLM\SOFTWARE\JoinScope\Status for Intune's detection scripts. No secret is ever logged.
    Exit codes: 0 uploaded (or another run is active), 1 failed (see the log and the status), 2 bad parameters.
    Works in Windows PowerShell 5.1 and PowerShell 7. See docs/agent.md.

.PARAMETER ServerUrl
    The JoinScope base URL, e.g. https://joinscope.contoso.com. Default: $SiteServerUrl below, then the
    registry value ServerUrl under HKLM:\SOFTWARE\JoinScope.

.PARAMETER EnrolmentSecret
    The enrolment secret (jsa_...), used only to enrol this machine. Prefer -EnrolmentSecretFile, the
    environment variable JOINSCOPE_ENROLMENT_SECRET or the registry: a command line is visible to other
    processes. Default: $SiteEnrolmentSecret below, then the registry value EnrolmentSecret (then Token,
    where version 1 of this agent kept its fleet token). Alias: -Token.

.PARAMETER EnrolmentSecretFile
    A file whose first line is the enrolment secret. Alias: -TokenFile.

.PARAMETER ProxyUrl
    The proxy for JoinScope, e.g. http://proxy.contoso.com:8080, used with the computer account's
    credentials; "direct" for none. Default: $SiteProxyUrl, then the registry value ProxyUrl, then the
    WinHTTP proxy (netsh winhttp show proxy).

.PARAMETER EventCount
    How many recent events to read from each of the two logs (0-250). Default 50.

.PARAMETER RedactUserNames
    Replace user names and UPNs in the dsregcmd text and event messages with a stable salted hash such
    as user-3f9a1c (the domain part is kept). Stored by -Register, so later runs redact too.

.PARAMETER RedactionSalt
    Salt for -RedactUserNames. Use the same value on every machine to get the same token for a user
    everywhere. Stored by -Register. Default: a random salt kept in <StateDirectory>\redaction.salt.

.PARAMETER StateDirectory
    Where the keys, the queue and logs\agent.log live. Default $env:ProgramData\JoinScope. It must be
    created by this agent (SYSTEM or Administrators owner, no other access); any other folder there is
    renamed aside and replaced.

.PARAMETER Register
    Install or update: copies this script to $env:ProgramFiles\JoinScope (SYSTEM and Administrators only),
    stores ServerUrl, the enrolment secret it was given, ProxyUrl and the redaction settings in
    HKLM:\SOFTWARE\JoinScope (SYSTEM and Administrators only) and registers the scheduled task
    \JoinScope\JoinScope Agent (SYSTEM, every 4 hours with a random delay, and at logon). Then runs once.

.PARAMETER UserCaptureTimeoutSeconds
    How long to wait for the user-context capture. Default 60.

.PARAMETER TimeBudgetMinutes
    The longest one run may take, retries included (1-25). Default 10, well under Intune's 30 minutes.

.PARAMETER MaxQueuedReports
    How many reports the queue keeps while the server cannot be reached (1-100); the oldest go first.
    Default 20.

.EXAMPLE
    .\Invoke-JoinScopeAgent.ps1 -ServerUrl https://joinscope.contoso.com -EnrolmentSecretFile C:\Temp\secret.txt -Register

    Installs the agent on this machine, enrols it and uploads the first report.

.EXAMPLE
    .\Invoke-JoinScopeAgent.ps1 -Verbose

    Runs once with the configuration stored by -Register.
#>
[CmdletBinding()]
param(
    [string]$ServerUrl,
    [Alias('Token')][string]$EnrolmentSecret,
    [Alias('TokenFile')][string]$EnrolmentSecretFile,
    [string]$ProxyUrl,
    [int]$EventCount = 50,
    [switch]$RedactUserNames,
    [string]$RedactionSalt,
    [string]$StateDirectory,
    [switch]$Register,
    [int]$UserCaptureTimeoutSeconds = 60,
    [int]$TimeBudgetMinutes = 10,
    [int]$MaxQueuedReports = 20
)

# Site defaults for deployments that cannot pass parameters (Intune platform scripts and remediations).
# Fill them in, then sign your copy. A value here wins over the registry, so shipping a new script rotates it.
$SiteServerUrl = ''
$SiteEnrolmentSecret = ''
$SiteRegister = $false
$SiteProxyUrl = ''
$SiteRedactUserNames = $false

$AgentVersion = '2.1.0'
$ConfigKey = 'HKLM:\SOFTWARE\JoinScope'
$StatusKey = 'HKLM:\SOFTWARE\JoinScope\Status'
$EventSource = 'JoinScope Agent'
$MutexName = 'Global\JoinScopeAgent'
$SystemSid = 'S-1-5-18'
$AdministratorsSid = 'S-1-5-32-544'
$MaxBodyBytes = 1000000      # the server refuses more than 1 MiB
$MaxCaptureBytes = 262144    # a dsregcmd /status is 5-15 KB; a bigger capture file is not one
$MaxLogBytes = 524288        # agent.log keeps this much of earlier runs
$script:SecretsToMask = @()
$script:LogLines = New-Object System.Collections.Generic.List[string]
$script:LogPath = ''
$script:LogPrefix = ''
$script:Deadline = $null
$script:Proxy = $null
$script:RelaunchExitCode = 1

#region Logging
function Protect-LogText([string]$Text) {
    # Whatever the caller passed, no enrolment secret or device key reaches a log.
    $masked = $Text -replace '(jsa|jsd)_[A-Za-z0-9_\-]+', '$1_***'
    foreach ($secret in $script:SecretsToMask) {
        if ($secret) { $masked = $masked.Replace($secret, '***') }
    }
    return $masked
}

function Write-AgentLog([string]$Message, [ValidateSet('Information', 'Warning', 'Error')][string]$Level = 'Information') {
    $safe = Protect-LogText $Message
    $line = '{0} [{1}] {2}' -f (Get-Date).ToUniversalTime().ToString('o'), $Level, $safe
    Write-Verbose $line
    $script:LogLines.Add($line)
    if ($script:LogPath) {
        try { Save-AgentLog } catch { Write-Verbose "File log unavailable: $($_.Exception.Message)" }
    }
    try {
        if (-not [System.Diagnostics.EventLog]::SourceExists($EventSource)) {
            [System.Diagnostics.EventLog]::CreateEventSource($EventSource, 'Application')
        }
        $type = [System.Diagnostics.EventLogEntryType]::$Level
        [System.Diagnostics.EventLog]::WriteEntry($EventSource, $safe, $type, 1000)
    } catch { Write-Verbose "Event log unavailable: $($_.Exception.Message)" }
}

function Open-AgentLog([string]$Directory) {
    # The log is rewritten whole through Write-AtomicFile: what earlier runs wrote (its last $MaxLogBytes) plus
    # this run's lines. Lines logged before the state folder was trusted are written now.
    $logDir = Join-Path $Directory 'logs'
    if (-not (Test-Path -LiteralPath $logDir)) { New-Item -ItemType Directory -Path $logDir | Out-Null }
    $path = Join-Path $logDir 'agent.log'
    $prefix = ''
    if (Test-Path -LiteralPath $path) {
        $text = [System.Text.Encoding]::UTF8.GetString([System.IO.File]::ReadAllBytes($path))
        if ($text.Length -gt $MaxLogBytes) {
            $text = $text.Substring($text.Length - $MaxLogBytes)
            $text = $text.Substring($text.IndexOf("`n") + 1)
        }
        $prefix = $text
    }
    $script:LogPrefix = $prefix
    $script:LogPath = $path
    Save-AgentLog
}

function Save-AgentLog {
    $text = $script:LogPrefix + (($script:LogLines -join "`r`n") + "`r`n")
    Write-AtomicFile -Path $script:LogPath -Bytes ([System.Text.Encoding]::UTF8.GetBytes($text))
}
#endregion

#region Files and folders only SYSTEM and Administrators can touch
function Write-AtomicFile {
    # The one way this script writes a file. The bytes go to a new file beside the target, which then replaces
    # the target by rename: a reader never sees half a file, a crash leaves the old one, and a link planted at
    # $Path is replaced, never written through. CreateNew refuses anything already at the temporary name.
    param([Parameter(Mandatory = $true)][string]$Path, [Parameter(Mandatory = $true)][AllowEmptyCollection()][byte[]]$Bytes)
    $directory = [System.IO.Path]::GetDirectoryName($Path)
    $temp = Join-Path $directory ('.{0}.{1}.tmp' -f [System.IO.Path]::GetFileName($Path), [guid]::NewGuid().ToString('N'))
    $stream = New-Object System.IO.FileStream($temp, [System.IO.FileMode]::CreateNew, [System.IO.FileAccess]::Write, [System.IO.FileShare]::None)
    try {
        $stream.Write($Bytes, 0, $Bytes.Length)
        $stream.Flush($true)
    } finally { $stream.Dispose() }
    try {
        # A link at $Path (only an administrator could have made one in the state folder) is removed, never followed.
        $existing = Get-Item -LiteralPath $Path -Force -ErrorAction SilentlyContinue
        if ($null -ne $existing -and ($existing.Attributes -band [System.IO.FileAttributes]::ReparsePoint) -ne 0) {
            if ($existing.PSIsContainer) { [System.IO.Directory]::Delete($Path, $false) } else { [System.IO.File]::Delete($Path) }
        }
        if (Test-Path -LiteralPath $Path) {
            [System.IO.File]::Replace($temp, $Path, [NullString]::Value)
        } else {
            Move-Item -LiteralPath $temp -Destination $Path -Force
        }
    } catch {
        Remove-Item -LiteralPath $temp -Force -ErrorAction SilentlyContinue
        throw
    }
}

function New-AdminOnlySecurity([bool]$Directory) {
    # SYSTEM and Administrators full control, owner Administrators, nothing inherited (ProgramData lets Users
    # create files and folders, and a folder's creator owns it).
    if ($Directory) {
        $security = New-Object System.Security.AccessControl.DirectorySecurity
        $inherit = 'ContainerInherit, ObjectInherit'
    } else {
        $security = New-Object System.Security.AccessControl.FileSecurity
        $inherit = 'None'
    }
    $security.SetAccessRuleProtection($true, $false)
    foreach ($sid in $SystemSid, $AdministratorsSid) {
        $identity = New-Object System.Security.Principal.SecurityIdentifier($sid)
        $security.AddAccessRule((New-Object System.Security.AccessControl.FileSystemAccessRule($identity, 'FullControl', $inherit, 'None', 'Allow')))
    }
    $security.SetOwner((New-Object System.Security.Principal.SecurityIdentifier($AdministratorsSid)))
    return $security
}

function New-ProtectedDirectory([string]$Path) {
    # Created with its ACL in one call, so no other account can get in between creation and ACL.
    $info = New-Object System.IO.DirectoryInfo($Path)
    $security = New-AdminOnlySecurity $true
    if ($PSVersionTable.PSEdition -eq 'Core') {
        [System.IO.FileSystemAclExtensions]::Create($info, $security)
    } else {
        $info.Create($security)
    }
}

function Get-PathSecurity([string]$Path) {
    # Who owns $Path and who may use it, as plain data for Test-TrustedSecurity. A reparse point is reported
    # without reading the ACL (Get-Acl would read the link's target).
    $item = Get-Item -LiteralPath $Path -Force
    $security = @{
        IsDirectory    = [bool]$item.PSIsContainer
        IsReparsePoint = (($item.Attributes -band [System.IO.FileAttributes]::ReparsePoint) -ne 0)
        Owner          = ''
        Protected      = $false
        Rules          = @()
    }
    if ($security.IsReparsePoint) { return $security }
    $acl = Get-Acl -LiteralPath $Path
    $security.Owner = $acl.GetOwner([System.Security.Principal.SecurityIdentifier]).Value
    $security.Protected = $acl.AreAccessRulesProtected
    $rules = @()
    foreach ($rule in $acl.GetAccessRules($true, $true, [System.Security.Principal.SecurityIdentifier])) {
        $rules += @{ Sid = $rule.IdentityReference.Value; Rights = [int]$rule.FileSystemRights; Allow = ($rule.AccessControlType -eq 'Allow') }
    }
    $security.Rules = $rules
    return $security
}

function Test-TrustedSecurity($Security) {
    # '' when $Security (from Get-PathSecurity) is a folder this agent can trust: a real folder, not a link,
    # owned by SYSTEM or Administrators, not inheriting, and no other account allowed anything. Reading counts
    # too: the DPAPI machine-scope keys in it can be decrypted by any process that can read the files.
    # Otherwise the reason.
    if (-not $Security.IsDirectory) { return 'it is not a folder' }
    if ($Security.IsReparsePoint) { return 'it is a reparse point (a junction or symbolic link)' }
    if ($Security.Owner -ne $SystemSid -and $Security.Owner -ne $AdministratorsSid) { return "it is owned by $($Security.Owner)" }
    if (-not $Security.Protected) { return 'it inherits permissions from its parent' }
    foreach ($rule in $Security.Rules) {
        if (-not $rule.Allow) { continue }
        if ($rule.Sid -eq $SystemSid -or $rule.Sid -eq $AdministratorsSid) { continue }
        return "it allows access to $($rule.Sid)"
    }
    return ''
}

function Initialize-StateDirectory([string]$Path) {
    # Use the state folder only if this agent made it; otherwise rename it aside (a rename moves a link itself,
    # never what it points to, and nothing in it is read) and create a new one.
    if (Test-Path -LiteralPath $Path) {
        $reason = Test-TrustedSecurity (Get-PathSecurity $Path)
        if (-not $reason) { return }
        $aside = '{0}.untrusted-{1}' -f $Path.TrimEnd('\'), [guid]::NewGuid().ToString('N')
        Write-AgentLog "The state folder $Path cannot be trusted ($reason): renamed to $aside, a new one is created" 'Warning'
        Rename-Item -LiteralPath $Path -NewName ([System.IO.Path]::GetFileName($aside))
    }
    New-ProtectedDirectory $Path
    $reason = Test-TrustedSecurity (Get-PathSecurity $Path)
    if ($reason) { throw "the new state folder $Path cannot be trusted: $reason" }
}

function Set-AdminOnlyAcl([string]$Path) {
    # For the install folder under Program Files (only administrators can create there): SYSTEM and Administrators
    # only, since a copy of the script may hold the site's enrolment secret.
    $acl = Get-Acl -LiteralPath $Path
    $acl.SetAccessRuleProtection($true, $false)
    foreach ($rule in @($acl.Access)) { [void]$acl.RemoveAccessRule($rule) }
    foreach ($sid in $SystemSid, $AdministratorsSid) {
        $identity = New-Object System.Security.Principal.SecurityIdentifier($sid)
        $acl.AddAccessRule((New-Object System.Security.AccessControl.FileSystemAccessRule($identity, 'FullControl', 'ContainerInherit, ObjectInherit', 'None', 'Allow')))
    }
    $acl.SetOwner((New-Object System.Security.Principal.SecurityIdentifier($AdministratorsSid)))
    Set-Acl -LiteralPath $Path -AclObject $acl
}

function Protect-RegistryKey([string]$Path) {
    $keyAcl = Get-Acl -LiteralPath $Path
    $keyAcl.SetAccessRuleProtection($true, $false)
    foreach ($rule in @($keyAcl.Access)) { [void]$keyAcl.RemoveAccessRule($rule) }
    foreach ($sid in $SystemSid, $AdministratorsSid) {
        $identity = New-Object System.Security.Principal.SecurityIdentifier($sid)
        $keyAcl.AddAccessRule((New-Object System.Security.AccessControl.RegistryAccessRule($identity, 'FullControl', 'ContainerInherit', 'None', 'Allow')))
    }
    Set-Acl -LiteralPath $Path -AclObject $keyAcl
}
#endregion

#region Keys (DPAPI, machine scope)
function Import-DpapiType {
    # ProtectedData lives in System.Security on .NET Framework (5.1) and in its own assembly on .NET (7).
    if ($PSVersionTable.PSEdition -ne 'Core') { Add-Type -AssemblyName System.Security }
    else { Add-Type -AssemblyName System.Security.Cryptography.ProtectedData -ErrorAction SilentlyContinue }
}

function Protect-MachineData([byte[]]$Bytes) {
    # DPAPI with the machine's key: the blob is useless on any other machine. Any process on this machine could
    # decrypt it, which is why the state folder admits SYSTEM and Administrators only.
    Import-DpapiType
    $entropy = [System.Text.Encoding]::UTF8.GetBytes('JoinScope agent state')
    return , [System.Security.Cryptography.ProtectedData]::Protect($Bytes, $entropy, [System.Security.Cryptography.DataProtectionScope]::LocalMachine)
}

function Unprotect-MachineData([byte[]]$Bytes) {
    Import-DpapiType
    $entropy = [System.Text.Encoding]::UTF8.GetBytes('JoinScope agent state')
    return , [System.Security.Cryptography.ProtectedData]::Unprotect($Bytes, $entropy, [System.Security.Cryptography.DataProtectionScope]::LocalMachine)
}

function ConvertTo-Base64Url([byte[]]$Bytes) {
    return [Convert]::ToBase64String($Bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_')
}

function Get-MachineKey([string]$Directory) {
    # 32 random bytes made once per installation; the server keeps their hash and asks for them to re-enrol or
    # rotate, so a device key copied elsewhere cannot be re-bound to another machine.
    $path = Join-Path $Directory 'machine.key'
    if (Test-Path -LiteralPath $path) {
        try {
            return ConvertTo-Base64Url (Unprotect-MachineData ([System.IO.File]::ReadAllBytes($path)))
        } catch {
            Write-AgentLog "The machine key could not be decrypted ($($_.Exception.Message)); a new one is made and this machine enrols again" 'Warning'
        }
    }
    $bytes = New-Object byte[] 32
    $rng = New-Object System.Security.Cryptography.RNGCryptoServiceProvider
    try { $rng.GetBytes($bytes) } finally { $rng.Dispose() }
    Write-AtomicFile -Path $path -Bytes (Protect-MachineData $bytes)
    $enrolmentPath = Join-Path $Directory 'enrolment.json'
    if (Test-Path -LiteralPath $enrolmentPath) { Remove-Item -LiteralPath $enrolmentPath -Force }
    return ConvertTo-Base64Url $bytes
}

function ConvertTo-IsoTime($Value) {
    # PowerShell 7's ConvertFrom-Json turns ISO 8601 strings into DateTime; 5.1 leaves them strings.
    if ($Value -is [datetime]) { return $Value.ToUniversalTime().ToString('o') }
    return [string]$Value
}

function Read-Enrolment([string]$Directory, [string]$ServerUrl) {
    # The enrolment with this server, or $null: @{ AgentId; Hostname; DeviceKey; KeyIssuedAt; RevokedAt; LastEnrolAttemptAt;
    # ProvenThumbprint (the certificate the server accepted as this machine's proof, decision 042); LastProofAttemptAt }.
    $path = Join-Path $Directory 'enrolment.json'
    if (-not (Test-Path -LiteralPath $path)) { return $null }
    try {
        $saved = [System.Text.Encoding]::UTF8.GetString([System.IO.File]::ReadAllBytes($path)) | ConvertFrom-Json
        if ($saved.serverUrl -ne $ServerUrl) { return $null }
        $deviceKey = ''
        if ($saved.deviceKey) { $deviceKey = [System.Text.Encoding]::UTF8.GetString((Unprotect-MachineData ([Convert]::FromBase64String($saved.deviceKey)))) }
        return @{
            AgentId            = [string]$saved.agentId
            Hostname           = [string]$saved.hostname
            DeviceKey          = $deviceKey
            KeyIssuedAt        = ConvertTo-IsoTime $saved.keyIssuedAt
            RevokedAt          = ConvertTo-IsoTime $saved.revokedAt
            LastEnrolAttemptAt = ConvertTo-IsoTime $saved.lastEnrolAttemptAt
            ProvenThumbprint   = [string]$saved.provenThumbprint
            LastProofAttemptAt = ConvertTo-IsoTime $saved.lastProofAttemptAt
        }
    } catch {
        Write-AgentLog "The saved enrolment could not be read ($($_.Exception.Message)); this machine enrols again" 'Warning'
        return $null
    }
}

function Save-Enrolment([string]$Directory, [string]$ServerUrl, $Enrolment) {
    $protectedKey = ''
    if ($Enrolment.DeviceKey) { $protectedKey = [Convert]::ToBase64String((Protect-MachineData ([System.Text.Encoding]::UTF8.GetBytes($Enrolment.DeviceKey)))) }
    $saved = [ordered]@{
        serverUrl          = $ServerUrl
        agentId            = $Enrolment.AgentId
        hostname           = $Enrolment.Hostname
        deviceKey          = $protectedKey
        keyIssuedAt        = $Enrolment.KeyIssuedAt
        revokedAt          = $Enrolment.RevokedAt
        lastEnrolAttemptAt = $Enrolment.LastEnrolAttemptAt
        provenThumbprint   = [string]$Enrolment.ProvenThumbprint
        lastProofAttemptAt = $Enrolment.LastProofAttemptAt
    }
    Write-AtomicFile -Path (Join-Path $Directory 'enrolment.json') -Bytes (ConvertTo-BodyBytes $saved)
}
#endregion

#region Configuration
function Get-RegistryValue([string]$Path, [string]$Name) {
    $key = Get-Item -LiteralPath $Path -ErrorAction SilentlyContinue
    if ($null -eq $key) { return $null }
    return $key.GetValue($Name)
}

function Set-RegistryValue([string]$Path, [string]$Name, $Value, [switch]$Dword) {
    # One place for registry writes (HKLM\SOFTWARE\JoinScope and its Status key), which the Pester tests mock.
    if (-not (Test-Path -LiteralPath $Path)) { New-Item -Path $Path -Force | Out-Null }
    if ($Dword) { Set-ItemProperty -LiteralPath $Path -Name $Name -Value ([int]$Value) -Type DWord }
    else { Set-ItemProperty -LiteralPath $Path -Name $Name -Value ([string]$Value) }
}

function Resolve-EnrolmentSecret([string]$Given, [string]$Site, [string]$Stored, [string]$Legacy) {
    # The secret given to this run (-EnrolmentSecret, -EnrolmentSecretFile, JOINSCOPE_ENROLMENT_SECRET) beats the
    # script's site default, which beats the registry: Intune rotates a secret by shipping a new script, so a stale
    # registry copy must lose. A version 1 agent's fleet token (registry Token) enrols once on upgrade. Store: may
    # -Register write it to the registry? Only a secret this run was given, never one read back from there.
    if ($Given) { return @{ Secret = $Given; Source = 'parameter'; Store = $true } }
    if ($Site) { return @{ Secret = $Site; Source = 'site default'; Store = $true } }
    if ($Stored) { return @{ Secret = $Stored; Source = 'registry'; Store = $false } }
    if ($Legacy) { return @{ Secret = $Legacy; Source = 'registry (version 1 token)'; Store = $false } }
    return @{ Secret = ''; Source = 'none'; Store = $false }
}

function Select-ConfiguredValue([string]$Given, [string]$Site, [string]$Stored) {
    # Parameter, then the script's site default, then the registry (what -Register stored).
    if ($Given) { return $Given }
    if ($Site) { return $Site }
    if ($Stored) { return $Stored }
    return ''
}

function Resolve-AgentConfiguration($Bound) {
    # Everything the run needs, from parameters, site defaults and the registry. Error is set for exit code 2.
    $config = @{ Error = '' }
    if ($EventCount -lt 0 -or $EventCount -gt 250) { $config.Error = 'EventCount must be between 0 and 250'; return $config }
    if ($TimeBudgetMinutes -lt 1 -or $TimeBudgetMinutes -gt 25) { $config.Error = 'TimeBudgetMinutes must be between 1 and 25'; return $config }
    if ($MaxQueuedReports -lt 1 -or $MaxQueuedReports -gt 100) { $config.Error = 'MaxQueuedReports must be between 1 and 100'; return $config }
    if ($Bound.ContainsKey('EnrolmentSecret') -and $Bound.ContainsKey('EnrolmentSecretFile')) { $config.Error = 'Use -EnrolmentSecret or -EnrolmentSecretFile, not both'; return $config }

    $given = $EnrolmentSecret
    if ($EnrolmentSecretFile) {
        if (-not (Test-Path -LiteralPath $EnrolmentSecretFile)) { $config.Error = "EnrolmentSecretFile not found: $EnrolmentSecretFile"; return $config }
        $given = @(Get-Content -LiteralPath $EnrolmentSecretFile)[0]
    }
    if (-not $given) { $given = $env:JOINSCOPE_ENROLMENT_SECRET }
    if ($given) { $given = $given.Trim() }
    $chosen = Resolve-EnrolmentSecret $given $SiteEnrolmentSecret (Get-RegistryValue $ConfigKey 'EnrolmentSecret') (Get-RegistryValue $ConfigKey 'Token')
    $config.EnrolmentSecret = $chosen.Secret
    $config.SecretSource = $chosen.Source
    $config.StoreSecret = $chosen.Store
    if ($config.EnrolmentSecret) { $script:SecretsToMask = @($config.EnrolmentSecret) }
    if ($config.EnrolmentSecret -and $config.EnrolmentSecret -notmatch '^jsa_[A-Za-z0-9_\-]+$') { $config.Error = "The enrolment secret from the $($chosen.Source) is not a jsa_ secret"; return $config }

    $config.ServerUrl = (Select-ConfiguredValue $ServerUrl $SiteServerUrl (Get-RegistryValue $ConfigKey 'ServerUrl')).TrimEnd('/')
    if ($config.ServerUrl -notmatch '^https?://[^/\s]+') { $config.Error = 'ServerUrl is missing or not an http(s) URL'; return $config }
    if ($config.ServerUrl -match '^http://' -and $config.ServerUrl -notmatch '^http://(localhost|127\.0\.0\.1)([:/]|$)') { $config.Error = 'ServerUrl must use https'; return $config }
    $config.ProxyUrl = Select-ConfiguredValue $ProxyUrl $SiteProxyUrl (Get-RegistryValue $ConfigKey 'ProxyUrl')
    if ($config.ProxyUrl -and $config.ProxyUrl -ne 'direct' -and $config.ProxyUrl -notmatch '^https?://[^/\s]+') { $config.Error = 'ProxyUrl must be an http(s) URL or "direct"'; return $config }

    # Redaction: the switch given to this run (also -RedactUserNames:$false), else the site default, else the registry.
    if ($Bound.ContainsKey('RedactUserNames')) { $config.RedactUserNames = [bool]$RedactUserNames }
    elseif ($SiteRedactUserNames) { $config.RedactUserNames = $true }
    else { $config.RedactUserNames = ((Get-RegistryValue $ConfigKey 'RedactUserNames') -eq 1) }
    $config.RedactionSalt = Select-ConfiguredValue $RedactionSalt '' (Get-RegistryValue $ConfigKey 'RedactionSalt')
    $config.RedactionSaltGiven = [bool]$RedactionSalt

    if ($StateDirectory) { $config.StateDirectory = $StateDirectory } else { $config.StateDirectory = Join-Path $env:ProgramData 'JoinScope' }
    $config.Register = [bool]$Register -or ($SiteRegister -and $PSCommandPath -ne (Join-Path (Join-Path $env:ProgramFiles 'JoinScope') 'Invoke-JoinScopeAgent.ps1'))
    return $config
}
#endregion

#region Processes, time and the run's lock
function Get-SystemExecutable([string]$RelativePath) {
    # Every program this script starts is named by its full path under the Windows folder, never found through
    # PATH or the current folder. In a 64-bit process (the script relaunches itself as one) System32 is the real one.
    return (Join-Path $env:SystemRoot (Join-Path 'System32' $RelativePath))
}

function Test-IsSystem {
    return [System.Security.Principal.WindowsIdentity]::GetCurrent().User.Value -eq $SystemSid
}

function Test-IsAdministrator {
    $principal = New-Object System.Security.Principal.WindowsPrincipal([System.Security.Principal.WindowsIdentity]::GetCurrent())
    return $principal.IsInRole([System.Security.Principal.WindowsBuiltInRole]::Administrator)
}

function Get-RemainingSeconds {
    # What is left of -TimeBudgetMinutes (Intune stops a platform script after 30 minutes).
    if ($null -eq $script:Deadline) { return 600 }
    return [int][math]::Floor(($script:Deadline - (Get-Date)).TotalSeconds)
}

function ConvertTo-ForwardedArguments($Bound) {
    # The parameters of this run for the relaunched 64-bit copy. The secret is not among them: a command line
    # is visible to other processes; it travels in the environment instead.
    $arguments = @()
    foreach ($name in @($Bound.Keys)) {
        if ($name -eq 'EnrolmentSecret') { continue }
        $value = $Bound[$name]
        if ($value -is [System.Management.Automation.SwitchParameter]) {
            if ($value.IsPresent) { $arguments += "-$name" }
        } elseif ([string]$value) {
            $arguments += "-$name"
            $arguments += [string]$value
        }
    }
    return $arguments
}

function Invoke-NativeRelaunch($Bound) {
    # Intune runs platform scripts in a 32-bit host unless "Run script in 64 bit PowerShell Host" is set; there
    # System32 and HKLM\SOFTWARE are redirected. Run this script again in 64-bit Windows PowerShell (Sysnative is
    # how a 32-bit process names the real System32) and pass its exit code on.
    $powershell = Join-Path $env:SystemRoot 'Sysnative\WindowsPowerShell\v1.0\powershell.exe'
    # The child's output (its summary line) is this script's output; its exit code goes to $script:RelaunchExitCode.
    # The same execution policy as this run (AllSigned when Intune enforces the signature check).
    $policy = [string](Get-ExecutionPolicy)
    if ($policy -eq 'Restricted' -or $policy -eq 'Undefined') { $policy = 'AllSigned' }
    $arguments = @('-NoProfile', '-NonInteractive', '-ExecutionPolicy', $policy, '-File', $PSCommandPath) + @(ConvertTo-ForwardedArguments $Bound)
    if ($Bound.ContainsKey('EnrolmentSecret')) { $env:JOINSCOPE_ENROLMENT_SECRET = $EnrolmentSecret }
    try {
        & $powershell @arguments
        $script:RelaunchExitCode = $LASTEXITCODE
    } finally {
        if ($Bound.ContainsKey('EnrolmentSecret')) { Remove-Item -LiteralPath 'Env:\JOINSCOPE_ENROLMENT_SECRET' -ErrorAction SilentlyContinue }
    }
}

function Enter-AgentMutex {
    # A named mutex in the Global namespace, so two runs (the task, Intune, an admin) never overlap. $null when
    # another run holds it. A mutex of that name created by another account is refused: it would let that account
    # stop every run.
    $security = New-Object System.Security.AccessControl.MutexSecurity
    foreach ($sid in $SystemSid, $AdministratorsSid) {
        $identity = New-Object System.Security.Principal.SecurityIdentifier($sid)
        $security.AddAccessRule((New-Object System.Security.AccessControl.MutexAccessRule($identity, 'FullControl', 'Allow')))
    }
    $createdNew = $false
    if ($PSVersionTable.PSEdition -eq 'Core') {
        # .NET (PowerShell 7) has no constructor taking a MutexSecurity, and GetAccessControl is an extension method.
        $mutex = [System.Threading.Mutex]::new($false, $MutexName, [ref]$createdNew)
    } else {
        $mutex = [System.Threading.Mutex]::new($false, $MutexName, [ref]$createdNew, $security)
    }
    $owner = ''
    try {
        if ($PSVersionTable.PSEdition -eq 'Core') { $mutexSecurity = [System.Threading.ThreadingAclExtensions]::GetAccessControl($mutex) }
        else { $mutexSecurity = $mutex.GetAccessControl() }
        $owner = $mutexSecurity.GetOwner([System.Security.Principal.SecurityIdentifier]).Value
    } catch { Write-AgentLog "Could not read the owner of the mutex: $($_.Exception.Message)" 'Warning' }
    if (-not $createdNew -and $owner -and $owner -ne $SystemSid -and $owner -ne $AdministratorsSid) {
        $mutex.Dispose()
        throw "the mutex $MutexName was created by $owner, not by this agent"
    }
    $acquired = $false
    try {
        $acquired = $mutex.WaitOne(0)
    } catch {
        # A run that died holding it: the mutex is ours now.
        if ($_.Exception -is [System.Threading.AbandonedMutexException] -or $_.Exception.InnerException -is [System.Threading.AbandonedMutexException]) { $acquired = $true } else { throw }
    }
    if (-not $acquired) {
        $mutex.Dispose()
        return $null
    }
    return $mutex
}
#endregion

#region dsregcmd, as SYSTEM and as the signed-in user
function ConvertFrom-CaptureBytes([byte[]]$Bytes) {
    # cmd.exe `>` writes the OEM code page; be tolerant of UTF-16 (BOM or NULs) and UTF-8 too.
    if ($Bytes.Length -ge 2 -and $Bytes[0] -eq 0xFF -and $Bytes[1] -eq 0xFE) { return [System.Text.Encoding]::Unicode.GetString($Bytes, 2, $Bytes.Length - 2) }
    if ($Bytes.Length -ge 2 -and $Bytes[1] -eq 0) { return [System.Text.Encoding]::Unicode.GetString($Bytes) }
    if ($Bytes.Length -ge 3 -and $Bytes[0] -eq 0xEF -and $Bytes[1] -eq 0xBB -and $Bytes[2] -eq 0xBF) { return [System.Text.Encoding]::UTF8.GetString($Bytes, 3, $Bytes.Length - 3) }
    try {
        return (New-Object System.Text.UTF8Encoding($false, $true)).GetString($Bytes)
    } catch {
        try {
            $oem = [System.Text.Encoding]::GetEncoding([System.Globalization.CultureInfo]::CurrentCulture.TextInfo.OEMCodePage)
        } catch { $oem = [System.Text.Encoding]::Default }
        return $oem.GetString($Bytes)
    }
}

function Invoke-Dsregcmd {
    # In-process capture: PowerShell decodes the output itself, so no file encoding is involved.
    # No 2>&1: in Windows PowerShell 5.1 redirected stderr plus ErrorActionPreference Stop throws.
    $lines = & (Get-SystemExecutable 'dsregcmd.exe') /status
    return (@($lines | ForEach-Object { "$_" }) -join "`r`n") + "`r`n"
}

function Get-DeviceIdFromCapture([string]$Text) {
    # The registration's DeviceId as dsregcmd prints it, or '' (not joined or registered).
    if ($Text -match '(?m)^[ \t]*DeviceId[ \t]*:[ \t]*([0-9A-Fa-f]{8}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{12})') { return $Matches[1].ToLowerInvariant() }
    return ''
}

function Get-ThumbprintFromCapture([string]$Text) {
    # The device certificate's thumbprint dsregcmd prints under Device Details (not WorkplaceThumbprint), upper-case, or ''.
    if ($Text -match '(?m)^[ \t]*Thumbprint[ \t]*:[ \t]*([0-9A-Fa-f]{40})[ \t]*\r?$') { return $Matches[1].ToUpperInvariant() }
    return ''
}

function Select-CaptureUser([string]$ConsoleUser, $Candidates) {
    # Which signed-in user's session to capture, deterministically (docs/agent.md, "Multi-session hosts"):
    # the console user when they have a desktop (explorer.exe), else the desktop in the lowest session id, ties
    # broken by SID. Candidates: one per explorer.exe, @{ Name = 'DOMAIN\user'; Sid; SessionId }.
    $best = $null
    $bestRank = 2
    foreach ($candidate in @($Candidates)) {
        if ($null -eq $candidate) { continue }
        $rank = 1
        if ($ConsoleUser -and $candidate.Name -eq $ConsoleUser) { $rank = 0 }
        $better = $false
        if ($null -eq $best -or $rank -lt $bestRank) { $better = $true }
        elseif ($rank -eq $bestRank -and $candidate.SessionId -lt $best.SessionId) { $better = $true }
        elseif ($rank -eq $bestRank -and $candidate.SessionId -eq $best.SessionId -and [string]::CompareOrdinal($candidate.Sid, $best.Sid) -lt 0) { $better = $true }
        if ($better) {
            $best = $candidate
            $bestRank = $rank
        }
    }
    return $best
}

function Get-InteractiveUser {
    # The signed-in users' desktops (explorer.exe, with its session id and owner), then Select-CaptureUser. With no
    # desktop but a console user (a shell replacement), that user.
    $console = [string](Get-CimInstance -ClassName Win32_ComputerSystem).UserName
    $candidates = @()
    foreach ($process in @(Get-CimInstance -ClassName Win32_Process -Filter "Name = 'explorer.exe'")) {
        $owner = Invoke-CimMethod -InputObject $process -MethodName GetOwner
        $ownerSid = Invoke-CimMethod -InputObject $process -MethodName GetOwnerSid
        if ($owner.ReturnValue -ne 0 -or $ownerSid.ReturnValue -ne 0) { continue }
        $candidates += @{ Name = ('{0}\{1}' -f $owner.Domain, $owner.User); Sid = [string]$ownerSid.Sid; SessionId = [int]$process.SessionId }
    }
    $chosen = Select-CaptureUser $console $candidates
    if ($null -ne $chosen) { return $chosen }
    if ($console) {
        $sid = (New-Object System.Security.Principal.NTAccount($console)).Translate([System.Security.Principal.SecurityIdentifier]).Value
        return @{ Name = $console; Sid = $sid; SessionId = -1 }
    }
    return $null
}

function Test-CaptureFile($Info, [string]$UserSid, [int]$MaxBytes) {
    # '' when the file the user's capture task left can be read: a plain file (no link, no folder), created by that
    # user (or an administrator, when UAC is off), not empty and at most $MaxBytes. Otherwise the reason.
    if ($Info.IsDirectory) { return 'it is a folder' }
    if ($Info.IsReparsePoint) { return 'it is a reparse point (a link)' }
    if ($Info.Owner -ne $UserSid -and $Info.Owner -ne $AdministratorsSid) { return "it is owned by $($Info.Owner), not by the signed-in user" }
    if ($Info.Length -gt $MaxBytes) { return "it is $($Info.Length) bytes (at most $MaxBytes)" }
    if ($Info.Length -le 0) { return 'it is empty' }
    return ''
}

function Read-CaptureFile([string]$Path, [string]$UserSid) {
    # The user wrote this file: check what it is before opening it, open it so nobody can write it meanwhile,
    # and read no more than the cap whatever it has become. Its text is only parsed by the server, never run.
    $item = Get-Item -LiteralPath $Path -Force
    $info = @{
        IsDirectory    = [bool]$item.PSIsContainer
        IsReparsePoint = (($item.Attributes -band [System.IO.FileAttributes]::ReparsePoint) -ne 0)
        Owner          = ''
        Length         = 0
    }
    if (-not $info.IsDirectory -and -not $info.IsReparsePoint) {
        $info.Owner = (Get-Acl -LiteralPath $Path).GetOwner([System.Security.Principal.SecurityIdentifier]).Value
        $info.Length = [long]$item.Length
    }
    $reason = Test-CaptureFile $info $UserSid $MaxCaptureBytes
    if ($reason) { throw "the capture file was refused: $reason" }
    $stream = New-Object System.IO.FileStream($Path, [System.IO.FileMode]::Open, [System.IO.FileAccess]::Read, [System.IO.FileShare]::Read)
    try {
        $buffer = New-Object byte[] ($MaxCaptureBytes + 1)
        $total = 0
        while ($total -lt $buffer.Length) {
            $read = $stream.Read($buffer, $total, $buffer.Length - $total)
            if ($read -le 0) { break }
            $total += $read
        }
    } finally { $stream.Dispose() }
    if ($total -gt $MaxCaptureBytes) { throw "the capture file grew past $MaxCaptureBytes bytes" }
    $bytes = New-Object byte[] $total
    [System.Array]::Copy($buffer, $bytes, $total)
    return ConvertFrom-CaptureBytes $bytes
}

function Grant-CreateFileOnly([string]$Path, [string]$Sid) {
    # The user may create files in this folder, nothing else: not list or read it, not create folders (so no
    # junction), not delete. The file they create gets the folder's SYSTEM/Administrators ACL.
    $acl = Get-Acl -LiteralPath $Path
    $identity = New-Object System.Security.Principal.SecurityIdentifier($Sid)
    $rights = [System.Security.AccessControl.FileSystemRights]::CreateFiles -bor [System.Security.AccessControl.FileSystemRights]::Synchronize
    $acl.AddAccessRule((New-Object System.Security.AccessControl.FileSystemAccessRule($identity, $rights, 'None', 'None', 'Allow')))
    Set-Acl -LiteralPath $Path -AclObject $acl
}

function Remove-CaptureDirectory([string]$Path) {
    # Never recursive (a recursive delete follows what a user planted): each entry on its own, links as links.
    foreach ($child in @(Get-ChildItem -LiteralPath $Path -Force -ErrorAction SilentlyContinue)) {
        if ($child.PSIsContainer) { [System.IO.Directory]::Delete($child.FullName, $false) }
        else { Remove-Item -LiteralPath $child.FullName -Force }
    }
    [System.IO.Directory]::Delete($Path, $false)
}

function Remove-StaleCaptureDirectories([string]$Directory) {
    foreach ($stale in @(Get-ChildItem -LiteralPath $Directory -Directory -Filter 'capture-*' -Force -ErrorAction SilentlyContinue)) {
        try { Remove-CaptureDirectory $stale.FullName } catch { Write-AgentLog "Could not remove $($stale.FullName): $($_.Exception.Message)" 'Warning' }
    }
}

function Invoke-DsregcmdAsUser($User, [string]$Directory) {
    # A one-shot task in the user's interactive session with the limited (unelevated) token. Its output comes back
    # through a file in a per-run folder where that user may only create files (Read-CaptureFile checks it).
    $runId = [guid]::NewGuid().ToString('N')
    $inbox = Join-Path $Directory "capture-$runId"
    $outFile = Join-Path $inbox 'dsregcmd.txt'
    $taskName = "JoinScope user capture $runId"
    New-Item -ItemType Directory -Path $inbox | Out-Null
    try {
        Grant-CreateFileOnly $inbox $User.Sid
        $cmd = Get-SystemExecutable 'cmd.exe'
        $cmdArgs = '/d /c ""{0}" /status > "{1}" 2>&1"' -f (Get-SystemExecutable 'dsregcmd.exe'), $outFile
        # conhost --headless (Windows 10 1809+) keeps a console window from flashing on the user's desktop.
        $conhost = Get-SystemExecutable 'conhost.exe'
        if ([int](Get-RegistryValue 'HKLM:\SOFTWARE\Microsoft\Windows NT\CurrentVersion' 'CurrentBuild') -ge 17763 -and (Test-Path -LiteralPath $conhost)) {
            $action = New-ScheduledTaskAction -Execute $conhost -Argument ('--headless "{0}" {1}' -f $cmd, $cmdArgs)
        } else {
            $action = New-ScheduledTaskAction -Execute $cmd -Argument $cmdArgs
        }
        $principal = New-ScheduledTaskPrincipal -UserId $User.Sid -LogonType Interactive -RunLevel Limited
        $settings = New-ScheduledTaskSettingsSet -AllowStartIfOnBatteries -DontStopIfGoingOnBatteries -ExecutionTimeLimit (New-TimeSpan -Minutes 5) -Hidden
        Register-ScheduledTask -TaskName $taskName -TaskPath '\JoinScope\' -Action $action -Principal $principal -Settings $settings -Force | Out-Null
        Start-ScheduledTask -TaskName $taskName -TaskPath '\JoinScope\'

        # Done when the task is back to Ready and cmd.exe has created the file (Ready without the file means the
        # task has not started yet).
        $wait = [math]::Min($UserCaptureTimeoutSeconds, [math]::Max(5, (Get-RemainingSeconds) - 120))
        $deadline = (Get-Date).AddSeconds($wait)
        $done = $false
        while (-not $done -and (Get-Date) -lt $deadline) {
            Start-Sleep -Milliseconds 500
            $state = (Get-ScheduledTask -TaskName $taskName -TaskPath '\JoinScope\').State
            $done = ($state -eq 'Ready') -and (Test-Path -LiteralPath $outFile)
        }
        if (-not $done) { throw "the capture task did not finish within $wait s" }
        $text = Read-CaptureFile $outFile $User.Sid
        if ($text.Trim().Length -eq 0) { throw 'the capture task wrote an empty file' }
        return $text
    } finally {
        Unregister-ScheduledTask -TaskName $taskName -TaskPath '\JoinScope\' -Confirm:$false -ErrorAction SilentlyContinue
        try { Remove-CaptureDirectory $inbox } catch { Write-AgentLog "Could not remove ${inbox}: $($_.Exception.Message)" 'Warning' }
    }
}
#endregion

#region Other facts
function ConvertTo-AgentEvent($Record, [string]$LogName) {
    # One event as the server's AgentEventSchema wants it. A message the provider cannot render becomes a note.
    $levels = @{ 0 = 'Information'; 1 = 'Critical'; 2 = 'Error'; 3 = 'Warning'; 4 = 'Information'; 5 = 'Verbose' }
    # The numeric level is not localized; LevelDisplayName is ("Fehler") and can be empty.
    $level = $levels[[int]$Record.Level]
    if (-not $level) { $level = 'Information' }
    $task = $null
    try { $task = $Record.TaskDisplayName } catch { $task = $null }
    try { $message = [string]$Record.Message } catch { $message = '' }
    if (-not $message) { $message = '(no message text; provider metadata unavailable)' }
    if ($message.Length -gt 8000) { $message = $message.Substring(0, 8000) }
    $entry = [ordered]@{
        id      = [int]$Record.Id
        time    = $Record.TimeCreated.ToUniversalTime().ToString('o')
        level   = $level
        task    = $task
        log     = $LogName
        message = $message
    }
    return $entry
}

function Get-AgentEvents([int]$Count) {
    $result = New-Object System.Collections.ArrayList
    if ($Count -le 0) { return , $result }
    foreach ($logName in 'Microsoft-Windows-AAD/Operational', 'Microsoft-Windows-User Device Registration/Admin') {
        try {
            $records = @(Get-WinEvent -LogName $logName -MaxEvents $Count -ErrorAction Stop)
        } catch {
            Write-AgentLog "No events read from ${logName}: $($_.Exception.Message)"
            continue
        }
        $skipped = 0
        foreach ($record in $records) {
            # One event that cannot be read (no time, broken provider) costs that event, not the whole log.
            try { [void]$result.Add((ConvertTo-AgentEvent $record $logName)) } catch { $skipped++ }
        }
        if ($skipped -gt 0) { Write-AgentLog "$skipped events of $logName could not be read and were left out" 'Warning' }
    }
    return , $result
}

function Get-DirectoryFacts {
    # The Group Policy copy of the DN is updated at machine GP refresh and may be stale; ADSI is fresh
    # but needs a DC, so it runs in a runspace we abandon after 10 s.
    $facts = @{ Dn = (Get-RegistryValue 'HKLM:\SOFTWARE\Microsoft\Windows\CurrentVersion\Group Policy\State\Machine' 'Distinguished-Name'); Guid = $null }
    if (-not (Get-CimInstance -ClassName Win32_ComputerSystem).PartOfDomain) { return $facts }
    $ps = [powershell]::Create()
    [void]$ps.AddScript({
            param($Name)
            $searcher = [adsisearcher]"(&(objectCategory=computer)(sAMAccountName=$Name`$))"
            $searcher.ClientTimeout = [TimeSpan]::FromSeconds(8)
            [void]$searcher.PropertiesToLoad.Add('objectGUID')
            [void]$searcher.PropertiesToLoad.Add('distinguishedName')
            $found = $searcher.FindOne()
            if ($found) { @{ Dn = [string]$found.Properties['distinguishedname'][0]; Guid = [guid]::new([byte[]]$found.Properties['objectguid'][0]).ToString() } }
        }).AddArgument($env:COMPUTERNAME)
    $async = $ps.BeginInvoke()
    if ($async.AsyncWaitHandle.WaitOne(10000)) {
        try {
            $answer = @($ps.EndInvoke($async))
            if ($answer.Count -gt 0 -and $answer[0]) { $facts.Dn = $answer[0].Dn; $facts.Guid = $answer[0].Guid }
        } catch { Write-AgentLog "ADSI lookup failed: $($_.Exception.Message)" 'Warning' }
        $ps.Dispose()
    } else {
        Write-AgentLog 'No domain controller answered within 10 s; objectGuid not sent'
        [void]$ps.BeginStop($null, $null)
    }
    return $facts
}

function Get-OsBuild {
    $key = 'HKLM:\SOFTWARE\Microsoft\Windows NT\CurrentVersion'
    $build = '{0}.{1}' -f (Get-RegistryValue $key 'CurrentBuild'), (Get-RegistryValue $key 'UBR')
    $release = Get-RegistryValue $key 'DisplayVersion'
    if (-not $release) { $release = Get-RegistryValue $key 'ReleaseId' }
    if ($release) { $build = '{0} ({1})' -f $build, $release }
    return $build
}
#endregion

#region Redaction
function Get-RedactionSaltValue([string]$Directory, [string]$Configured) {
    if ($Configured) { return $Configured }
    $saltFile = Join-Path $Directory 'redaction.salt'
    if (Test-Path -LiteralPath $saltFile) { return ([System.IO.File]::ReadAllText($saltFile)).Trim() }
    $salt = [guid]::NewGuid().ToString('N')
    Write-AtomicFile -Path $saltFile -Bytes ([System.Text.Encoding]::UTF8.GetBytes($salt))
    return $salt
}

function Get-UserToken([string]$Name, [string]$Salt) {
    $hmac = [System.Security.Cryptography.HMACSHA256]::new([System.Text.Encoding]::UTF8.GetBytes($Salt))
    $hash = $hmac.ComputeHash([System.Text.Encoding]::UTF8.GetBytes($Name.ToLowerInvariant()))
    return 'user-' + (-join ($hash[0..2] | ForEach-Object { $_.ToString('x2') }))
}

function Protect-UserNames([string]$Text, [string[]]$Accounts, [string]$Salt) {
    # DOMAIN\name -> DOMAIN\user-xxxxxx for the accounts we know; every UPN-shaped name@domain ->
    # user-xxxxxx@domain (the domain stays: UPN suffixes matter for 0xC000005F-type faults).
    foreach ($account in $Accounts) {
        $slash = $account.IndexOf('\')
        if ($slash -lt 0) { continue }
        $name = $account.Substring($slash + 1)
        if ($name -eq 'SYSTEM' -or $name.EndsWith('$') -or $name -match '^user-[0-9a-f]{6}$') { continue }
        $pattern = '(?i)(?<=\\)' + [regex]::Escape($name) + '(?![\w.\-])'
        $Text = [regex]::Replace($Text, $pattern, (Get-UserToken $name $Salt))
    }
    $upn = "(?<![\w.%+'\-])([\w.%+'\-]+)@((?:[A-Za-z0-9\-]+\.)+[A-Za-z]{2,})"
    $names = @([regex]::Matches($Text, $upn) | ForEach-Object { $_.Groups[1].Value } | Sort-Object -Unique)
    foreach ($name in $names) {
        if ($name -match '^user-[0-9a-f]{6}$') { continue }
        $pattern = "(?i)(?<![\w.%+'\-])" + [regex]::Escape($name) + '(?=@(?:[A-Za-z0-9\-]+\.)+[A-Za-z]{2,})'
        $Text = [regex]::Replace($Text, $pattern, (Get-UserToken $name $Salt))
    }
    return $Text
}

function Get-AccountNames([string[]]$Texts) {
    $accounts = @()
    foreach ($text in $Texts) {
        if (-not $text) { continue }
        # [ \t]*, not \s*: with (?m), ^\s* crosses line breaks and walks every blank line from every line start.
        foreach ($m in [regex]::Matches($text, '(?m)^[ \t]*Executing Account Name[ \t]*:[ \t]*([^,\r\n]+)')) { $accounts += $m.Groups[1].Value.Trim() }
    }
    return $accounts
}
#endregion

#region HTTP
function ConvertTo-ProxyUri([string]$Server) {
    # netsh's proxy string: "host:port", or per scheme "http=host:port;https=host:port". The one for https.
    $chosen = $Server.Trim()
    if ($chosen -match '=') {
        $chosen = ''
        foreach ($part in $Server.Split(';')) {
            $pair = $part.Trim()
            if ($pair -like 'https=*') { $chosen = $pair.Substring(6) }
            elseif ($pair -like 'http=*' -and -not $chosen) { $chosen = $pair.Substring(5) }
        }
    }
    if (-not $chosen) { return '' }
    if ($chosen -notmatch '^[a-z]+://') { $chosen = 'http://' + $chosen }
    return $chosen
}

function Test-ProxyBypass([string]$HostName, [string]$Bypass) {
    # The WinHTTP bypass list: entries split by ; or spaces, * wildcards, <local> for names without a dot.
    foreach ($entry in ($Bypass -split '[;\s]+')) {
        if (-not $entry) { continue }
        if ($entry -eq '<local>') {
            if ($HostName -notmatch '\.') { return $true }
            continue
        }
        if ($HostName -like $entry) { return $true }
    }
    return $false
}

function ConvertFrom-WinHttpSettings([byte[]]$Bytes) {
    # What `netsh winhttp show proxy` shows, from the value netsh writes (read directly: netsh's output is
    # localized). Layout: version, counter, flags (2 = a proxy is set), proxy length, proxy, bypass length, bypass.
    if ($null -eq $Bytes -or $Bytes.Length -lt 16) { return $null }
    $flags = [System.BitConverter]::ToInt32($Bytes, 8)
    if (($flags -band 2) -eq 0) { return $null }
    $proxyLength = [System.BitConverter]::ToInt32($Bytes, 12)
    if ($proxyLength -le 0 -or 16 + $proxyLength -gt $Bytes.Length) { return $null }
    $server = [System.Text.Encoding]::ASCII.GetString($Bytes, 16, $proxyLength)
    $bypass = ''
    $offset = 16 + $proxyLength
    if ($offset + 4 -le $Bytes.Length) {
        $bypassLength = [System.BitConverter]::ToInt32($Bytes, $offset)
        if ($bypassLength -gt 0 -and $offset + 4 + $bypassLength -le $Bytes.Length) { $bypass = [System.Text.Encoding]::ASCII.GetString($Bytes, $offset + 4, $bypassLength) }
    }
    return @{ Server = $server; Bypass = $bypass }
}

function Resolve-AgentProxy([string]$Configured, [string]$ServerUrl) {
    # -ProxyUrl (or its site default / registry value) wins; "direct" means none; else the WinHTTP proxy unless
    # the bypass list names the server. The proxy is used with the computer account's credentials (SYSTEM).
    if ($Configured -eq 'direct') { return $null }
    if ($Configured) { return $Configured }
    $winHttp = ConvertFrom-WinHttpSettings (Get-RegistryValue 'HKLM:\SOFTWARE\Microsoft\Windows\CurrentVersion\Internet Settings\Connections' 'WinHttpSettings')
    if ($null -eq $winHttp) { return $null }
    $serverHost = ([System.Uri]$ServerUrl).Host
    if (Test-ProxyBypass $serverHost $winHttp.Bypass) { return $null }
    $uri = ConvertTo-ProxyUri $winHttp.Server
    if ($uri) { return $uri }
    return $null
}

function Get-JsonProperty($Object, [string]$Name) {
    # Strict mode refuses a missing property; an answer from a proxy or an older server may lack any of them.
    if ($null -eq $Object) { return $null }
    if ($Object -is [System.Collections.IDictionary]) { return $Object[$Name] }
    if ($Object.PSObject.Properties[$Name]) { return $Object.$Name }
    return $null
}

function ConvertTo-HttpFailure($ErrorRecord) {
    # 5.1 throws WebException (HttpWebResponse), 7 HttpResponseException (HttpResponseMessage); no response at all
    # is a network failure (Status 0). JoinScope's refusals say why in { "error": { "code" } }.
    $failure = @{ Status = 0; Json = $null; ErrorCode = ''; RetryAfter = 0; Message = [string]$ErrorRecord.Exception.Message }
    $response = $null
    if ($ErrorRecord.Exception.PSObject.Properties['Response']) { $response = $ErrorRecord.Exception.Response }
    if ($null -eq $response) { return $failure }
    $failure.Status = [int]$response.StatusCode
    try {
        $retryAfter = $null
        if ($response.Headers -is [System.Net.WebHeaderCollection]) { $retryAfter = $response.Headers['Retry-After'] }
        elseif ($response.Headers.RetryAfter -and $response.Headers.RetryAfter.Delta) { $retryAfter = $response.Headers.RetryAfter.Delta.TotalSeconds }
        if ($retryAfter) { $failure.RetryAfter = [int][double]$retryAfter }
    } catch { $failure.RetryAfter = 0 }
    try {
        if ($ErrorRecord.ErrorDetails -and $ErrorRecord.ErrorDetails.Message) {
            $failure.Json = $ErrorRecord.ErrorDetails.Message | ConvertFrom-Json
            $failure.ErrorCode = [string](Get-JsonProperty (Get-JsonProperty $failure.Json 'error') 'code')
        }
    } catch { $failure.ErrorCode = '' }
    return $failure
}

function Invoke-AgentHttp([string]$Uri, [byte[]]$Body, [string]$BearerToken, [int]$TimeoutSec = 60) {
    # The one place this script talks HTTP: a JSON POST with a Bearer credential, the proxy, and a timeout that
    # fits what is left of the run's budget. Throws nothing for HTTP or network failures:
    # @{ Status (0 = no answer); Json; ErrorCode; RetryAfter; Message }.
    $timeout = [int][math]::Max(5, [math]::Min($TimeoutSec, (Get-RemainingSeconds) - 10))
    $proxyArguments = @{}
    if ($script:Proxy) { $proxyArguments = @{ Proxy = $script:Proxy; ProxyUseDefaultCredentials = $true } }
    $headers = @{ Authorization = "Bearer $BearerToken" }
    try {
        $response = Invoke-WebRequest -Uri $Uri -Method Post -Body $Body -ContentType 'application/json; charset=utf-8' -Headers $headers -TimeoutSec $timeout -UseBasicParsing @proxyArguments
        $json = $null
        if ($response.Content) { $json = $response.Content | ConvertFrom-Json }
        return @{ Status = [int]$response.StatusCode; Json = $json; ErrorCode = ''; RetryAfter = 0; Message = '' }
    } catch {
        return (ConvertTo-HttpFailure $_)
    }
}

function Test-TransientStatus([int]$Status) {
    # Worth another attempt within this run: no answer, 408, 429 and 5xx. A proxy's 407 is not (its configuration
    # will not change in a minute) but, like these, it keeps the report queued.
    return ($Status -eq 0 -or $Status -eq 408 -or $Status -eq 429 -or $Status -ge 500)
}

function Get-RetryDelaySeconds([int]$Attempt, [int]$RetryAfter, [double]$Random) {
    # Exponential backoff with jitter ($Random in [0, 1)): half of each step is random, so machines that failed
    # together do not retry together. Retry-After is honoured, plus up to 30 s of jitter for the same reason.
    $step = [math]::Min(300, 5 * [math]::Pow(2, $Attempt - 1))
    $delay = $step / 2 + $Random * $step / 2
    if ($RetryAfter -gt 0) { $delay = [math]::Min(900, $RetryAfter + $Random * 30) }
    return [int][math]::Ceiling($delay)
}

function Invoke-AgentHttpWithRetry([string]$Uri, [byte[]]$Body, [string]$BearerToken, [int]$MaxAttempts = 4) {
    # Invoke-AgentHttp again after transient failures, as long as the wait fits in the run's budget.
    $result = $null
    for ($attempt = 1; $attempt -le $MaxAttempts; $attempt++) {
        $result = Invoke-AgentHttp $Uri $Body $BearerToken
        if (-not (Test-TransientStatus $result.Status)) { return $result }
        $delay = Get-RetryDelaySeconds $attempt $result.RetryAfter (Get-Random -Minimum 0.0 -Maximum 1.0)
        Write-AgentLog "Attempt $attempt of $MaxAttempts to $Uri failed (HTTP $($result.Status) $($result.ErrorCode)): $($result.Message)" 'Warning'
        if ($attempt -eq $MaxAttempts -or $delay -gt (Get-RemainingSeconds) - 60) { break }
        Start-Sleep -Seconds $delay
    }
    return $result
}

function ConvertTo-BodyBytes($Payload) {
    $json = $Payload | ConvertTo-Json -Depth 5 -Compress
    # UTF-8 bytes: Windows PowerShell 5.1 would send a string body as ISO-8859-1.
    return , [System.Text.Encoding]::UTF8.GetBytes($json)
}
#endregion

#region Enrolment and key rotation (docs/decisions/011-agent-enrolment.md)
function Get-DeviceProofStatement([string]$Hostname, [string]$DeviceId, [string]$MachineKeyHash, [string]$SignedAt) {
    # What the device proof signs (docs/decisions/042-device-proof.md): lines joined by LF, no trailing newline. The
    # server builds the same text (lib/agent-devices/device-proof.ts, deviceProofStatement).
    return (@('joinscope-device-proof-v1', $Hostname.ToLowerInvariant(), $DeviceId.ToLowerInvariant(), $MachineKeyHash.ToLowerInvariant(), $SignedAt) -join "`n")
}

function Test-ProofDue([string]$DeviceId, [string]$Thumbprint, [string]$ProvenThumbprint, [bool]$AttemptDue) {
    # An enrolled machine re-enrols with its machine key to prove its identity (decision 042) when it is joined and the
    # server has not accepted this certificate yet: after an upgrade from 2.0, once the directory has synced a new
    # registration, after the certificate was renewed. At most once a day ($AttemptDue), as a revoked device asks.
    if (-not $DeviceId -or -not $Thumbprint) { return $false }
    if ($Thumbprint -eq $ProvenThumbprint) { return $false }
    return $AttemptDue
}

function New-DeviceProof($Context) {
    # Signs the enrolment with the private key of this machine's Entra ID device certificate (LocalMachine\My, the
    # thumbprint dsregcmd prints; the key is usually in the TPM and is used, never exported). Returns the proof, or
    # $null when the machine is not joined or the key cannot sign: the enrolment then goes ahead unproven.
    if (-not $Context.DeviceId -or -not $Context.Thumbprint) { return $null }
    try {
        $certificate = Get-Item -LiteralPath "Cert:\LocalMachine\My\$($Context.Thumbprint)" -ErrorAction Stop
        $key = [System.Security.Cryptography.X509Certificates.RSACertificateExtensions]::GetRSAPrivateKey($certificate)
        if ($null -eq $key) { throw 'the certificate has no RSA private key this account can use' }
        $sha = [System.Security.Cryptography.SHA256]::Create()
        try { $hash = $sha.ComputeHash([System.Text.Encoding]::UTF8.GetBytes($Context.MachineKey)) } finally { $sha.Dispose() }
        $machineKeyHash = -join ($hash | ForEach-Object { $_.ToString('x2') })
        $signedAt = (Get-Date).ToUniversalTime().ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", [System.Globalization.CultureInfo]::InvariantCulture)
        $statement = Get-DeviceProofStatement $Context.Hostname $Context.DeviceId $machineKeyHash $signedAt
        $signature = $key.SignData([System.Text.Encoding]::UTF8.GetBytes($statement), [System.Security.Cryptography.HashAlgorithmName]::SHA256, [System.Security.Cryptography.RSASignaturePadding]::Pkcs1)
        $deviceProof = [ordered]@{ certificate = [Convert]::ToBase64String($certificate.RawData); signedAt = $signedAt; signature = [Convert]::ToBase64String($signature) }
        return $deviceProof
    } catch {
        Write-AgentLog "No device proof: the device certificate $($Context.Thumbprint) could not sign ($($_.Exception.Message)); enrolling without one" 'Warning'
        return $null
    }
}

function Invoke-Enrolment($Context) {
    # POST /api/v1/agents/enrol with the enrolment secret and the machine key. The same machine key gets the same
    # enrolment back with a fresh key. Returns 'Enrolled', 'Revoked', 'Refused' or 'Unreachable' and updates
    # $Context.Enrolment and $Context.Status.
    $now = (Get-Date).ToUniversalTime().ToString('o')
    $previous = $Context.Enrolment
    if (-not $Context.EnrolmentSecret) {
        $Context.Status.Outcome = 'EnrolmentFailed'
        $Context.Status.Message = 'No enrolment secret is configured (parameter, site default or registry)'
        Write-AgentLog $Context.Status.Message 'Error'
        return 'Refused'
    }
    $deviceId = $null
    if ($Context.DeviceId) { $deviceId = $Context.DeviceId }
    $request = [ordered]@{ hostname = $Context.Hostname; deviceId = $deviceId; agentVersion = $AgentVersion; machineKey = $Context.MachineKey }
    $proof = New-DeviceProof $Context
    if ($null -ne $proof) { $request['deviceProof'] = $proof }
    Write-AgentLog "Enrolling $($Context.Hostname) with the enrolment secret from the $($Context.SecretSource)"
    $result = Invoke-AgentHttpWithRetry "$($Context.ServerUrl)/api/v1/agents/enrol" (ConvertTo-BodyBytes $request) $Context.EnrolmentSecret
    $Context.Status.HttpStatus = $result.Status
    $Context.Status.ErrorCode = $result.ErrorCode
    $deviceKey = [string](Get-JsonProperty $result.Json 'deviceKey')
    if (($result.Status -eq 200 -or $result.Status -eq 201) -and $deviceKey -match '^jsd_[A-Za-z0-9_\-]{20,}$') {
        $proofAnswer = Get-JsonProperty $result.Json 'deviceProof'
        $provenThumbprint = ''
        if ($null -ne $proofAnswer -and (Get-JsonProperty $proofAnswer 'verified') -eq $true) { $provenThumbprint = [string](Get-JsonProperty $proofAnswer 'thumbprint') }
        $lastProofAttempt = ''
        if ($null -ne $proof) { $lastProofAttempt = $now } elseif ($null -ne $previous) { $lastProofAttempt = $previous.LastProofAttemptAt }
        $Context.Enrolment = @{
            AgentId            = [string](Get-JsonProperty $result.Json 'agentId')
            Hostname           = $Context.Hostname
            DeviceKey          = $deviceKey
            KeyIssuedAt        = $now
            RevokedAt          = ''
            LastEnrolAttemptAt = $now
            ProvenThumbprint   = $provenThumbprint
            LastProofAttemptAt = $lastProofAttempt
        }
        Save-Enrolment $Context.StateDirectory $Context.ServerUrl $Context.Enrolment
        Write-AgentLog "Enrolled as agent $($Context.Enrolment.AgentId) (HTTP $($result.Status))"
        if ($provenThumbprint) {
            Write-AgentLog "The server verified this machine's Entra ID device identity (certificate $provenThumbprint)"
        } elseif ($null -ne $proofAnswer -and $null -ne $proof) {
            Write-AgentLog "The device proof was not accepted: $(Get-JsonProperty $proofAnswer 'message')" 'Warning'
        }
        return 'Enrolled'
    }
    if ($result.Status -eq 403 -and $result.ErrorCode -eq 'device-revoked') {
        Set-DeviceRevoked $Context $now
        return 'Revoked'
    }
    if ($null -ne $previous) {
        $previous.LastEnrolAttemptAt = $now
        if ($null -ne $proof) { $previous.LastProofAttemptAt = $now }
        Save-Enrolment $Context.StateDirectory $Context.ServerUrl $previous
    }
    $Context.Status.Outcome = 'EnrolmentFailed'
    $Context.Status.Message = "Enrolment failed (HTTP $($result.Status) $($result.ErrorCode)): $($result.Message)"
    Write-AgentLog $Context.Status.Message 'Error'
    if (Test-TransientStatus $result.Status) { return 'Unreachable' }
    return 'Refused'
}

function Set-DeviceRevoked($Context, [string]$Now) {
    # An admin revoked this device: stop uploading and say so in the status value. The agent asks again once a day
    # (or when -Register runs), so "allow re-enrolment" on the Agents page takes effect without touching the machine.
    $enrolment = $Context.Enrolment
    if ($null -eq $enrolment) { $enrolment = @{ AgentId = ''; Hostname = $Context.Hostname; DeviceKey = ''; KeyIssuedAt = '' } }
    $enrolment.DeviceKey = ''
    $enrolment.RevokedAt = $Now
    $enrolment.LastEnrolAttemptAt = $Now
    $Context.Enrolment = $enrolment
    Save-Enrolment $Context.StateDirectory $Context.ServerUrl $enrolment
    $Context.Status.Outcome = 'DeviceRevoked'
    $Context.Status.Message = 'This device was revoked on the JoinScope Agents page; uploads stop until an admin allows it to enrol again'
    Write-AgentLog $Context.Status.Message 'Error'
}

function Test-EnrolAttemptDue([string]$LastAttempt, [datetime]$Now) {
    # A revoked device asks to enrol again at most once a day.
    if (-not $LastAttempt) { return $true }
    $last = [datetime]::Parse($LastAttempt, [System.Globalization.CultureInfo]::InvariantCulture, [System.Globalization.DateTimeStyles]::RoundtripKind)
    return (($Now - $last.ToUniversalTime()).TotalHours -ge 24)
}

function Invoke-KeyRotation($Context) {
    # The server said keyRotation: due. POST /api/v1/agents/key with the current key and the machine key; the old
    # key stays valid for 24 h on the server, so a lost answer costs nothing.
    $result = Invoke-AgentHttpWithRetry "$($Context.ServerUrl)/api/v1/agents/key" (ConvertTo-BodyBytes @{ machineKey = $Context.MachineKey }) $Context.Enrolment.DeviceKey
    $deviceKey = [string](Get-JsonProperty $result.Json 'deviceKey')
    if ($result.Status -eq 200 -and $deviceKey -match '^jsd_[A-Za-z0-9_\-]{20,}$') {
        $Context.Enrolment.DeviceKey = $deviceKey
        $Context.Enrolment.KeyIssuedAt = (Get-Date).ToUniversalTime().ToString('o')
        Save-Enrolment $Context.StateDirectory $Context.ServerUrl $Context.Enrolment
        Write-AgentLog 'The device key was rotated'
        return $true
    }
    Write-AgentLog "Key rotation failed (HTTP $($result.Status) $($result.ErrorCode)); the current key stays in use" 'Warning'
    return $false
}
#endregion

#region The queue
function Get-QueueOverflow([string[]]$Names, [int]$Max) {
    # The names to drop so that at most $Max stay: the oldest (a name starts with its capture time).
    $sorted = @($Names | Sort-Object)
    if ($sorted.Count -le $Max) { return @() }
    return @($sorted[0..($sorted.Count - $Max - 1)])
}

function Get-QueueDirectory([string]$Directory) {
    $queue = Join-Path $Directory 'queue'
    if (-not (Test-Path -LiteralPath $queue)) { New-Item -ItemType Directory -Path $queue | Out-Null }
    return $queue
}

function Get-QueuedReports([string]$Directory) {
    # Oldest first; only plain files.
    $files = @(Get-ChildItem -LiteralPath (Get-QueueDirectory $Directory) -Filter '*.json' -File -Force |
            Where-Object { ($_.Attributes -band [System.IO.FileAttributes]::ReparsePoint) -eq 0 } | Sort-Object Name)
    return $files
}

function Add-QueuedReport([string]$Directory, [byte[]]$Bytes, [int]$Max, [string]$Prefix) {
    # Written before anything is sent, so a crash or a lost answer never loses it.
    if (-not $Prefix) { $Prefix = (Get-Date).ToUniversalTime().ToString('yyyyMMddTHHmmssfffZ') }
    $queue = Get-QueueDirectory $Directory
    $path = Join-Path $queue ('{0}-{1}.json' -f $Prefix, [guid]::NewGuid().ToString('N'))
    Write-AtomicFile -Path $path -Bytes $Bytes
    $names = @(Get-QueuedReports $Directory | ForEach-Object { $_.Name })
    foreach ($name in @(Get-QueueOverflow $names $Max)) {
        Remove-Item -LiteralPath (Join-Path $queue $name) -Force
        Write-AgentLog "The queue holds at most $Max reports: dropped the oldest, $name" 'Warning'
    }
    return $path
}

function Move-LegacyPendingReport([string]$Directory, [int]$Max) {
    # Version 1 kept one unsent report in pending.json.
    $pending = Join-Path $Directory 'pending.json'
    if (-not (Test-Path -LiteralPath $pending)) { return }
    [void](Add-QueuedReport $Directory ([System.IO.File]::ReadAllBytes($pending)) $Max '00000000T000000000Z')
    Remove-Item -LiteralPath $pending -Force
}

function Get-UploadDisposition([int]$Status, [string]$ErrorCode, [string]$ReportHostname, [string]$ComputerName) {
    # What an upload's answer means for the queued report:
    #   Sent     stored (or already stored): remove it
    #   Revoked  an admin revoked this device: stop (Set-DeviceRevoked)
    #   Reenrol  the key is unknown, or the enrolment has an older hostname: enrol again with the machine key, retry
    #   Drop     the server refused this report for good: remove it and log why
    #   Keep     anything else (no answer, a proxy's 407, 408, 429, 5xx, an unexpected 4xx): keep it for the next run
    if ($Status -ge 200 -and $Status -lt 300) { return 'Sent' }
    if ($Status -eq 401 -and $ErrorCode -eq 'device-revoked') { return 'Revoked' }
    if ($Status -eq 401) { return 'Reenrol' }
    if ($Status -eq 403 -and ($ErrorCode -eq 'hostname-mismatch' -or $ErrorCode -eq 'device-id-mismatch' -or $ErrorCode -eq 'device-identity-held')) {
        # This machine was renamed or joined again since it enrolled (re-enrolling, with a device proof when it can
        # sign, updates the name and the registration id: decision 042), or the report is from before.
        if ($ReportHostname -eq $ComputerName) { return 'Reenrol' }
        return 'Drop'
    }
    if ($Status -eq 400 -or $Status -eq 413 -or $Status -eq 415) { return 'Drop' }
    return 'Keep'
}

function Send-QueuedReports($Context) {
    # Every queued report, oldest first, with the device key. Stops at the first one the server could not take
    # now (the rest stay queued). Re-enrols at most once per run.
    $uri = "$($Context.ServerUrl)/api/v1/reports"
    $reenrolled = $false
    $sent = 0
    foreach ($file in @(Get-QueuedReports $Context.StateDirectory)) {
        $bytes = [System.IO.File]::ReadAllBytes($file.FullName)
        $reportHostname = ''
        try { $reportHostname = [string](Get-JsonProperty ([System.Text.Encoding]::UTF8.GetString($bytes) | ConvertFrom-Json) 'hostname') } catch { $reportHostname = '' }
        $disposition = 'Keep'
        $result = $null
        for ($try = 1; $try -le 2; $try++) {
            $result = Invoke-AgentHttpWithRetry $uri $bytes $Context.Enrolment.DeviceKey
            $disposition = Get-UploadDisposition $result.Status $result.ErrorCode $reportHostname $Context.Hostname
            if ($disposition -ne 'Reenrol') { break }
            if ($reenrolled) { $disposition = 'Keep'; break }
            $reenrolled = $true
            Write-AgentLog "The server did not accept the device key (HTTP $($result.Status) $($result.ErrorCode)): enrolling again with the machine key"
            # A failed enrolment has set the status; this report and the rest stay queued.
            $enrolled = Invoke-Enrolment $Context
            if ($enrolled -ne 'Enrolled') { return $sent }
        }
        $Context.Status.HttpStatus = $result.Status
        $Context.Status.ErrorCode = $result.ErrorCode
        if ($disposition -eq 'Sent') {
            Remove-Item -LiteralPath $file.FullName -Force
            $sent++
            $findings = @(Get-JsonProperty $result.Json 'findings' | Where-Object { $_ }).Count
            Write-AgentLog "Report $($file.Name) stored as $(Get-JsonProperty $result.Json 'reportId') ($findings findings)"
            if ((Get-JsonProperty $result.Json 'keyRotation') -eq 'due') { $Context.RotationDue = $true }
            $Context.Status.Outcome = 'Uploaded'
            $Context.Status.Message = ''
        } elseif ($disposition -eq 'Drop') {
            Remove-Item -LiteralPath $file.FullName -Force
            $Context.Status.Outcome = 'Refused'
            $Context.Status.Message = "The server refused report $($file.Name) for good (HTTP $($result.Status) $($result.ErrorCode)); it was dropped"
            Write-AgentLog $Context.Status.Message 'Error'
        } elseif ($disposition -eq 'Revoked') {
            $now = (Get-Date).ToUniversalTime().ToString('o')
            Set-DeviceRevoked $Context $now
            return $sent
        } else {
            $Context.Status.Outcome = 'Queued'
            $Context.Status.Message = "The server could not take report $($file.Name) now (HTTP $($result.Status) $($result.ErrorCode)): it stays queued for the next run"
            Write-AgentLog $Context.Status.Message 'Warning'
            return $sent
        }
    }
    return $sent
}
#endregion

#region Status (HKLM\SOFTWARE\JoinScope\Status, read by intune\remediation-detect.ps1)
function Write-AgentStatus($Status) {
    try {
        $now = (Get-Date).ToUniversalTime().ToString('o')
        Set-RegistryValue $StatusKey LastRun $now
        if ($Status.Outcome -eq 'Uploaded') { Set-RegistryValue $StatusKey LastSuccess $now }
        Set-RegistryValue $StatusKey Outcome $Status.Outcome
        Set-RegistryValue $StatusKey HttpStatus $Status.HttpStatus -Dword
        Set-RegistryValue $StatusKey ErrorCode $Status.ErrorCode
        Set-RegistryValue $StatusKey UserCapture $Status.UserCapture
        Set-RegistryValue $StatusKey QueueLength $Status.QueueLength -Dword
        Set-RegistryValue $StatusKey AgentId $Status.AgentId
        Set-RegistryValue $StatusKey Message (Protect-LogText ([string]$Status.Message))
        Set-RegistryValue $StatusKey Version $AgentVersion
    } catch { Write-AgentLog "Could not write the status value: $($_.Exception.Message)" 'Warning' }
}
#endregion

#region Install
function Register-AgentTask([string]$Installed) {
    # \JoinScope\JoinScope Agent as SYSTEM: every 4 hours from a random point in the next 30 minutes (so a fleet
    # installed at once does not report at once) and 10-20 minutes after each logon (CloudAP needs a moment for the PRT).
    if ((Get-AuthenticodeSignature -FilePath $Installed).Status -eq 'Valid') { $policy = 'AllSigned' } else { $policy = 'Bypass' }
    $taskArgs = '-NoProfile -NonInteractive -ExecutionPolicy {0} -File "{1}"' -f $policy, $Installed
    $action = New-ScheduledTaskAction -Execute (Get-SystemExecutable 'WindowsPowerShell\v1.0\powershell.exe') -Argument $taskArgs
    $every4h = New-ScheduledTaskTrigger -Once -At (Get-Date).AddMinutes(5) -RepetitionInterval (New-TimeSpan -Hours 4) -RandomDelay (New-TimeSpan -Minutes 30)
    $atLogon = New-ScheduledTaskTrigger -AtLogOn
    $atLogon.Delay = 'PT{0}M' -f (Get-Random -Minimum 10 -Maximum 21)
    $principal = New-ScheduledTaskPrincipal -UserId $SystemSid -LogonType ServiceAccount -RunLevel Highest
    $limit = New-TimeSpan -Minutes ([math]::Max(15, 2 * $TimeBudgetMinutes))
    $settings = New-ScheduledTaskSettingsSet -StartWhenAvailable -AllowStartIfOnBatteries -DontStopIfGoingOnBatteries -MultipleInstances IgnoreNew -ExecutionTimeLimit $limit
    Register-ScheduledTask -TaskName 'JoinScope Agent' -TaskPath '\JoinScope\' -Action $action -Trigger @($every4h, $atLogon) -Principal $principal -Settings $settings -Force | Out-Null
    Write-AgentLog "Registered the scheduled task \JoinScope\JoinScope Agent running $Installed"
}

function Install-Agent($Config) {
    # -Register: the script under Program Files (SYSTEM and Administrators only), the configuration in the registry
    # (same), the scheduled task. Writes the enrolment secret only when this run was given one (never a stale copy).
    $installDir = Join-Path $env:ProgramFiles 'JoinScope'
    $installed = Join-Path $installDir 'Invoke-JoinScopeAgent.ps1'
    if (-not (Test-Path -LiteralPath $installDir)) { New-ProtectedDirectory $installDir } else { Set-AdminOnlyAcl $installDir }
    if ($PSCommandPath -ne $installed) { Write-AtomicFile -Path $installed -Bytes ([System.IO.File]::ReadAllBytes($PSCommandPath)) }
    Set-RegistryValue $ConfigKey ServerUrl $Config.ServerUrl
    Protect-RegistryKey $ConfigKey
    if ($Config.StoreSecret) {
        Set-RegistryValue $ConfigKey EnrolmentSecret $Config.EnrolmentSecret
        Remove-ItemProperty -LiteralPath $ConfigKey -Name Token -ErrorAction SilentlyContinue
    }
    if ($Config.ProxyUrl) { Set-RegistryValue $ConfigKey ProxyUrl $Config.ProxyUrl }
    Set-RegistryValue $ConfigKey RedactUserNames ([int]$Config.RedactUserNames) -Dword
    if ($Config.RedactionSaltGiven) { Set-RegistryValue $ConfigKey RedactionSalt $Config.RedactionSalt }
    Set-RegistryValue $ConfigKey InstalledVersion $AgentVersion
    Register-AgentTask $installed
}
#endregion

#region One run
function New-AgentReport($Config, $Context) {
    # Captures and builds the report's bytes. Sets $Context.DeviceId and $Context.Status.UserCapture.
    $capturedAt = (Get-Date).ToUniversalTime().ToString('o')
    $systemText = $null
    $userText = $null
    $user = $null
    if (Test-IsSystem) {
        $systemText = Invoke-Dsregcmd
        try { $user = Get-InteractiveUser } catch { Write-AgentLog "Could not find the signed-in user: $($_.Exception.Message)" 'Warning' }
        if ($null -eq $user) {
            $Context.Status.UserCapture = 'NoUser'
            Write-AgentLog 'No user is signed in: sending the SYSTEM capture only (the PRT state is unknown)'
        } else {
            try {
                $userText = Invoke-DsregcmdAsUser $user $Config.StateDirectory
                $Context.Status.UserCapture = 'Captured'
            } catch {
                $Context.Status.UserCapture = 'Failed'
                Write-AgentLog "User-context capture for $($user.Name) failed: $($_.Exception.Message)" 'Warning'
            }
        }
    } else {
        $userText = Invoke-Dsregcmd
        $Context.Status.UserCapture = 'NotSystem'
        Write-AgentLog 'Running as an administrator, not SYSTEM: the PRT state in this capture may not be the user''s' 'Warning'
    }
    if ($userText) { $dsregcmd = $userText; $dsregcmdSystem = $systemText } else { $dsregcmd = $systemText; $dsregcmdSystem = $null }
    $Context.DeviceId = Get-DeviceIdFromCapture $dsregcmd
    $Context.Thumbprint = Get-ThumbprintFromCapture $dsregcmd
    if (-not $Context.Thumbprint -and $dsregcmdSystem) { $Context.Thumbprint = Get-ThumbprintFromCapture $dsregcmdSystem }
    $events = Get-AgentEvents $EventCount
    $directory = Get-DirectoryFacts

    if ($Config.RedactUserNames) {
        $salt = Get-RedactionSaltValue $Config.StateDirectory $Config.RedactionSalt
        $accounts = @(Get-AccountNames @($dsregcmd, $dsregcmdSystem))
        if ($user) { $accounts += $user.Name }
        $dsregcmd = Protect-UserNames $dsregcmd $accounts $salt
        if ($dsregcmdSystem) { $dsregcmdSystem = Protect-UserNames $dsregcmdSystem $accounts $salt }
        foreach ($entry in $events) { $entry.message = Protect-UserNames $entry.message $accounts $salt }
    }

    $payload = [ordered]@{
        hostname     = $env:COMPUTERNAME
        capturedAt   = $capturedAt
        agentVersion = $AgentVersion
        dsregcmd     = $dsregcmd
    }
    if ($dsregcmdSystem) { $payload['dsregcmdSystem'] = $dsregcmdSystem }
    $payload['events'] = @($events | Sort-Object { $_.time } -Descending)
    if ($directory.Dn) { $payload['computerDn'] = $directory.Dn }
    if ($directory.Guid) { $payload['objectGuid'] = $directory.Guid }
    $payload['osBuild'] = Get-OsBuild

    $body = ConvertTo-BodyBytes $payload
    while ($body.Length -gt $MaxBodyBytes -and @($payload['events']).Count -gt 0) {
        # Keep the newest half of the events until the body fits.
        $kept = [math]::Floor(@($payload['events']).Count / 2)
        if ($kept -gt 0) { $payload['events'] = @($payload['events'])[0..($kept - 1)] } else { $payload['events'] = @() }
        $body = ConvertTo-BodyBytes $payload
    }
    return , $body
}

function Invoke-AgentRun($Config) {
    # One run under the mutex. Returns @{ ExitCode; Summary } and always writes the status value.
    $status = @{ Outcome = 'Failed'; HttpStatus = 0; ErrorCode = ''; UserCapture = 'NotAttempted'; QueueLength = 0; AgentId = ''; Message = '' }
    $context = @{
        StateDirectory  = $Config.StateDirectory
        ServerUrl       = $Config.ServerUrl
        EnrolmentSecret = $Config.EnrolmentSecret
        SecretSource    = $Config.SecretSource
        Hostname        = $env:COMPUTERNAME
        DeviceId        = ''
        Thumbprint      = ''
        MachineKey      = ''
        Enrolment       = $null
        RotationDue     = $false
        Status          = $status
    }
    try {
        if (-not (Test-IsSystem) -and -not (Test-IsAdministrator)) { throw 'run this agent as SYSTEM (scheduled task, Intune) or from an elevated prompt' }
        Initialize-StateDirectory $Config.StateDirectory
        Open-AgentLog $Config.StateDirectory
        Remove-StaleCaptureDirectories $Config.StateDirectory
        Move-LegacyPendingReport $Config.StateDirectory $MaxQueuedReports
        if ($Config.Register) { Install-Agent $Config }
        $script:Proxy = Resolve-AgentProxy $Config.ProxyUrl $Config.ServerUrl
        if ($script:Proxy) { Write-AgentLog "Using the proxy $($script:Proxy) with the computer account's credentials" }
        if ([System.Net.ServicePointManager]::SecurityProtocol -ne [System.Net.SecurityProtocolType]::SystemDefault) {
            [System.Net.ServicePointManager]::SecurityProtocol = [System.Net.ServicePointManager]::SecurityProtocol -bor [System.Net.SecurityProtocolType]::Tls12
        }

        $context.MachineKey = Get-MachineKey $Config.StateDirectory
        $script:SecretsToMask = @($script:SecretsToMask) + @($context.MachineKey)
        $context.Enrolment = Read-Enrolment $Config.StateDirectory $Config.ServerUrl
        $revoked = ($null -ne $context.Enrolment -and $context.Enrolment.RevokedAt)
        $nowUtc = (Get-Date).ToUniversalTime()
        if ($revoked -and -not $Config.Register -and -not (Test-EnrolAttemptDue $context.Enrolment.LastEnrolAttemptAt $nowUtc)) {
            $status.Outcome = 'DeviceRevoked'
            $status.Message = "This device was revoked at $($context.Enrolment.RevokedAt); it asks to enrol again once a day"
            Write-AgentLog $status.Message 'Warning'
            return @{ ExitCode = 1; Summary = 'JoinScope: this device was revoked on the Agents page' }
        }

        $report = New-AgentReport $Config $context
        [void](Add-QueuedReport $Config.StateDirectory $report $MaxQueuedReports)

        if ($null -eq $context.Enrolment -or $revoked -or -not $context.Enrolment.DeviceKey) {
            $enrolled = Invoke-Enrolment $context
            if ($enrolled -ne 'Enrolled') { return @{ ExitCode = 1; Summary = "JoinScope: $($status.Message)" } }
        } elseif (Test-ProofDue $context.DeviceId $context.Thumbprint $context.Enrolment.ProvenThumbprint (Test-EnrolAttemptDue $context.Enrolment.LastProofAttemptAt $nowUtc)) {
            # Same enrolment, a fresh key, and the device proof; if it fails the current key stays in use.
            Write-AgentLog 'Re-enrolling to prove this machine''s Entra ID device identity (decision 042)'
            if ((Invoke-Enrolment $context) -eq 'Revoked') { return @{ ExitCode = 1; Summary = "JoinScope: $($status.Message)" } }
        }
        $sent = Send-QueuedReports $context
        if ($context.RotationDue) { [void](Invoke-KeyRotation $context) }
        if ($status.Outcome -eq 'Uploaded') { return @{ ExitCode = 0; Summary = "JoinScope: $sent report(s) uploaded for $($context.Hostname)" } }
        return @{ ExitCode = 1; Summary = "JoinScope: $($status.Outcome), see $($Config.StateDirectory)\logs\agent.log" }
    } catch {
        $status.Outcome = 'Failed'
        $status.Message = "Agent failed: $($_.Exception.Message) at line $($_.InvocationInfo.ScriptLineNumber)"
        Write-AgentLog $status.Message 'Error'
        return @{ ExitCode = 1; Summary = 'JoinScope: agent failed, see the log' }
    } finally {
        if ($null -ne $context.Enrolment) { $status.AgentId = $context.Enrolment.AgentId }
        try { $status.QueueLength = @(Get-QueuedReports $Config.StateDirectory).Count } catch { $status.QueueLength = 0 }
        Write-AgentStatus $status
    }
}

function Invoke-AgentMain($Bound) {
    # Configuration, the time budget and the mutex around Invoke-AgentRun. Sets $script:RunResult.
    $config = Resolve-AgentConfiguration $Bound
    if ($config.Error) {
        Write-AgentLog $config.Error 'Error'
        Write-AgentStatus @{ Outcome = 'ConfigError'; HttpStatus = 0; ErrorCode = ''; UserCapture = 'NotAttempted'; QueueLength = 0; AgentId = ''; Message = $config.Error }
        $script:RunResult = @{ ExitCode = 2; Summary = "JoinScope: $($config.Error)" }
        return
    }
    $script:Deadline = (Get-Date).AddMinutes($TimeBudgetMinutes)
    $mutex = Enter-AgentMutex
    if ($null -eq $mutex) {
        Write-AgentLog 'Another run of the agent is in progress; this one stops'
        $script:RunResult = @{ ExitCode = 0; Summary = 'JoinScope: another run is in progress' }
        return
    }
    try {
        # The result is the last thing Invoke-AgentRun outputs (a stray output before it must not replace it).
        $script:RunResult = @(Invoke-AgentRun $config)[-1]
    } finally {
        $mutex.ReleaseMutex()
        $mutex.Dispose()
    }
}
#endregion

# Dot-sourcing (. .\Invoke-JoinScopeAgent.ps1, as the Pester tests do) defines the functions and runs nothing.
if ($MyInvocation.InvocationName -ne '.') {
    Set-StrictMode -Version Latest
    $ErrorActionPreference = 'Stop'
    if ([Environment]::Is64BitOperatingSystem -and -not [Environment]::Is64BitProcess) {
        Invoke-NativeRelaunch $PSBoundParameters
        exit $script:RelaunchExitCode
    }
    $script:RunResult = @{ ExitCode = 1; Summary = 'JoinScope: agent failed before it started' }
    try {
        $null = Invoke-AgentMain $PSBoundParameters
    } catch {
        Write-AgentLog "Agent failed: $($_.Exception.Message)" 'Error'
    }
    Write-Output $script:RunResult.Summary
    exit $script:RunResult.ExitCode
}
