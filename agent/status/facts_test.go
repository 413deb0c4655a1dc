package status

import (
	"context"
	"testing"
	"time"

	"github.com/tillwatch/tillwatch/buffer"
)

// TestSamplerNeverWaitsForARead: while a reading is slow (timedatectl
// hanging), Facts returns the last reading at once; the new one shows
// once the reading is done.
func TestSamplerNeverWaitsForARead(t *testing.T) {
	started, release := make(chan struct{}), make(chan struct{})
	synced := true
	read := func(ctx context.Context) Facts {
		close(started)
		<-release
		return Facts{Clock: HealthClock{Source: "timedatectl", Synchronized: &synced}, FreeBytes: 42}
	}
	s := NewSampler(read, time.Hour, UnknownFacts())
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- s.Run(ctx) }()
	<-started
	if f := s.Facts(); f.Clock.Source != "unknown" || f.FreeBytes != -1 {
		t.Errorf("facts during the first reading = %+v, want the initial ones", f)
	}
	close(release)
	deadline := time.Now().Add(10 * time.Second)
	for s.Facts().FreeBytes != 42 {
		if time.Now().After(deadline) {
			t.Fatal("the reading never showed")
		}
		time.Sleep(time.Millisecond)
	}
	cancel()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
}

// TestHealthMessageOfSnapshot: the health topic's message is the
// snapshot's, and a clean stop reports every link down.
func TestHealthMessageOfSnapshot(t *testing.T) {
	now := time.Date(2026, 11, 22, 10, 0, 0, 0, time.UTC)
	s := Snapshot{
		Site: "s1", Lane: "l1", Now: now,
		Buffer:  HealthBuffer{Depth: 3, Shed: buffer.ShedCounts{Info: 2}, MemoryShed: buffer.ShedCounts{Warning: 1}, FreeBytes: 9},
		Facts:   Facts{Clock: HealthClock{Source: "timedatectl"}, Recovered: []buffer.Recovery{{}}, FreeBytes: 9},
		Uplink:  Uplink{Connects: 2, Reconnects: 1, Published: 5, Acked: 4},
		Devices: []Device{{Name: "printer", Up: true, Seen: true, Since: now}, {Name: "terminal"}},
	}
	h := s.HealthMessage()
	if h.BufferShed != 3 || h.Buffer.Depth != 3 || h.Buffer.FreeBytes != 9 || h.Clock.Source != "timedatectl" || len(h.Recovered) != 1 ||
		h.Uplink != (HealthUplink{Connects: 2, Reconnects: 1, Published: 5, Acked: 4}) {
		t.Errorf("health message %+v", h)
	}
	if h.Links["printer"].State != LinkUp || h.Links["terminal"].State != LinkUnknown {
		t.Errorf("links %+v", h.Links)
	}
	s.Stopping = true
	for name, l := range s.HealthMessage().Links {
		if l.State != LinkDown || l.Reason != ReasonAgentStopped {
			t.Errorf("%s at a clean stop: %+v", name, l)
		}
	}
}
