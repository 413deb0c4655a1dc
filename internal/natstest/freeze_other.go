//go:build !unix

package natstest

import "errors"

// stop cannot pause a process without SIGSTOP.
func stop(int) error { return errors.New("natstest: freezing a process needs SIGSTOP (Unix)") }
