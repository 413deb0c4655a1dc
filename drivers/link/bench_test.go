//go:build !windows

package link

import (
	"io"
	"log/slog"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/tillwatch/tillwatch/drivers"
)

// BenchmarkBridgeLatency measures one byte from the register's pty to the
// device's pty: "bridge" through Bridge (sink queue, stamping, guards),
// "direct" through a bare read-write loop on the same kind of ports. The
// difference is the latency the bridge adds. Reports p50-ns and p99-ns.
func BenchmarkBridgeLatency(b *testing.B) {
	b.Run("bridge", func(b *testing.B) {
		host, dev := newPTY(b), newPTY(b)
		sink := newRecSink()
		br := &Bridge{Device: "printer", Host: SerialConfig{Path: host.Path}, Dev: SerialConfig{Path: dev.Path},
			Log: slog.New(slog.DiscardHandler)}
		runLink(b, br.Run, &onlyLinks{sink})
		sink.waitLinks(b, 1)
		measure(b, host.Master, dev.Master)
	})
	b.Run("direct", func(b *testing.B) {
		host, dev := newPTY(b), newPTY(b)
		hp, err := OpenSerial(SerialConfig{Path: host.Path})
		if err != nil {
			b.Fatal(err)
		}
		dp, err := OpenSerial(SerialConfig{Path: dev.Path})
		if err != nil {
			b.Fatal(err)
		}
		var wg sync.WaitGroup
		wg.Go(func() {
			buf := make([]byte, readSize)
			for {
				n, err := hp.Read(buf)
				if err != nil {
					return
				}
				if _, err := dp.Write(buf[:n]); err != nil {
					return
				}
			}
		})
		b.Cleanup(func() {
			hp.Close()
			wg.Wait()
			dp.Close()
		})
		measure(b, host.Master, dev.Master)
	})
}

// onlyLinks passes link events to a recSink and drops chunks, so the
// benchmark does not grow memory.
type onlyLinks struct{ *recSink }

func (onlyLinks) Chunk(string, drivers.Chunk) {}

// measure sends one byte to host b.N times, reads it from dev each time
// and reports the latency percentiles.
func measure(b *testing.B, host io.Writer, dev io.Reader) {
	lat := make([]time.Duration, 0, b.N)
	out, in := []byte{0x1b}, make([]byte, 1)
	b.ResetTimer()
	for range b.N {
		start := time.Now()
		if _, err := host.Write(out); err != nil {
			b.Fatal(err)
		}
		if _, err := io.ReadFull(dev, in); err != nil {
			b.Fatal(err)
		}
		lat = append(lat, time.Since(start))
	}
	b.StopTimer()
	slices.Sort(lat)
	b.ReportMetric(float64(lat[len(lat)/2].Nanoseconds()), "p50-ns")
	b.ReportMetric(float64(lat[len(lat)*99/100].Nanoseconds()), "p99-ns")
}
