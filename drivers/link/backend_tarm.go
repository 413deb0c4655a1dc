package link

import (
	"io"
	"sync/atomic"
	"time"

	tarm "github.com/tarm/serial"
)

// tarmPort adapts a github.com/tarm/serial port where it cannot be evented
// (see eventedPort; Linux ports are). tarm on Linux is an
// *os.File in blocking mode whose Close does not release a pending Read,
// so the port is always opened with ReadTimeout (VMIN=0, VTIME) and Read
// returns within pollInterval. On Linux a VTIME expiry surfaces as
// (0, io.EOF), exactly like a hung-up tty; the two are told apart by how
// long the read took: a timeout waits about pollInterval, a hangup
// returns at once.
type tarmPort struct {
	p      *tarm.Port
	closed atomic.Bool
}

func openTarm(c SerialConfig) (Port, error) {
	cfg := &tarm.Config{
		Name:        c.Path,
		Baud:        c.Baud,
		ReadTimeout: pollInterval,
		Size:        byte(c.DataBits),
		Parity:      tarm.ParityNone,
		StopBits:    tarm.Stop1,
	}
	switch c.Parity {
	case ParityEven:
		cfg.Parity = tarm.ParityEven
	case ParityOdd:
		cfg.Parity = tarm.ParityOdd
	}
	if c.StopBits == 2 {
		cfg.StopBits = tarm.Stop2
	}
	p, err := tarm.OpenPort(cfg)
	if err != nil {
		return nil, err
	}
	if f := tarmFile(p); f != nil {
		if e, err := evented(int(f.Fd()), c.Path, p); err == nil {
			return e, nil
		}
	}
	return &tarmPort{p: p}, nil
}

func (t *tarmPort) Read(b []byte) (int, error) {
	start := time.Now()
	n, err := t.p.Read(b)
	if err != nil && t.closed.Load() {
		return n, errClosed
	}
	if n == 0 && err == io.EOF && time.Since(start) >= pollInterval/2 {
		return 0, nil // VTIME expired without data
	}
	return n, err
}

func (t *tarmPort) Write(b []byte) (int, error) {
	if t.closed.Load() {
		return 0, errClosed
	}
	return t.p.Write(b)
}

func (t *tarmPort) Close() error {
	if t.closed.Swap(true) {
		return nil
	}
	return t.p.Close()
}

func (*tarmPort) polls() {}
