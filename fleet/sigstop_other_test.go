//go:build !unix

package fleet

import "errors"

// sigstop cannot pause a process without SIGSTOP: the crash then kills
// the broker without freezing it first.
func sigstop(int) error { return errors.New("fleet: freezing a process needs SIGSTOP (Unix)") }
