<#
    Pester 5 tests of the Intune scripts in ..\intune (Windows PowerShell 5.1 or PowerShell 7):
        Invoke-Pester -Path .\public\agent\tests -Output Detailed
#>

BeforeAll {
    $script:Intune = Join-Path (Split-Path -Parent $PSScriptRoot) 'intune'
    # Outside Windows these are not set; the scripts build paths from them.
    if (-not $env:ProgramFiles) { $env:ProgramFiles = Join-Path $TestDrive 'ProgramFiles' }
    if (-not $env:SystemRoot) { $env:SystemRoot = Join-Path $TestDrive 'Windows' }
}

Describe 'remediation-detect.ps1' {
    BeforeAll {
        . (Join-Path $script:Intune 'remediation-detect.ps1')
    }
    It 'is healthy after a recent upload, even when the last attempt is queued' {
        (Get-AgentHealth $true $true 'Uploaded' '' 2 2 8).Healthy | Should -BeTrue
        (Get-AgentHealth $true $true 'Queued' 'HTTP 503' 7.5 0.2 8).Healthy | Should -BeTrue
    }
    It 'reports a missing agent, a stale one and a failing one in one line' -TestCases @(
        @{ Installed = $false; Task = $true; Outcome = 'Uploaded'; Success = 1; Run = 1; Line = 'JoinScope: missing*' }
        @{ Installed = $true; Task = $false; Outcome = 'Uploaded'; Success = 1; Run = 1; Line = 'JoinScope: missing*task*' }
        @{ Installed = $true; Task = $true; Outcome = 'Queued'; Success = 9; Run = 0.2; Line = 'JoinScope: stale*' }
        @{ Installed = $true; Task = $true; Outcome = ''; Success = -1; Run = -1; Line = 'JoinScope: stale - the agent has never run' }
        @{ Installed = $true; Task = $true; Outcome = 'DeviceRevoked'; Success = 1; Run = 1; Line = 'JoinScope: failing - DeviceRevoked*' }
        @{ Installed = $true; Task = $true; Outcome = 'EnrolmentFailed'; Success = -1; Run = 1; Line = 'JoinScope: failing - EnrolmentFailed*' }
    ) {
        $health = Get-AgentHealth $Installed $Task $Outcome 'details' $Success $Run 8
        $health.Healthy | Should -BeFalse
        $health.Line | Should -BeLike $Line
        $health.Line | Should -Not -Match "`n"
    }
    It 'reads the agent''s ISO 8601 times' {
        $now = [datetime]::Parse('2026-12-06T12:00:00Z', [System.Globalization.CultureInfo]::InvariantCulture, [System.Globalization.DateTimeStyles]::RoundtripKind).ToUniversalTime()
        Get-HoursSince '2026-12-06T09:00:00.0000000Z' $now | Should -Be 3
        Get-HoursSince '' $now | Should -Be -1
        Get-HoursSince 'not a time' $now | Should -Be -1
    }
}

Describe 'detect.ps1' {
    BeforeAll {
        . (Join-Path $script:Intune 'detect.ps1')
    }
    It 'compares versions numerically' {
        Test-VersionAtLeast '2.0.0' '2.0.0' | Should -BeTrue
        Test-VersionAtLeast '2.10.0' '2.9.0' | Should -BeTrue
        Test-VersionAtLeast '1.0.0' '2.0.0' | Should -BeFalse
        Test-VersionAtLeast '' '2.0.0' | Should -BeFalse
    }
}

Describe 'remediation-remediate.ps1' {
    BeforeAll {
        . (Join-Path $script:Intune 'remediation-remediate.ps1')
    }
    It 'says the Win32 app must reinstall a missing agent' {
        Mock Test-Path { $false }
        $result = Invoke-Remediation
        $result.ExitCode | Should -Be 1
        $result.Line | Should -BeLike '*not installed*Win32 app*'
    }
}

Describe 'install.ps1' {
    BeforeAll {
        . (Join-Path $script:Intune 'install.ps1') -ServerUrl 'https://joinscope.contoso.com'
    }
    It 'refuses to install without the enrolment secret file' {
        $EnrolmentSecretFile = Join-Path $TestDrive 'missing.txt'
        $result = Invoke-Install @{}
        $result.ExitCode | Should -Be 1
        $result.Line | Should -BeLike '*missing.txt is missing*'
    }
}
