package fleet

import (
	"crypto/sha256"
	"encoding/json"
	"fmt"
	"slices"
	"sync"
	"time"
)

// maxProblems bounds the problems a Ledger keeps word for word.
const maxProblems = 20

// Ledger records every alert the lanes stored in their outboxes and every
// copy the consumers received, and compares the two. It is safe for
// concurrent use.
type Ledger struct {
	mu        sync.Mutex
	sent      map[string]*sentAlert
	got       map[string]*gotAlert
	copies    []int // per consumer, duplicates included
	problems  []string
	nProblems int
}

// sentAlert is one alert stored in an outbox.
type sentAlert struct {
	kind string
	sum  [32]byte // of topic, NUL, payload
	at   time.Time
}

// gotAlert is what consumers received under one id.
type gotAlert struct {
	sum    [32]byte // of the first copy
	first  time.Time
	copies int
}

// NewLedger returns an empty ledger for n consumers.
func NewLedger(n int) *Ledger {
	return &Ledger{sent: map[string]*sentAlert{}, got: map[string]*gotAlert{}, copies: make([]int, n)}
}

func digest(topic string, payload []byte) [32]byte {
	h := sha256.New()
	h.Write([]byte(topic))
	h.Write([]byte{0})
	h.Write(payload)
	return [32]byte(h.Sum(nil))
}

// Sent records that an alert was stored in an outbox at at (just before
// the store call) with this topic and payload.
func (l *Ledger) Sent(id, kind, topic string, payload []byte, at time.Time) {
	sum := digest(topic, payload)
	l.mu.Lock()
	defer l.mu.Unlock()
	if s, ok := l.sent[id]; ok {
		if s.sum != sum {
			l.problem("alert %s stored twice with different contents", id)
		}
		return
	}
	l.sent[id] = &sentAlert{kind: kind, sum: sum, at: at}
}

// Received records one copy consumer c got at at. A payload that is not an
// alert with an id, and a copy that differs from the first copy of its id,
// are problems.
func (l *Ledger) Received(c int, topic string, payload []byte, at time.Time) {
	var head struct {
		ID string `json:"id"`
	}
	err := json.Unmarshal(payload, &head)
	sum := digest(topic, payload)
	l.mu.Lock()
	defer l.mu.Unlock()
	if c >= 0 && c < len(l.copies) {
		l.copies[c]++
	}
	switch {
	case err != nil:
		l.problem("consumer %d: %s: not an alert: %v", c+1, topic, err)
		return
	case head.ID == "":
		l.problem("consumer %d: %s: alert without an id", c+1, topic)
		return
	}
	g, ok := l.got[head.ID]
	if !ok {
		l.got[head.ID] = &gotAlert{sum: sum, first: at, copies: 1}
		return
	}
	g.copies++
	if g.sum != sum {
		l.problem("consumer %d: alert %s: a copy differs from the first one (topic %s)", c+1, head.ID, topic)
	}
}

// problem records a finding; the caller holds l.mu.
func (l *Ledger) problem(format string, args ...any) {
	l.nProblems++
	if len(l.problems) < maxProblems {
		l.problems = append(l.problems, fmt.Sprintf(format, args...))
	}
}

// Outstanding is how many stored alerts no consumer has received yet.
func (l *Ledger) Outstanding() int {
	l.mu.Lock()
	defer l.mu.Unlock()
	n := 0
	for id := range l.sent {
		if _, ok := l.got[id]; !ok {
			n++
		}
	}
	return n
}

// Tally is the comparison of what was sent and what was received.
type Tally struct {
	// Sent is the number of alerts stored in outboxes, by kind in ByKind.
	Sent   int
	ByKind map[string]int
	// Copies is every message received, duplicates included; PerConsumer
	// splits it by consumer. Unique counts distinct ids, Duplicates the
	// extra copies (Copies - Unique for a clean run).
	Copies, Unique, Duplicates int
	PerConsumer                []int
	// Missing lists stored alerts no consumer received (sorted ids).
	Missing []string
	// Problems are received messages that contradict the contract:
	// unknown ids, copies that differ from the stored alert or from each
	// other, payloads that are not alerts. NProblems counts them all,
	// Problems keeps the first few.
	Problems  []string
	NProblems int
	// Latencies are, per received alert, the time from its store call to
	// its first arrival at a consumer, ascending.
	Latencies []time.Duration
	// Arrivals are the first-arrival times, ascending.
	Arrivals []time.Time
	// FirstSent is the earliest store call.
	FirstSent time.Time
}

// Tally compares what was sent and what was received so far.
func (l *Ledger) Tally() Tally {
	l.mu.Lock()
	defer l.mu.Unlock()
	t := Tally{Sent: len(l.sent), ByKind: map[string]int{}, PerConsumer: slices.Clone(l.copies),
		Problems: slices.Clone(l.problems), NProblems: l.nProblems}
	for _, n := range l.copies {
		t.Copies += n
	}
	for id, s := range l.sent {
		t.ByKind[s.kind]++
		if t.FirstSent.IsZero() || s.at.Before(t.FirstSent) {
			t.FirstSent = s.at
		}
		g, ok := l.got[id]
		if !ok {
			t.Missing = append(t.Missing, id)
			continue
		}
		t.Latencies = append(t.Latencies, max(g.first.Sub(s.at), 0))
		if g.sum != s.sum {
			t.NProblems++
			if len(t.Problems) < maxProblems {
				t.Problems = append(t.Problems, fmt.Sprintf("alert %s: received topic or payload differs from the stored one", id))
			}
		}
	}
	for id, g := range l.got {
		t.Unique++
		t.Duplicates += g.copies - 1
		t.Arrivals = append(t.Arrivals, g.first)
		if _, ok := l.sent[id]; !ok {
			t.NProblems++
			if len(t.Problems) < maxProblems {
				t.Problems = append(t.Problems, fmt.Sprintf("alert %s: received but never stored by a lane", id))
			}
		}
	}
	slices.Sort(t.Missing)
	slices.Sort(t.Latencies)
	slices.SortFunc(t.Arrivals, time.Time.Compare)
	return t
}
