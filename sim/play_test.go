package sim

import (
	"context"
	"io"
	"testing"
	"time"
)

// TestPlayerPacingDoesNotAddUpLateTimers plays a 600-byte receipt at 9600
// baud on a clock whose every wait ends 50 ms late (a loaded machine): the
// last piece goes out at its place on the line from the write's start
// (0.6 s, plus one late wait), not 38 late waits after it.
func TestPlayerPacingDoesNotAddUpLateTimers(t *testing.T) {
	t0 := time.Date(2026, 11, 22, 10, 0, 0, 0, time.UTC)
	clock := t0
	var wrote []time.Time
	p := &Player{
		Out: func(Wire) io.Writer {
			return writerFunc(func(b []byte) (int, error) { wrote = append(wrote, clock); return len(b), nil })
		},
		Baud: 9600,
		now:  func() time.Time { return clock },
		wait: func(_ context.Context, until time.Time) error {
			if until.After(clock) {
				clock = until.Add(50 * time.Millisecond)
			}
			return nil
		},
	}
	data := make([]byte, 600)
	if err := p.Play(context.Background(), []Write{{At: time.Second, Wire: PrinterHost, Data: data}}); err != nil {
		t.Fatal(err)
	}
	if len(wrote) != 38 {
		t.Fatalf("%d pieces, want 38", len(wrote))
	}
	began := wrote[0]
	line := time.Duration(592) * 10 * time.Second / 9600 // the last piece's place on the line
	if got, max := wrote[len(wrote)-1].Sub(began), line+50*time.Millisecond; got > max {
		t.Errorf("last piece %v after the first, want at most %v", got, max)
	}
}

type writerFunc func([]byte) (int, error)

func (f writerFunc) Write(b []byte) (int, error) { return f(b) }
