package link

import (
	"context"
	"log/slog"
	"time"

	"github.com/tillwatch/tillwatch/drivers"
)

// Tap reads a device's traffic without taking part: the host's TX line
// and, optionally, the device's TX line on a second port (a Y-cable).
// Nothing is ever written to either port.
type Tap struct {
	// Device names the device for the Sink ("printer", "terminal").
	Device string
	// Host is the port that carries what the register sends (FromHost).
	Host SerialConfig
	// Dev, if set, is the port that carries what the device answers
	// (FromDevice).
	Dev *SerialConfig
	// Now stamps reads and transitions; default time.Now.
	Now func() time.Time
	// Retry is the reopen backoff; zero means 100ms doubling to 5s.
	Retry Backoff
	// Open opens a port; default OpenSerial (and then the configs are
	// validated before Run starts).
	Open Opener
	// Log receives line transitions, once each; default slog.Default().
	Log *slog.Logger
}

// Run reads until ctx is done, then closes its ports and returns nil once
// none of its goroutines is left. It returns an error only for a bad
// configuration; failing ports are reopened forever.
func (t *Tap) Run(ctx context.Context, sink Sink) error {
	lines := []*line{{side: "host", dir: drivers.FromHost, cfg: t.Host}}
	if t.Dev != nil {
		lines = append(lines, &line{side: "device", dir: drivers.FromDevice, cfg: *t.Dev})
	}
	r, err := newRunner(options{kind: "tap", dev: t.Device, now: t.Now, open: t.Open, retry: t.Retry, log: t.Log}, sink, lines)
	if err != nil {
		return err
	}
	return r.run(ctx)
}
