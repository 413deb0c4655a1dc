package fleet

import (
	"slices"
	"testing"
	"time"
)

func TestLedger(t *testing.T) {
	const topic = "tillwatch/v1/s/l/alert/print_failed"
	a := []byte(`{"id":"aaaa","kind":"print_failed"}`)
	b := []byte(`{"id":"bbbb","kind":"print_failed"}`)
	a2 := []byte(`{"id":"aaaa","kind":"print_failed","summary":"changed"}`)
	type sent struct {
		id      string
		payload []byte
	}
	type got struct {
		c       int
		topic   string
		payload []byte
	}
	for _, tc := range []struct {
		name     string
		sent     []sent
		got      []got
		missing  []string
		unique   int
		dups     int
		problems int
	}{
		{name: "all once", sent: []sent{{"aaaa", a}, {"bbbb", b}}, got: []got{{0, topic, a}, {1, topic, b}}, unique: 2},
		{name: "one missing", sent: []sent{{"aaaa", a}, {"bbbb", b}}, got: []got{{2, topic, a}}, missing: []string{"bbbb"}, unique: 1},
		{name: "duplicate on two consumers", sent: []sent{{"aaaa", a}}, got: []got{{0, topic, a}, {2, topic, a}}, unique: 1, dups: 1},
		{name: "received before the ledger saw the store", sent: []sent{{"aaaa", a}}, got: []got{{0, topic, a}}, unique: 1},
		{name: "duplicate with another payload", sent: []sent{{"aaaa", a}}, got: []got{{0, topic, a}, {1, topic, a2}}, unique: 1, dups: 1, problems: 1},
		{name: "copy differs from the stored one", sent: []sent{{"aaaa", a}}, got: []got{{0, topic, a2}}, unique: 1, problems: 1},
		{name: "duplicate on another topic", sent: []sent{{"aaaa", a}}, got: []got{{0, topic, a}, {0, topic + "x", a}}, unique: 1, dups: 1, problems: 1},
		{name: "never stored", got: []got{{0, topic, a}}, unique: 1, problems: 1},
		{name: "not an alert", got: []got{{0, topic, []byte("hello")}, {0, topic, []byte(`{"kind":"x"}`)}}, problems: 2},
	} {
		t.Run(tc.name, func(t *testing.T) {
			l := NewLedger(3)
			t0 := time.Now()
			for _, s := range tc.sent {
				l.Sent(s.id, "print_failed", topic, s.payload, t0)
			}
			for i, g := range tc.got {
				l.Received(g.c, g.topic, g.payload, t0.Add(time.Duration(i+1)*time.Millisecond))
			}
			tl := l.Tally()
			if !slices.Equal(tl.Missing, tc.missing) || tl.Unique != tc.unique || tl.Duplicates != tc.dups || tl.NProblems != tc.problems {
				t.Errorf("missing %v unique %d dups %d problems %d %q; want missing %v unique %d dups %d problems %d",
					tl.Missing, tl.Unique, tl.Duplicates, tl.NProblems, tl.Problems, tc.missing, tc.unique, tc.dups, tc.problems)
			}
			if tl.Copies != len(tc.got) {
				t.Errorf("copies %d, want %d", tl.Copies, len(tc.got))
			}
			if want := len(tc.sent) - len(tc.missing); tl.Sent == len(tc.sent) && len(tl.Latencies) != want {
				t.Errorf("%d latencies, want %d", len(tl.Latencies), want)
			}
			if l.Outstanding() != len(tc.missing) {
				t.Errorf("outstanding %d, want %d", l.Outstanding(), len(tc.missing))
			}
		})
	}
}

// TestReportErr: the report fails on anything missing, any contract
// problem and anything left in an outbox, and nothing else (duplicates are
// allowed).
func TestReportErr(t *testing.T) {
	ok := Report{Tally: Tally{Sent: 2, Unique: 2, Copies: 3, Duplicates: 1}}
	if err := ok.Err(); err != nil {
		t.Errorf("duplicates only: %v", err)
	}
	for _, r := range []Report{
		{Tally: Tally{Sent: 2, Unique: 1, Missing: []string{"x"}}},
		{Tally: Tally{Sent: 1, Unique: 1, NProblems: 1, Problems: []string{"p"}}},
		{Pending: 3},
		{Pending: -1},
	} {
		if r.Err() == nil {
			t.Errorf("%+v: no error", r)
		}
	}
}
