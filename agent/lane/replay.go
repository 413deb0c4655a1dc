package lane

import (
	"fmt"
	"iter"
	"slices"
	"time"

	"github.com/tillwatch/tillwatch/agent/detect"
	"github.com/tillwatch/tillwatch/capture"
	"github.com/tillwatch/tillwatch/drivers"
)

// ReplayStats says what a replay read.
type ReplayStats struct {
	Records, Bytes, Events, Alerts int
	BadLines                       int
	// ImagesUnread counts the receipts printed as images only that no
	// recogniser read (a raster lane replayed without its glyph
	// dictionary or Tesseract): their amounts are unknown.
	ImagesUnread int
}

// count adds evs to the stats.
func (st *ReplayStats) count(evs []drivers.Event) {
	st.Events += len(evs)
	for _, ev := range evs {
		if r, ok := ev.(*drivers.Receipt); ok && r.GraphicsOnly && r.Recognised == nil {
			st.ImagesUnread++
		}
	}
}

// Replay decodes capture records through a fresh Lane with the capture's
// clock and calls emit for every alert, in order. At the end of input every
// pending window expires, so late alerts still fire. It needs no database
// and no broker, and given the same records it always emits the same
// alerts with the same ids.
func Replay(lane *Lane, records []capture.Record, emit func(detect.Alert) error) (ReplayStats, error) {
	return ReplaySeq(lane, slices.Values(records), emit)
}

// ReplaySeq is Replay of the records a sequence yields (a capture.Batch's
// All, say), in the order it yields them.
func ReplaySeq(lane *Lane, records iter.Seq[capture.Record], emit func(detect.Alert) error) (ReplayStats, error) {
	var st ReplayStats
	out := func(alerts []detect.Alert) error {
		for _, al := range alerts {
			st.Alerts++
			if err := emit(al); err != nil {
				return err
			}
		}
		return nil
	}
	var last time.Time
	for r := range records {
		st.Records++
		evs := lane.Idle(r.Time)
		if r.Link != "" {
			evs = append(evs, &drivers.Link{Head: drivers.Head{Time: r.Time, Device: r.Dev}, Up: r.Link == "up", Reason: r.Reason})
		} else {
			st.Bytes += len(r.Data)
			got, err := lane.Feed(r.Dev, drivers.Chunk{Time: r.Time, Dir: r.Dir, Data: r.Data})
			if err != nil {
				return st, err
			}
			evs = append(evs, got...)
		}
		st.count(evs)
		if err := out(lane.Observe(evs)); err != nil {
			return st, err
		}
		if err := out(lane.Advance(r.Time)); err != nil {
			return st, err
		}
		last = r.Time
	}
	// End of input: close open jobs and let every window expire.
	end := last.Add(24 * time.Hour)
	evs := lane.EndOfInput(end)
	st.count(evs)
	if err := out(lane.Observe(evs)); err != nil {
		return st, err
	}
	return st, out(lane.Finish())
}

// ReadCaptures reads every record of the given capture readers, merged by
// time (stable: records with equal times keep file order). Bad lines are
// counted and reported through bad, not fatal.
func ReadCaptures(readers []*capture.Reader, bad func(error)) ([]capture.Record, error) {
	b, err := LoadCaptures(readers, bad)
	if err != nil {
		return nil, err
	}
	return slices.AppendSeq(make([]capture.Record, 0, b.Len()), b.All()), nil
}

// LoadCaptures is ReadCaptures into a capture.Batch, which holds a long
// capture in a fraction of the memory and gives the garbage collector
// nothing to scan: what a replay of a month uses.
func LoadCaptures(readers []*capture.Reader, bad func(error)) (*capture.Batch, error) {
	b := capture.NewBatch()
	for _, rd := range readers {
		if err := b.Load(rd, bad); err != nil {
			return nil, fmt.Errorf("lane: read capture: %w", err)
		}
	}
	b.SortByTime()
	return b, nil
}
