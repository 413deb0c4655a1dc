//go:build windows

package main

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"time"

	"github.com/tillwatch/tillwatch/drivers/winspool"

	"golang.org/x/sys/windows/svc"
	"golang.org/x/sys/windows/svc/mgr"
)

// installService registers the executable as an automatic-start service
// that runs `run -c config` and is restarted when it fails.
func installService(name, config string) error {
	exe, err := os.Executable()
	if err != nil {
		return fmt.Errorf("service: %w", err)
	}
	m, err := mgr.Connect()
	if err != nil {
		return fmt.Errorf("service: connect to the service manager (run as Administrator): %w", err)
	}
	defer m.Disconnect()
	if s, err := m.OpenService(name); err == nil {
		s.Close()
		return fmt.Errorf("service: %q already exists; uninstall it first", name)
	}
	s, err := m.CreateService(name, exe, mgr.Config{
		DisplayName: "tillwatch checkout lane watcher",
		Description: "Watches the receipt printer and card terminal of a checkout lane and publishes alerts over MQTT.",
		StartType:   mgr.StartAutomatic,
	}, "run", "-c", config)
	if err != nil {
		return fmt.Errorf("service: create %q: %w", name, err)
	}
	defer s.Close()
	restart := mgr.RecoveryAction{Type: mgr.ServiceRestart, Delay: 5 * time.Second}
	if err := s.SetRecoveryActions([]mgr.RecoveryAction{restart, restart, restart}, 24*60*60); err != nil {
		return fmt.Errorf("service: set restart on failure: %w", err)
	}
	return nil
}

func uninstallService(name string) error {
	m, err := mgr.Connect()
	if err != nil {
		return fmt.Errorf("service: connect to the service manager (run as Administrator): %w", err)
	}
	defer m.Disconnect()
	s, err := m.OpenService(name)
	if err != nil {
		return fmt.Errorf("service: open %q: %w", name, err)
	}
	defer s.Close()
	if err := s.Delete(); err != nil {
		return fmt.Errorf("service: delete %q: %w", name, err)
	}
	return nil
}

// runService runs fn under the Windows service manager when the process
// was started by it; it reports false when started from a console.
func runService(name string, fn func(context.Context) error) (bool, error) {
	is, err := svc.IsWindowsService()
	if err != nil || !is {
		return false, err
	}
	h := &handler{run: fn}
	if err := svc.Run(name, h); err != nil {
		return true, fmt.Errorf("service: %w", err)
	}
	return true, h.err
}

type handler struct {
	run func(context.Context) error
	err error
}

// Execute implements svc.Handler: start the agent, stop it on Stop or
// Shutdown, report its exit.
func (h *handler) Execute(_ []string, req <-chan svc.ChangeRequest, status chan<- svc.Status) (bool, uint32) {
	status <- svc.Status{State: svc.StartPending}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	done := make(chan error, 1)
	go func() { done <- h.run(ctx) }()
	status <- svc.Status{State: svc.Running, Accepts: svc.AcceptStop | svc.AcceptShutdown}
	for {
		select {
		case c := <-req:
			switch c.Cmd {
			case svc.Interrogate:
				status <- c.CurrentStatus
			case svc.Stop, svc.Shutdown:
				status <- svc.Status{State: svc.StopPending}
				cancel()
				h.err = <-done
				return false, exitCode(h.err)
			}
		case h.err = <-done:
			return false, exitCode(h.err)
		}
	}
}

func exitCode(err error) uint32 {
	if err != nil {
		return exitRuntime
	}
	return exitOK
}

// winQueues lists the spooler's queues and runs the queue steps in
// Windows PowerShell (the PrintManagement cmdlets Add-PrinterPort,
// Add-Printer, Set-Printer).
var winQueues = queueSystem{queues: winspool.Queues, run: runPowerShell}

// runPowerShell runs script in Windows PowerShell; its output goes into
// the error when it fails.
func runPowerShell(script string) error {
	out, err := exec.Command("powershell.exe", "-NoProfile", "-NonInteractive", "-ExecutionPolicy", "Bypass",
		"-EncodedCommand", encodedCommand(script)).CombinedOutput()
	if err != nil {
		return fmt.Errorf("powershell: %w: %s", err, strings.TrimSpace(string(out)))
	}
	return nil
}
