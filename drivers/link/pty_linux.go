package link

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/creack/pty"
	"golang.org/x/sys/unix"
)

// ptyWriteWait is how long a write to the virtual port may wait for the
// register to read before the bytes are dropped.
const ptyWriteWait = 500 * time.Millisecond

// OpenPTYLink creates a pseudo-terminal in raw mode (8-bit clean, no
// echo, no CR/LF mapping, no XON/XOFF) and publishes its slave at
// cfg.Path as a symlink, replacing what was there. The returned Port reads
// and writes the master; the agent keeps the slave open too, so the
// register may open and close the path as often as it likes. Close
// removes the symlink if it still points at this pty.
func OpenPTYLink(cfg SerialConfig) (Port, error) {
	m, s, err := pty.Open()
	if err != nil {
		return nil, &OpenError{Path: cfg.Path, Backend: BackendPTY, Err: err}
	}
	p := &ptyPort{m: m, s: s, link: cfg.Path}
	if err := p.publish(); err != nil {
		_ = m.Close()
		_ = s.Close()
		return nil, &OpenError{Path: cfg.Path, Backend: BackendPTY, Kind: classify(err), Err: err}
	}
	return p, nil
}

// ptyPort is the master of a published pseudo-terminal.
type ptyPort struct {
	m, s *os.File
	link string
}

// publish puts the slave in raw mode and points the symlink at it,
// atomically (a temporary link renamed over the old one).
func (p *ptyPort) publish() error {
	if err := rawMode(p.s); err != nil {
		return err
	}
	if err := os.MkdirAll(filepath.Dir(p.link), 0o755); err != nil {
		return err
	}
	tmp := p.link + ".new"
	_ = os.Remove(tmp)
	if err := os.Symlink(p.s.Name(), tmp); err != nil {
		return err
	}
	if err := os.Rename(tmp, p.link); err != nil {
		_ = os.Remove(tmp)
		return err
	}
	return nil
}

// rawMode is cfmakeraw(3) on f's terminal.
func rawMode(f *os.File) error {
	sc, err := f.SyscallConn()
	if err != nil {
		return err
	}
	var terr error
	err = sc.Control(func(fd uintptr) {
		t, err := unix.IoctlGetTermios(int(fd), unix.TCGETS)
		if err != nil {
			terr = err
			return
		}
		t.Iflag &^= unix.IGNBRK | unix.BRKINT | unix.PARMRK | unix.ISTRIP | unix.INLCR | unix.IGNCR | unix.ICRNL | unix.IXON | unix.IXOFF
		t.Oflag &^= unix.OPOST
		t.Lflag &^= unix.ECHO | unix.ECHONL | unix.ICANON | unix.ISIG | unix.IEXTEN
		t.Cflag &^= unix.CSIZE | unix.PARENB
		t.Cflag |= unix.CS8
		t.Cc[unix.VMIN], t.Cc[unix.VTIME] = 1, 0
		terr = unix.IoctlSetTermios(int(fd), unix.TCSETS, t)
	})
	if err != nil {
		return err
	}
	if terr != nil {
		return fmt.Errorf("raw mode: %w", terr)
	}
	return nil
}

func (p *ptyPort) Read(b []byte) (int, error) { return p.m.Read(b) }

// Write drops what the register does not read within ptyWriteWait (no
// register attached, or one that stopped reading), as a serial wire with
// nothing plugged in would.
func (p *ptyPort) Write(b []byte) (int, error) {
	if err := p.m.SetWriteDeadline(time.Now().Add(ptyWriteWait)); err != nil {
		return 0, err
	}
	n, err := p.m.Write(b)
	if errors.Is(err, os.ErrDeadlineExceeded) {
		return len(b), nil
	}
	return n, err
}

// Close removes the symlink (if it still points here) and closes both
// ends.
func (p *ptyPort) Close() error {
	var errs []error
	if target, err := os.Readlink(p.link); err == nil && target == p.s.Name() {
		if err := os.Remove(p.link); err != nil {
			errs = append(errs, err)
		}
	}
	errs = append(errs, p.m.Close(), p.s.Close())
	return errors.Join(errs...)
}
