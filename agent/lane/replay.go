package lane

import (
	"errors"
	"fmt"
	"io"
	"sort"
	"time"

	"github.com/tillwatch/tillwatch/agent/detect"
	"github.com/tillwatch/tillwatch/capture"
	"github.com/tillwatch/tillwatch/drivers"
)

// ReplayStats says what a replay read.
type ReplayStats struct {
	Records, Bytes, Events, Alerts int
	BadLines                       int
}

// Replay decodes capture records through a fresh Lane with the capture's
// clock and calls emit for every alert, in order. At the end of input every
// pending window expires, so late alerts still fire. It needs no database
// and no broker, and given the same records it always emits the same
// alerts with the same ids.
func Replay(lane *Lane, records []capture.Record, emit func(detect.Alert) error) (ReplayStats, error) {
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
	for _, r := range records {
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
		st.Events += len(evs)
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
	st.Events += len(evs)
	if err := out(lane.Observe(evs)); err != nil {
		return st, err
	}
	return st, out(lane.Finish())
}

// ReadCaptures reads every record of the given capture readers, merged by
// time (stable: records with equal times keep file order). Bad lines are
// counted and reported through bad, not fatal.
func ReadCaptures(readers []*capture.Reader, bad func(error)) ([]capture.Record, error) {
	// Records are gathered in blocks and copied once into a slice of the
	// right size: appending 750,000 records (a busy month) to one slice
	// copied them about twice over, a fifth of a replay.
	const block = 4096
	var blocks [][]capture.Record
	cur := make([]capture.Record, 0, block)
	n := 0
	for _, rd := range readers {
		for {
			r, err := rd.Next()
			if errors.Is(err, io.EOF) {
				break
			}
			if err != nil {
				var le *capture.ParseError
				if errors.As(err, &le) && bad != nil {
					bad(err)
					continue
				}
				return nil, fmt.Errorf("lane: read capture: %w", err)
			}
			if len(cur) == cap(cur) {
				blocks, cur = append(blocks, cur), make([]capture.Record, 0, block)
			}
			cur = append(cur, r)
			n++
		}
	}
	all := make([]capture.Record, 0, n)
	blocks = append(blocks, cur)
	for i, b := range blocks {
		all = append(all, b...)
		blocks[i] = nil // the copy is all that is left of it
	}
	less := func(i, j int) bool { return all[i].Time.Before(all[j].Time) }
	if !sort.SliceIsSorted(all, less) { // one file is in order already: a stable sort would keep it as it is
		sort.SliceStable(all, less)
	}
	return all, nil
}
