package notify

import (
	"context"
	"log/slog"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/tillwatch/tillwatch/agent/detect"
	"github.com/tillwatch/tillwatch/buffer"
	"github.com/tillwatch/tillwatch/configs"
)

// paperNearEnd is a printer_fault warning detected at at (the kind of
// warning that is resolved when it clears).
func paperNearEnd(i int, at time.Time) detect.Alert {
	al := alert(i, at)
	al.Kind, al.Severity, al.Detected, al.Payment, al.Cashier = detect.KindPrinterFault, detect.Warning, at, nil, ""
	al.Summary = "Printer (printer): paper near end since " + at.Format("15:04") + "."
	al.Printer = &detect.PrinterEvidence{PaperNearEnd: true, Online: true, Known: true}
	return al
}

// resolvedOf is the resolved alert of a raised one's incident at at.
func resolvedOf(al detect.Alert, at time.Time) detect.Alert {
	al.ID = al.ID[:len(al.ID)-1] + "f"
	al.State, al.Time, al.Detected = detect.Resolved, at, at
	al.Summary = "Resolved: the printer (printer) is OK again."
	return al
}

// escRig is two WeCom robots on one database: "store" (the channel that
// escalates) and "phone" (critical only, quiet at night), stepped on a
// fake clock.
type escRig struct {
	t            *testing.T
	dir          string
	store, phone *service
	storeURL     string
	phoneURL     string
	db           *buffer.DB
	s, p         *Sink
}

func newEscRig(t *testing.T, to string) *escRig {
	r := &escRig{t: t, dir: filepath.Join(t.TempDir(), "db"), store: weComService(t), phone: weComService(t)}
	for _, x := range []struct {
		svc *service
		url *string
	}{{r.store, &r.storeURL}, {r.phone, &r.phoneURL}} {
		srv := httptest.NewServer(x.svc)
		t.Cleanup(srv.Close)
		*x.url = srv.URL + "/cgi-bin/webhook/send?key=robot-key"
	}
	r.open(to)
	return r
}

// open (re)opens the database and builds both sinks as Set.Open does.
func (r *escRig) open(to string) {
	db, err := buffer.Open(r.dir, buffer.DefaultOptions(), nil)
	if err != nil {
		r.t.Fatal(err)
	}
	r.t.Cleanup(func() { db.Close() })
	r.db = db
	sp, _ := spec("wecom")
	chS, _ := sp.New(Config{URL: r.storeURL})
	chP, _ := sp.New(Config{URL: r.phoneURL})
	target := db.Queue(QueuePrefix + "store")
	if to == "phone" {
		target = db.Queue(QueuePrefix + "phone")
	}
	esc := &Escalation{After: 30 * time.Minute, Watch: db.Queue(EscalatePrefix + "store"), To: target}
	v := Voice{Lang: "en", Loc: time.UTC}
	r.s = NewSink("store", db.Queue(QueuePrefix+"store"), chS, sp, SinkOptions{Escalate: esc, Voice: v})
	night, _ := ParseQuiet("00:00-07:00", time.UTC)
	r.p = NewSink("phone", db.Queue(QueuePrefix+"phone"), chP, sp, SinkOptions{Filter: Filter{MinSeverity: detect.Critical}, Quiet: night, Voice: v})
}

// run steps both sinks at every time either asks for, up to until.
func (r *escRig) run(now *time.Time, until time.Time) {
	r.store.now, r.phone.now = now, now
	for range 10000 {
		a, _ := r.s.Step(context.Background(), *now)
		b, _ := r.p.Step(context.Background(), *now)
		next := earliest(a, b)
		if next.IsZero() || next.After(until) {
			*now = until
			return
		}
		if next.After(*now) {
			*now = next
		}
	}
	r.t.Fatal("sinks never settled")
}

// escalations are the texts of a service that carry an escalated alert.
func escalations(s *service) []string {
	var out []string
	for _, t := range s.texts {
		if strings.Contains(t, EscalatedSuffix) {
			out = append(out, t)
		}
	}
	return out
}

// TestEscalateOnSameChannel: a paper-near-end warning still not resolved
// 30 minutes after it was detected is sent again on the same channel as
// critical, once, with the time it waited in its words; a resolved one is
// not.
func TestEscalateOnSameChannel(t *testing.T) {
	r := newEscRig(t, "")
	now := t0
	warn, other := paperNearEnd(1, t0), paperNearEnd(2, t0)
	other.Incident = "00000000000c0de2"
	put(t, r.db.Queue(QueuePrefix+"store"), warn, other)
	r.run(&now, t0.Add(10*time.Minute))
	if ids := r.store.ids(); ids[warn.ID] != 1 || len(escalations(r.store)) != 0 {
		t.Fatalf("after 10 min: %v, escalations %q; want the warnings once, no escalation", ids, escalations(r.store))
	}
	put(t, r.db.Queue(QueuePrefix+"store"), resolvedOf(other, now))
	r.run(&now, t0.Add(2*time.Hour))
	esc := escalations(r.store)
	if len(esc) != 1 || !strings.Contains(esc[0], warn.ID+EscalatedSuffix) || !strings.Contains(esc[0], "Not resolved after 30 min: ") {
		t.Fatalf("escalations %q: want one, of %s", esc, warn.ID)
	}
	if at := r.store.times[len(r.store.times)-1]; at.Before(t0.Add(30*time.Minute)) || at.After(t0.Add(31*time.Minute)) {
		t.Errorf("escalated at %s, want 30 min after detection", at.Sub(t0))
	}
	if strings.Contains(strings.Join(esc, ""), other.ID) {
		t.Errorf("the resolved warning was escalated: %q", esc)
	}
	if len(r.phone.texts) != 0 {
		t.Errorf("the phone got %q: escalations stay on this channel", r.phone.texts)
	}
}

// TestEscalateToAnotherChannel: the escalation goes to the phone (which
// takes only critical alerts and is quiet at night: critical goes through),
// and a restart between the warning and its escalation forgets nothing
// and sends nothing twice.
func TestEscalateToAnotherChannel(t *testing.T) {
	r := newEscRig(t, "phone")
	now := t0 // 02:00 UTC, inside the phone's quiet hours
	warn := paperNearEnd(1, t0)
	put(t, r.db.Queue(QueuePrefix+"store"), warn)
	r.run(&now, t0.Add(5*time.Minute))
	if len(r.phone.texts) != 0 || r.store.ids()[warn.ID] != 1 {
		t.Fatalf("after 5 min: store %v, phone %q", r.store.ids(), r.phone.texts)
	}
	r.db.Close() // the agent restarts
	r.open("phone")
	put(t, r.db.Queue(QueuePrefix+"store"), warn) // re-offered after the restart
	r.run(&now, t0.Add(3*time.Hour))
	if ids := r.store.ids(); ids[warn.ID] != 1 || len(escalations(r.store)) != 0 {
		t.Errorf("store: %v, escalations %q; want the warning once and no escalation here", ids, escalations(r.store))
	}
	esc := escalations(r.phone)
	if len(esc) != 1 || len(r.phone.texts) != 1 || !strings.Contains(esc[0], warn.ID+EscalatedSuffix) {
		t.Fatalf("phone got %q: want the escalation once", r.phone.texts)
	}
	if at := r.phone.times[0]; at.Before(t0.Add(30*time.Minute)) || at.After(t0.Add(31*time.Minute)) {
		t.Errorf("escalated at %s, want 30 min after detection, through quiet hours", at.Sub(t0))
	}
}

// TestEscalateOnlyResolvableWarnings: a critical alert, or a warning that
// no later message resolves (a print_failed), is never escalated.
func TestEscalateOnlyResolvableWarnings(t *testing.T) {
	r := newEscRig(t, "")
	now := t0
	pf := paperNearEnd(1, t0)
	pf.Kind = detect.KindPrintFailed
	put(t, r.db.Queue(QueuePrefix+"store"), pf, alert(2, t0))
	r.run(&now, t0.Add(3*time.Hour))
	if esc := escalations(r.store); len(esc) != 0 {
		t.Errorf("escalated %q", esc)
	}
}

// TestOpenWiresEscalation: Set.Open gives a channel with escalate_after
// its watch queue and the queue of the channel it escalates to.
func TestOpenWiresEscalation(t *testing.T) {
	db, _ := openQueue(t, "")
	list := []configs.Notify{
		{Name: "store", Type: "ntfy", URL: "https://ntfy.example/store", EscalateAfter: 30 * time.Minute, EscalateTo: "phone"},
		{Name: "phone", Type: "ntfy", URL: "https://ntfy.example/phone", MinSeverity: "critical"},
	}
	s, err := Open(db, list, SetOptions{})
	if err != nil {
		t.Fatal(err)
	}
	esc := s.Sinks()[0].esc
	if esc == nil || esc.After != 30*time.Minute || esc.To != db.Queue(QueuePrefix+"phone") || esc.Watch != db.Queue(EscalatePrefix+"store") {
		t.Errorf("store's escalation = %+v", esc)
	}
	if s.Sinks()[1].esc != nil {
		t.Errorf("phone escalates: %+v", s.Sinks()[1].esc)
	}
	list[0].EscalateTo = "pager"
	if _, err := Open(db, list, SetOptions{}); err == nil || !strings.Contains(err.Error(), `"pager"`) {
		t.Errorf("escalate_to an unknown channel: %v", err)
	}
}

// TestEscalateUnreadableEntryLogged: a watched entry that no longer reads
// as an alert (a damaged store) is dropped with a warning in the log that
// names it, not silently, and the other entries still escalate.
func TestEscalateUnreadableEntryLogged(t *testing.T) {
	db, err := buffer.Open(filepath.Join(t.TempDir(), "db"), buffer.DefaultOptions(), nil)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	at := time.Date(2026, 11, 22, 9, 0, 0, 0, time.UTC)
	watch, to := db.Queue(EscalatePrefix+"store"), db.Queue(QueuePrefix+"store")
	esc := &Escalation{After: 30 * time.Minute, Watch: watch, To: to}
	if _, err := watch.Put("incident-bad", buffer.ClassWarning, []byte("{not json")); err != nil {
		t.Fatal(err)
	}
	if err := esc.note([]detect.Alert{paperNearEnd(1, at)}, []bool{true}); err != nil {
		t.Fatal(err)
	}
	var logged strings.Builder
	log := slog.New(slog.NewTextHandler(&logged, nil))
	if _, err := esc.fire(at.Add(time.Hour), "en", log); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(logged.String(), "unreadable warning dropped") || !strings.Contains(logged.String(), "incident-bad") {
		t.Errorf("log %q does not name the dropped entry", logged.String())
	}
	left, err := watch.Pending(10)
	if err != nil {
		t.Fatal(err)
	}
	if len(left) != 0 {
		t.Errorf("%d entries still watched, want 0", len(left))
	}
	sent, err := to.Pending(10)
	if err != nil {
		t.Fatal(err)
	}
	if len(sent) != 1 || !strings.HasSuffix(sent[0].ID, EscalatedSuffix) {
		t.Errorf("escalated %v, want the one readable warning", sent)
	}
}
