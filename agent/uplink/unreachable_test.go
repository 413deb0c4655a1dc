package uplink

import (
	"context"
	"log/slog"
	"net"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/tillwatch/tillwatch/internal/testutil"
)

// records keeps log records as "LEVEL message error" lines.
type records struct {
	mu  sync.Mutex
	got []string
}

func (r *records) Enabled(context.Context, slog.Level) bool { return true }
func (r *records) WithAttrs([]slog.Attr) slog.Handler       { return r }
func (r *records) WithGroup(string) slog.Handler            { return r }
func (r *records) Handle(_ context.Context, rec slog.Record) error {
	line := rec.Level.String() + " " + rec.Message
	rec.Attrs(func(a slog.Attr) bool {
		if a.Key == "error" {
			line += " " + a.Value.String()
		}
		return true
	})
	r.mu.Lock()
	r.got = append(r.got, line)
	r.mu.Unlock()
	return nil
}

func (r *records) count(prefix string) (n int, lines []string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	for _, l := range r.got {
		if strings.HasPrefix(l, prefix) {
			n++
			lines = append(lines, l)
		}
	}
	return n, lines
}

// TestUnreachableBrokerLog: a broker that refuses connections is logged at
// WARN with the cause ("connection refused") once, not at INFO on every
// retry; the retries are DEBUG; reaching it again is logged once.
func TestUnreachableBrokerLog(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	rec := &records{}
	cfg := testConfig("tcp://" + addr)
	cfg.BackoffMin, cfg.BackoffMax = 5*time.Millisecond, 10*time.Millisecond
	ctx, cancel := context.WithCancel(context.Background())
	u := New(cfg, openQueue(t), slog.New(rec))
	done := make(chan error, 1)
	go func() { done <- u.Run(ctx) }()
	defer func() { cancel(); <-done }()

	testutil.WaitFor(t, "five retries", waitLong, func() bool { n, _ := rec.count("DEBUG uplink: reconnecting"); return n >= 5 })
	if n, lines := rec.count("WARN"); n != 1 || !strings.Contains(lines[0], "cannot reach the broker") || !strings.Contains(lines[0], "connection refused") {
		t.Fatalf("WARN records %q, want one with the cause", lines)
	}
	if n, lines := rec.count("INFO uplink: reconnecting"); n != 0 {
		t.Fatalf("retries at INFO: %q", lines)
	}
	startBroker(t, addr)
	testutil.WaitFor(t, "connected", waitLong, u.Connected)
	if n, _ := rec.count("INFO uplink: broker reachable again"); n != 1 {
		t.Fatalf("no 'reachable again' record: %q", rec.got)
	}
}

// TestUnreachableReminder: a broker still unreachable is logged at WARN
// again once per interval, with the attempts so far.
func TestUnreachableReminder(t *testing.T) {
	rec := &records{}
	log := slog.New(rec)
	d := unreachable{every: time.Minute}
	t0 := time.Date(2026, 11, 22, 10, 0, 0, 0, time.UTC)
	cause := net.UnknownNetworkError("refused")
	for i := range 30 {
		d.failed(log, cause, time.Second, t0.Add(time.Duration(i)*5*time.Second)) // 0..145s
	}
	if n, lines := rec.count("WARN"); n != 3 || !strings.Contains(lines[1], "still unreachable") {
		t.Fatalf("WARN records over 145s with a 1m interval: %q, want 3", lines)
	}
	d.connected(log, t0.Add(150*time.Second))
	d.failed(log, cause, time.Second, t0.Add(160*time.Second))
	if n, _ := rec.count("WARN"); n != 4 {
		t.Fatal("a new outage after a connection is not logged at WARN at once")
	}
}
