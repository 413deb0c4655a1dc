package link

import (
	"errors"
	"fmt"
	"io"
	"time"
)

// Port is what a backend opens: a byte stream to one line of a device.
// Read may return (0, nil) when a poll interval passed without data.
// Close must release a pending Read, or Read must return by itself within
// a short poll interval (serial ports opened by OpenSerial do both).
type Port interface {
	io.ReadWriteCloser
}

// Opener opens a Port for a config. OpenSerial is the default; tests and
// tools plug in other openers (a pty, a TCP connection, a recording).
type Opener func(SerialConfig) (Port, error)

// Backend names accepted in SerialConfig.Backend.
const (
	BackendGoBug = "gobug" // go.bug.st/serial (default)
	BackendTarm  = "tarm"  // github.com/tarm/serial
)

// Parity names accepted in SerialConfig.Parity.
const (
	ParityNone = "none"
	ParityEven = "even"
	ParityOdd  = "odd"
)

// pollInterval bounds how long a serial Read blocks, so a reader notices a
// cancelled context even where Close cannot release a Read (tarm on Linux).
const pollInterval = 200 * time.Millisecond

// SerialConfig says which serial port to open and how.
type SerialConfig struct {
	// Path is the port, e.g. /dev/ttyUSB0, a /dev/serial/by-id/...
	// symlink (followed on every open) or COM3.
	Path string `yaml:"path" json:"path"`
	// Backend is "gobug" (default) or "tarm".
	Backend string `yaml:"backend,omitempty" json:"backend,omitempty"`
	// Baud is the bit rate; default 9600.
	Baud int `yaml:"baud,omitempty" json:"baud,omitempty"`
	// DataBits is 5, 6, 7 or 8; default 8.
	DataBits int `yaml:"data_bits,omitempty" json:"data_bits,omitempty"`
	// Parity is "none" (default), "even" or "odd".
	Parity string `yaml:"parity,omitempty" json:"parity,omitempty"`
	// StopBits is 1 (default) or 2.
	StopBits int `yaml:"stop_bits,omitempty" json:"stop_bits,omitempty"`
}

// WithDefaults returns the config with empty fields set to their defaults
// (gobug, 9600 8N1).
func (c SerialConfig) WithDefaults() SerialConfig {
	if c.Backend == "" {
		c.Backend = BackendGoBug
	}
	if c.Baud == 0 {
		c.Baud = 9600
	}
	if c.DataBits == 0 {
		c.DataBits = 8
	}
	if c.Parity == "" {
		c.Parity = ParityNone
	}
	if c.StopBits == 0 {
		c.StopBits = 1
	}
	return c
}

// Validate reports the first invalid field, quoting it. Empty fields are
// valid (they take defaults).
func (c SerialConfig) Validate() error {
	d := c.WithDefaults()
	switch {
	case d.Path == "":
		return errors.New("link: serial: empty 'path'")
	case d.Backend != BackendGoBug && d.Backend != BackendTarm:
		return fmt.Errorf("link: serial %s: invalid 'backend' %q (want %q or %q)", d.Path, c.Backend, BackendGoBug, BackendTarm)
	case d.Baud < 0:
		return fmt.Errorf("link: serial %s: invalid 'baud' %d", d.Path, c.Baud)
	case d.DataBits < 5 || d.DataBits > 8:
		return fmt.Errorf("link: serial %s: invalid 'data_bits' %d (want 5..8)", d.Path, c.DataBits)
	case d.Parity != ParityNone && d.Parity != ParityEven && d.Parity != ParityOdd:
		return fmt.Errorf("link: serial %s: invalid 'parity' %q (want none, even or odd)", d.Path, c.Parity)
	case d.StopBits != 1 && d.StopBits != 2:
		return fmt.Errorf("link: serial %s: invalid 'stop_bits' %d (want 1 or 2)", d.Path, c.StopBits)
	}
	return nil
}

// OpenSerial opens a serial port with the configured backend. The port's
// Read returns (0, nil) after a short poll interval without data.
// Errors are *OpenError naming the path and backend; errors.Is tells
// ErrPermission, ErrBusy and ErrNotFound apart.
func OpenSerial(cfg SerialConfig) (Port, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	c := cfg.WithDefaults()
	var (
		p   Port
		err error
	)
	switch c.Backend {
	case BackendTarm:
		p, err = openTarm(c)
	default:
		p, err = openGoBug(c)
	}
	if err != nil {
		return nil, newOpenError(c, err)
	}
	return p, nil
}
