<#
.SYNOPSIS
  Installs tillwatch on a Windows register PC (run from the unzipped folder, as Administrator).

.DESCRIPTION
  Copies tillwatch.exe to "$env:ProgramFiles\tillwatch" and puts that folder on the machine PATH,
  creates "$env:ProgramData\tillwatch" (Administrators and SYSTEM only: the journal holds receipts)
  with example.yaml beside the config, and, once C:\ProgramData\tillwatch\tillwatch.yaml exists,
  installs and starts the "tillwatch" service (automatic start, restart 5 s after a failure).
  Without a config it installs no service: run `tillwatch setup` (or copy example.yaml to
  tillwatch.yaml and edit it), check it with `tillwatch doctor -c ...`, then run this script again.

  -Uninstall stops and removes the service and the program; the config and the journal stay
  unless -Purge is given too.

.EXAMPLE
  powershell -ExecutionPolicy Bypass -File .\install.ps1
.EXAMPLE
  powershell -ExecutionPolicy Bypass -File .\install.ps1 -Uninstall -Purge
#>
#Requires -RunAsAdministrator
[CmdletBinding()]
param(
    [string]$InstallDir = (Join-Path $env:ProgramFiles 'tillwatch'),
    [string]$ConfigDir = (Join-Path $env:ProgramData 'tillwatch'),
    [switch]$Uninstall,
    [switch]$Purge
)
$ErrorActionPreference = 'Stop'
$exe = Join-Path $InstallDir 'tillwatch.exe'
$config = Join-Path $ConfigDir 'tillwatch.yaml'

function Set-MachinePath([string]$dir, [bool]$present) {
    $parts = [Environment]::GetEnvironmentVariable('Path', 'Machine') -split ';' | Where-Object { $_ -and ($_ -ne $dir) }
    if ($present) { $parts += $dir }
    [Environment]::SetEnvironmentVariable('Path', ($parts -join ';'), 'Machine')
}

if ($Uninstall) {
    if (Get-Service -Name tillwatch -ErrorAction SilentlyContinue) {
        Stop-Service -Name tillwatch -ErrorAction SilentlyContinue
        & $exe service uninstall
        if ($LASTEXITCODE -ne 0) { throw "tillwatch service uninstall failed ($LASTEXITCODE)" }
    }
    Remove-Item -Recurse -Force $InstallDir -ErrorAction SilentlyContinue
    Set-MachinePath $InstallDir $false
    if ($Purge) {
        Remove-Item -Recurse -Force $ConfigDir -ErrorAction SilentlyContinue
        Write-Host "tillwatch removed, with its config and journal ($ConfigDir)."
    } else {
        Write-Host "tillwatch removed. The config and journal stay in $ConfigDir (-Purge removes them)."
    }
    exit 0
}

$here = Split-Path -Parent $MyInvocation.MyCommand.Path
$running = Get-Service -Name tillwatch -ErrorAction SilentlyContinue | Where-Object Status -eq 'Running'
if ($running) { Stop-Service -Name tillwatch }

New-Item -ItemType Directory -Force -Path $InstallDir | Out-Null
Copy-Item -Force (Join-Path $here 'tillwatch.exe') $exe
Set-MachinePath $InstallDir $true
Write-Host "installed $exe ($(& $exe version))"

New-Item -ItemType Directory -Force -Path $ConfigDir | Out-Null
# Administrators (S-1-5-32-544) and SYSTEM (S-1-5-18, the service's account) only.
& icacls $ConfigDir /inheritance:r /grant:r '*S-1-5-32-544:(OI)(CI)F' '*S-1-5-18:(OI)(CI)F' | Out-Null
if ($LASTEXITCODE -ne 0) { throw "icacls $ConfigDir failed ($LASTEXITCODE)" }
Copy-Item -Force (Join-Path $here 'example.yaml') (Join-Path $ConfigDir 'example.yaml')

if (-not (Test-Path $config)) {
    Write-Host @"

Not configured yet, so no service was installed. Next:
  1. tillwatch setup -o "$config"      (lists ports and printer queues, listens, writes the config)
     or copy $ConfigDir\example.yaml to $config and edit it
     (data_dir: C:\ProgramData\tillwatch\data)
  2. tillwatch doctor -c "$config"
  3. run this script again: it installs and starts the service.
"@
    exit 0
}

if (-not (Get-Service -Name tillwatch -ErrorAction SilentlyContinue)) {
    & $exe service install -c $config
    if ($LASTEXITCODE -ne 0) { throw "tillwatch service install failed ($LASTEXITCODE)" }
}
Start-Service -Name tillwatch
Write-Host "service tillwatch running with $config; logs: tillwatch.log in the config's data_dir."
