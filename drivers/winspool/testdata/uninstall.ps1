$ErrorActionPreference = 'Stop'
# the register's queue back on the printer's port USB001
Set-Printer -Name 'EPSON TM-T20II Receipt' -PortName 'USB001'
# tillwatch's queue removed
Remove-Printer -Name 'tillwatch raw'
# tillwatch's printer port removed
if (Get-PrinterPort -Name 'tillwatch_127.0.0.1_9100' -ErrorAction SilentlyContinue) { Remove-PrinterPort -Name 'tillwatch_127.0.0.1_9100' }
