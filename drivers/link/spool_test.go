//go:build !windows

package link

import (
	"bytes"
	"context"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/tillwatch/tillwatch/drivers"
)

// The Windows spooler cannot run here: fakeSpooler stands in for it behind
// SpoolQueue, recording jobs as the spooler would queue them. The register
// side is a real TCP listener, as on Windows (a Standard TCP/IP port).

// TestSpoolForwards: each register connection becomes one job on the
// queue, byte for byte (every byte value), reported to the Sink.
func TestSpoolForwards(t *testing.T) {
	sp := newFakeSpooler()
	ln := loopListener(t)
	sink := newRecSink()
	s := &Spool{Device: "printer", Listener: ln, Queue: "tillwatch raw", Open: sp.open, Retry: fastRetry, Log: testLog(t)}
	runLink(t, s.Run, sink)
	if l := sink.waitLinks(t, 1); !l[0].Up {
		t.Fatalf("first link event %+v, want Up", l[0])
	}
	jobs := [][]byte{append(testdataFile(t, "escpos-tools_receipt-with-logo.bin"), allBytes()...), []byte("\x1b@TOTAL 3.20\n\x1dV\x00")}
	for i, job := range jobs {
		pos := dialPOS(t, ln.Addr().String())
		writeOdd(t, pos, job)
		pos.Close()
		got := sp.waitJobs(t, i+1)
		if !bytes.Equal(got[i].data, job) || got[i].doc != "tillwatch printer" {
			t.Fatalf("job %d: %q differs at byte %d of %d", i, got[i].doc, commonPrefix(got[i].data, job), len(job))
		}
	}
	sink.waitBytes(t, drivers.FromHost, bytes.Join(jobs, nil))
	if got := sp.snapshot(); len(got) != 2 {
		t.Fatalf("%d jobs, want 2", len(got))
	}
}

// TestSpoolIdle: a register that keeps its connection open gets a job per
// burst, ended by JobIdle of quiet; the connection's close ends nothing
// more.
func TestSpoolIdle(t *testing.T) {
	sp := newFakeSpooler()
	ln := loopListener(t)
	s := &Spool{Device: "printer", Listener: ln, Queue: "raw", Open: sp.open, JobIdle: 20 * time.Millisecond, Retry: fastRetry, Log: testLog(t)}
	sink := newRecSink()
	runLink(t, s.Run, sink)
	sink.waitLinks(t, 1)
	pos := dialPOS(t, ln.Addr().String())
	for i, job := range []string{"\x1b@first\n\x1dV\x00", "\x1b@second\n\x1dV\x00"} {
		writeOdd(t, pos, []byte(job))
		if got := sp.waitJobs(t, i+1); string(got[i].data) != job {
			t.Fatalf("job %d = %q, want %q", i, got[i].data, job)
		}
	}
	pos.Close()
	sink.waitBytes(t, drivers.FromHost, []byte("\x1b@first\n\x1dV\x00\x1b@second\n\x1dV\x00"))
	if got := sp.snapshot(); len(got) != 2 {
		t.Fatalf("%d jobs after the hang-up, want 2", len(got))
	}
}

// TestSpoolReprint: a reprint is a job of its own; the register's open job
// ends before it and the register's next bytes start a new one.
func TestSpoolReprint(t *testing.T) {
	sp := newFakeSpooler()
	ln := loopListener(t)
	in := &Injector{}
	s := &Spool{Device: "printer", Listener: ln, Queue: "raw", Open: sp.open, JobIdle: time.Hour, Retry: fastRetry, Log: testLog(t), Inject: in}
	sink := newRecSink()
	runLink(t, s.Run, sink)
	sink.waitLinks(t, 1)
	pos := dialPOS(t, ln.Addr().String())
	writeOdd(t, pos, []byte("A"))
	sink.waitBytes(t, drivers.FromHost, []byte("A"))
	copyJob := []byte("\x1b@COPY\n\x1dV\x01")
	if err := in.Inject(context.Background(), copyJob, 10*time.Millisecond); err != nil {
		t.Fatal(err)
	}
	writeOdd(t, pos, []byte("B"))
	pos.Close()
	got := sp.waitJobs(t, 3)
	if string(got[0].data) != "A" || !bytes.Equal(got[1].data, copyJob) || string(got[2].data) != "B" {
		t.Fatalf("jobs %q %q %q, want A, the copy, B", got[0].data, got[1].data, got[2].data)
	}
}

// TestSpoolQueueMissing: a queue that cannot be opened is the device line
// Down, naming the queue; the register's bytes are reported, not printed;
// once the queue exists the next job prints.
func TestSpoolQueueMissing(t *testing.T) {
	sp := newFakeSpooler()
	sp.setMissing(true)
	ln := loopListener(t)
	s := &Spool{Device: "printer", Listener: ln, Queue: "tillwatch raw", Open: sp.open, Retry: fastRetry, Log: testLog(t)}
	sink := newRecSink()
	runLink(t, s.Run, sink)
	l := sink.waitLinks(t, 1)
	if l[0].Up || !strings.Contains(l[0].Reason, "device line: open tillwatch raw (spool)") || !strings.Contains(l[0].Reason, "no such queue") {
		t.Fatalf("first event %+v, want Down naming the queue", l[0])
	}
	pos := dialPOS(t, ln.Addr().String())
	writeOdd(t, pos, []byte("lost"))
	pos.Close()
	sink.waitBytes(t, drivers.FromHost, []byte("lost"))

	sp.setMissing(false)
	if l := sink.waitLinks(t, 2); !l[1].Up {
		t.Fatalf("second event %+v, want Up", l[1])
	}
	pos = dialPOS(t, ln.Addr().String())
	writeOdd(t, pos, []byte("printed"))
	pos.Close()
	if got := sp.waitJobs(t, 1); string(got[0].data) != "printed" {
		t.Fatalf("job %q, want printed", got[0].data)
	}
}

// TestSpoolWriteFails: a queue that fails a write is the device line Down
// and is reopened; the next job prints.
func TestSpoolWriteFails(t *testing.T) {
	sp := newFakeSpooler()
	sp.failNext()
	ln := loopListener(t)
	s := &Spool{Device: "printer", Listener: ln, Queue: "raw", Open: sp.open, Retry: fastRetry, Log: testLog(t)}
	sink := newRecSink()
	runLink(t, s.Run, sink)
	sink.waitLinks(t, 1)
	pos := dialPOS(t, ln.Addr().String())
	writeOdd(t, pos, []byte("x"))
	pos.Close()
	if l := sink.waitLinks(t, 3); l[1].Up || !l[2].Up || !strings.Contains(l[1].Reason, "spooler refused") {
		t.Fatalf("events %+v, want Down (the write) then Up", l)
	}
	pos = dialPOS(t, ln.Addr().String())
	writeOdd(t, pos, []byte("y"))
	pos.Close()
	// The failed job is ended (empty) when the port closes; then y prints.
	if got := sp.waitJobs(t, 2); string(got[0].data) != "" || string(got[1].data) != "y" {
		t.Fatalf("jobs %+v, want the failed one empty, then y", got)
	}
}

// TestSpoolConfig: Run refuses a link without queue, address or opener.
func TestSpoolConfig(t *testing.T) {
	sp := newFakeSpooler()
	for _, s := range []*Spool{
		{Device: "p", Listen: ":9100", Open: sp.open},
		{Device: "p", Queue: "raw", Open: sp.open},
		{Device: "p", Queue: "raw", Listen: ":9100"},
	} {
		if err := s.Run(context.Background(), newRecSink()); err == nil || !strings.HasPrefix(err.Error(), "link: spool p: ") {
			t.Errorf("%+v: err %v", s, err)
		}
	}
}

// fakeSpooler records the jobs written to its queues.
type fakeSpooler struct {
	mu      sync.Mutex
	missing bool
	fail    bool // the next write fails
	jobs    []fakeJob
	poke    chan struct{}
}

type fakeJob struct {
	doc   string
	data  []byte
	ended bool
}

func newFakeSpooler() *fakeSpooler { return &fakeSpooler{poke: make(chan struct{}, 1)} }

func (f *fakeSpooler) setMissing(m bool) { f.mu.Lock(); f.missing = m; f.mu.Unlock() }
func (f *fakeSpooler) failNext()         { f.mu.Lock(); f.fail = true; f.mu.Unlock() }

func (f *fakeSpooler) open(name string) (SpoolQueue, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.missing {
		return nil, errors.New("no such queue " + name)
	}
	return &fakeQueue{f: f, job: -1}, nil
}

func (f *fakeSpooler) wake() {
	select {
	case f.poke <- struct{}{}:
	default:
	}
}

// snapshot is the ended jobs.
func (f *fakeSpooler) snapshot() []fakeJob {
	f.mu.Lock()
	defer f.mu.Unlock()
	var out []fakeJob
	for _, j := range f.jobs {
		if j.ended {
			out = append(out, j)
		}
	}
	return out
}

// waitJobs waits until n jobs ended.
func (f *fakeSpooler) waitJobs(t *testing.T, n int) []fakeJob {
	t.Helper()
	deadline := time.NewTimer(waitLimit)
	defer deadline.Stop()
	for {
		if got := f.snapshot(); len(got) >= n {
			return got
		}
		select {
		case <-f.poke:
		case <-deadline.C:
			t.Fatalf("timed out waiting for %d jobs; have %+v", n, f.snapshot())
		}
	}
}

// fakeQueue is one open queue; job indexes f.jobs (-1: none open).
type fakeQueue struct {
	f   *fakeSpooler
	job int
}

func (q *fakeQueue) StartJob(doc string) error {
	q.f.mu.Lock()
	defer q.f.mu.Unlock()
	if q.job >= 0 {
		return errors.New("fake: StartJob with a job open")
	}
	q.f.jobs = append(q.f.jobs, fakeJob{doc: doc})
	q.job = len(q.f.jobs) - 1
	return nil
}

func (q *fakeQueue) Write(b []byte) (int, error) {
	q.f.mu.Lock()
	defer q.f.mu.Unlock()
	if q.job < 0 {
		return 0, errors.New("fake: Write without StartJob")
	}
	if q.f.fail {
		q.f.fail = false
		return 0, errors.New("spooler refused the write")
	}
	q.f.jobs[q.job].data = append(q.f.jobs[q.job].data, b...)
	return len(b), nil
}

func (q *fakeQueue) EndJob() error {
	q.f.mu.Lock()
	defer q.f.mu.Unlock()
	if q.job < 0 {
		return errors.New("fake: EndJob without StartJob")
	}
	q.f.jobs[q.job].ended = true
	q.job = -1
	q.f.wake()
	return nil
}

func (q *fakeQueue) Close() error { return nil }
