//go:build linux

package sysinfo

import (
	"context"
	"fmt"
	"os/exec"
	"strings"
	"time"

	"golang.org/x/sys/unix"
)

func freeBytes(dir string) (int64, error) {
	var st unix.Statfs_t
	if err := unix.Statfs(dir, &st); err != nil {
		return 0, fmt.Errorf("sysinfo: statfs %s: %w", dir, err)
	}
	return int64(st.Bavail) * int64(st.Bsize), nil
}

// ClockSynced asks systemd-timesyncd/chrony through timedatectl when it is
// there, and otherwise the kernel (KernelClock). It starts a process: for
// a one-off check (doctor), not for a periodic reading.
func ClockSynced(ctx context.Context) (Clock, error) {
	ctx, cancel := context.WithTimeout(ctx, 3*time.Second)
	defer cancel()
	if out, err := exec.CommandContext(ctx, "timedatectl", "show", "-p", "NTPSynchronized", "--value").Output(); err == nil {
		v := strings.TrimSpace(string(out))
		if v == "yes" || v == "no" {
			return Clock{Synced: v == "yes", How: "timedatectl"}, nil
		}
	}
	return KernelClock()
}

// maxSyncedError is the largest maximum error (adjtimex maxerror, in
// microseconds) of a synchronised clock: below the kernel's 16 s limit,
// past which it marks the clock unsynchronised itself.
const maxSyncedError = 16_000_000

// KernelClock asks the kernel with one adjtimex call: the clock is
// synchronised while an NTP daemon keeps its maximum error below 16 s.
// That is the rule systemd-timedated applies to the same call for
// timedatectl's NTPSynchronized (it ignores STA_UNSYNC, which may be set
// only to keep the kernel off the RTC), so the answer is timedatectl's
// without starting a process: for periodic readings.
func KernelClock() (Clock, error) {
	var tx unix.Timex
	if _, err := unix.Adjtimex(&tx); err != nil {
		return Clock{}, fmt.Errorf("sysinfo: adjtimex: %w", err)
	}
	return Clock{Synced: tx.Maxerror < maxSyncedError, How: "adjtimex"}, nil
}
