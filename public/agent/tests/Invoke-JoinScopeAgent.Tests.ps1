<#
    Pester 5 tests of Invoke-JoinScopeAgent.ps1's functions, dot-sourced (the script's main guard runs nothing then).
    Windows PowerShell 5.1 or PowerShell 7, on Windows or not: external commands, the registry and Windows-only .NET
    are mocked; the few tests that need real Windows ACLs or DPAPI are skipped elsewhere.

        Install-Module Pester -MinimumVersion 5.5 -Scope CurrentUser
        Invoke-Pester -Path .\public\agent\tests -Output Detailed

    tests/agent/agent-mutations.ts names tests of this file: the bugs only they catch.
#>

BeforeDiscovery {
    # -Skip is decided during discovery, before BeforeAll runs.
    $script:OnWindows = [System.Environment]::OSVersion.Platform -eq 'Win32NT'
}

BeforeAll {
    . (Join-Path (Split-Path -Parent $PSScriptRoot) 'Invoke-JoinScopeAgent.ps1')
    # Outside Windows these are not set; the agent builds paths from them.
    if (-not $env:ProgramFiles) { $env:ProgramFiles = (Join-Path $TestDrive 'ProgramFiles') }
    if (-not $env:SystemRoot) { $env:SystemRoot = (Join-Path $TestDrive 'Windows') }
    # Windows-only cmdlets the tests mock must exist to be mocked on other systems.
    if (-not (Get-Command Get-WinEvent -ErrorAction SilentlyContinue)) { function Get-WinEvent { param([string]$LogName, [int]$MaxEvents) } }
    # As the agent runs itself.
    Set-StrictMode -Version Latest
    $ErrorActionPreference = 'Stop'

    function New-TestConfig([string]$StateDirectory) {
        return @{
            StateDirectory = $StateDirectory; ServerUrl = 'https://joinscope.contoso.com'; EnrolmentSecret = 'jsa_test'
            SecretSource = 'registry'; StoreSecret = $false; ProxyUrl = ''; Register = $false
            RedactUserNames = $false; RedactionSalt = ''; RedactionSaltGiven = $false
        }
    }
    function New-TestEnrolment([string]$RevokedAt = '', [string]$LastEnrolAttemptAt = '') {
        return @{ AgentId = 'agent-1'; Hostname = 'PC-0387'; DeviceKey = 'jsd_testkey'; KeyIssuedAt = ''; RevokedAt = $RevokedAt; LastEnrolAttemptAt = $LastEnrolAttemptAt }
    }
}

Describe 'the main guard' {
    It 'dot-sourcing defines the functions and runs nothing' {
        Get-Command Invoke-AgentMain -CommandType Function | Should -Not -BeNullOrEmpty
        # The guard sets $script:RunResult before anything else; strict mode makes reading it unset an error.
        Get-Variable -Name RunResult -Scope Script -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
    }
}

Describe 'Get-UploadDisposition' {
    It 'answers <Status> <Code> with <Expected>' -TestCases @(
        @{ Status = 201; Code = ''; Report = 'PC-1'; Computer = 'PC-1'; Expected = 'Sent' }
        @{ Status = 0; Code = ''; Report = 'PC-1'; Computer = 'PC-1'; Expected = 'Keep' }
        @{ Status = 407; Code = ''; Report = 'PC-1'; Computer = 'PC-1'; Expected = 'Keep' }
        @{ Status = 429; Code = 'rate-limited'; Report = 'PC-1'; Computer = 'PC-1'; Expected = 'Keep' }
        @{ Status = 503; Code = ''; Report = 'PC-1'; Computer = 'PC-1'; Expected = 'Keep' }
        @{ Status = 403; Code = ''; Report = 'PC-1'; Computer = 'PC-1'; Expected = 'Keep' }
        @{ Status = 400; Code = 'invalid-body'; Report = 'PC-1'; Computer = 'PC-1'; Expected = 'Drop' }
        @{ Status = 413; Code = ''; Report = 'PC-1'; Computer = 'PC-1'; Expected = 'Drop' }
        @{ Status = 401; Code = 'invalid-key'; Report = 'PC-1'; Computer = 'PC-1'; Expected = 'Reenrol' }
        @{ Status = 401; Code = 'device-revoked'; Report = 'PC-1'; Computer = 'PC-1'; Expected = 'Revoked' }
        @{ Status = 403; Code = 'hostname-mismatch'; Report = 'PC-1'; Computer = 'pc-1'; Expected = 'Reenrol' }
        @{ Status = 403; Code = 'hostname-mismatch'; Report = 'PC-OLD'; Computer = 'PC-1'; Expected = 'Drop' }
    ) {
        Get-UploadDisposition $Status $Code $Report $Computer | Should -Be $Expected
    }
}

Describe 'Get-RetryDelaySeconds' {
    It 'spreads retries with jitter and backs off' {
        foreach ($attempt in 1..4) {
            $low = Get-RetryDelaySeconds $attempt 0 0
            $high = Get-RetryDelaySeconds $attempt 0 0.999
            ($high - $low) | Should -BeGreaterOrEqual ([math]::Floor($low * 0.9))
            Get-RetryDelaySeconds ($attempt + 1) 0 0 | Should -BeGreaterThan $low
        }
    }
    It 'honours Retry-After' {
        Get-RetryDelaySeconds 1 120 0 | Should -Be 120
        Get-RetryDelaySeconds 1 120 0.999 | Should -BeLessOrEqual 150
    }
}

Describe 'Resolve-EnrolmentSecret' {
    It 'prefers the site default over a stale registry copy' {
        $chosen = Resolve-EnrolmentSecret '' 'jsa_new' 'jsa_old' ''
        $chosen.Secret | Should -Be 'jsa_new'
        $chosen.Store | Should -BeTrue
    }
    It 'never marks a secret read from the registry for storing' {
        (Resolve-EnrolmentSecret '' '' 'jsa_old' '').Store | Should -BeFalse
        (Resolve-EnrolmentSecret '' '' '' 'jsa_v1').Secret | Should -Be 'jsa_v1'
    }
}

Describe 'the device proof' {
    It "reads the device certificate's thumbprint, not WorkplaceThumbprint" {
        Get-ThumbprintFromCapture "                Thumbprint : 64d0c54e0f58825cbd3e04a85ae6a4a1ccd069c8`r`n" | Should -Be '64D0C54E0F58825CBD3E04A85AE6A4A1CCD069C8'
        Get-ThumbprintFromCapture "       WorkplaceThumbprint : 65A221B61CEE4765A1F4370AF2BAD581F25A96E9`r`n" | Should -Be ''
    }
    It 'signs lower-case names joined by LF, the time as given' {
        Get-DeviceProofStatement 'PC-0142' 'ABC' 'FF' '2026-12-07T03:30:00.123Z' | Should -BeExactly "joinscope-device-proof-v1`npc-0142`nabc`nff`n2026-12-07T03:30:00.123Z"
    }
    It 'sends no proof for a machine that is not joined' {
        New-DeviceProof @{ DeviceId = ''; Thumbprint = ''; Hostname = 'PC-1'; MachineKey = 'k' } | Should -BeNullOrEmpty
    }
}

Describe 'Test-TrustedSecurity and Test-CaptureFile' {
    BeforeAll {
        function New-Folder([hashtable]$Changes) {
            $folder = @{ IsDirectory = $true; IsReparsePoint = $false; Owner = 'S-1-5-32-544'; Protected = $true; Rules = @(@{ Sid = 'S-1-5-18'; Rights = 2032127; Allow = $true }) }
            foreach ($key in $Changes.Keys) { $folder[$key] = $Changes[$key] }
            return $folder
        }
    }
    It 'trusts only a protected folder of SYSTEM and Administrators' {
        Test-TrustedSecurity (New-Folder @{}) | Should -Be ''
        Test-TrustedSecurity (New-Folder @{ Owner = 'S-1-5-21-1-2-3-1104' }) | Should -Match 'owned by'
        Test-TrustedSecurity (New-Folder @{ IsReparsePoint = $true }) | Should -Match 'reparse'
        Test-TrustedSecurity (New-Folder @{ Protected = $false }) | Should -Match 'inherits'
        Test-TrustedSecurity (New-Folder @{ Rules = @(@{ Sid = 'S-1-5-32-545'; Rights = 1179817; Allow = $true }) }) | Should -Match 'S-1-5-32-545'
    }
    It 'reads a capture file only if it is a plain file of the user, not empty and under the cap' {
        $user = 'S-1-5-21-1-2-3-1104'
        Test-CaptureFile @{ IsDirectory = $false; IsReparsePoint = $false; Owner = $user; Length = 7000 } $user 262144 | Should -Be ''
        Test-CaptureFile @{ IsDirectory = $false; IsReparsePoint = $true; Owner = $user; Length = 7000 } $user 262144 | Should -Match 'reparse'
        Test-CaptureFile @{ IsDirectory = $false; IsReparsePoint = $false; Owner = 'S-1-5-21-9'; Length = 7000 } $user 262144 | Should -Match 'owned by'
        Test-CaptureFile @{ IsDirectory = $false; IsReparsePoint = $false; Owner = $user; Length = 300000 } $user 262144 | Should -Match 'bytes'
    }
}

Describe 'Select-CaptureUser' {
    It 'takes the console user, else the lowest session, ties by SID' {
        $adele = @{ Name = 'CONTOSO\adele'; Sid = 'S-1-5-21-9-1107'; SessionId = 4 }
        $megan = @{ Name = 'CONTOSO\megan'; Sid = 'S-1-5-21-9-1104'; SessionId = 2 }
        $lee = @{ Name = 'CONTOSO\lee'; Sid = 'S-1-5-21-9-1109'; SessionId = 2 }
        (Select-CaptureUser 'contoso\ADELE' @($megan, $adele)).Name | Should -Be 'CONTOSO\adele'
        (Select-CaptureUser '' @($adele, $lee, $megan)).Name | Should -Be 'CONTOSO\megan'
        Select-CaptureUser '' @() | Should -BeNullOrEmpty
    }
}

Describe 'the proxy' {
    It 'reads netsh winhttp settings and honours the bypass list' {
        $server = [System.Text.Encoding]::ASCII.GetBytes('proxy.contoso.com:8080')
        $bypass = [System.Text.Encoding]::ASCII.GetBytes('<local>;*.contoso.com')
        $blob = [byte[]](@(0x28, 0, 0, 0, 0, 0, 0, 0, 3, 0, 0, 0) + [System.BitConverter]::GetBytes($server.Length) + $server + [System.BitConverter]::GetBytes($bypass.Length) + $bypass)
        $settings = ConvertFrom-WinHttpSettings $blob
        $settings.Server | Should -Be 'proxy.contoso.com:8080'
        Test-ProxyBypass 'joinscope.contoso.com' $settings.Bypass | Should -BeTrue
        Test-ProxyBypass 'joinscope.fabrikam.com' $settings.Bypass | Should -BeFalse
        ConvertTo-ProxyUri 'http=a:80;https=b:8443' | Should -Be 'http://b:8443'
    }
    It "passes the proxy with the computer account's credentials" {
        $script:Proxy = 'http://proxy.contoso.com:8080'
        $script:Deadline = (Get-Date).AddMinutes(10)
        try {
            Mock Invoke-WebRequest { [pscustomobject]@{ StatusCode = 201; Content = '{"reportId":"r1"}' } }
            $result = Invoke-AgentHttp 'https://joinscope.contoso.com/api/v1/reports' ([byte[]](1, 2)) 'jsd_testkey'
            $result.Status | Should -Be 201
            Should -Invoke Invoke-WebRequest -Exactly -Times 1 -ParameterFilter { "$Proxy" -like 'http://proxy.contoso.com:8080*' -and $ProxyUseDefaultCredentials -and $TimeoutSec -gt 0 -and $Headers.Authorization -eq 'Bearer jsd_testkey' }
        } finally {
            $script:Proxy = $null
            $script:Deadline = $null
        }
    }
}

Describe 'ConvertTo-HttpFailure' {
    It "reads the status and JoinScope's error code from a refusal" {
        $failure = ConvertTo-HttpFailure ([pscustomobject]@{
                Exception    = [pscustomobject]@{ Message = 'The remote server returned an error: (403) Forbidden.'; Response = [pscustomobject]@{ StatusCode = 403; Headers = @{} } }
                ErrorDetails = [pscustomobject]@{ Message = '{"error":{"code":"hostname-mismatch","message":"x"}}' }
            })
        $failure.Status | Should -Be 403
        $failure.ErrorCode | Should -Be 'hostname-mismatch'
    }
    It 'calls a failure without a response a network failure (status 0)' {
        (ConvertTo-HttpFailure ([pscustomobject]@{ Exception = [pscustomobject]@{ Message = 'Unable to connect' }; ErrorDetails = $null })).Status | Should -Be 0
    }
}

Describe 'ConvertTo-ForwardedArguments' {
    It 'never forwards the enrolment secret on the command line' {
        $bound = [ordered]@{ ServerUrl = 'https://joinscope.contoso.com'; EnrolmentSecret = 'jsa_secret'; Register = [System.Management.Automation.SwitchParameter]::new($true); ProxyUrl = '' }
        $forwarded = @(ConvertTo-ForwardedArguments $bound)
        $forwarded | Should -Not -Contain 'jsa_secret'
        $forwarded | Should -Not -Contain '-EnrolmentSecret'
        ($forwarded -join ' ') | Should -Be '-ServerUrl https://joinscope.contoso.com -Register'
    }
}

Describe 'Write-AtomicFile' {
    It 'writes, replaces and leaves no temporary file' {
        $path = Join-Path $TestDrive 'state.json'
        Write-AtomicFile -Path $path -Bytes ([System.Text.Encoding]::UTF8.GetBytes('one'))
        Write-AtomicFile -Path $path -Bytes ([System.Text.Encoding]::UTF8.GetBytes('two'))
        [System.IO.File]::ReadAllText($path) | Should -Be 'two'
        @(Get-ChildItem -LiteralPath $TestDrive -Force -Filter '*.tmp').Count | Should -Be 0
    }
    It 'replaces a link planted at the path instead of writing through it' {
        $outside = Join-Path $TestDrive 'outside.txt'
        [System.IO.File]::WriteAllText($outside, 'untouched')
        $path = Join-Path $TestDrive 'link.json'
        try { New-Item -ItemType SymbolicLink -Path $path -Target $outside -ErrorAction Stop | Out-Null } catch { Set-ItResult -Skipped -Because 'creating a symbolic link needs Developer Mode or elevation here'; return }
        Write-AtomicFile -Path $path -Bytes ([System.Text.Encoding]::UTF8.GetBytes('agent data'))
        [System.IO.File]::ReadAllText($outside) | Should -Be 'untouched'
        ((Get-Item -LiteralPath $path -Force).Attributes -band [System.IO.FileAttributes]::ReparsePoint) | Should -Be 0
    }
}

Describe 'the queue' {
    BeforeEach {
        $script:State = Join-Path $TestDrive ([guid]::NewGuid().ToString('N'))
        New-Item -ItemType Directory -Path $script:State | Out-Null
        Mock Write-AgentLog { return }
    }
    It 'keeps at most the limit, dropping the oldest' {
        foreach ($i in 1..5) { [void](Add-QueuedReport $script:State ([byte[]](1)) 3 ('2026120{0}T000000000Z' -f $i)) }
        $names = @(Get-QueuedReports $script:State | ForEach-Object { $_.Name.Substring(0, 19) })
        $names | Should -Be @('20261203T000000000Z', '20261204T000000000Z', '20261205T000000000Z')
    }
    It 'keeps the queue on a proxy 407 and drops only a refused report' {
        foreach ($i in 1..3) { [void](Add-QueuedReport $script:State ([System.Text.Encoding]::UTF8.GetBytes('{"hostname":"PC-0387"}')) 20 ('2026120{0}T000000000Z' -f $i)) }
        $script:Answers = [System.Collections.Generic.Queue[int]]::new([int[]](400, 201, 407))
        Mock Invoke-AgentHttpWithRetry { @{ Status = $script:Answers.Dequeue(); ErrorCode = ''; Json = $null; RetryAfter = 0; Message = '' } }
        $context = @{ StateDirectory = $script:State; ServerUrl = 'https://joinscope.contoso.com'; Hostname = 'PC-0387'; Enrolment = (New-TestEnrolment); RotationDue = $false; Status = @{ Outcome = 'Failed'; HttpStatus = 0; ErrorCode = ''; Message = '' } }
        Send-QueuedReports $context | Should -Be 1
        @(Get-QueuedReports $script:State).Count | Should -Be 1
        $context.Status.Outcome | Should -Be 'Queued'
    }
    It 're-enrols once with the machine key when the key is unknown, then retries' {
        [void](Add-QueuedReport $script:State ([System.Text.Encoding]::UTF8.GetBytes('{"hostname":"PC-0387"}')) 20 '20261201T000000000Z')
        $script:Answers = [System.Collections.Generic.Queue[int]]::new([int[]](401, 201))
        Mock Invoke-AgentHttpWithRetry { @{ Status = $script:Answers.Dequeue(); ErrorCode = 'invalid-key'; Json = $null; RetryAfter = 0; Message = '' } }
        Mock Invoke-Enrolment { $Context.Enrolment = New-TestEnrolment; 'Enrolled' }
        $context = @{ StateDirectory = $script:State; ServerUrl = 'https://joinscope.contoso.com'; Hostname = 'PC-0387'; Enrolment = (New-TestEnrolment); RotationDue = $false; Status = @{ Outcome = 'Failed'; HttpStatus = 0; ErrorCode = ''; Message = '' } }
        Send-QueuedReports $context | Should -Be 1
        Should -Invoke Invoke-Enrolment -Exactly -Times 1
    }
}

Describe 'Get-AgentEvents' {
    It 'keeps the other events when one cannot be read' {
        Mock Write-AgentLog { return }
        Mock Get-WinEvent {
            @(
                [pscustomobject]@{ Id = 1098; Level = 2; TimeCreated = [datetime]'2026-12-01T08:00:00Z'; TaskDisplayName = 'AadTokenBrokerPlugin Operation'; Message = 'Error: 0xCAA2000C' }
                [pscustomobject]@{ Id = 1097; Level = 3; TimeCreated = $null; TaskDisplayName = $null; Message = $null }
                [pscustomobject]@{ Id = 1104; Level = 4; TimeCreated = [datetime]'2026-12-01T07:59:00Z'; TaskDisplayName = $null; Message = 'ok' }
            )
        } -ParameterFilter { $LogName -eq 'Microsoft-Windows-AAD/Operational' }
        Mock Get-WinEvent { throw 'The specified channel could not be found' } -ParameterFilter { $LogName -ne 'Microsoft-Windows-AAD/Operational' }
        $events = @(Get-AgentEvents 50)
        $events.Count | Should -Be 2
        @($events | ForEach-Object { $_.id }) | Should -Be @(1098, 1104)
        $events[0].level | Should -Be 'Error'
    }
}

Describe 'Initialize-StateDirectory' {
    BeforeEach {
        Mock Write-AgentLog { return }
        $script:Path = Join-Path $TestDrive ('JoinScope-' + [guid]::NewGuid().ToString('N'))
        New-Item -ItemType Directory -Path $script:Path | Out-Null
        Mock New-ProtectedDirectory { New-Item -ItemType Directory -Path $Path | Out-Null }
    }
    It 'renames a folder it cannot trust and creates a new one' {
        $script:Checks = 0
        Mock Get-PathSecurity {
            $script:Checks++
            if ($script:Checks -eq 1) { return @{ IsDirectory = $true; IsReparsePoint = $false; Owner = 'S-1-5-21-1-2-3-1104'; Protected = $false; Rules = @() } }
            return @{ IsDirectory = $true; IsReparsePoint = $false; Owner = 'S-1-5-32-544'; Protected = $true; Rules = @() }
        }
        Initialize-StateDirectory $script:Path
        Should -Invoke New-ProtectedDirectory -Exactly -Times 1
        @(Get-ChildItem -LiteralPath $TestDrive -Directory -Filter ((Split-Path -Leaf $script:Path) + '.untrusted-*')).Count | Should -Be 1
    }
    It 'uses the folder it created itself' {
        Mock Get-PathSecurity { @{ IsDirectory = $true; IsReparsePoint = $false; Owner = 'S-1-5-18'; Protected = $true; Rules = @() } }
        Initialize-StateDirectory $script:Path
        Should -Invoke New-ProtectedDirectory -Exactly -Times 0
    }
}

Describe 'New-ProtectedDirectory' {
    It 'creates the folder owned by Administrators, for SYSTEM and Administrators only' -Skip:(-not $script:OnWindows) {
        $fresh = Join-Path $TestDrive ('fresh-' + [guid]::NewGuid().ToString('N'))
        try { New-ProtectedDirectory $fresh } catch { Set-ItResult -Skipped -Because 'setting the owner to Administrators needs elevation'; return }
        Test-TrustedSecurity (Get-PathSecurity $fresh) | Should -Be ''
    }
}

Describe 'Grant-CreateFileOnly' {
    It 'grants the signed-in user CreateFiles only on the capture folder' -Skip:(-not $script:OnWindows) {
        $folder = Join-Path $TestDrive 'capture-test'
        New-Item -ItemType Directory -Path $folder | Out-Null
        $sid = [System.Security.Principal.WindowsIdentity]::GetCurrent().User.Value
        Grant-CreateFileOnly $folder $sid
        $rules = @((Get-Acl -LiteralPath $folder).GetAccessRules($true, $false, [System.Security.Principal.SecurityIdentifier]) | Where-Object { $_.IdentityReference.Value -eq $sid })
        $rules.Count | Should -Be 1
        $rules[0].FileSystemRights | Should -Be ([System.Security.AccessControl.FileSystemRights]::CreateFiles -bor [System.Security.AccessControl.FileSystemRights]::Synchronize)
        $rules[0].InheritanceFlags | Should -Be ([System.Security.AccessControl.InheritanceFlags]::None)
    }
}

Describe 'DPAPI' {
    It 'round-trips the machine key under the machine scope' -Skip:(-not $script:OnWindows) {
        $state = Join-Path $TestDrive 'dpapi'
        New-Item -ItemType Directory -Path $state | Out-Null
        $first = Get-MachineKey $state
        $first | Should -Match '^[A-Za-z0-9_-]{43}$'
        Get-MachineKey $state | Should -Be $first
        [System.IO.File]::ReadAllText((Join-Path $state 'machine.key')) | Should -Not -Match ([regex]::Escape($first))
    }
}

Describe 'Install-Agent' {
    BeforeEach {
        Mock New-ProtectedDirectory { return }
        Mock Set-AdminOnlyAcl { return }
        Mock Write-AtomicFile { return }
        Mock Protect-RegistryKey { return }
        Mock Set-RegistryValue { return }
        Mock Remove-ItemProperty { return }
        Mock Register-AgentTask { return }
        Mock Test-Path { $true }
    }
    It 'never writes back a secret read from the registry' {
        $config = New-TestConfig $TestDrive
        $config.StoreSecret = $false
        Install-Agent $config
        Should -Invoke Set-RegistryValue -Exactly -Times 0 -ParameterFilter { $Name -eq 'EnrolmentSecret' }
        Should -Invoke Set-RegistryValue -Exactly -Times 1 -ParameterFilter { $Name -eq 'ServerUrl' }
    }
    It 'stores a secret it was given and removes the version 1 token' {
        $config = New-TestConfig $TestDrive
        $config.StoreSecret = $true
        Install-Agent $config
        Should -Invoke Set-RegistryValue -Exactly -Times 1 -ParameterFilter { $Name -eq 'EnrolmentSecret' -and $Value -eq 'jsa_test' }
        Should -Invoke Remove-ItemProperty -Exactly -Times 1 -ParameterFilter { $Name -eq 'Token' }
    }
}

Describe 'Invoke-AgentRun' {
    BeforeEach {
        $script:Order = @()
        Mock Test-IsSystem { $true }
        Mock Test-IsAdministrator { $true }
        Mock Initialize-StateDirectory { return }
        Mock Open-AgentLog { return }
        Mock Remove-StaleCaptureDirectories { return }
        Mock Move-LegacyPendingReport { return }
        Mock Install-Agent { return }
        Mock Resolve-AgentProxy { $null }
        Mock Write-AgentLog { return }
        Mock Write-AgentStatus { return }
        Mock Get-QueuedReports { @() }
        Mock Get-MachineKey { 'bWFjaGluZS1rZXktb2YtdGhpcy10ZXN0LW1hY2hpbmUx' }
        Mock Read-Enrolment { New-TestEnrolment }
        Mock New-AgentReport { $script:Order += 'capture'; , [byte[]](123, 125) }
        Mock Add-QueuedReport { $script:Order += 'queue'; 'queued.json' }
        Mock Invoke-Enrolment { 'Enrolled' }
        Mock Send-QueuedReports { $script:Order += 'send'; $Context.Status.Outcome = 'Uploaded'; 1 }
        Mock Invoke-KeyRotation { $true }
    }
    It 'queues the report before it sends anything' {
        $result = Invoke-AgentRun (New-TestConfig $TestDrive)
        $result.ExitCode | Should -Be 0
        $script:Order | Should -Be @('capture', 'queue', 'send')
    }
    It 'rotates the device key when the server says keyRotation due' {
        Mock Send-QueuedReports { $Context.RotationDue = $true; $Context.Status.Outcome = 'Uploaded'; 1 }
        [void](Invoke-AgentRun (New-TestConfig $TestDrive))
        Should -Invoke Invoke-KeyRotation -Exactly -Times 1
    }
    It 'writes the status value even when the run fails' {
        Mock Get-MachineKey { throw 'the disk is full' }
        $result = Invoke-AgentRun (New-TestConfig $TestDrive)
        $result.ExitCode | Should -Be 1
        Should -Invoke Write-AgentStatus -Exactly -Times 1 -ParameterFilter { $Status.Outcome -eq 'Failed' -and $Status.Message -match 'the disk is full' }
    }
    It 'enrols first when the machine has no enrolment, with the secret' {
        Mock Read-Enrolment { $null }
        [void](Invoke-AgentRun (New-TestConfig $TestDrive))
        Should -Invoke Invoke-Enrolment -Exactly -Times 1
    }
    It 'does not upload while revoked, and asks again after a day' {
        $hourAgo = (Get-Date).ToUniversalTime().AddHours(-1).ToString('o')
        Mock Read-Enrolment { New-TestEnrolment $hourAgo $hourAgo }
        $result = Invoke-AgentRun (New-TestConfig $TestDrive)
        $result.ExitCode | Should -Be 1
        Should -Invoke New-AgentReport -Exactly -Times 0
        Should -Invoke Send-QueuedReports -Exactly -Times 0
        Should -Invoke Write-AgentStatus -Exactly -Times 1 -ParameterFilter { $Status.Outcome -eq 'DeviceRevoked' }

        $dayAgo = (Get-Date).ToUniversalTime().AddHours(-25).ToString('o')
        Mock Read-Enrolment { New-TestEnrolment $dayAgo $dayAgo }
        Mock Invoke-Enrolment { 'Revoked' }
        [void](Invoke-AgentRun (New-TestConfig $TestDrive))
        Should -Invoke Invoke-Enrolment -Exactly -Times 1
    }
}
