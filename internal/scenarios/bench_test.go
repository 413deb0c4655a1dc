package scenarios

import (
	"io/fs"
	"path/filepath"
	"runtime"
	"testing"
	"time"

	"github.com/tillwatch/tillwatch/agent/detect"
	"github.com/tillwatch/tillwatch/agent/journal"
	"github.com/tillwatch/tillwatch/agent/lane"
	"github.com/tillwatch/tillwatch/buffer"
	"github.com/tillwatch/tillwatch/drivers"
	"github.com/tillwatch/tillwatch/sim"
)

// busyEvents decodes n checkouts of the busy shift into events, shifted by
// offset, as the agent's decoders would give them.
func busyEvents(tb testing.TB, n int, offset time.Duration) []drivers.Event {
	tb.Helper()
	ws, err := sim.Compile(sim.BusyShift(1, n))
	if err != nil {
		tb.Fatal(err)
	}
	h, err := sim.Header("s1", "l1", nil)
	if err != nil {
		tb.Fatal(err)
	}
	cfg, err := lane.ConfigFromHeader(h)
	if err != nil {
		tb.Fatal(err)
	}
	ln, err := lane.New(cfg)
	if err != nil {
		tb.Fatal(err)
	}
	var evs []drivers.Event
	for _, r := range sim.Records(ws, sim.DefaultStart.Add(offset), nil) {
		evs = append(evs, ln.Idle(r.Time)...)
		got, err := ln.Feed(r.Dev, drivers.Chunk{Time: r.Time, Dir: r.Dir, Data: r.Data})
		if err != nil {
			tb.Fatal(err)
		}
		evs = append(evs, got...)
	}
	return evs
}

// BenchmarkJournalAndDetect measures decoded events through the journal
// (Badger on disk, fsynced, appended in batches of 32 as the agent's core
// loop does per step) and the detector, on one goroutine.
func BenchmarkJournalAndDetect(b *testing.B) {
	evs := busyEvents(b, 1000, 0)
	b.ResetTimer()
	for b.Loop() {
		b.StopTimer()
		db, err := buffer.Open(b.TempDir(), buffer.DefaultOptions(), nil)
		if err != nil {
			b.Fatal(err)
		}
		j := journal.New(db)
		e := detect.New(detect.DefaultConfig())
		b.StartTimer()
		for i := 0; i < len(evs); i += 32 {
			batch := evs[i:min(i+32, len(evs))]
			if _, err := j.Append(batch...); err != nil {
				b.Fatal(err)
			}
			for _, ev := range batch {
				e.Advance(ev.When())
				e.Observe(ev)
			}
		}
		b.StopTimer()
		if err := db.Close(); err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
	}
	b.ReportMetric(float64(len(evs))*float64(b.N)/b.Elapsed().Seconds(), "events/s")
}

// BenchmarkDetectOnly is the detector alone over the same events.
func BenchmarkDetectOnly(b *testing.B) {
	evs := busyEvents(b, 1000, 0)
	b.ResetTimer()
	for b.Loop() {
		e := detect.New(detect.DefaultConfig())
		for _, ev := range evs {
			e.Advance(ev.When())
			e.Observe(ev)
		}
	}
	b.ReportMetric(float64(len(evs))*float64(b.N)/b.Elapsed().Seconds(), "events/s")
}

// BenchmarkJournal30Days fills a journal with 30 days of a busy lane (1,000
// checkouts a day: the busy shift's first day repeated with its times
// moved) and reports its size on disk and the Go heap after a detector
// replayed the last settlement window of it, as a restart does.
func BenchmarkJournal30Days(b *testing.B) {
	day := busyEvents(b, 1000, 0)
	for b.Loop() {
		dir := b.TempDir()
		db, err := buffer.Open(dir, buffer.DefaultOptions(), nil)
		if err != nil {
			b.Fatal(err)
		}
		j := journal.New(db)
		n := 0
		for d := range 30 {
			for i := 0; i < len(day); i += 256 {
				var batch []drivers.Event
				for _, ev := range day[i:min(i+256, len(day))] {
					raw, err := drivers.Marshal(ev)
					if err != nil {
						b.Fatal(err)
					}
					cp, err := drivers.Unmarshal(raw)
					if err != nil {
						b.Fatal(err)
					}
					moveTo(cp, ev.When().Add(time.Duration(d)*24*time.Hour))
					batch = append(batch, cp)
				}
				if _, err := j.Append(batch...); err != nil {
					b.Fatal(err)
				}
				n += len(batch)
			}
		}
		last, err := j.Last()
		if err != nil {
			b.Fatal(err)
		}
		e := detect.New(detect.DefaultConfig())
		from := last.Add(-e.Horizon())
		e.Resume(from)
		replayed := 0
		start := time.Now()
		if err := j.Range(from, time.Time{}, func(_ string, ev drivers.Event) error {
			replayed++
			e.Advance(ev.When())
			e.Observe(ev)
			return nil
		}); err != nil {
			b.Fatal(err)
		}
		rebuild := time.Since(start)
		runtime.GC()
		var ms runtime.MemStats
		runtime.ReadMemStats(&ms)
		if err := db.Close(); err != nil {
			b.Fatal(err)
		}
		b.ReportMetric(float64(n), "events")
		b.ReportMetric(float64(dirSize(b, dir))/1e6, "disk-MB")
		b.ReportMetric(float64(ms.HeapAlloc)/1e6, "heap-MB")
		b.ReportMetric(float64(replayed), "restart-events")
		b.ReportMetric(rebuild.Seconds(), "restart-s")
	}
}

// moveTo sets an event's time (and a receipt's start) to t.
func moveTo(ev drivers.Event, t time.Time) {
	switch v := ev.(type) {
	case *drivers.Receipt:
		v.Start = v.Start.Add(t.Sub(v.Time))
		v.Time = t
	case *drivers.Payment:
		v.Time = t
	case *drivers.PrinterStatus:
		v.Time = t
	case *drivers.Settlement:
		v.Time = t
	case *drivers.Link:
		v.Time = t
	}
}

func dirSize(tb testing.TB, dir string) int64 {
	var n int64
	err := filepath.WalkDir(dir, func(_ string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if !d.IsDir() {
			info, err := d.Info()
			if err != nil {
				return err
			}
			n += info.Size()
		}
		return nil
	})
	if err != nil {
		tb.Fatal(err)
	}
	return n
}
