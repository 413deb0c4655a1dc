//go:build !windows

package main

import (
	"context"
	"errors"

	"github.com/tillwatch/tillwatch/drivers/winspool"
)

var errNotWindows = errors.New("service: Windows services exist only on Windows; on Linux install packaging/systemd/tillwatch.service")

func installService(string, string) error { return errNotWindows }

func uninstallService(string) error { return errNotWindows }

// runService reports false: outside Windows the agent never runs under a
// service manager that needs a handshake (systemd uses Type=simple).
func runService(string, func(context.Context) error) (bool, error) { return false, nil }

// winQueues: outside Windows there is no spooler to list or change.
var winQueues = queueSystem{
	queues: winspool.Queues,
	run:    func(string) error { return errNotWindows },
}
