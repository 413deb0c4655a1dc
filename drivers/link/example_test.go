package link_test

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/tillwatch/tillwatch/drivers"
	"github.com/tillwatch/tillwatch/drivers/link"
)

// printSink prints what the link saw and ends the run once it saw want
// chunks. onUp, if set, runs when the link comes up.
type printSink struct {
	want int
	stop context.CancelFunc
	onUp func()
}

func (s *printSink) Chunk(dev string, c drivers.Chunk) {
	fmt.Printf("%s %s %q\n", dev, c.Dir, c.Data)
	if s.want--; s.want == 0 {
		s.stop()
	}
}

func (s *printSink) Link(dev string, ev *drivers.Link) {
	fmt.Printf("%s up=%v\n", dev, ev.Up)
	if ev.Up && s.onUp != nil {
		s.onUp()
	}
}

// scriptedPort stands in for a serial port so the examples run anywhere:
// Read returns the scripted chunks, then blocks until Close; Write may
// answer into the port's own input (a device replying).
type scriptedPort struct {
	in     chan []byte
	closed chan struct{}
	once   sync.Once
	answer func(req []byte) []byte
}

func newScripted(answer func([]byte) []byte, chunks ...string) *scriptedPort {
	p := &scriptedPort{in: make(chan []byte, 8), closed: make(chan struct{}), answer: answer}
	for _, c := range chunks {
		p.in <- []byte(c)
	}
	return p
}

func (p *scriptedPort) Read(b []byte) (int, error) {
	select {
	case d := <-p.in:
		return copy(b, d), nil
	case <-p.closed:
		return 0, errors.New("port closed")
	}
}

func (p *scriptedPort) Write(b []byte) (int, error) {
	if p.answer != nil {
		if r := p.answer(b); r != nil {
			p.in <- r
		}
	}
	return len(b), nil
}

func (p *scriptedPort) Close() error {
	p.once.Do(func() { close(p.closed) })
	return nil
}

// opener opens the scripted port of each path.
func opener(ports map[string]*scriptedPort) link.Opener {
	return func(c link.SerialConfig) (link.Port, error) { return ports[c.Path], nil }
}

// A receipt printer tapped with a Y-cable: the register's TX line on a USB
// adapter. On a lane Open stays nil (link.OpenSerial); here a scripted
// port plays the register printing one line.
func ExampleTap() {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	host := "/dev/serial/by-id/usb-FTDI_FT232R_A1-if00-port0"
	tap := &link.Tap{
		Device: "printer",
		Host:   link.SerialConfig{Path: host, Baud: 38400},
		Open:   opener(map[string]*scriptedPort{host: newScripted(nil, "\x1b@TOTAL 20.40\n")}),
		Log:    slog.New(slog.DiscardHandler),
	}
	if err := tap.Run(ctx, &printSink{want: 1, stop: cancel}); err != nil && !errors.Is(err, context.Canceled) {
		fmt.Println(err)
	}
	// Output:
	// printer up=true
	// printer host "\x1b@TOTAL 20.40\n"
}

// A card terminal behind the agent: the register talks to /dev/ttyS0, the
// terminal hangs off a USB adapter; the agent forwards both ways, byte for
// byte, and sees both directions. The scripted terminal ACKs what it gets.
func ExampleBridge() {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	host, dev := "/dev/ttyS0", "/dev/serial/by-id/usb-Prolific_PL2303-if00-port0"
	register := newScripted(nil)
	br := &link.Bridge{
		Device: "terminal",
		Host:   link.SerialConfig{Path: host},
		Dev:    link.SerialConfig{Path: dev, Backend: link.BackendTarm},
		Retry:  link.Backoff{Max: 2 * time.Second},
		Open: opener(map[string]*scriptedPort{
			host: register,
			dev:  newScripted(func([]byte) []byte { return []byte{0x06} }),
		}),
		Log: slog.New(slog.DiscardHandler),
	}
	// The register sends once both ports are open (before that, the
	// bridge could not forward it: the terminal's port was not open yet).
	sink := &printSink{want: 2, stop: cancel, onUp: func() { register.in <- []byte("\x10\x02\x06\x01\x00\x10\x03") }}
	if err := br.Run(ctx, sink); err != nil && !errors.Is(err, context.Canceled) {
		fmt.Println(err)
	}
	// Output:
	// terminal up=true
	// terminal host "\x10\x02\x06\x01\x00\x10\x03"
	// terminal device "\x06"
}
