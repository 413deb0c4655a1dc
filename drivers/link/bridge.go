package link

import (
	"context"
	"log/slog"
	"time"

	"github.com/tillwatch/tillwatch/drivers"
)

// Bridge puts the agent between host and device: every read on one side
// is written to the other side at once, byte for byte and unbuffered, and
// reported to the Sink. When one side is down, the other side's bytes
// cannot be forwarded; they are still reported (the agent sees what the
// register tried to print) and the Link Down event names the side.
//
// Writes are plain blocking writes: on a serial port without flow control
// they take the time the bytes need on the wire. A peer that stops reading
// (full buffer, hardware flow control held) stalls the forwarding side.
type Bridge struct {
	// Device names the device for the Sink ("printer", "terminal").
	Device string
	// Host is the port the register is wired to (reads are FromHost).
	Host SerialConfig
	// Dev is the port the device is wired to (reads are FromDevice).
	Dev SerialConfig
	// Now stamps reads and transitions; default time.Now.
	Now func() time.Time
	// Retry is the reopen backoff; zero means 100ms doubling to 5s.
	Retry Backoff
	// Open opens a port; default OpenSerial (and then the configs are
	// validated before Run starts).
	Open Opener
	// Log receives line transitions, once each; default slog.Default().
	Log *slog.Logger
	// Inject, if set, lets the agent write its own jobs to the device
	// while Run is on (receipt reprints).
	Inject *Injector
}

// Run forwards until ctx is done, then closes both ports and returns nil
// once none of its goroutines is left. It returns an error only for a bad
// configuration; failing ports are reopened forever.
func (b *Bridge) Run(ctx context.Context, sink Sink) error {
	host := &line{side: "host", dir: drivers.FromHost, cfg: b.Host}
	dev := &line{side: "device", dir: drivers.FromDevice, cfg: b.Dev}
	host.peer, dev.peer = dev, host
	r, err := newRunner(options{kind: "bridge", dev: b.Device, now: b.Now, open: b.Open, retry: b.Retry, log: b.Log}, sink, []*line{host, dev})
	if err != nil {
		return err
	}
	att := &attachment{r: r, host: host, dev: dev}
	b.Inject.attach(att)
	defer b.Inject.detach(att)
	return r.run(ctx)
}
