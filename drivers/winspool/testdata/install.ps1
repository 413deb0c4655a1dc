$ErrorActionPreference = 'Stop'
# the driver of tillwatch's queue (inbox in Windows; RAW jobs pass through it unchanged)
Add-PrinterDriver -Name 'Generic / Text Only'
# a queue for tillwatch on the printer's own port USB001: it writes the register's bytes there
Add-Printer -Name 'tillwatch raw' -DriverName 'Generic / Text Only' -PortName 'USB001'
# a printer port that sends to tillwatch at 127.0.0.1:9100 (RAW, no SNMP)
if (-not (Get-PrinterPort -Name 'tillwatch_127.0.0.1_9100' -ErrorAction SilentlyContinue)) { Add-PrinterPort -Name 'tillwatch_127.0.0.1_9100' -PrinterHostAddress '127.0.0.1' -PortNumber 9100 }
# the register's queue prints to tillwatch instead of USB001 (same name, same driver)
Set-Printer -Name 'EPSON TM-T20II Receipt' -PortName 'tillwatch_127.0.0.1_9100'
