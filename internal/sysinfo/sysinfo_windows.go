//go:build windows

package sysinfo

import (
	"context"
	"fmt"

	"golang.org/x/sys/windows"
)

func freeBytes(dir string) (int64, error) {
	p, err := windows.UTF16PtrFromString(dir)
	if err != nil {
		return 0, fmt.Errorf("sysinfo: %s: %w", dir, err)
	}
	var free, total, totalFree uint64
	if err := windows.GetDiskFreeSpaceEx(p, &free, &total, &totalFree); err != nil {
		return 0, fmt.Errorf("sysinfo: free space of %s: %w", dir, err)
	}
	return int64(free), nil
}

// ClockSynced is not asked of the Windows time service yet.
func ClockSynced(context.Context) (Clock, error) { return Clock{}, ErrUnknown }

// KernelClock is not asked of the Windows time service yet.
func KernelClock() (Clock, error) { return Clock{}, ErrUnknown }
