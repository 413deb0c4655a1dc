package videofeed

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"strings"
	"sync"
	"time"

	"github.com/tillwatch/tillwatch/agent/detect"
	"github.com/tillwatch/tillwatch/agent/words"
	"github.com/tillwatch/tillwatch/drivers"
)

// Modes a feed may use.
var Modes = []string{"tcp-client", "tcp-server", "udp"}

// Config is one recorder feed.
type Config struct {
	Name string
	// Mode: tcp-client (we connect to the recorder's Address),
	// tcp-server (the recorder connects to us on Address), udp (datagrams
	// to Address).
	Mode    string
	Address string
	// Start, LineEnd and End frame a transaction; LineEnd defaults to
	// "\r\n".
	Start, LineEnd, End string
	// Encoding is utf-8 (default), gbk or latin1.
	Encoding string
	// Lang and Loc are the alert lines' language and the receipt times'
	// zone.
	Lang words.Lang
	Loc  *time.Location
	// Receipts and Alerts choose what is sent.
	Receipts, Alerts bool
	// Device, when set, sends only this printer's receipts.
	Device string
}

// queueLen bounds the frames waiting for the recorder.
const queueLen = 256

// maxDatagram keeps UDP frames below a typical path MTU.
const maxDatagram = 1400

// Feed sends one lane's text to one recorder. Events and Alert queue
// frames (never blocking); Run sends them until its context is done.
type Feed struct {
	cfg  Config
	enc  encoder
	log  *slog.Logger
	mu   sync.Mutex
	q    [][]byte
	lost int
	wake chan struct{}
}

// New checks cfg and returns its feed.
func New(cfg Config, log *slog.Logger) (*Feed, error) {
	enc, err := newEncoder(cfg.Encoding)
	if err != nil {
		return nil, err
	}
	switch cfg.Mode {
	case "tcp-client", "tcp-server", "udp":
	default:
		return nil, fmt.Errorf("videofeed: %s: mode %q: want %s", cfg.Name, cfg.Mode, strings.Join(Modes, ", "))
	}
	if cfg.Address == "" {
		return nil, fmt.Errorf("videofeed: %s: address is required", cfg.Name)
	}
	if cfg.LineEnd == "" {
		cfg.LineEnd = "\r\n"
	}
	if cfg.Loc == nil {
		cfg.Loc = time.Local
	}
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	return &Feed{cfg: cfg, enc: enc, log: log, wake: make(chan struct{}, 1)}, nil
}

// Events queues the receipts among evs.
func (f *Feed) Events(evs []drivers.Event) {
	if !f.cfg.Receipts {
		return
	}
	for _, ev := range evs {
		r, ok := ev.(*drivers.Receipt)
		if !ok || r == nil || len(r.Lines) == 0 || (f.cfg.Device != "" && r.Device != f.cfg.Device) {
			continue
		}
		lines := make([]string, 0, len(r.Lines))
		for _, l := range r.Lines {
			if t := strings.TrimRight(l.Text, " "); t != "" {
				lines = append(lines, t)
			}
		}
		f.push(f.frame(lines))
	}
}

// Alert queues an alert line: "!! CARD PAID, NO RECEIPT CNY 35.50".
func (f *Feed) Alert(al detect.Alert) {
	if !f.cfg.Alerts {
		return
	}
	f.push(f.frame([]string{AlertLine(al, f.cfg.Lang)}))
}

// AlertLine is the overlay line of an alert: "!! " and the title in
// capitals with the amount, "OK " for a resolved one.
func AlertLine(al detect.Alert, lang words.Lang) string {
	mark := "!! "
	if al.State == detect.Resolved {
		mark = "OK "
	}
	line := mark + strings.ToUpper(words.Title(al.Kind, al.State, lang))
	cur := al.Currency
	switch {
	case al.Payment != nil && al.Payment.Amount != 0:
		if al.Payment.Currency != "" {
			cur = al.Payment.Currency
		}
		line += " " + words.Money(al.Payment.Amount, cur, words.EN)
	case al.Receipt != nil && al.Receipt.CardTender != nil:
		line += " " + words.Money(*al.Receipt.CardTender, cur, words.EN)
	}
	if al.Lane != "" {
		line += " @" + al.Lane
	}
	return line
}

// frame is Start, each line and LineEnd, End, masked and encoded.
func (f *Feed) frame(lines []string) []byte {
	var b strings.Builder
	b.WriteString(f.cfg.Start)
	for _, l := range lines {
		b.WriteString(mask(l))
		b.WriteString(f.cfg.LineEnd)
	}
	b.WriteString(f.cfg.End)
	return f.enc(b.String())
}

func (f *Feed) push(frame []byte) {
	f.mu.Lock()
	if len(f.q) >= queueLen {
		f.q = f.q[1:]
		f.lost++
	}
	f.q = append(f.q, frame)
	f.mu.Unlock()
	select {
	case f.wake <- struct{}{}:
	default:
	}
}

// take removes the queued frames.
func (f *Feed) take() [][]byte {
	f.mu.Lock()
	defer f.mu.Unlock()
	q := f.q
	f.q = nil
	return q
}

// Lost counts frames dropped while the recorder was away.
func (f *Feed) Lost() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.lost
}

// Run sends frames until ctx is done. A feed that cannot start (its port
// is taken, the recorder's name does not resolve yet at store power-up)
// says why and tries again with backoff: the overlay is an extra, so it
// never ends Run with an error that would stop the lane's agent.
func (f *Feed) Run(ctx context.Context) error {
	start := f.dial
	switch f.cfg.Mode {
	case "tcp-server":
		start = f.serve
	case "udp":
		start = f.udp
	}
	wait := time.Second
	for n := 0; ctx.Err() == nil; n++ {
		err := start(ctx)
		if err == nil || ctx.Err() != nil {
			return nil
		}
		// The first failure and then one in ten say so at WARN (about
		// every ten minutes once the backoff has grown); the rest at DEBUG.
		log := f.log.Debug
		if n%10 == 0 {
			log = f.log.Warn
		}
		log("videofeed: feed not running", "feed", f.cfg.Name, "error", err, "retry_in", wait, "attempt", n+1)
		select {
		case <-ctx.Done():
		case <-time.After(wait):
		}
		wait = min(wait*2, time.Minute)
	}
	return nil
}

// dial keeps a connection to the recorder, reconnecting with backoff.
func (f *Feed) dial(ctx context.Context) error {
	wait := time.Second
	for n := 0; ctx.Err() == nil; n++ {
		var d net.Dialer
		conn, err := d.DialContext(ctx, "tcp", f.cfg.Address)
		if err != nil {
			// WARN the first time and about every ten minutes after
			// (one in ten once the backoff is a minute); DEBUG between.
			log := f.log.Debug
			if n%10 == 0 {
				log = f.log.Warn
			}
			log("videofeed: recorder not reachable", "feed", f.cfg.Name, "address", f.cfg.Address, "error", err, "retry_in", wait, "attempt", n+1)
			select {
			case <-ctx.Done():
			case <-time.After(wait):
			}
			wait = min(wait*2, time.Minute)
			continue
		}
		wait, n = time.Second, -1
		// A recorder that stops reading blocks a write for good: closing
		// the connection when ctx ends is what unblocks it.
		stop := context.AfterFunc(ctx, func() { conn.Close() })
		err = f.pump(ctx, func(b []byte) error { _, err := conn.Write(b); return err })
		stop()
		conn.Close()
		if err != nil && ctx.Err() == nil {
			f.log.Warn("videofeed: recorder connection lost", "feed", f.cfg.Name, "error", err)
		}
	}
	return nil
}

// requeue puts back frames a failed write left unsent, oldest first.
func (f *Feed) requeue(frames [][]byte) {
	f.mu.Lock()
	f.q = append(frames, f.q...)
	if n := len(f.q) - queueLen; n > 0 {
		f.q = f.q[n:]
		f.lost += n
	}
	f.mu.Unlock()
}

// errNoRecorder says no recorder is connected yet: frames wait.
var errNoRecorder = errors.New("videofeed: no recorder connected")

// pump writes queued frames with write until it fails or ctx is done.
func (f *Feed) pump(ctx context.Context, write func([]byte) error) error {
	for {
		frames := f.take()
		for i, fr := range frames {
			if err := write(fr); err != nil {
				f.requeue(frames[i:])
				if errors.Is(err, errNoRecorder) {
					break
				}
				return err
			}
		}
		select {
		case <-ctx.Done():
			return nil
		case <-f.wake:
		}
	}
}

// udp sends each frame as datagrams (split at line ends above
// maxDatagram).
func (f *Feed) udp(ctx context.Context) error {
	conn, err := net.Dial("udp", f.cfg.Address)
	if err != nil {
		return fmt.Errorf("videofeed: %s: %w", f.cfg.Name, err)
	}
	defer conn.Close()
	return f.pump(ctx, func(b []byte) error {
		for len(b) > 0 {
			n := len(b)
			if n > maxDatagram {
				n = maxDatagram
				if i := lastIndex(b[:n], []byte(f.cfg.LineEnd)); i > 0 {
					n = i + len(f.cfg.LineEnd)
				}
			}
			if _, err := conn.Write(b[:n]); err != nil {
				// A recorder that is away refuses datagrams: drop, go on.
				f.log.Debug("videofeed: datagram not sent", "feed", f.cfg.Name, "error", err)
			}
			b = b[n:]
		}
		return nil
	})
}

func lastIndex(b, sep []byte) int {
	if len(sep) == 0 {
		return -1
	}
	return strings.LastIndex(string(b), string(sep))
}

// serve accepts recorders and sends every frame to each connected one.
func (f *Feed) serve(ctx context.Context) error {
	var lc net.ListenConfig
	ln, err := lc.Listen(ctx, "tcp", f.cfg.Address)
	if err != nil {
		return fmt.Errorf("videofeed: %s: listen: %w", f.cfg.Name, err)
	}
	f.log.Info("videofeed: waiting for the recorder", "feed", f.cfg.Name, "address", ln.Addr().String())
	// The accept loop is owned here: it ends when the listener closes (at
	// ctx's end), and serve waits for it, so a recorder accepted while the
	// feed stops is closed rather than left connected.
	var mu sync.Mutex
	conns := map[net.Conn]bool{}
	stopped := false
	var wg sync.WaitGroup
	wg.Add(1)
	stop := context.AfterFunc(ctx, func() { ln.Close() })
	go func() {
		defer wg.Done()
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			mu.Lock()
			if stopped {
				mu.Unlock()
				c.Close()
				return
			}
			conns[c] = true
			mu.Unlock()
			f.log.Info("videofeed: recorder connected", "feed", f.cfg.Name, "from", c.RemoteAddr().String())
			select {
			case f.wake <- struct{}{}:
			default:
			}
		}
	}()
	err = f.pump(ctx, func(b []byte) error {
		mu.Lock()
		defer mu.Unlock()
		if len(conns) == 0 {
			return errNoRecorder
		}
		for c := range conns {
			_ = c.SetWriteDeadline(time.Now().Add(5 * time.Second))
			if _, err := c.Write(b); err != nil {
				c.Close()
				delete(conns, c)
			}
		}
		return nil
	})
	stop()
	ln.Close()
	mu.Lock()
	stopped = true
	for c := range conns {
		c.Close()
	}
	mu.Unlock()
	wg.Wait()
	if errors.Is(err, net.ErrClosed) {
		return nil
	}
	return err
}
