//go:build !windows

package link

import (
	"context"
	"errors"
	"io"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/tillwatch/tillwatch/drivers"
)

// pipePort is a Port whose Read blocks until data is written to it or it
// is closed; it never polls. Writes go to write.
type pipePort struct {
	pr      *io.PipeReader
	pw      *io.PipeWriter
	write   func([]byte) (int, error)
	reading *atomic.Int32
	closes  *atomic.Int32
}

func newPipePort(reading, closes *atomic.Int32, write func([]byte) (int, error)) *pipePort {
	pr, pw := io.Pipe()
	return &pipePort{pr: pr, pw: pw, write: write, reading: reading, closes: closes}
}

func (p *pipePort) Read(b []byte) (int, error) {
	p.reading.Add(1)
	defer p.reading.Add(-1)
	return p.pr.Read(b)
}

func (p *pipePort) Write(b []byte) (int, error) { return p.write(b) }

func (p *pipePort) Close() error {
	p.closes.Add(1)
	return p.pr.Close()
}

// pollPort is a pipePort whose Read returns (0, nil) every millisecond
// without data, like the serial backends. Such a port must never be closed
// while a Read runs: closeDuringRead counts violations.
type pollPort struct {
	*pipePort
	data            chan []byte
	closed          chan struct{}
	once            sync.Once
	closeDuringRead *atomic.Int32
}

func (*pollPort) polls() {}

func (p *pollPort) Read(b []byte) (int, error) {
	p.reading.Add(1)
	defer p.reading.Add(-1)
	select {
	case d := <-p.data:
		return copy(b, d), nil
	case <-p.closed:
		return 0, errClosed
	case <-time.After(time.Millisecond):
		return 0, nil
	}
}

func (p *pollPort) Close() error {
	if p.reading.Load() > 0 {
		p.closeDuringRead.Add(1)
	}
	p.closes.Add(1)
	p.once.Do(func() { close(p.closed) })
	return nil
}

// TestRunReleasesBlockedRead: Run closes its ports when ctx is done, so a
// Read that would block forever returns before Run does.
func TestRunReleasesBlockedRead(t *testing.T) {
	var reading, closes, opens atomic.Int32
	open := func(SerialConfig) (Port, error) {
		opens.Add(1)
		return newPipePort(&reading, &closes, func(b []byte) (int, error) { return len(b), nil }), nil
	}
	sink := newRecSink()
	br := &Bridge{Device: "terminal", Host: SerialConfig{Path: "h"}, Dev: SerialConfig{Path: "d"}, Open: open, Log: testLog(t)}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- br.Run(ctx, sink) }()
	sink.waitLinks(t, 1)
	waitUntil(t, "both reads blocked", func() bool { return reading.Load() == 2 })
	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("Run: %v", err)
		}
	case <-time.After(waitLimit):
		t.Fatal("Run did not return after cancel")
	}
	if r, c, o := reading.Load(), closes.Load(), opens.Load(); r != 0 || c != o || o != 2 {
		t.Fatalf("after Run: %d reads in flight, %d closes for %d opens", r, c, o)
	}
	if _, links := sink.snapshot(); len(links) != 1 {
		t.Fatalf("link events %+v: stopping must not report Down", links)
	}
}

// TestBridgeWriteFailure: a failed write to the device fails the device
// line (Down naming the write), which reopens and forwards again. Times
// come from Now.
func TestBridgeWriteFailure(t *testing.T) {
	for _, kind := range []string{"blocking", "polling"} {
		t.Run(kind, func(t *testing.T) { testBridgeWriteFailure(t, kind == "polling") })
	}
}

func testBridgeWriteFailure(t *testing.T, poll bool) {
	host := newPTY(t)
	var reading, closes, opens, closeDuringRead atomic.Int32
	got := make(chan []byte, 16)
	open := func(c SerialConfig) (Port, error) {
		if c.Path == host.Path {
			return OpenSerial(c)
		}
		first := opens.Add(1) == 1
		pp := newPipePort(&reading, &closes, func(b []byte) (int, error) {
			if first {
				return 0, errors.New("cable pulled")
			}
			got <- append([]byte(nil), b...)
			return len(b), nil
		})
		if poll {
			return &pollPort{pipePort: pp, data: make(chan []byte), closed: make(chan struct{}), closeDuringRead: &closeDuringRead}, nil
		}
		return pp, nil
	}
	t.Cleanup(func() {
		if n := closeDuringRead.Load(); n > 0 {
			t.Errorf("a polling port was closed %d times during a Read", n)
		}
	})
	base := time.Date(2030, 1, 2, 3, 4, 5, 0, time.UTC)
	var ticks atomic.Int64
	now := func() time.Time { return base.Add(time.Duration(ticks.Add(1)) * time.Second) }

	sink := newRecSink()
	br := &Bridge{Device: "printer", Host: SerialConfig{Path: host.Path}, Dev: SerialConfig{Path: "usb-printer"},
		Open: open, Now: now, Retry: fastRetry, Log: testLog(t)}
	runLink(t, br.Run, sink)
	sink.waitLinks(t, 1)

	writeOdd(t, host.Master, []byte("A"))
	links := sink.waitLinks(t, 3)
	if links[1].Up || !strings.HasPrefix(links[1].Reason, "device line: write usb-printer (gobug): cable pulled") || !links[2].Up {
		t.Fatalf("link events %+v, want Up, Down (device write failed), Up", links)
	}
	writeOdd(t, host.Master, []byte("B"))
	select {
	case b := <-got:
		if string(b) != "B" {
			t.Fatalf("device got %q, want %q", b, "B")
		}
	case <-time.After(waitLimit):
		t.Fatal("nothing forwarded after the device line came back")
	}
	sink.waitBytes(t, drivers.FromHost, []byte("AB"))
	chunks, links := sink.snapshot()
	for _, c := range chunks {
		if !c.Time.After(base) {
			t.Fatalf("chunk stamped %v, not by Now", c.Time)
		}
	}
	for i := 1; i < len(links); i++ {
		if !links[i].Time.After(links[i-1].Time) {
			t.Fatalf("link times %v then %v, not by Now", links[i-1].Time, links[i].Time)
		}
	}
}

func TestRunConfigErrors(t *testing.T) {
	ok := SerialConfig{Path: "/dev/ttyUSB0"}
	sink := newRecSink()
	tests := []struct {
		name string
		run  func(context.Context, Sink) error
		sink Sink
		want string
	}{
		{"no device", (&Tap{Host: ok}).Run, sink, "link: tap: empty Device"},
		{"no sink", (&Tap{Device: "p", Host: ok}).Run, nil, "link: tap p: nil Sink"},
		{"tap host", (&Tap{Device: "p", Host: SerialConfig{}}).Run, sink, "host line: link: serial: empty 'path'"},
		{"bridge dev", (&Bridge{Device: "t", Host: ok, Dev: SerialConfig{Path: "/dev/x", StopBits: 3}}).Run, sink, "link: bridge t, device line: "},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			err := tt.run(ctx, tt.sink)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("Run = %v, want %q", err, tt.want)
			}
		})
	}
}

func TestBackoff(t *testing.T) {
	if d := (Backoff{}).WithDefaults(); d != (Backoff{Min: 100 * time.Millisecond, Max: 5 * time.Second}) {
		t.Fatalf("defaults %+v", d)
	}
	if d := (Backoff{Min: time.Second, Max: time.Millisecond}).WithDefaults(); d.Max != time.Second {
		t.Fatalf("Max below Min not raised: %+v", d)
	}
	r := newRetrier(Backoff{Min: 100 * time.Millisecond, Max: time.Second})
	bases := []time.Duration{100, 200, 400, 800, 1000, 1000, 1000}
	for round := range 2 {
		for i, base := range bases {
			base *= time.Millisecond
			d := r.delay()
			if d < base*8/10 || d > base*12/10 {
				t.Fatalf("round %d delay %d = %v, want %v ±20%%", round, i, d, base)
			}
		}
		r.reset()
	}
}

func TestAggregate(t *testing.T) {
	tests := []struct {
		state []int
		want  int
	}{
		{[]int{0}, 0}, {[]int{1}, 1}, {[]int{-1}, -1},
		{[]int{1, 0}, 0}, {[]int{0, -1}, -1}, {[]int{1, 1}, 1}, {[]int{1, -1}, -1},
	}
	for _, tt := range tests {
		if got := aggregate(tt.state); got != tt.want {
			t.Errorf("aggregate(%v) = %d, want %d", tt.state, got, tt.want)
		}
	}
}
