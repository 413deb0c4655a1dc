package link

import (
	"errors"
	"fmt"
	"io"
	"os"
	"reflect"
	"sync/atomic"
	"unsafe"
)

// eventedPort reads and writes a serial port through Go's network poller
// (epoll on Linux): a Read waits without a thread, a timer or a timeout,
// returns as soon as bytes arrive, and ends when the port is closed. The
// backend (go.bug.st or tarm) opens and configures the port as usual; the
// evented port works on a duplicate of its descriptor in non-blocking
// mode, and closes both.
//
// The poll-interval reads the backends offer instead woke every port 5
// times a second and kept a thread in select(2) per port, which kept the
// Go runtime's monitor awake too: hundreds of context switches a second on
// an idle lane (issue 15).
type eventedPort struct {
	f       *os.File  // the duplicate, registered with the poller
	backend io.Closer // the backend's port, closed after f
	closed  atomic.Bool
}

// Read returns the next bytes. A hang-up (USB adapter unplugged) is an
// error saying so; a read after Close says errClosed.
func (e *eventedPort) Read(b []byte) (int, error) {
	n, err := e.f.Read(b)
	switch {
	case err == nil:
		return n, nil
	case e.closed.Load() || errors.Is(err, os.ErrClosed):
		return n, errClosed
	case errors.Is(err, io.EOF):
		return n, errors.New("hung up (unplugged?)")
	}
	return n, err
}

// Write writes b, waiting in the poller while the output buffer is full.
func (e *eventedPort) Write(b []byte) (int, error) {
	if e.closed.Load() {
		return 0, errClosed
	}
	return e.f.Write(b)
}

// Close releases a pending Read and closes the duplicate, then the
// backend's port. It is idempotent.
func (e *eventedPort) Close() error {
	if e.closed.Swap(true) {
		return nil
	}
	return errors.Join(e.f.Close(), e.backend.Close())
}

// gobugFD returns the descriptor of a go.bug.st port (its unexported
// handle field: the library offers no accessor). TestEventedBackends
// fails when a new version renames it; the port then polls.
func gobugFD(p any) (int, bool) {
	v := reflect.ValueOf(p)
	if v.Kind() != reflect.Pointer || v.Elem().Kind() != reflect.Struct {
		return 0, false
	}
	h := v.Elem().FieldByName("handle")
	if !h.IsValid() || h.Kind() != reflect.Int {
		return 0, false
	}
	return int(h.Int()), true
}

// tarmFile returns the *os.File of a tarm port (its unexported f field),
// or nil; see gobugFD.
func tarmFile(p any) *os.File {
	v := reflect.ValueOf(p)
	if v.Kind() != reflect.Pointer || v.Elem().Kind() != reflect.Struct {
		return nil
	}
	f := v.Elem().FieldByName("f")
	if !f.IsValid() || f.Type() != reflect.TypeOf((*os.File)(nil)) || f.IsNil() {
		return nil
	}
	return (*os.File)(unsafe.Pointer(f.Pointer()))
}

// evented returns an evented port on fd, or an error when the platform
// has no poller for it (the caller then keeps the polling port).
func evented(fd int, name string, backend io.Closer) (Port, error) {
	f, err := pollable(fd, name)
	if err != nil {
		return nil, fmt.Errorf("link: %s: no event-driven reads: %w", name, err)
	}
	return &eventedPort{f: f, backend: backend}, nil
}
