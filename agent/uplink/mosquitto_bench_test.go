package uplink

import (
	"context"
	"fmt"
	"testing"
	"time"

	paho "github.com/eclipse/paho.mqtt.golang"

	"github.com/tillwatch/tillwatch/buffer"
	"github.com/tillwatch/tillwatch/internal/mqtttest"
)

// drainCount is how many buffered alerts BenchmarkDrainMosquitto drains.
const drainCount = 100_000

// BenchmarkDrainMosquitto drains 100,000 buffered alerts (600-byte
// payloads, synced outbox as in production, Inflight 16) to a local
// mosquitto at QoS 1, and in the same run publishes as many with a bare
// paho QoS 1 loop keeping 16 in flight: outbox_msgs/s, paho_msgs/s and
// their ratio. Skips without mosquitto.
func BenchmarkDrainMosquitto(b *testing.B) {
	m := mqtttest.StartMosquitto(b)
	payload := make([]byte, 600)
	for range b.N {
		b.StopTimer()
		dir := b.TempDir()
		fillOpts := buffer.DefaultOptions()
		fillOpts.SyncWrites = false // setup only; Close syncs
		db, err := buffer.Open(dir, fillOpts, nil)
		if err != nil {
			b.Fatal(err)
		}
		q := db.Queue("outbox")
		for i := range drainCount {
			v := EncodeMessage(Message{Topic: alertTopic, Payload: payload})
			if _, err := q.PutIfAbsent(fmt.Sprintf("a-%09d", i), v); err != nil {
				b.Fatal(err)
			}
		}
		if err := db.Close(); err != nil {
			b.Fatal(err)
		}
		db, err = buffer.Open(dir, buffer.DefaultOptions(), nil)
		if err != nil {
			b.Fatal(err)
		}
		b.StartTimer()

		cfg := testConfig(m.URL())
		cfg.Inflight = 16
		u := New(cfg, db.Queue("outbox"), nil)
		ctx, cancel := context.WithCancel(context.Background())
		done := make(chan error, 1)
		start := time.Now()
		go func() { done <- u.Run(ctx) }()
		for u.Stats().Acked < drainCount {
			time.Sleep(5 * time.Millisecond)
		}
		outbox := time.Since(start)
		cancel()
		if err := <-done; err != nil {
			b.Fatal(err)
		}
		if err := db.Close(); err != nil {
			b.Fatal(err)
		}
		bare := pahoLoop(b, m.URL(), payload, drainCount, 16)
		ob, pa := drainCount/outbox.Seconds(), drainCount/bare.Seconds()
		b.ReportMetric(ob, "outbox_msgs/s")
		b.ReportMetric(pa, "paho_msgs/s")
		b.ReportMetric(ob/pa, "ratio")
	}
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
