//go:build !linux

package link

import "errors"

// OpenPTYLink is Linux only; elsewhere give the register a TCP listener.
func OpenPTYLink(cfg SerialConfig) (Port, error) {
	return nil, &OpenError{Path: cfg.Path, Backend: BackendPTY, Err: errors.New("virtual serial ports (pty) are Linux only: use a TCP listener")}
}
