//go:build unix

package natstest

import "syscall"

// stop pauses process pid (SIGSTOP).
func stop(pid int) error { return syscall.Kill(pid, syscall.SIGSTOP) }
