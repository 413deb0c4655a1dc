package uplink

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	paho "github.com/eclipse/paho.mqtt.golang"

	"github.com/tillwatch/tillwatch/buffer"
	"github.com/tillwatch/tillwatch/internal/mqtttest"
)

// drainCount is how many buffered alerts BenchmarkDrainMosquitto drains,
// in drainRounds rounds.
const (
	drainCount  = 100_000
	drainRounds = 10
)

// BenchmarkDrainMosquitto drains 100,000 buffered alerts (600-byte
// payloads, synced outbox as in production, Inflight 16) to a local
// mosquitto at QoS 1, and publishes as many with a bare paho QoS 1 loop
// keeping 16 in flight, and drains as many from an outbox in memory (what
// the database costs): outbox_msgs/s, paho_msgs/s, their ratio (target
// 0.8), the in-memory drain's ratio, and fsyncs per 1,000 alerts. The
// drain settles by watermark and sweeps the settled entries when idle;
// what it left unswept when it stopped is swept after it, timed apart
// (sweep_ms and sweep_fsyncs per 1,000 alerts). The
// three alternate in 10 rounds of 10,000, so a machine whose load changes
// during the run (a shared one) weighs on all three alike. Skips without
// mosquitto.
func BenchmarkDrainMosquitto(b *testing.B) {
	m := mqtttest.StartMosquitto(b)
	payload := make([]byte, 600)
	value := EncodeMessage(Message{Topic: alertTopic, Payload: payload})
	per := drainCount / drainRounds
	for range b.N {
		b.StopTimer()
		dirs := make([]string, drainRounds)
		for r := range dirs {
			dirs[r] = fillOutbox(b, per, value)
		}
		b.StartTimer()
		var outbox, memory, bare, sweep time.Duration
		var fsyncs, sweeps int64
		for _, dir := range dirs {
			db, err := buffer.Open(dir, buffer.DefaultOptions(), nil)
			if err != nil {
				b.Fatal(err)
			}
			commits := db.Commits()
			outbox += drainAll(b, m.URL(), db.Queue("outbox"), per)
			fsyncs += db.Commits() - commits
			commits = db.Commits()
			sweep += sweepAll(b, db.Queue("outbox"))
			sweeps += db.Commits() - commits
			if err := db.Close(); err != nil {
				b.Fatal(err)
			}
			memory += drainAll(b, m.URL(), newMemOutbox(per, value), per)
			bare += pahoLoop(b, m.URL(), payload, per, 16)
		}
		ob, pa, mo := drainCount/outbox.Seconds(), drainCount/bare.Seconds(), drainCount/memory.Seconds()
		b.ReportMetric(ob, "outbox_msgs/s")
		b.ReportMetric(pa, "paho_msgs/s")
		b.ReportMetric(ob/pa, "ratio")
		b.ReportMetric(0.8, "ratio_target")
		b.ReportMetric(mo/pa, "memory_outbox_ratio")
		b.ReportMetric(float64(fsyncs)*1000/drainCount, "fsyncs/1000_alerts")
		b.ReportMetric(float64(sweep.Milliseconds())*1000/drainCount, "sweep_ms/1000_alerts")
		b.ReportMetric(float64(sweeps)*1000/drainCount, "sweep_fsyncs/1000_alerts")
	}
}

// sweepAll sweeps what the drain settled and did not sweep before it
// stopped (it sweeps when idle) and returns how long that took.
func sweepAll(b *testing.B, q *buffer.Queue) time.Duration {
	start := time.Now()
	for {
		n, err := q.Sweep(100_000)
		if err != nil {
			b.Fatal(err)
		}
		if n < 100_000 {
			return time.Since(start)
		}
	}
}

// fillOutbox stores n entries in a new outbox (unsynced: setup only; Close
// syncs) and returns its directory.
func fillOutbox(b *testing.B, n int, value []byte) string {
	dir := b.TempDir()
	opts := buffer.DefaultOptions()
	opts.SyncWrites = false
	db, err := buffer.Open(dir, opts, nil)
	if err != nil {
		b.Fatal(err)
	}
	q := db.Queue("outbox")
	for i := range n {
		if _, err := q.PutIfAbsent(fmt.Sprintf("a-%09d", i), value); err != nil {
			b.Fatal(err)
		}
	}
	if err := db.Close(); err != nil {
		b.Fatal(err)
	}
	return dir
}

// drainAll runs an uplink on ob until n entries are acked and deleted,
// and returns how long that took.
func drainAll(b *testing.B, url string, ob Outbox, n int) time.Duration {
	cfg := testConfig(url)
	cfg.Inflight = 16
	u := New(cfg, ob, nil)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	start := time.Now()
	go func() { done <- u.Run(ctx) }()
	for u.Stats().Acked < uint64(n) {
		time.Sleep(5 * time.Millisecond)
	}
	took := time.Since(start)
	cancel()
	if err := <-done; err != nil {
		b.Fatal(err)
	}
	return took
}

// memOutbox is an outbox in memory: the drain's own cost without the
// database's, to tell which one a ratio below target comes from.
type memOutbox struct {
	mu      sync.Mutex
	items   []buffer.Item
	head    int
	done    map[string]bool
	changed chan struct{}
}

func newMemOutbox(n int, value []byte) *memOutbox {
	m := &memOutbox{done: map[string]bool{}, changed: make(chan struct{}, 1)}
	for i := range n {
		m.items = append(m.items, buffer.Item{ID: fmt.Sprintf("a-%09d", i), Seq: uint64(i + 1), Value: value})
	}
	return m
}

func (m *memOutbox) Pending(limit int) ([]buffer.Item, error) { return m.PendingAfter(0, limit) }

func (m *memOutbox) PendingAfter(after uint64, limit int) ([]buffer.Item, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	for m.head < len(m.items) && m.done[m.items[m.head].ID] {
		m.head++
	}
	var out []buffer.Item
	for i := max(m.head, int(after)); i < len(m.items) && (limit <= 0 || len(out) < limit); i++ {
		if !m.done[m.items[i].ID] {
			out = append(out, m.items[i])
		}
	}
	return out, nil
}

func (m *memOutbox) Done(id string) error { return m.DoneAll([]string{id}) }

func (m *memOutbox) DoneAll(ids []string) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	for _, id := range ids {
		m.done[id] = true
	}
	return nil
}

func (m *memOutbox) Changed() <-chan struct{} { return m.changed }

func (m *memOutbox) PutIfAbsent(string, []byte) (bool, error) {
	return false, fmt.Errorf("memOutbox: read only")
}

// pahoLoop publishes n QoS 1 messages with window in flight and returns
// how long it took until the last PUBACK.
func pahoLoop(b *testing.B, url string, payload []byte, n, window int) time.Duration {
	o := paho.NewClientOptions().AddBroker(url).SetClientID("bench-bare").SetCleanSession(true).
		SetAutoReconnect(false).SetMaxResumePubInFlight(window)
	c := paho.NewClient(o)
	if tok := c.Connect(); !tok.WaitTimeout(10*time.Second) || tok.Error() != nil {
		b.Fatalf("bare paho connect: %v", tok.Error())
	}
	defer c.Disconnect(250)
	start := time.Now()
	toks := make(chan paho.Token, window)
	errc := make(chan error, 1)
	go func() {
		for t := range toks {
			t.Wait()
			if err := t.Error(); err != nil {
				select {
				case errc <- err:
				default:
				}
			}
		}
		close(errc)
	}()
	for range n {
		toks <- c.Publish(alertTopic, 1, false, payload)
	}
	close(toks)
	if err := <-errc; err != nil {
		b.Fatal(err)
	}
	return time.Since(start)
}
