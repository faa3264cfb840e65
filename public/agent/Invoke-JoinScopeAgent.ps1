<#
.SYNOPSIS
    Uploads this machine's Entra ID device-registration state (dsregcmd /status, AAD events) to JoinScope.

.DESCRIPTION
    Runs as SYSTEM (Intune, Group Policy scheduled task) and builds one report:
      - dsregcmd       : `dsregcmd /status` in the signed-in user's session, unelevated (the PRT is per
                         user). Captured through a one-shot scheduled task running as that user. When no
                         user is signed in, this is the SYSTEM capture and the server says so
                         (user-context-not-captured).
      - dsregcmdSystem : the same command as SYSTEM (DeviceAuthStatus, KeySignTest), only when the user
                         capture succeeded.
      - events         : the last -EventCount events of Microsoft-Windows-AAD/Operational and
                         Microsoft-Windows-User Device Registration/Admin.
      - computerDn, objectGuid, osBuild.
    Run in a user's own session (not SYSTEM), it captures dsregcmd directly and sends no SYSTEM capture.

    The report is POSTed to <ServerUrl>/api/v1/reports with a JoinScope agent token (jsa_...). Network
    errors, 429 and 5xx are retried with backoff; if the server stays unreachable the report is kept in
    <StateDirectory>\pending.json (one at most) and sent first on the next run. The token is never
    logged. Exit codes: 0 uploaded (or already stored), 1 failed, 2 bad parameters.
    Works in Windows PowerShell 5.1 and PowerShell 7. See docs/agent.md.

.PARAMETER ServerUrl
    The JoinScope base URL, e.g. https://joinscope.contoso.com. Default: registry value ServerUrl under
    HKLM:\SOFTWARE\JoinScope, then $SiteServerUrl below.

.PARAMETER Token
    The agent token (jsa_...). Prefer -TokenFile or the registry: a command line is visible to other
    processes. Default: registry value Token under HKLM:\SOFTWARE\JoinScope, then $SiteToken below.

.PARAMETER TokenFile
    A file whose first line is the agent token.

.PARAMETER EventCount
    How many recent events to read from each of the two logs (0-250). Default 50.

.PARAMETER RedactUserNames
    Replace user names and UPNs in the dsregcmd text and event messages with a stable salted hash such
    as user-3f9a1c (the domain part is kept).

.PARAMETER RedactionSalt
    Salt for -RedactUserNames. Use the same value on every machine to get the same token for a user
    everywhere. Default: a random salt kept in <StateDirectory>\redaction.salt.

.PARAMETER StateDirectory
    Where pending.json, the salt and logs\agent.log live. Default $env:ProgramData\JoinScope.

.PARAMETER Register
    Install or update: copies this script to $env:ProgramFiles\JoinScope, stores ServerUrl and Token in
    HKLM:\SOFTWARE\JoinScope (readable by SYSTEM and Administrators only) and registers the scheduled
    task \JoinScope\JoinScope Agent (SYSTEM, every 4 hours and at logon). Then runs once.

.PARAMETER UserCaptureTimeoutSeconds
    How long to wait for the user-context capture. Default 60.

.EXAMPLE
    .\Invoke-JoinScopeAgent.ps1 -ServerUrl https://joinscope.contoso.com -TokenFile C:\Temp\token.txt -Register

    Installs the agent on this machine and uploads the first report.

.EXAMPLE
    .\Invoke-JoinScopeAgent.ps1 -RedactUserNames

    Runs once with the ServerUrl and Token stored by -Register.
#>
[CmdletBinding()]
param(
    [string]$ServerUrl,
    [string]$Token,
    [string]$TokenFile,
    [int]$EventCount = 50,
    [switch]$RedactUserNames,
    [string]$RedactionSalt,
    [string]$StateDirectory = (Join-Path $env:ProgramData 'JoinScope'),
    [switch]$Register,
    [int]$UserCaptureTimeoutSeconds = 60
)

Set-StrictMode -Version Latest
$ErrorActionPreference = 'Stop'

# Site defaults for deployments that cannot pass parameters (Intune platform scripts and remediations).
# Fill them in, then sign your copy. Parameters and the registry take precedence.
$SiteServerUrl = ''
$SiteToken = ''
$SiteRegister = $false

$AgentVersion = '1.0.0'
$ConfigKey = 'HKLM:\SOFTWARE\JoinScope'
$EventSource = 'JoinScope Agent'
$MaxBodyBytes = 1000000   # the server refuses more than 1 MiB
$script:SecretsToMask = @()

#region Logging
function Protect-LogText([string]$Text) {
    # Self-check: whatever the caller passed, no agent token reaches a log.
    $masked = $Text -replace 'jsa_[A-Za-z0-9_\-]+', 'jsa_***'
    foreach ($secret in $script:SecretsToMask) {
        if ($secret) { $masked = $masked.Replace($secret, '***') }
    }
    return $masked
}

function Write-AgentLog([string]$Message, [ValidateSet('Information', 'Warning', 'Error')][string]$Level = 'Information') {
    $line = '{0} [{1}] {2}' -f (Get-Date).ToUniversalTime().ToString('o'), $Level, (Protect-LogText $Message)
    Write-Verbose $line
    try {
        $logDir = Join-Path $StateDirectory 'logs'
        if (-not (Test-Path -LiteralPath $logDir)) { New-Item -ItemType Directory -Path $logDir -Force | Out-Null }
        $logFile = Join-Path $logDir 'agent.log'
        if ((Test-Path -LiteralPath $logFile) -and (Get-Item -LiteralPath $logFile).Length -gt 1048576) {
            Move-Item -LiteralPath $logFile -Destination (Join-Path $logDir 'agent.1.log') -Force
        }
        Add-Content -LiteralPath $logFile -Value $line -Encoding UTF8
    } catch { Write-Verbose "File log unavailable: $($_.Exception.Message)" }
    try {
        if (-not [System.Diagnostics.EventLog]::SourceExists($EventSource)) {
            [System.Diagnostics.EventLog]::CreateEventSource($EventSource, 'Application')
        }
        $type = [System.Diagnostics.EventLogEntryType]::$Level
        [System.Diagnostics.EventLog]::WriteEntry($EventSource, (Protect-LogText $Message), $type, 1000)
    } catch { Write-Verbose "Event log unavailable: $($_.Exception.Message)" }
}
#endregion

#region Helpers
function Get-RegistryValue([string]$Path, [string]$Name) {
    $key = Get-Item -LiteralPath $Path -ErrorAction SilentlyContinue
    if ($null -eq $key) { return $null }
    return $key.GetValue($Name)
}

function Set-AdminOnlyAcl([string]$Path) {
    # SYSTEM and Administrators only, nothing inherited from ProgramData (where Users may create files).
    $acl = Get-Acl -LiteralPath $Path
    $acl.SetAccessRuleProtection($true, $false)
    foreach ($rule in @($acl.Access)) { [void]$acl.RemoveAccessRule($rule) }
    foreach ($sid in 'S-1-5-18', 'S-1-5-32-544') {
        $identity = New-Object System.Security.Principal.SecurityIdentifier($sid)
        $isContainer = (Get-Item -LiteralPath $Path).PSIsContainer
        if ($isContainer) { $inherit = 'ContainerInherit, ObjectInherit' } else { $inherit = 'None' }
        $rule = New-Object System.Security.AccessControl.FileSystemAccessRule($identity, 'FullControl', $inherit, 'None', 'Allow')
        $acl.AddAccessRule($rule)
    }
    Set-Acl -LiteralPath $Path -AclObject $acl
}

function Test-IsSystem {
    return [System.Security.Principal.WindowsIdentity]::GetCurrent().User.Value -eq 'S-1-5-18'
}

function Read-DsregcmdFile([string]$Path) {
    # cmd.exe `>` writes the OEM code page; be tolerant of UTF-16 (BOM or NULs) and UTF-8 too.
    $bytes = [System.IO.File]::ReadAllBytes($Path)
    if ($bytes.Length -ge 2 -and $bytes[0] -eq 0xFF -and $bytes[1] -eq 0xFE) { return [System.Text.Encoding]::Unicode.GetString($bytes, 2, $bytes.Length - 2) }
    if ($bytes.Length -ge 2 -and $bytes[1] -eq 0) { return [System.Text.Encoding]::Unicode.GetString($bytes) }
    if ($bytes.Length -ge 3 -and $bytes[0] -eq 0xEF -and $bytes[1] -eq 0xBB -and $bytes[2] -eq 0xBF) { return [System.Text.Encoding]::UTF8.GetString($bytes, 3, $bytes.Length - 3) }
    try {
        return (New-Object System.Text.UTF8Encoding($false, $true)).GetString($bytes)
    } catch {
        try {
            $oem = [System.Text.Encoding]::GetEncoding([System.Globalization.CultureInfo]::CurrentCulture.TextInfo.OEMCodePage)
        } catch { $oem = [System.Text.Encoding]::Default }
        return $oem.GetString($bytes)
    }
}

function Invoke-Dsregcmd {
    # In-process capture: PowerShell decodes the output itself, so no file encoding is involved.
    # No 2>&1: in Windows PowerShell 5.1 redirected stderr plus ErrorActionPreference Stop throws.
    $lines = & "$env:SystemRoot\System32\dsregcmd.exe" /status
    return (@($lines | ForEach-Object { "$_" }) -join "`r`n") + "`r`n"
}
#endregion

#region User-context capture
function Get-InteractiveUser {
    # The console user first; explorer.exe's owner covers Entra users and remote sessions.
    $name = (Get-CimInstance -ClassName Win32_ComputerSystem).UserName
    foreach ($process in @(Get-CimInstance -ClassName Win32_Process -Filter "Name = 'explorer.exe'")) {
        $owner = Invoke-CimMethod -InputObject $process -MethodName GetOwner
        $ownerSid = Invoke-CimMethod -InputObject $process -MethodName GetOwnerSid
        if ($owner.ReturnValue -ne 0 -or $ownerSid.ReturnValue -ne 0) { continue }
        $account = '{0}\{1}' -f $owner.Domain, $owner.User
        if (-not $name -or $account -eq $name) { return New-Object PSObject -Property @{ Name = $account; Sid = $ownerSid.Sid } }
    }
    if ($name) {
        $sid = (New-Object System.Security.Principal.NTAccount($name)).Translate([System.Security.Principal.SecurityIdentifier]).Value
        return New-Object PSObject -Property @{ Name = $name; Sid = $sid }
    }
    return $null
}

function Invoke-DsregcmdAsUser($User) {
    # A one-shot task in the user's interactive session with the limited (unelevated) token.
    $runId = [guid]::NewGuid().ToString('N')
    $runDir = Join-Path $StateDirectory "run-$runId"
    $outFile = Join-Path $runDir 'dsregcmd.txt'
    $taskName = "JoinScope user capture $runId"
    New-Item -ItemType Directory -Path $runDir -Force | Out-Null
    try {
        # The user may write here only. They reach it through the admin-only state directory because
        # Windows grants Everyone "Bypass traverse checking".
        Set-AdminOnlyAcl $runDir
        $acl = Get-Acl -LiteralPath $runDir
        $userSid = New-Object System.Security.Principal.SecurityIdentifier($User.Sid)
        $acl.AddAccessRule((New-Object System.Security.AccessControl.FileSystemAccessRule($userSid, 'Modify', 'ContainerInherit, ObjectInherit', 'None', 'Allow')))
        Set-Acl -LiteralPath $runDir -AclObject $acl

        $cmd = "$env:SystemRoot\System32\cmd.exe"
        $cmdArgs = '/d /c ""{0}\System32\dsregcmd.exe" /status > "{1}" 2>&1"' -f $env:SystemRoot, $outFile
        # conhost --headless (Windows 10 1809+) keeps a console window from flashing on the user's desktop.
        $conhost = "$env:SystemRoot\System32\conhost.exe"
        if ([int](Get-RegistryValue 'HKLM:\SOFTWARE\Microsoft\Windows NT\CurrentVersion' 'CurrentBuild') -ge 17763 -and (Test-Path -LiteralPath $conhost)) {
            $action = New-ScheduledTaskAction -Execute $conhost -Argument ('--headless "{0}" {1}' -f $cmd, $cmdArgs)
        } else {
            $action = New-ScheduledTaskAction -Execute $cmd -Argument $cmdArgs
        }
        $principal = New-ScheduledTaskPrincipal -UserId $User.Sid -LogonType Interactive -RunLevel Limited
        $settings = New-ScheduledTaskSettingsSet -AllowStartIfOnBatteries -DontStopIfGoingOnBatteries -ExecutionTimeLimit (New-TimeSpan -Minutes 5) -Hidden
        Register-ScheduledTask -TaskName $taskName -TaskPath '\JoinScope\' -Action $action -Principal $principal -Settings $settings -Force | Out-Null
        Start-ScheduledTask -TaskName $taskName -TaskPath '\JoinScope\'

        # Done when the task is back to Ready and cmd.exe has created the file (Ready without the file
        # means the task has not started yet).
        $deadline = (Get-Date).AddSeconds($UserCaptureTimeoutSeconds)
        $done = $false
        while (-not $done -and (Get-Date) -lt $deadline) {
            Start-Sleep -Milliseconds 500
            $state = (Get-ScheduledTask -TaskName $taskName -TaskPath '\JoinScope\').State
            $done = ($state -eq 'Ready') -and (Test-Path -LiteralPath $outFile)
        }
        if (-not $done) { throw "the capture task did not finish within $UserCaptureTimeoutSeconds s" }
        $text = Read-DsregcmdFile $outFile
        if ($text.Trim().Length -eq 0) { throw 'the capture task wrote an empty file' }
        return $text
    } finally {
        Unregister-ScheduledTask -TaskName $taskName -TaskPath '\JoinScope\' -Confirm:$false -ErrorAction SilentlyContinue
        Remove-Item -LiteralPath $runDir -Recurse -Force -ErrorAction SilentlyContinue
    }
}
#endregion

#region Other facts
function Get-AgentEvents([int]$Count) {
    $levels = @{ 0 = 'Information'; 1 = 'Critical'; 2 = 'Error'; 3 = 'Warning'; 4 = 'Information'; 5 = 'Verbose' }
    $result = New-Object System.Collections.ArrayList
    if ($Count -le 0) { return , $result }
    foreach ($logName in 'Microsoft-Windows-AAD/Operational', 'Microsoft-Windows-User Device Registration/Admin') {
        try {
            $records = @(Get-WinEvent -LogName $logName -MaxEvents $Count -ErrorAction Stop)
        } catch {
            Write-AgentLog "No events read from ${logName}: $($_.Exception.Message)"
            continue
        }
        foreach ($record in $records) {
            # The numeric level is not localized; LevelDisplayName is ("Fehler") and can be empty.
            $level = $levels[[int]$record.Level]
            if (-not $level) { $level = $record.LevelDisplayName }
            if (-not $level) { $level = 'Information' }
            $message = $record.Message
            if (-not $message) { $message = '(no message text; provider metadata unavailable)' }
            if ($message.Length -gt 8000) { $message = $message.Substring(0, 8000) }
            $entry = [ordered]@{
                id      = [int]$record.Id
                time    = $record.TimeCreated.ToUniversalTime().ToString('o')
                level   = $level
                task    = $record.TaskDisplayName
                log     = $logName
                message = $message
            }
            [void]$result.Add($entry)
        }
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
function Get-RedactionSaltValue {
    if ($RedactionSalt) { return $RedactionSalt }
    $saltFile = Join-Path $StateDirectory 'redaction.salt'
    if (Test-Path -LiteralPath $saltFile) { return ([System.IO.File]::ReadAllText($saltFile)).Trim() }
    $salt = [guid]::NewGuid().ToString('N')
    [System.IO.File]::WriteAllText($saltFile, $salt)
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

#region Upload
function Get-HttpFailure($ErrorRecord) {
    # 5.1 throws WebException (HttpWebResponse); 7 throws HttpResponseException (HttpResponseMessage).
    $failure = @{ Status = 0; RetryAfter = 0 }
    $response = $null
    if ($ErrorRecord.Exception.PSObject.Properties['Response']) { $response = $ErrorRecord.Exception.Response }
    if ($null -eq $response) { return $failure }
    $failure.Status = [int]$response.StatusCode
    try {
        if ($response.Headers -is [System.Net.WebHeaderCollection]) { $retryAfter = $response.Headers['Retry-After'] }
        else { $retryAfter = $response.Headers.RetryAfter.Delta.TotalSeconds }
        if ($retryAfter) { $failure.RetryAfter = [int][double]$retryAfter }
    } catch { $failure.RetryAfter = 0 }
    return $failure
}

function Send-Report([byte[]]$Body, [string]$Uri, [string]$AgentToken) {
    # Returns Sent, Rejected (400/401/413/415: retrying cannot help) or Unreachable.
    $headers = @{ Authorization = "Bearer $AgentToken" }
    $maxAttempts = 5
    for ($attempt = 1; $attempt -le $maxAttempts; $attempt++) {
        try {
            $answer = Invoke-RestMethod -Uri $Uri -Method Post -Body $Body -ContentType 'application/json; charset=utf-8' -Headers $headers -TimeoutSec 60
            $findings = @($answer.findings | Where-Object { $_ }).Count
            if ($answer.duplicate) { $what = 'already stored as' } else { $what = 'stored as' }
            Write-AgentLog "Report $what $($answer.reportId) (deviceId $($answer.deviceId), $findings findings)"
            return 'Sent'
        } catch {
            $failure = Get-HttpFailure $_
            $status = $failure.Status
            if ($status -ge 400 -and $status -lt 500 -and $status -ne 408 -and $status -ne 429) {
                Write-AgentLog "Server refused the report (HTTP $status): $($_.ErrorDetails)" 'Error'
                return 'Rejected'
            }
            $delay = [math]::Min(300, 5 * [math]::Pow(2, $attempt - 1))
            $delay = $delay + (Get-Random -Minimum 0 -Maximum ([int]$delay + 1))
            if (($status -eq 429 -or $status -eq 503) -and $failure.RetryAfter -gt 0) { $delay = [math]::Min(900, $failure.RetryAfter + (Get-Random -Minimum 0 -Maximum 5)) }
            Write-AgentLog "Upload attempt $attempt of $maxAttempts failed (HTTP $status): $($_.Exception.Message)" 'Warning'
            if ($attempt -lt $maxAttempts) { Start-Sleep -Seconds $delay }
        }
    }
    return 'Unreachable'
}

function ConvertTo-BodyBytes($Payload) {
    $json = $Payload | ConvertTo-Json -Depth 5 -Compress
    # UTF-8 bytes: Windows PowerShell 5.1 would send a string body as ISO-8859-1.
    return [System.Text.Encoding]::UTF8.GetBytes($json)
}
#endregion

#region Main
try {
    if ($EventCount -lt 0 -or $EventCount -gt 250) { Write-Error 'EventCount must be between 0 and 250' -ErrorAction Continue; exit 2 }
    if ($PSBoundParameters.ContainsKey('Token') -and $PSBoundParameters.ContainsKey('TokenFile')) { Write-Error 'Use -Token or -TokenFile, not both' -ErrorAction Continue; exit 2 }
    if (-not (Test-Path -LiteralPath $StateDirectory)) { New-Item -ItemType Directory -Path $StateDirectory -Force | Out-Null }
    if (Test-IsSystem) { Set-AdminOnlyAcl $StateDirectory }

    if (-not $ServerUrl) { $ServerUrl = Get-RegistryValue $ConfigKey 'ServerUrl' }
    if (-not $ServerUrl) { $ServerUrl = $SiteServerUrl }
    if ($TokenFile) {
        if (-not (Test-Path -LiteralPath $TokenFile)) { Write-Error "TokenFile not found: $TokenFile" -ErrorAction Continue; exit 2 }
        $Token = @(Get-Content -LiteralPath $TokenFile)[0]
    }
    if (-not $Token) { $Token = Get-RegistryValue $ConfigKey 'Token' }
    if (-not $Token) { $Token = $SiteToken }
    if ($Token) { $Token = $Token.Trim(); $script:SecretsToMask = @($Token) }
    if (-not $ServerUrl -or $ServerUrl -notmatch '^https?://[^/\s]+') { Write-Error 'ServerUrl is missing or not an http(s) URL' -ErrorAction Continue; exit 2 }
    if ($ServerUrl -match '^http://' -and $ServerUrl -notmatch '^http://(localhost|127\.0\.0\.1)([:/]|$)') { Write-Error 'ServerUrl must use https' -ErrorAction Continue; exit 2 }
    if (-not $Token -or $Token -notmatch '^jsa_[A-Za-z0-9_\-]+$') { Write-Error 'No valid agent token (jsa_...) given or stored' -ErrorAction Continue; exit 2 }
    $uri = $ServerUrl.TrimEnd('/') + '/api/v1/reports'

    $installDir = Join-Path $env:ProgramFiles 'JoinScope'
    $installed = Join-Path $installDir 'Invoke-JoinScopeAgent.ps1'
    if ($Register -or ($SiteRegister -and $PSCommandPath -ne $installed)) {
        New-Item -ItemType Directory -Path $installDir -Force | Out-Null
        if ($PSCommandPath -ne $installed) { Copy-Item -LiteralPath $PSCommandPath -Destination $installed -Force }
        if (-not (Test-Path -LiteralPath $ConfigKey)) { New-Item -Path $ConfigKey -Force | Out-Null }
        Set-ItemProperty -LiteralPath $ConfigKey -Name ServerUrl -Value $ServerUrl
        Set-ItemProperty -LiteralPath $ConfigKey -Name Token -Value $Token
        $keyAcl = Get-Acl -LiteralPath $ConfigKey
        $keyAcl.SetAccessRuleProtection($true, $false)
        foreach ($rule in @($keyAcl.Access)) { [void]$keyAcl.RemoveAccessRule($rule) }
        foreach ($sid in 'S-1-5-18', 'S-1-5-32-544') {
            $identity = New-Object System.Security.Principal.SecurityIdentifier($sid)
            $keyAcl.AddAccessRule((New-Object System.Security.AccessControl.RegistryAccessRule($identity, 'FullControl', 'ContainerInherit', 'None', 'Allow')))
        }
        Set-Acl -LiteralPath $ConfigKey -AclObject $keyAcl

        if ((Get-AuthenticodeSignature -FilePath $installed).Status -eq 'Valid') { $policy = 'AllSigned' } else { $policy = 'Bypass' }
        $taskArgs = '-NoProfile -NonInteractive -ExecutionPolicy {0} -File "{1}" -EventCount {2}' -f $policy, $installed, $EventCount
        if ($RedactUserNames) { $taskArgs += ' -RedactUserNames' }
        $action = New-ScheduledTaskAction -Execute "$env:SystemRoot\System32\WindowsPowerShell\v1.0\powershell.exe" -Argument $taskArgs
        $every4h = New-ScheduledTaskTrigger -Once -At (Get-Date).AddMinutes(5) -RepetitionInterval (New-TimeSpan -Hours 4)
        $atLogon = New-ScheduledTaskTrigger -AtLogOn
        $atLogon.Delay = 'PT10M'   # give CloudAP time to get the PRT
        $principal = New-ScheduledTaskPrincipal -UserId 'S-1-5-18' -LogonType ServiceAccount -RunLevel Highest
        $settings = New-ScheduledTaskSettingsSet -StartWhenAvailable -AllowStartIfOnBatteries -DontStopIfGoingOnBatteries -MultipleInstances IgnoreNew -ExecutionTimeLimit (New-TimeSpan -Minutes 30)
        Register-ScheduledTask -TaskName 'JoinScope Agent' -TaskPath '\JoinScope\' -Action $action -Trigger @($every4h, $atLogon) -Principal $principal -Settings $settings -Force | Out-Null
        Write-AgentLog "Registered the scheduled task \JoinScope\JoinScope Agent running $installed"
    }

    if ([System.Net.ServicePointManager]::SecurityProtocol -ne [System.Net.SecurityProtocolType]::SystemDefault) {
        [System.Net.ServicePointManager]::SecurityProtocol = [System.Net.ServicePointManager]::SecurityProtocol -bor [System.Net.SecurityProtocolType]::Tls12
    }

    $pendingPath = Join-Path $StateDirectory 'pending.json'
    if (Test-Path -LiteralPath $pendingPath) {
        Write-AgentLog 'Sending the report left pending by an earlier run'
        $outcome = Send-Report ([System.IO.File]::ReadAllBytes($pendingPath)) $uri $Token
        if ($outcome -ne 'Unreachable') { Remove-Item -LiteralPath $pendingPath -Force }
    }

    # Capture
    $capturedAt = (Get-Date).ToUniversalTime().ToString('o')
    $systemText = $null
    $userText = $null
    $user = $null
    if (Test-IsSystem) {
        $systemText = Invoke-Dsregcmd
        try { $user = Get-InteractiveUser } catch { Write-AgentLog "Could not find the signed-in user: $($_.Exception.Message)" 'Warning' }
        if ($null -eq $user) {
            Write-AgentLog 'No user is signed in: sending the SYSTEM capture only (the PRT state is unknown)'
        } else {
            try {
                $userText = Invoke-DsregcmdAsUser $user
            } catch {
                Write-AgentLog "User-context capture for $($user.Name) failed: $($_.Exception.Message)" 'Warning'
            }
        }
    } else {
        $userText = Invoke-Dsregcmd
        $isAdmin = ([System.Security.Principal.WindowsPrincipal][System.Security.Principal.WindowsIdentity]::GetCurrent()).IsInRole([System.Security.Principal.WindowsBuiltInRole]::Administrator)
        if ($isAdmin) { Write-AgentLog 'Running elevated: the PRT state in this capture may not be the user''s' 'Warning' }
    }
    if ($userText) { $dsregcmd = $userText; $dsregcmdSystem = $systemText } else { $dsregcmd = $systemText; $dsregcmdSystem = $null }
    $events = Get-AgentEvents $EventCount
    $directory = Get-DirectoryFacts

    if ($RedactUserNames) {
        $salt = Get-RedactionSaltValue
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

    $outcome = Send-Report $body $uri $Token
    if ($outcome -eq 'Sent') { Write-Output "JoinScope: report uploaded for $env:COMPUTERNAME"; exit 0 }
    if ($outcome -eq 'Unreachable') {
        [System.IO.File]::WriteAllBytes($pendingPath, $body)
        Set-AdminOnlyAcl $pendingPath
        Write-AgentLog "Server unreachable; the report is kept in $pendingPath for the next run" 'Error'
    }
    Write-Output "JoinScope: upload failed ($outcome), see $StateDirectory\logs\agent.log"
    exit 1
} catch {
    Write-AgentLog "Agent failed: $($_.Exception.Message) at line $($_.InvocationInfo.ScriptLineNumber)" 'Error'
    Write-Output 'JoinScope: agent failed, see the log'
    exit 1
}
#endregion
