//go:build !linux && !windows

package sysinfo

import (
	"context"
	"fmt"

	"golang.org/x/sys/unix"
)

func freeBytes(dir string) (int64, error) {
	var st unix.Statfs_t
	if err := unix.Statfs(dir, &st); err != nil {
		return 0, fmt.Errorf("sysinfo: statfs %s: %w", dir, err)
	}
	return int64(st.Bavail) * int64(st.Bsize), nil
}

// ClockSynced is not known outside Linux and Windows.
func ClockSynced(context.Context) (Clock, error) { return Clock{}, ErrUnknown }

// KernelClock is not known outside Linux and Windows.
func KernelClock() (Clock, error) { return Clock{}, ErrUnknown }
