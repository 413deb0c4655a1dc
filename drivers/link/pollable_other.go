//go:build !linux

package link

import (
	"errors"
	"os"
)

// pollable is only implemented on Linux; elsewhere serial ports poll.
func pollable(int, string) (*os.File, error) {
	return nil, errors.New("not implemented on this system")
}
