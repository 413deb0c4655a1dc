package notify

import (
	"encoding/json"
	"net/http/httptest"

	"github.com/tillwatch/tillwatch/agent/uplink"
	"github.com/tillwatch/tillwatch/buffer"
	"testing"
	"time"
)

// weComSink is a WeCom sink on a fresh queue talking to a stand-in robot.
func weComSink(t *testing.T, svc *service, dir string) (*Sink, *httptest.Server, func() *Sink) {
	t.Helper()
	srv := httptest.NewServer(svc)
	t.Cleanup(srv.Close)
	sp, _ := spec("wecom")
	mk := func() *Sink {
		ch, err := sp.New(Config{URL: srv.URL + "/cgi-bin/webhook/send?key=robot-key"})
		if err != nil {
			t.Fatal(err)
		}
		_, q := openQueue(t, dir)
		return NewSink("test", q, ch, sp, SinkOptions{Voice: Voice{Lang: "en", Loc: time.UTC}})
	}
	return mk(), srv, mk
}

// TestBurstBecomesDigests: 100 alerts at once reach a 20-a-minute robot
// (WeCom's documented limit) as a few digests, every alert id present
// once, no request over the limit or the 4096-byte content limit (checked
// by the stand-in), on a fake clock.
func TestBurstBecomesDigests(t *testing.T) {
	svc := weComService(t)
	now := t0
	svc.now = &now
	s, _, _ := weComSink(t, svc, "")
	q := s.src.(*buffer.Queue)
	var want []string
	for i := range 100 {
		al := alert(i, t0.Add(time.Duration(i)*100*time.Millisecond))
		want = append(want, al.ID)
		put(t, s.src.(*buffer.Queue), al)
	}
	drive(t, s, &now, t0.Add(time.Hour))
	ids := svc.ids()
	for _, id := range want {
		if ids[id] != 1 {
			t.Errorf("alert %s delivered %d times, want once", id, ids[id])
		}
	}
	if n := maxInWindow(svc.times, time.Minute); n > 20 {
		t.Errorf("%d requests in one minute: over WeCom's 20", n)
	}
	if len(svc.times) > 5 {
		t.Errorf("%d requests for 100 alerts: want a few digests", len(svc.times))
	}
	if n, _ := q.Len(); n != 0 {
		t.Errorf("%d alerts left pending", n)
	}
	t.Logf("100 alerts in %d requests over %s", len(svc.times), now.Sub(t0))
}

// TestOutageThenBack: the robot is down for an hour while an alert comes
// every minute; once it is back every alert is delivered exactly once,
// and the retries never break the rate limit.
func TestOutageThenBack(t *testing.T) {
	svc := weComService(t)
	now := t0
	svc.now = &now
	back := t0.Add(time.Hour)
	svc.down = func(at time.Time) bool { return at.Before(back) }
	s, _, _ := weComSink(t, svc, "")
	var want []string
	for i := range 60 {
		at := t0.Add(time.Duration(i) * time.Minute)
		drive(t, s, &now, at)
		if now.Before(at) {
			now = at
		}
		al := alert(i, at)
		want = append(want, al.ID)
		put(t, s.src.(*buffer.Queue), al)
	}
	drive(t, s, &now, t0.Add(3*time.Hour))
	ids := svc.ids()
	for _, id := range want {
		if ids[id] != 1 {
			t.Errorf("alert %s delivered %d times, want once", id, ids[id])
		}
	}
	if svc.failures == 0 {
		t.Error("the outage was never met")
	}
	if n := maxInWindow(svc.times, time.Minute); n > 20 {
		t.Errorf("%d requests in one minute", n)
	}
	if now.Sub(back) > 10*time.Minute {
		t.Errorf("delivered %s after the robot came back: the backoff is too long", now.Sub(back))
	}
	t.Logf("%d failed tries during the outage, %d requests after; done %s after it ended", svc.failures, len(svc.times), now.Sub(back))
}

// TestRestartSendsNothingTwice: alerts delivered before a restart are not
// sent again when the detector re-offers them after it, and those still
// pending then are delivered (the queue is on disk).
func TestRestartSendsNothingTwice(t *testing.T) {
	svc := weComService(t)
	now := t0
	svc.now = &now
	dir := t.TempDir() + "/db"
	db, q := openQueue(t, dir)
	sp, _ := spec("wecom")
	srv := httptest.NewServer(svc)
	defer srv.Close()
	ch, _ := sp.New(Config{URL: srv.URL + "/cgi-bin/webhook/send?key=robot-key"})
	s := NewSink("test", q, ch, sp, SinkOptions{})
	put(t, q, alert(1, t0), alert(2, t0))
	drive(t, s, &now, t0.Add(time.Hour))
	put(t, q, alert(3, now)) // stored, not yet sent: the agent stops
	db.Close()

	_, q2 := openQueue(t, dir)
	s2 := NewSink("test", q2, ch, sp, SinkOptions{})
	put(t, q2, alert(1, t0), alert(2, t0), alert(3, t0)) // re-detected after the restart
	now = now.Add(time.Minute)
	drive(t, s2, &now, now.Add(time.Hour))
	ids := svc.ids()
	for i := 1; i <= 3; i++ {
		if id := alert(i, t0).ID; ids[id] != 1 {
			t.Errorf("alert %s delivered %d times, want once", id, ids[id])
		}
	}
}

// TestOutboxReaderItems: as a reader of the lane's outbox the sink gets
// outbox messages: an alert's is delivered, a settlement summary's is let
// go without a request.
func TestOutboxReaderItems(t *testing.T) {
	svc := weComService(t)
	now := t0
	svc.now = &now
	s, _, _ := weComSink(t, svc, "")
	q := s.src.(*buffer.Queue)
	al := alert(1, t0)
	b, _ := json.Marshal(al)
	for id, m := range map[string]uplink.Message{
		al.ID:     {Topic: "tillwatch/v1/store-12/lane-3/alert/" + al.Kind, Payload: b},
		"summary": {Topic: "tillwatch/v1/store-12/lane-3/settlement", Payload: []byte(`{"day":"2026-11-21"}`)},
	} {
		if _, err := q.Put(id, buffer.ClassCritical, uplink.EncodeMessage(m)); err != nil {
			t.Fatal(err)
		}
	}
	drive(t, s, &now, t0.Add(time.Hour))
	if ids := svc.ids(); len(svc.times) != 1 || ids[al.ID] != 1 {
		t.Errorf("%d requests, ids %v: want the alert once", len(svc.times), ids)
	}
	if n, _ := q.Len(); n != 0 {
		t.Errorf("%d items left", n)
	}
}
