package main

import (
	"fmt"
	"path/filepath"
)

// serviceName is the Windows service name.
const serviceName = "tillwatch"

type serviceCmd struct {
	Install   serviceInstallCmd   `cmd:"" help:"Install tillwatch as a Windows service that runs 'run -c FILE' at boot (Windows only; on Linux use packaging/systemd)."`
	Uninstall serviceUninstallCmd `cmd:"" help:"Remove the Windows service."`
}

type serviceInstallCmd struct {
	Config string `short:"c" required:"" type:"existingfile" placeholder:"FILE" help:"Config file the service runs with."`
}

func (c *serviceInstallCmd) Run(e *env) error {
	abs, err := filepath.Abs(c.Config)
	if err != nil {
		return fmt.Errorf("service: %w", err)
	}
	if err := installService(serviceName, abs); err != nil {
		return err
	}
	_, err = fmt.Fprintf(e.stdout, "service %q installed (automatic start, restart on failure) with config %s\nstart it: sc start %s\n", serviceName, abs, serviceName)
	return err
}

type serviceUninstallCmd struct{}

func (serviceUninstallCmd) Run(e *env) error {
	if err := uninstallService(serviceName); err != nil {
		return err
	}
	_, err := fmt.Fprintf(e.stdout, "service %q removed\n", serviceName)
	return err
}
