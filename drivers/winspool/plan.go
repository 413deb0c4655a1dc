package winspool

import (
	"fmt"
	"net"
	"strings"
)

// TextDriver is the inbox driver of the queue tillwatch writes to: with
// RAW jobs it passes every byte to the port unchanged.
const TextDriver = "Generic / Text Only"

// Setup names the two queues and the address of a spooler lane.
type Setup struct {
	// RegisterQueue is the queue the register prints to; it keeps its
	// name and driver, only its port changes.
	RegisterQueue string
	// RawQueue is the queue tillwatch writes to, on the printer's USB
	// port (the config's device_port).
	RawQueue string
	// Listen is where the agent listens (the config's listen).
	Listen string
}

// Step is one PowerShell command and what it does, in words.
type Step struct {
	Why     string
	Command string
}

// PortName is the Standard TCP/IP port that points a queue at the agent.
func PortName(host, port string) string { return "tillwatch_" + host + "_" + port }

// PortFor is the Standard TCP/IP port name for an agent listening on
// listen ("0.0.0.0:9100" -> tillwatch_127.0.0.1_9100).
func PortFor(listen string) (string, error) {
	host, port, err := portAddress(listen)
	if err != nil {
		return "", err
	}
	return PortName(host, port), nil
}

// portAddress is the host and port a Standard TCP/IP port dials for an
// agent listening on listen (a wildcard listen is dialed on loopback).
func portAddress(listen string) (host, port string, err error) {
	host, port, err = net.SplitHostPort(listen)
	if err != nil {
		return "", "", fmt.Errorf("winspool: listen %q: %w", listen, err)
	}
	if ip := net.ParseIP(host); host == "" || ip != nil && ip.IsUnspecified() {
		host = "127.0.0.1"
	}
	return host, port, nil
}

// InstallPlan is what puts the agent between the register's queue and the
// printer, given the queues as they are: a RAW queue (Generic / Text Only)
// on the printer's port for the agent, a Standard TCP/IP port to the
// agent, and the register's queue moved to that port. Steps already done
// are left out: an empty plan means all is in place.
func InstallPlan(qs []Queue, s Setup) ([]Step, error) {
	reg, ok := Find(qs, s.RegisterQueue)
	if !ok {
		return nil, fmt.Errorf("winspool: no printer queue %q; the queues are: %s", s.RegisterQueue, names(qs))
	}
	if strings.EqualFold(s.RegisterQueue, s.RawQueue) {
		return nil, fmt.Errorf("winspool: the register's queue and tillwatch's raw queue must differ (both %q)", s.RawQueue)
	}
	host, port, err := portAddress(s.Listen)
	if err != nil {
		return nil, err
	}
	tcp := PortName(host, port)
	raw, rawOK := Find(qs, s.RawQueue)
	printerPort := reg.Port
	if strings.EqualFold(reg.Port, tcp) {
		if !rawOK {
			return nil, fmt.Errorf("winspool: %q prints to tillwatch (%s) already, but the raw queue %q is missing: create it on the printer's USB port: Add-Printer -Name %s -DriverName %s -PortName USB001 (the USB port the printer had)",
				reg.Name, tcp, s.RawQueue, ps(s.RawQueue), ps(TextDriver))
		}
		printerPort = raw.Port
	}
	var steps []Step
	switch {
	case !rawOK:
		steps = append(steps,
			Step{"the driver of tillwatch's queue (inbox in Windows; RAW jobs pass through it unchanged)",
				"Add-PrinterDriver -Name " + ps(TextDriver)},
			Step{fmt.Sprintf("a queue for tillwatch on the printer's own port %s: it writes the register's bytes there", printerPort),
				fmt.Sprintf("Add-Printer -Name %s -DriverName %s -PortName %s", ps(s.RawQueue), ps(TextDriver), ps(printerPort))})
	case !strings.EqualFold(raw.Port, printerPort):
		steps = append(steps, Step{fmt.Sprintf("tillwatch's queue onto the printer's port %s (it is on %s)", printerPort, raw.Port),
			fmt.Sprintf("Set-Printer -Name %s -PortName %s", ps(s.RawQueue), ps(printerPort))})
	}
	if !strings.EqualFold(reg.Port, tcp) {
		steps = append(steps,
			Step{fmt.Sprintf("a printer port that sends to tillwatch at %s:%s (RAW, no SNMP)", host, port),
				fmt.Sprintf("if (-not (Get-PrinterPort -Name %s -ErrorAction SilentlyContinue)) { Add-PrinterPort -Name %s -PrinterHostAddress %s -PortNumber %s }",
					ps(tcp), ps(tcp), ps(host), port)},
			Step{fmt.Sprintf("the register's queue prints to tillwatch instead of %s (same name, same driver)", reg.Port),
				fmt.Sprintf("Set-Printer -Name %s -PortName %s", ps(reg.Name), ps(tcp))})
	}
	return steps, nil
}

// UninstallPlan undoes InstallPlan: the register's queue back on the
// printer's port, tillwatch's queue and port removed.
func UninstallPlan(qs []Queue, s Setup) ([]Step, error) {
	host, port, err := portAddress(s.Listen)
	if err != nil {
		return nil, err
	}
	tcp := PortName(host, port)
	reg, regOK := Find(qs, s.RegisterQueue)
	raw, rawOK := Find(qs, s.RawQueue)
	var steps []Step
	if regOK && strings.EqualFold(reg.Port, tcp) {
		if !rawOK {
			return nil, fmt.Errorf("winspool: %q prints to tillwatch, and tillwatch's queue %q that knew the printer's port is gone: Set-Printer -Name %s -PortName USB001 (the printer's USB port)", reg.Name, s.RawQueue, ps(reg.Name))
		}
		steps = append(steps, Step{"the register's queue back on the printer's port " + raw.Port,
			fmt.Sprintf("Set-Printer -Name %s -PortName %s", ps(reg.Name), ps(raw.Port))})
	}
	if rawOK {
		steps = append(steps, Step{"tillwatch's queue removed", "Remove-Printer -Name " + ps(s.RawQueue)})
	}
	steps = append(steps, Step{"tillwatch's printer port removed",
		fmt.Sprintf("if (Get-PrinterPort -Name %s -ErrorAction SilentlyContinue) { Remove-PrinterPort -Name %s }", ps(tcp), ps(tcp))})
	return steps, nil
}

// Script is the steps as one PowerShell script (run as Administrator).
func Script(steps []Step) string {
	var b strings.Builder
	b.WriteString("$ErrorActionPreference = 'Stop'\n")
	for _, s := range steps {
		fmt.Fprintf(&b, "# %s\n%s\n", s.Why, s.Command)
	}
	return b.String()
}

// ps quotes s for PowerShell (single quotes, doubled inside).
func ps(s string) string { return "'" + strings.ReplaceAll(s, "'", "''") + "'" }

func names(qs []Queue) string {
	if len(qs) == 0 {
		return "none"
	}
	var out []string
	for _, q := range qs {
		out = append(out, fmt.Sprintf("%q (%s)", q.Name, q.Port))
	}
	return strings.Join(out, ", ")
}
