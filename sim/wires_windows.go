//go:build windows

package sim

import (
	"errors"
	"io"
)

// Wires are the simulated lines; on Windows there are no ptys, so the
// simulated lane (demo, end-to-end tests) is not available.
type Wires struct{}

// OpenWires reports that ptys are not available on Windows.
func OpenWires() (*Wires, error) {
	return nil, errors.New("sim: the simulated lane needs pseudo-terminals (Linux, macOS); not available on Windows")
}

// Path is the serial port path of a wire.
func (w *Wires) Path(Wire) string { return "" }

// Writer is where the simulator writes a wire's bytes.
func (w *Wires) Writer(Wire) io.Writer { return io.Discard }

// Reader reads what the agent wrote to a wire's port.
func (w *Wires) Reader(Wire) io.Reader { return eofReader{} }

// Close does nothing.
func (w *Wires) Close() error { return nil }

type eofReader struct{}

func (eofReader) Read([]byte) (int, error) { return 0, io.EOF }

// Unread is always 0: there are no wires on Windows.
func (w *Wires) Unread(Wire) (int, error) { return 0, nil }
