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
	"time"
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

// TestSerialPortContract: a port from OpenSerial returns (0, nil) when no
// byte arrived within the poll interval, and errClosed once closed.
func TestSerialPortContract(t *testing.T) {
	for _, backend := range []string{BackendGoBug, BackendTarm} {
		t.Run(backend, func(t *testing.T) {
			pp := newPTY(t)
			p, err := OpenSerial(SerialConfig{Path: pp.Path, Backend: backend})
			if err != nil {
				t.Fatal(err)
			}
			buf := make([]byte, 16)
			start := time.Now()
			if n, err := p.Read(buf); n != 0 || err != nil {
				t.Fatalf("idle Read = %d, %v; want 0, nil", n, err)
			}
			if d := time.Since(start); d < pollInterval/2 {
				t.Fatalf("idle Read returned after %v, want about %v", d, pollInterval)
			}
			if _, err := p.Write([]byte("\r\n\x11\x13\xff")); err != nil {
				t.Fatal(err)
			}
			if got := readFull(t, pp.Master, 5); string(got) != "\r\n\x11\x13\xff" {
				t.Fatalf("master got %q: output not raw", got)
			}
			if err := p.Close(); err != nil {
				t.Fatal(err)
			}
			if err := p.Close(); err != nil {
				t.Fatalf("second Close: %v", err)
			}
			if _, err := p.Read(buf); !errors.Is(err, errClosed) {
				t.Fatalf("Read after Close: %v", err)
			}
			if _, err := p.Write(buf); !errors.Is(err, errClosed) {
				t.Fatalf("Write after Close: %v", err)
			}
		})
	}
}
