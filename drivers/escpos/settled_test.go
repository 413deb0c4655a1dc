package escpos

import (
	"testing"
	"time"

	"github.com/tillwatch/tillwatch/drivers"
)

// TestSettled follows a job through the states a restart would lose.
func TestSettled(t *testing.T) {
	t0 := time.Date(2026, 11, 22, 10, 0, 0, 0, time.UTC)
	d := New(Options{})
	feed := func(s string, ms int) []drivers.Event {
		return d.Feed(drivers.Chunk{Time: t0.Add(time.Duration(ms) * time.Millisecond), Data: []byte(s)})
	}
	steps := []struct {
		name    string
		do      func() []drivers.Event
		settled bool
	}{
		{"new", func() []drivers.Event { return nil }, true},
		{"job open", func() []drivers.Event { return feed("\x1b@TOTAL 12.50\n", 0) }, false},
		{"cut, held for a kick", func() []drivers.Event { return feed("\x1dV\x00", 10) }, false},
		{"kick window over", func() []drivers.Event { return d.Flush(t0.Add(3 * time.Second)) }, true},
		{"status request", func() []drivers.Event { return feed("\x10\x04\x01", 4000) }, false},
		{"command cut short", func() []drivers.Event { d = New(Options{}); return feed("\x1b", 5000) }, false},
	}
	for _, s := range steps {
		s.do()
		if got := d.Settled(); got != s.settled {
			t.Errorf("%s: Settled() = %v, want %v", s.name, got, s.settled)
		}
	}
}
