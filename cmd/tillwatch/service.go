package main

import (
	"errors"
	"fmt"
	"path/filepath"

	"github.com/tillwatch/tillwatch/configs"
	"github.com/tillwatch/tillwatch/drivers/winspool"
)

// serviceName is the Windows service name.
const serviceName = "tillwatch"

type serviceCmd struct {
	Install   serviceInstallCmd   `cmd:"" help:"Install tillwatch as a Windows service that runs 'run -c FILE' at boot (Windows only; on Linux use packaging/systemd). With --register-queue, first put tillwatch between the register's printer queue and its USB printer."`
	Uninstall serviceUninstallCmd `cmd:"" help:"Remove the Windows service (with -c and --register-queue: the register's queue back on its printer first)."`
}

type serviceInstallCmd struct {
	Config        string `short:"c" required:"" type:"existingfile" placeholder:"FILE" help:"Config file the service runs with."`
	RegisterQueue string `placeholder:"NAME" help:"Windows, USB printer (link type spooler): the printer queue the register prints to. Creates tillwatch's RAW queue on that printer's USB port and a printer port to tillwatch's listen address, and moves the register's queue onto it (PowerShell steps, printed first)."`
	DryRun        bool   `help:"With --register-queue: print the PowerShell steps, change nothing, install no service."`
}

func (c *serviceInstallCmd) Run(e *env) error {
	abs, err := filepath.Abs(c.Config)
	if err != nil {
		return fmt.Errorf("service: %w", err)
	}
	if c.RegisterQueue != "" {
		if err := queueSteps(e, abs, c.RegisterQueue, c.DryRun, winspool.InstallPlan, winQueues); err != nil {
			return err
		}
		if c.DryRun {
			return nil
		}
	} else if c.DryRun {
		return usageError{errors.New("service: --dry-run shows the printer queue steps: give --register-queue too")}
	}
	if err := installService(serviceName, abs); err != nil {
		return err
	}
	_, err = fmt.Fprintf(e.stdout, "service %q installed (automatic start, restart on failure) with config %s\nstart it: sc start %s\n", serviceName, abs, serviceName)
	return err
}

type serviceUninstallCmd struct {
	Config        string `short:"c" type:"existingfile" placeholder:"FILE" help:"With --register-queue: the config the service ran with."`
	RegisterQueue string `placeholder:"NAME" help:"Put the register's queue back on its printer's port and remove tillwatch's queue and printer port (PowerShell steps, printed first)."`
	DryRun        bool   `help:"With --register-queue: print the PowerShell steps, change nothing, remove no service."`
}

func (c serviceUninstallCmd) Run(e *env) error {
	if c.RegisterQueue != "" {
		if c.Config == "" {
			return usageError{errors.New("service: --register-queue needs -c FILE (the spooler device's queue and listen address)")}
		}
		if err := queueSteps(e, c.Config, c.RegisterQueue, c.DryRun, winspool.UninstallPlan, winQueues); err != nil {
			return err
		}
		if c.DryRun {
			return nil
		}
	}
	if err := uninstallService(serviceName); err != nil {
		return err
	}
	_, err := fmt.Fprintf(e.stdout, "service %q removed\n", serviceName)
	return err
}

// queueSystem is what the printer queue steps need from Windows: the
// queues as they are, and a way to run PowerShell as this process's user.
type queueSystem struct {
	queues func() ([]winspool.Queue, error)
	run    func(script string) error
}

// planFunc is winspool.InstallPlan or winspool.UninstallPlan.
type planFunc func([]winspool.Queue, winspool.Setup) ([]winspool.Step, error)

// queueSteps plans the printer queue steps for the config's spooler
// device, prints them as a PowerShell script (the documented fallback: a
// technician can run it by hand) and, unless dry, runs it.
func queueSteps(e *env, config, register string, dry bool, plan planFunc, sys queueSystem) error {
	cfg, err := configs.Load(config)
	if err != nil {
		return usageError{err}
	}
	var spool *configs.Device
	for i, d := range cfg.Devices {
		if d.Link.Type == configs.TypeSpooler {
			if spool != nil {
				return usageError{fmt.Errorf("service: %s has two spooler devices (%s, %s): set up one register queue at a time", config, spool.Name, d.Name)}
			}
			spool = &cfg.Devices[i]
		}
	}
	if spool == nil {
		return usageError{fmt.Errorf("service: %s has no device with link type spooler (listen and device_port: the queue tillwatch prints to)", config)}
	}
	qs, err := sys.queues()
	if err != nil {
		return fmt.Errorf("service: list the printer queues: %w", err)
	}
	steps, err := plan(qs, winspool.Setup{RegisterQueue: register, RawQueue: spool.Link.DevicePort, Listen: spool.Link.Listen})
	if err != nil {
		return fmt.Errorf("service: %w", err)
	}
	if len(steps) == 0 {
		_, err := fmt.Fprintf(e.stdout, "printer queues: nothing to change (%q prints to tillwatch, tillwatch prints to %q)\n", register, spool.Link.DevicePort)
		return err
	}
	script := winspool.Script(steps)
	verb := "running"
	if dry {
		verb = "to run"
	}
	fmt.Fprintf(e.stdout, "printer queues: PowerShell steps %s (as Administrator; by hand, paste them into PowerShell):\n\n%s\n", verb, script)
	if dry {
		return nil
	}
	if err := sys.run(script); err != nil {
		return fmt.Errorf("service: the PowerShell steps failed: %w; fix the cause and run them by hand (printed above) in PowerShell as Administrator", err)
	}
	_, err = fmt.Fprintln(e.stdout, "printer queues: done")
	return err
}
