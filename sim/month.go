package sim

import (
	"fmt"
	"io"
	"time"

	"github.com/tillwatch/tillwatch/capture"
)

// MonthCheckoutsPerDay is a busy lane's day in BusyMonth: 1,000
// checkouts, one every 43 s over twelve opening hours.
const MonthCheckoutsPerDay = 1000

// BusyMonth writes the capture a tap on a busy lane records in days days
// (BusyShift with days*MonthCheckoutsPerDay checkouts, from start: the
// printer's receipts, the terminal's ZVT frames, paced at 9600 baud) to w,
// header first. The same seed gives the same bytes. A month is 30,000
// checkouts, 750,000 records, 72 MB of JSON Lines: benchmarks write it to
// a temporary file, it is not committed.
func BusyMonth(w io.Writer, seed uint64, days int, start time.Time) (records int, err error) {
	ws, err := Compile(BusyShift(seed, days*MonthCheckoutsPerDay))
	if err != nil {
		return 0, fmt.Errorf("sim: busy month: %w", err)
	}
	h, err := Header("store-1", "lane-1", nil)
	if err != nil {
		return 0, err
	}
	cw, err := capture.NewWriter(w, h)
	if err != nil {
		return 0, fmt.Errorf("sim: busy month: %w", err)
	}
	for _, r := range Records(ws, start, nil) {
		if err := cw.Write(r); err != nil {
			return records, fmt.Errorf("sim: busy month: %w", err)
		}
		records++
	}
	if err := cw.Flush(); err != nil {
		return records, fmt.Errorf("sim: busy month: %w", err)
	}
	return records, nil
}
