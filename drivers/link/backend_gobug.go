package link

import (
	"errors"
	"fmt"
	"sync/atomic"

	bug "go.bug.st/serial"
)

// gobugPort adapts a go.bug.st/serial port where it cannot be evented (see
// eventedPort; Linux ports are): reads poll every pollInterval,
// Close is idempotent, and a read after Close says errClosed.
type gobugPort struct {
	p      bug.Port
	closed atomic.Bool
}

func openGoBug(c SerialConfig) (Port, error) {
	mode := &bug.Mode{BaudRate: c.Baud, DataBits: c.DataBits, Parity: bug.NoParity, StopBits: bug.OneStopBit}
	switch c.Parity {
	case ParityEven:
		mode.Parity = bug.EvenParity
	case ParityOdd:
		mode.Parity = bug.OddParity
	}
	if c.StopBits == 2 {
		mode.StopBits = bug.TwoStopBits
	}
	p, err := bug.Open(c.Path, mode)
	if err != nil {
		return nil, err
	}
	if err := p.SetReadTimeout(pollInterval); err != nil {
		if cerr := p.Close(); cerr != nil {
			err = errors.Join(err, cerr)
		}
		return nil, fmt.Errorf("set read timeout: %w", err)
	}
	if fd, ok := gobugFD(p); ok {
		if e, err := evented(fd, c.Path, p); err == nil {
			return e, nil
		}
	}
	return &gobugPort{p: p}, nil
}

func (g *gobugPort) Read(b []byte) (int, error) {
	n, err := g.p.Read(b)
	if err == nil {
		return n, nil
	}
	if g.closed.Load() {
		return n, errClosed
	}
	var pe *bug.PortError
	if errors.As(err, &pe) && pe.Code() == bug.PortClosed {
		// go.bug.st says "closed" for a zero-length read: the tty hung up.
		return n, fmt.Errorf("hung up (unplugged?): %w", err)
	}
	return n, err
}

func (g *gobugPort) Write(b []byte) (int, error) {
	if g.closed.Load() {
		return 0, errClosed
	}
	return g.p.Write(b)
}

func (g *gobugPort) Close() error {
	if g.closed.Swap(true) {
		return nil
	}
	return g.p.Close()
}

func (*gobugPort) polls() {}
