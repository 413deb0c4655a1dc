package uplink

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/tillwatch/tillwatch/buffer"
)

// BenchmarkDrain drains b.N queued alerts at QoS 1 through the embedded
// broker and reports msgs/s. "synced" is the production setting (every
// Done is fsynced); "unsynced" isolates the MQTT path.
func BenchmarkDrain(b *testing.B) {
	for _, tc := range []struct {
		name     string
		sync     bool
		inflight int
	}{
		{"unsynced/inflight=16", false, 16},
		{"unsynced/inflight=1", false, 1},
		{"synced/inflight=16", true, 16},
	} {
		b.Run(tc.name, func(b *testing.B) {
			broker := startBroker(b, "127.0.0.1:0")
			opts := buffer.DefaultOptions()
			opts.SyncWrites = tc.sync
			db, err := buffer.Open(b.TempDir(), opts, nil)
			if err != nil {
				b.Fatal(err)
			}
			defer db.Close()
			q := db.Queue("outbox")
			payload := make([]byte, 600) // about one alert
			for i := range b.N {
				v := EncodeMessage(Message{Topic: alertTopic, Payload: payload})
				if _, err := q.PutIfAbsent(fmt.Sprintf("a-%09d", i), v); err != nil {
					b.Fatal(err)
				}
			}
			cfg := testConfig(broker.URL())
			cfg.Inflight = tc.inflight
			u := New(cfg, q, nil)
			ctx, cancel := context.WithCancel(context.Background())
			done := make(chan error, 1)
			b.ResetTimer()
			start := time.Now()
			go func() { done <- u.Run(ctx) }()
			for u.Stats().Acked < uint64(b.N) {
				time.Sleep(time.Millisecond)
			}
			elapsed := time.Since(start)
			b.StopTimer()
			cancel()
			if err := <-done; err != nil {
				b.Fatal(err)
			}
			b.ReportMetric(float64(b.N)/elapsed.Seconds(), "msgs/s")
		})
	}
}
