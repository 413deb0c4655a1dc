//go:build !windows

package link

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
)

func TestSerialConfigValidate(t *testing.T) {
	tests := []struct {
		name string
		cfg  SerialConfig
		want string // substring of the error; "" = valid
	}{
		{"defaults", SerialConfig{Path: "/dev/ttyUSB0"}, ""},
		{"full", SerialConfig{Path: "COM3", Backend: "tarm", Baud: 115200, DataBits: 7, Parity: "even", StopBits: 2}, ""},
		{"no path", SerialConfig{}, "empty 'path'"},
		{"backend", SerialConfig{Path: "/dev/x", Backend: "serial"}, `invalid 'backend' "serial"`},
		{"baud", SerialConfig{Path: "/dev/x", Baud: -1}, "invalid 'baud' -1"},
		{"data bits", SerialConfig{Path: "/dev/x", DataBits: 9}, "invalid 'data_bits' 9"},
		{"parity", SerialConfig{Path: "/dev/x", Parity: "mark"}, `invalid 'parity' "mark"`},
		{"stop bits", SerialConfig{Path: "/dev/x", StopBits: 3}, "invalid 'stop_bits' 3"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.cfg.Validate()
			if tt.want == "" {
				if err != nil {
					t.Fatalf("Validate: %v", err)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tt.want) || !strings.HasPrefix(err.Error(), "link: ") {
				t.Fatalf("Validate = %v, want an error with %q", err, tt.want)
			}
		})
	}
	d := SerialConfig{Path: "p"}.WithDefaults()
	if d != (SerialConfig{Path: "p", Backend: "gobug", Baud: 9600, DataBits: 8, Parity: "none", StopBits: 1}) {
		t.Fatalf("WithDefaults = %+v", d)
	}
}

func TestClassify(t *testing.T) {
	path := func(e error) error { return &fs.PathError{Op: "open", Path: "/dev/ttyUSB0", Err: e} }
	tests := []struct {
		err  error
		want error
	}{
		{path(syscall.EACCES), ErrPermission},
		{path(syscall.EBUSY), ErrBusy},
		{path(syscall.ENOENT), ErrNotFound},
		{syscall.ENODEV, ErrNotFound},
		{fmt.Errorf("x: %w", syscall.ENXIO), ErrNotFound},
		{path(syscall.EIO), nil},
		{errors.New("Unrecognized baud rate"), nil},
	}
	for _, tt := range tests {
		if got := classify(tt.err); got != tt.want {
			t.Errorf("classify(%v) = %v, want %v", tt.err, got, tt.want)
		}
	}
}

func TestOpenErrorText(t *testing.T) {
	tests := []struct {
		kind error
		want string
	}{
		{ErrPermission, "dialout"},
		{ErrBusy, "another program"},
		{ErrNotFound, "unplugged"},
	}
	for _, tt := range tests {
		e := &OpenError{Path: "/dev/ttyACM0", Backend: "tarm", Kind: tt.kind, Err: syscall.EIO}
		msg := e.Error()
		if !strings.HasPrefix(msg, "link: open /dev/ttyACM0 (tarm): ") || !strings.Contains(msg, tt.want) {
			t.Errorf("Error() = %q, want path, backend and %q", msg, tt.want)
		}
		if !errors.Is(e, tt.kind) || !errors.Is(e, syscall.EIO) {
			t.Errorf("%v: errors.Is loses the kind or the cause", e)
		}
	}
}

// TestOpenSerialErrors opens what is not a usable port with both backends.
func TestOpenSerialErrors(t *testing.T) {
	dir := t.TempDir()
	plain := filepath.Join(dir, "not-a-tty")
	if err := os.WriteFile(plain, []byte("x"), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, backend := range []string{BackendGoBug, BackendTarm} {
		for _, tt := range []struct {
			path string
			kind error
		}{
			{filepath.Join(dir, "ttyUSB9"), ErrNotFound},
			{plain, nil},
		} {
			p, err := OpenSerial(SerialConfig{Path: tt.path, Backend: backend})
			if err == nil {
				p.Close()
				t.Fatalf("%s %s: opened", backend, tt.path)
			}
			var oe *OpenError
			if !errors.As(err, &oe) || oe.Path != tt.path || oe.Backend != backend || oe.Kind != tt.kind {
				t.Fatalf("%s %s: %v (%#v), want an OpenError of kind %v", backend, tt.path, err, oe, tt.kind)
			}
			if !strings.Contains(err.Error(), tt.path) || !strings.Contains(err.Error(), backend) {
				t.Fatalf("%q does not name path and backend", err)
			}
		}
	}
	if _, err := OpenSerial(SerialConfig{Path: plain, Parity: "space"}); err == nil || !strings.Contains(err.Error(), "'parity'") {
		t.Fatalf("bad parity: %v", err)
	}
}

// TestSerialPortContract: on Linux a port from OpenSerial is event-driven
// with either backend: a Read waits for bytes (no poll interval), Close
// releases a pending Read with errClosed, output is raw, and a hang-up
// (the USB adapter unplugged; here the pty's other side closing) ends a
// Read with an error.
func TestSerialPortContract(t *testing.T) {
	for _, backend := range []string{BackendGoBug, BackendTarm} {
		t.Run(backend, func(t *testing.T) {
			pp := newPTY(t)
			p, err := OpenSerial(SerialConfig{Path: pp.Path, Backend: backend})
			if err != nil {
				t.Fatal(err)
			}
			if _, ok := p.(*eventedPort); !ok {
				t.Fatalf("OpenSerial returned a %T, want an evented port (did the backend rename its descriptor field?)", p)
			}
			type res struct {
				b   []byte
				err error
			}
			read := func() <-chan res {
				c := make(chan res, 1)
				go func() {
					buf := make([]byte, 16)
					n, err := p.Read(buf)
					c <- res{buf[:n], err}
				}()
				return c
			}
			got := read()
			if _, err := pp.Master.Write([]byte("hi")); err != nil {
				t.Fatal(err)
			}
			if r := <-got; string(r.b) != "hi" || r.err != nil {
				t.Fatalf("Read = %q, %v; want hi", r.b, r.err)
			}
			if _, err := p.Write([]byte("\r\n\x11\x13\xff")); err != nil {
				t.Fatal(err)
			}
			if got := readFull(t, pp.Master, 5); string(got) != "\r\n\x11\x13\xff" {
				t.Fatalf("master got %q: output not raw", got)
			}
			pending := read()
			if err := p.Close(); err != nil {
				t.Fatal(err)
			}
			if r := <-pending; !errors.Is(r.err, errClosed) {
				t.Fatalf("pending Read after Close: %v, want errClosed", r.err)
			}
			if err := p.Close(); err != nil {
				t.Fatalf("second Close: %v", err)
			}
			if _, err := p.Write([]byte("x")); !errors.Is(err, errClosed) {
				t.Fatalf("Write after Close: %v", err)
			}

			// A hang-up ends a pending Read with an error.
			q, err := OpenSerial(SerialConfig{Path: pp.Path, Backend: backend})
			if err != nil {
				t.Fatal(err)
			}
			defer q.Close()
			p = q
			pending = read()
			pp.close()
			if r := <-pending; r.err == nil || errors.Is(r.err, errClosed) {
				t.Fatalf("Read after hang-up: %q, %v; want a hang-up error", r.b, r.err)
			}
		})
	}
}
