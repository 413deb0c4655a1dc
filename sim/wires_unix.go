//go:build !windows

package sim

import (
	"errors"
	"fmt"
	"io"
	"os"

	"github.com/creack/pty"
	"golang.org/x/sys/unix"
)

// Wires are four real pseudo-terminals, one per simulated line. The
// simulator writes into the master side; the agent opens Path(w), the slave
// side, as if it were a serial port.
type Wires struct {
	masters [numWires]*os.File
	slaves  [numWires]*os.File
}

// OpenWires creates the four ptys in raw mode. The simulator keeps each
// slave open too, so the agent may close and reopen a port without the
// master seeing a hang-up.
func OpenWires() (*Wires, error) {
	w := &Wires{}
	for i := range w.masters {
		m, s, err := pty.Open()
		if err != nil {
			w.Close()
			return nil, fmt.Errorf("sim: open pty: %w", err)
		}
		w.masters[i], w.slaves[i] = m, s
		if err := makeRaw(s); err != nil {
			w.Close()
			return nil, fmt.Errorf("sim: raw mode on %s: %w", s.Name(), err)
		}
	}
	return w, nil
}

// Path is the serial port path of a wire (the pty slave).
func (w *Wires) Path(id Wire) string { return w.slaves[id].Name() }

// Writer is where the simulator writes a wire's bytes.
func (w *Wires) Writer(id Wire) io.Writer { return w.masters[id] }

// Reader reads what the agent wrote to a wire's port (bridge mode).
func (w *Wires) Reader(id Wire) io.Reader { return w.masters[id] }

// Close closes every pty.
func (w *Wires) Close() error {
	var errs []error
	for i := range w.masters {
		for _, f := range []*os.File{w.masters[i], w.slaves[i]} {
			if f != nil {
				if err := f.Close(); err != nil && !errors.Is(err, os.ErrClosed) {
					errs = append(errs, err)
				}
			}
		}
	}
	return errors.Join(errs...)
}

func makeRaw(f *os.File) error {
	fd := int(f.Fd())
	t, err := unix.IoctlGetTermios(fd, unix.TCGETS)
	if err != nil {
		return err
	}
	t.Iflag &^= unix.IGNBRK | unix.BRKINT | unix.PARMRK | unix.ISTRIP | unix.INLCR | unix.IGNCR | unix.ICRNL | unix.IXON
	t.Oflag &^= unix.OPOST
	t.Lflag &^= unix.ECHO | unix.ECHONL | unix.ICANON | unix.ISIG | unix.IEXTEN
	t.Cflag &^= unix.CSIZE | unix.PARENB
	t.Cflag |= unix.CS8
	t.Cc[unix.VMIN] = 1
	t.Cc[unix.VTIME] = 0
	return unix.IoctlSetTermios(fd, unix.TCSETS, t)
}

// Unread returns how many bytes written to a wire the agent has not read
// yet (the slave's input queue), so a test can tell when the agent has
// read something.
func (w *Wires) Unread(id Wire) (int, error) {
	n, err := unix.IoctlGetInt(int(w.slaves[id].Fd()), unix.TIOCINQ)
	if err != nil {
		return 0, fmt.Errorf("sim: unread bytes on %s: %w", w.slaves[id].Name(), err)
	}
	return n, nil
}
