//go:build !windows

package link

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"sort"
	"sync"
	"testing"
	"time"

	"github.com/creack/pty"

	"github.com/tillwatch/tillwatch/drivers"
)

// waitLimit bounds every wait for an event; tests never sleep a fixed time.
const waitLimit = 10 * time.Second

// fastRetry keeps reconnect tests quick.
var fastRetry = Backoff{Min: 5 * time.Millisecond, Max: 50 * time.Millisecond}

// ptyPair is a real pseudo-terminal: the link opens Path (the slave), the
// test plays the device or the register on Master. The test keeps its own
// slave fd open so that the master does not read EIO while the link
// reopens.
type ptyPair struct {
	Master *os.File
	slave  *os.File
	Path   string
}

func newPTY(t testing.TB) *ptyPair {
	t.Helper()
	m, s, err := pty.Open()
	if err != nil {
		t.Fatalf("pty.Open: %v", err)
	}
	p := &ptyPair{Master: m, slave: s, Path: s.Name()}
	t.Cleanup(p.close)
	return p
}

// close hangs the pty up: a reader of the slave gets an error.
func (p *ptyPair) close() {
	p.Master.Close()
	p.slave.Close()
}

// recSink records what a link delivers and wakes waiters on every call.
type recSink struct {
	mu     sync.Mutex
	chunks []drivers.Chunk
	links  []drivers.Link
	devs   map[string]int
	poke   chan struct{}
}

func newRecSink() *recSink {
	return &recSink{devs: map[string]int{}, poke: make(chan struct{}, 1)}
}

func (s *recSink) Chunk(dev string, c drivers.Chunk) {
	s.mu.Lock()
	s.chunks = append(s.chunks, c)
	s.devs[dev]++
	s.mu.Unlock()
	s.wake()
}

func (s *recSink) Link(dev string, ev *drivers.Link) {
	s.mu.Lock()
	s.links = append(s.links, *ev)
	s.devs[dev]++
	s.mu.Unlock()
	s.wake()
}

func (s *recSink) wake() {
	select {
	case s.poke <- struct{}{}:
	default:
	}
}

// waitFor waits until cond (called with the sink locked) holds.
func (s *recSink) waitFor(t testing.TB, what string, cond func() bool) {
	t.Helper()
	deadline := time.NewTimer(waitLimit)
	defer deadline.Stop()
	for {
		s.mu.Lock()
		ok := cond()
		s.mu.Unlock()
		if ok {
			return
		}
		select {
		case <-s.poke:
		case <-deadline.C:
			s.mu.Lock()
			defer s.mu.Unlock()
			t.Fatalf("timed out waiting for %s; links %+v, %d chunks", what, s.links, len(s.chunks))
		}
	}
}

// waitLinks waits until n link events arrived.
func (s *recSink) waitLinks(t testing.TB, n int) []drivers.Link {
	t.Helper()
	s.waitFor(t, "link events", func() bool { return len(s.links) >= n })
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]drivers.Link(nil), s.links...)
}

// waitBytes waits until the bytes of dir add up to want (and fails at once
// if they diverge from it).
func (s *recSink) waitBytes(t testing.TB, dir drivers.Direction, want []byte) {
	t.Helper()
	s.waitFor(t, dir.String()+" bytes", func() bool {
		got := s.bytesLocked(dir)
		if !bytes.HasPrefix(want, got) {
			t.Fatalf("%s bytes diverge at %d of %d", dir, commonPrefix(got, want), len(want))
		}
		return len(got) == len(want)
	})
}

func (s *recSink) bytesLocked(dir drivers.Direction) []byte {
	var b []byte
	for _, c := range s.chunks {
		if c.Dir == dir {
			b = append(b, c.Data...)
		}
	}
	return b
}

func (s *recSink) snapshot() ([]drivers.Chunk, []drivers.Link) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]drivers.Chunk(nil), s.chunks...), append([]drivers.Link(nil), s.links...)
}

func commonPrefix(a, b []byte) int {
	n := 0
	for n < len(a) && n < len(b) && a[n] == b[n] {
		n++
	}
	return n
}

// runLink starts run in a goroutine; cleanup cancels it and fails the test
// if Run does not return (with nil) in time.
func runLink(t testing.TB, run func(context.Context, Sink) error, sink Sink) context.CancelFunc {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- run(ctx, sink) }()
	t.Cleanup(func() {
		cancel()
		select {
		case err := <-done:
			if err != nil {
				t.Errorf("Run: %v", err)
			}
		case <-time.After(waitLimit):
			t.Errorf("Run did not return %v after cancel", waitLimit)
		}
	})
	return cancel
}

// writeOdd writes b to w in chunks of odd, varying sizes.
func writeOdd(t testing.TB, w io.Writer, b []byte) {
	t.Helper()
	if err := oddWrites(w, b); err != nil {
		t.Fatal(err)
	}
}

// oddWrites is writeOdd for goroutines other than the test's.
func oddWrites(w io.Writer, b []byte) error {
	sizes := []int{1, 3, 7, 17, 61, 251, 509, 2}
	for i := 0; len(b) > 0; i++ {
		n := min(sizes[i%len(sizes)], len(b))
		if _, err := w.Write(b[:n]); err != nil {
			return fmt.Errorf("write: %w", err)
		}
		b = b[n:]
	}
	return nil
}

// readFull reads exactly n bytes from a pty master within waitLimit.
func readFull(t testing.TB, f *os.File, n int) []byte {
	t.Helper()
	if err := f.SetReadDeadline(time.Now().Add(waitLimit)); err != nil {
		t.Fatalf("SetReadDeadline: %v", err)
	}
	b := make([]byte, n)
	if _, err := io.ReadFull(f, b); err != nil {
		t.Fatalf("read %d bytes from %s: %v", n, f.Name(), err)
	}
	return b
}

// testdataFile reads a file from testdata.
func testdataFile(t testing.TB, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// zvtBlobs returns the ZVT commands (register -> terminal) and answers
// (terminal -> register) from testdata/zvt, in capture order.
func zvtBlobs(t testing.TB) (cmds, answers [][]byte) {
	t.Helper()
	names, err := filepath.Glob(filepath.Join("testdata", "zvt", "*.blob"))
	if err != nil || len(names) == 0 {
		t.Fatalf("testdata/zvt: %v (%d files)", err, len(names))
	}
	sort.Strings(names)
	for _, n := range names {
		b, err := os.ReadFile(n)
		if err != nil {
			t.Fatal(err)
		}
		if bytes.HasSuffix([]byte(n), []byte("_ecr_pt.blob")) {
			cmds = append(cmds, b)
		} else {
			answers = append(answers, b)
		}
	}
	return cmds, answers
}

// allBytes is every byte value, twice: a link must be 8-bit transparent
// (no CR/LF mapping, no XON/XOFF, no echo).
func allBytes() []byte {
	b := make([]byte, 512)
	for i := range b {
		b[i] = byte(i)
	}
	return b
}

// testLog sends a link's log lines to the test's output.
func testLog(t testing.TB) *slog.Logger {
	return slog.New(slog.NewTextHandler(t.Output(), nil))
}

// waitUntil polls cond until it holds, for state no sink event announces.
func waitUntil(t testing.TB, what string, cond func() bool) {
	t.Helper()
	tick := time.NewTicker(time.Millisecond)
	defer tick.Stop()
	deadline := time.Now().Add(waitLimit)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		<-tick.C
	}
}
