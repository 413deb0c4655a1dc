package link

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/tillwatch/tillwatch/drivers"
)

// BackendGadget names a USB printer gadget device file (/dev/g_printer0):
// the printer a Linux board in USB device mode presents to the register.
const BackendGadget = "gadget"

// USBGadget puts a Linux board (a Raspberry Pi 4/5 with its USB-C port in
// device mode) inline on USB: the register PC sees the board as its USB
// receipt printer (the kernel's printer gadget function, /dev/g_printer0,
// set up by packaging/usbgadget/tillwatch-gadget with the real printer's
// VID:PID and IEEE 1284 device ID) and the agent forwards every byte to the
// real printer on the board's USB host port (/dev/usb/lp0) and the
// printer's answers (ESC/POS status replies, ASB) back, reporting both
// directions to the Sink.
//
// The USB printer class status the register's driver asks for out of band
// (GET_PORT_STATUS: selected, paper empty, error) is copied from the real
// printer (LPGETSTATUS) to the gadget every StatusEvery; while the printer
// is unplugged the gadget reports it offline.
//
// While the printer is down the agent does not read what the register
// sends: the job waits in the gadget's queue and then in the register's
// spooler (USB flow control), and prints when the printer is back, as with
// a printer that is switched off. Answers for the register that it does
// not read are dropped after a short wait.
type USBGadget struct {
	// Device names the device for the Sink ("printer").
	Device string
	// Gadget is the printer gadget's device file, e.g. /dev/g_printer0.
	Gadget string
	// Path is the real printer's device file, e.g. /dev/usb/lp0 or a
	// udev symlink to it.
	Path string
	// StatusEvery is how often the printer's port status is copied to the
	// gadget; zero means 1s, negative turns the copy off.
	StatusEvery time.Duration
	// OpenGadget and OpenPrinter open the two device files; defaults
	// OpenGadgetFile and OpenLP. Tests stand ptys in.
	OpenGadget, OpenPrinter Opener
	// Now stamps reads and transitions; default time.Now.
	Now func() time.Time
	// Retry is the reopen backoff; zero means 100ms doubling to 5s.
	Retry Backoff
	// Log receives line transitions, once each; default slog.Default().
	Log *slog.Logger
	// Inject, if set, lets the agent write its own jobs to the printer
	// while Run is on (receipt reprints).
	Inject *Injector
}

// PortStatus bits of the USB printer class GET_PORT_STATUS answer (IEEE
// 1284 status lines), as usblp reports them and the gadget answers them.
const (
	StatusNotError   byte = 0x08
	StatusSelected   byte = 0x10
	StatusPaperEmpty byte = 0x20
	statusMask            = StatusNotError | StatusSelected | StatusPaperEmpty
)

// StatusReader is a printer port that reports its USB port status.
type StatusReader interface {
	PortStatus() (byte, error)
}

// StatusWriter is a gadget port whose port status the register's driver
// reads.
type StatusWriter interface {
	SetPortStatus(byte) error
}

// Run forwards until ctx is done, then closes both device files and
// returns nil once none of its goroutines is left. It returns an error only
// for a bad configuration.
func (u *USBGadget) Run(ctx context.Context, sink Sink) error {
	switch {
	case u.Gadget == "":
		return fmt.Errorf("link: usbgadget %s: empty Gadget", u.Device)
	case u.Path == "":
		return fmt.Errorf("link: usbgadget %s: empty Path", u.Device)
	}
	openGadget, openPrinter := u.OpenGadget, u.OpenPrinter
	if openGadget == nil {
		openGadget = OpenGadgetFile
	}
	if openPrinter == nil {
		openPrinter = OpenLP
	}
	g := newGate()
	dev := &line{side: "device", dir: drivers.FromDevice, cfg: SerialConfig{Path: u.Path, Backend: BackendUSBLP}, open: openPrinter}
	host := &line{side: "host", dir: drivers.FromHost, cfg: SerialConfig{Path: u.Gadget, Backend: BackendGadget}, open: g.wrap(openGadget)}
	host.peer, dev.peer = dev, host
	dev.onState = g.set
	r, err := newRunner(options{kind: "usbgadget", dev: u.Device, now: u.Now, open: noOpen, retry: u.Retry, log: u.Log}, sink, []*line{host, dev})
	if err != nil {
		return err
	}
	att := &attachment{r: r, host: host, dev: dev}
	u.Inject.attach(att)
	defer u.Inject.detach(att)
	every := u.StatusEvery
	if every == 0 {
		every = time.Second
	}
	return r.runWith(ctx, func(ctx context.Context) {
		var wg sync.WaitGroup
		wg.Go(func() { host.run(ctx, r) })
		wg.Go(func() { dev.run(ctx, r) })
		if every > 0 {
			wg.Go(func() { mirrorStatus(ctx, r.log, host, dev, every) })
		}
		wg.Wait()
	})
}

// mirrorStatus copies the printer's port status to the gadget every tick,
// when it changed or the gadget was reopened; with the printer down the
// gadget says offline (not selected, error). A port that cannot report or
// take a status (a pty in tests, an old kernel) is left alone.
func mirrorStatus(ctx context.Context, log *slog.Logger, host, dev *line, every time.Duration) {
	t := time.NewTicker(every)
	defer t.Stop()
	var lastGadget *guarded
	var last byte
	warned := false
	for {
		if hg := host.cur.Load(); hg != nil {
			st, ok := byte(0), true // printer down: offline, error
			if dg := dev.cur.Load(); dg != nil {
				st, ok = readStatus(dg)
			}
			w, canSet := hg.p.(StatusWriter)
			if ok && canSet && (hg != lastGadget || st != last) {
				if err := w.SetPortStatus(st); err != nil {
					if !warned && !errors.Is(err, errNoStatus) {
						log.Warn("link: cannot set the gadget's port status", "err", err)
						warned = true
					}
				} else {
					lastGadget, last = hg, st
				}
			}
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

// readStatus asks an open printer port for its port status; ok is false
// when it cannot tell.
func readStatus(g *guarded) (byte, bool) {
	r, ok := g.p.(StatusReader)
	if !ok {
		return 0, false
	}
	st, err := r.PortStatus()
	if err != nil {
		return 0, false
	}
	return st & statusMask, true
}

// gate holds the register side's reads while the printer is down, so a
// job waits in the register's spooler instead of being read and lost.
type gate struct {
	mu   sync.Mutex
	open chan struct{} // closed while the printer is up
}

func newGate() *gate { return &gate{open: make(chan struct{})} }

// set records the printer line going up or down.
func (g *gate) set(up bool) {
	g.mu.Lock()
	defer g.mu.Unlock()
	select {
	case <-g.open:
		if !up {
			g.open = make(chan struct{})
		}
	default:
		if up {
			close(g.open)
		}
	}
}

// wait returns a channel closed while the printer is up.
func (g *gate) wait() <-chan struct{} {
	g.mu.Lock()
	defer g.mu.Unlock()
	return g.open
}

// wrap makes an Opener whose ports read only while the gate is open.
func (g *gate) wrap(open Opener) Opener {
	return func(cfg SerialConfig) (Port, error) {
		p, err := open(cfg)
		if err != nil {
			return nil, err
		}
		return &gatedPort{Port: p, g: g, closed: make(chan struct{})}, nil
	}
}

// gatedPort is a register-side port that reads only while the printer is
// up. It passes a status setter through.
type gatedPort struct {
	Port
	g      *gate
	once   sync.Once
	closed chan struct{}
}

func (p *gatedPort) Read(b []byte) (int, error) {
	select {
	case <-p.g.wait():
		return p.Port.Read(b)
	case <-p.closed:
		return 0, errClosed
	}
}

func (p *gatedPort) Close() error {
	p.once.Do(func() { close(p.closed) })
	return p.Port.Close()
}

// SetPortStatus sets the wrapped port's status, if it has one.
func (p *gatedPort) SetPortStatus(st byte) error {
	w, ok := p.Port.(StatusWriter)
	if !ok {
		return errNoStatus
	}
	return w.SetPortStatus(st)
}
