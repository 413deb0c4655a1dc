//go:build unix

package fleet

import "syscall"

// sigstop pauses process pid.
func sigstop(pid int) error { return syscall.Kill(pid, syscall.SIGSTOP) }
