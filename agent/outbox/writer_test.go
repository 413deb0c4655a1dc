package outbox

import (
	"bytes"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/tillwatch/tillwatch/agent/detect"
	"github.com/tillwatch/tillwatch/agent/topic"
	"github.com/tillwatch/tillwatch/agent/uplink"
	"github.com/tillwatch/tillwatch/buffer"
)

var topics = topic.New("", "s1", "l1")

func openQueue(t *testing.T) (*buffer.DB, *buffer.Queue) {
	t.Helper()
	db, err := buffer.Open(t.TempDir(), buffer.DefaultOptions(), nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db, db.Queue(QueueName)
}

func alert(id string, sev detect.Severity) detect.Alert {
	return detect.Alert{ID: id, Kind: detect.KindPrinterFault, Severity: sev, State: detect.Raised, Site: "s1", Lane: "l1"}
}

// TestAlertsShedBySeverity: the writer gives each alert its severity's
// class, so over the byte capacity info sheds before warnings and
// critical alerts stay (fleet once stored every alert as critical).
func TestAlertsShedBySeverity(t *testing.T) {
	_, q := openQueue(t)
	w := New(q, Options{Topics: topics, Log: slog.New(slog.DiscardHandler)})
	msg, err := AlertMessage(topics, alert("c1", detect.Critical))
	if err != nil {
		t.Fatal(err)
	}
	cost := int64(len("c1")+len(uplink.EncodeMessage(msg))) + buffer.ItemOverhead
	q.SetLimits(buffer.Limits{MaxBytes: 3 * cost})
	for _, al := range []detect.Alert{alert("i1", detect.Info), alert("w1", detect.Warning), alert("c1", detect.Critical), alert("c2", detect.Critical), alert("c3", detect.Critical)} {
		if _, err := w.Alert(al); err != nil {
			t.Fatalf("%s: %v", al.ID, err)
		}
	}
	st, err := q.Stats()
	if err != nil {
		t.Fatal(err)
	}
	if st.Shed != (buffer.ShedCounts{Info: 1, Warning: 1}) {
		t.Errorf("shed %+v, want the info and the warning alert", st.Shed)
	}
	items, err := q.Pending(0)
	if err != nil {
		t.Fatal(err)
	}
	var ids []string
	for _, it := range items {
		m, err := uplink.DecodeMessage(it.Value)
		if err != nil {
			t.Fatal(err)
		}
		if want := topics.Alert(detect.KindPrinterFault); m.Topic != want {
			t.Errorf("%s on %q, want %q", it.ID, m.Topic, want)
		}
		ids = append(ids, it.ID)
	}
	if strings.Join(ids, " ") != "c1 c2 c3" {
		t.Errorf("pending %v, want c1 c2 c3", ids)
	}
}

// fullQueue is a queue whose disk is full until room is set.
type fullQueue struct {
	mu   sync.Mutex
	room bool
	ids  []string
	seen map[string]bool
}

func (f *fullQueue) Put(id string, _ buffer.Class, _ []byte) (bool, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if !f.room {
		return false, fmt.Errorf("queue: %w", buffer.ErrDiskFull)
	}
	if f.seen == nil {
		f.seen = map[string]bool{}
	}
	if f.seen[id] {
		return false, nil
	}
	f.seen[id] = true
	f.ids = append(f.ids, id)
	return true, nil
}

func (f *fullQueue) setRoom(ok bool) {
	f.mu.Lock()
	f.room = ok
	f.mu.Unlock()
}

func (f *fullQueue) stored() []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]string(nil), f.ids...)
}

// fakeClock is an injected clock.
type fakeClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *fakeClock) now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *fakeClock) add(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

// TestFullDiskHoldsInOrder: alerts the disk refuses wait in memory, later
// ones queue behind them, and all are stored in order once there is room;
// the disk-full log line comes once a minute by the injected clock.
func TestFullDiskHoldsInOrder(t *testing.T) {
	var logs bytes.Buffer
	clk := &fakeClock{t: time.Date(2026, 11, 22, 10, 0, 0, 0, time.UTC)}
	fq := &fullQueue{}
	w := newWriter(fq, Options{Topics: topics, Log: slog.New(slog.NewTextHandler(&logs, nil)), Now: clk.now})
	for i, id := range []string{"a1", "a2", "a3"} {
		added, err := w.Alert(alert(id, detect.Critical))
		if err != nil || !added {
			t.Fatalf("%s: added %v, %v", id, added, err)
		}
		if i == 1 {
			w.DiskFull("journal", buffer.ErrDiskFull) // within the minute: no second line
			clk.add(time.Minute)
			w.DiskFull("journal", buffer.ErrDiskFull) // a minute later: one more
		}
	}
	if n, _ := w.Held(); n != 3 {
		t.Errorf("held %d, want 3", n)
	}
	if got := strings.Count(logs.String(), "disk full:"); got != 2 {
		t.Errorf("%d disk-full lines, want 2 (once a minute):\n%s", got, logs.String())
	}
	if !strings.Contains(logs.String(), "since=2026-11-22T10:00:00") {
		t.Errorf("disk-full line does not give the injected clock's time:\n%s", logs.String())
	}
	fq.setRoom(true)
	w.Retry()
	if got := strings.Join(fq.stored(), " "); got != "a1 a2 a3" {
		t.Errorf("stored %q, want a1 a2 a3 in order", got)
	}
	if n, _ := w.Held(); n != 0 {
		t.Errorf("held %d after room came back", n)
	}
}

// TestHeldDropsLowestSeverityFirst: beyond maxHeld the writer drops the
// oldest alert of the lowest class and counts it.
func TestHeldDropsLowestSeverityFirst(t *testing.T) {
	fq := &fullQueue{}
	w := newWriter(fq, Options{Topics: topics, Log: slog.New(slog.DiscardHandler)})
	if _, err := w.Alert(alert("warn", detect.Warning)); err != nil {
		t.Fatal(err)
	}
	for i := range maxHeld {
		if _, err := w.Alert(alert(fmt.Sprintf("c%04d", i), detect.Critical)); err != nil {
			t.Fatal(err)
		}
	}
	n, dropped := w.Held()
	if n != maxHeld || dropped != (buffer.ShedCounts{Warning: 1}) {
		t.Errorf("held %d, dropped %+v; want %d and the warning", n, dropped, maxHeld)
	}
}

// TestWritersShareTheLock: the core and the upkeep goroutines write at
// once while the disk fills and empties; run with -race. Every message is
// stored exactly once.
func TestWritersShareTheLock(t *testing.T) {
	fq := &fullQueue{}
	w := newWriter(fq, Options{Topics: topics, Log: slog.New(slog.DiscardHandler)})
	var wg sync.WaitGroup
	const per = 200
	for g := range 4 {
		wg.Go(func() {
			for i := range per {
				id := fmt.Sprintf("g%d-%03d", g, i)
				if g == 0 {
					if _, err := w.Settlement(id, []byte("{}")); err != nil {
						t.Error(err)
					}
				} else if _, err := w.Alert(alert(id, detect.Warning)); err != nil {
					t.Error(err)
				}
				if i%50 == 0 {
					fq.setRoom(i%100 == 0)
					w.DiskFull("journal", buffer.ErrDiskFull)
				}
				w.Held()
			}
		})
	}
	wg.Wait()
	fq.setRoom(true)
	w.Retry()
	if got := len(fq.stored()); got != 4*per {
		t.Errorf("stored %d, want %d", got, 4*per)
	}
}

// TestSecondReaderHasItsOwnCursor: a queue added with AddReader gets every
// message; what the uplink's drain marks done stays pending for it.
func TestSecondReaderHasItsOwnCursor(t *testing.T) {
	db, q := openQueue(t)
	w := New(q, Options{Topics: topics, Log: slog.New(slog.DiscardHandler)})
	nq := db.Queue("outbox-notify")
	w.AddReader("notify", nq)
	for _, id := range []string{"a1", "a2"} {
		if _, err := w.Alert(alert(id, detect.Critical)); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := w.Settlement("day", []byte(`{"day":"2026-11-21"}`)); err != nil {
		t.Fatal(err)
	}
	if err := q.DoneAll([]string{"a1", "a2", "day"}); err != nil {
		t.Fatal(err)
	}
	items, err := nq.Pending(0)
	if err != nil {
		t.Fatal(err)
	}
	if len(items) != 3 || items[0].ID != "a1" || items[2].ID != "day" {
		t.Fatalf("second reader has %+v", items)
	}
	m, err := uplink.DecodeMessage(items[2].Value)
	if err != nil || m.Topic != topics.Settlement() {
		t.Errorf("settlement on %q, %v", m.Topic, err)
	}
	if n, err := q.Len(); err != nil || n != 0 {
		t.Errorf("uplink queue has %d left, %v", n, err)
	}
}

// TestClosedQueueIsAnError: a write the writer cannot hold is an error.
func TestClosedQueueIsAnError(t *testing.T) {
	db, q := openQueue(t)
	w := New(q, Options{Topics: topics, Log: slog.New(slog.DiscardHandler)})
	db.Close()
	if _, err := w.Alert(alert("a1", detect.Critical)); !errors.Is(err, buffer.ErrClosed) {
		t.Errorf("alert on a closed outbox: %v, want ErrClosed", err)
	}
}
