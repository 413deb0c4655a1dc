package detect

import (
	"encoding/json"
	"maps"
	"regexp"
	"slices"
	"testing"
	"time"

	"github.com/tillwatch/tillwatch/drivers"
)

func TestPaymentWithoutReceiptExactlyAtWait(t *testing.T) {
	e := New(DefaultConfig())
	wait := 90*sec + 2*sec // receipt_wait plus clock_skew
	if got := e.Observe(sale(0, 2040, "000470")); len(got) != 0 {
		t.Fatalf("observe: %v", kinds(got))
	}
	if got := e.Advance(t0.Add(89 * sec)); len(got) != 0 {
		t.Fatalf("at +89s: %v", kinds(got))
	}
	if got := e.Advance(t0.Add(wait - time.Nanosecond)); len(got) != 0 {
		t.Fatalf("just before the wait: %v", kinds(got))
	}
	got := e.Advance(t0.Add(wait))
	if k := kinds(got); !slices.Equal(k, []string{"payment_without_receipt/raised"}) {
		t.Fatalf("at the wait: %v", k)
	}
	if !got[0].Detected.Equal(t0.Add(wait)) {
		t.Errorf("detected %v", got[0].Detected)
	}
	if got := append(e.Advance(t0.Add(time.Hour)), e.Flush()...); len(got) != 0 {
		t.Errorf("decided twice: %v", kinds(got))
	}
}

// withoutDetected is the alerts' JSON with the detection time removed.
func withoutDetected(t *testing.T, as []Alert) string {
	t.Helper()
	c := slices.Clone(as)
	for i := range c {
		c[i].Detected = time.Time{}
	}
	b, err := json.Marshal(c)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func TestBusyShiftFindsEveryIncident(t *testing.T) {
	for seed := range uint64(5) {
		evs, want := shiftWant(seed, 500)
		e := New(DefaultConfig())
		got := map[string]int{}
		for _, a := range append(playEvents(e, evs), e.Flush()...) {
			got[a.Kind+"/"+string(a.State)]++
		}
		if !maps.Equal(got, want) {
			t.Errorf("seed %d: alerts %v, want %v", seed, got, want)
		}
	}
}

func TestDeterministic(t *testing.T) {
	evs := shift(1, 400)
	e1, e2 := New(Config{Site: "s", Lane: "l"}), New(Config{Site: "s", Lane: "l"})
	a := append(playEvents(e1, evs), e1.Flush()...)
	b := append(playEvents(e2, evs), e2.Flush()...)
	ja, _ := json.Marshal(a)
	jb, _ := json.Marshal(b)
	if string(ja) != string(jb) {
		t.Fatal("two fresh engines gave different alerts for the same events")
	}
	if len(a) < 50 {
		t.Fatalf("only %d alerts from a 400-customer shift full of incidents", len(a))
	}
	seen := map[string]bool{}
	for _, al := range a {
		if seen[al.ID] {
			t.Errorf("id %s reported twice (%s)", al.ID, al.Summary)
		}
		seen[al.ID] = true
	}
	// Another lane gives other ids for the same events.
	e3 := New(Config{Site: "s", Lane: "other"})
	c := append(playEvents(e3, evs), e3.Flush()...)
	if len(c) != len(a) || c[0].ID == a[0].ID {
		t.Errorf("lane is not part of the id")
	}
}

// playTicks observes events and advances the clock every step in between
// (never, when step is 0).
func playTicks(e *Engine, evs []drivers.Event, step time.Duration) []Alert {
	var out []Alert
	var now time.Time
	for _, ev := range evs {
		if step > 0 {
			if now.IsZero() {
				now = ev.When()
			}
			for ; now.Before(ev.When()); now = now.Add(step) {
				out = append(out, e.Advance(now)...)
			}
		}
		out = append(out, e.Observe(ev)...)
	}
	return append(out, e.Flush()...)
}

func TestSameAlertsWhateverTheTicks(t *testing.T) {
	evs := shift(2, 300)
	e := New(DefaultConfig())
	want := withoutDetected(t, append(playEvents(e, evs), e.Flush()...))
	for _, step := range []time.Duration{0, 333 * time.Millisecond, sec, 7 * sec, 95 * sec} {
		got := withoutDetected(t, playTicks(New(DefaultConfig()), evs, step))
		if got != want {
			t.Errorf("ticking every %v gives other alerts", step)
		}
	}
}

func TestRestartRebuildsTheSameIDs(t *testing.T) {
	evs := shift(3, 300)
	e := New(DefaultConfig())
	single := append(playEvents(e, evs), e.Flush()...)
	want := ids(single)
	for k := 1; k <= len(evs); k += 3 {
		e1 := New(DefaultConfig())
		first := playEvents(e1, evs[:k])
		last := evs[k-1].When()
		first = append(first, e1.Advance(last)...)

		// What the agent does on restart: a new engine, told where its
		// input starts, given each printer's last status before that and
		// the journal from there on.
		e2 := New(DefaultConfig())
		from := last.Add(-e2.Horizon())
		e2.Resume(from)
		var replay []drivers.Event
		var prev drivers.Event
		for _, ev := range evs {
			if ev.When().Before(from) {
				if _, ok := ev.(*drivers.PrinterStatus); ok {
					prev = ev
				}
				continue
			}
			replay = append(replay, ev)
		}
		if prev != nil {
			replay = append([]drivers.Event{prev}, replay...)
		}
		second := append(playEvents(e2, replay), e2.Flush()...)
		got := ids(append(first, second...))
		if !slices.Equal(got, want) {
			t.Errorf("restart after %d of %d events: %d ids, single run %d", k, len(evs), len(got), len(want))
			diff(t, single, append(first, second...))
			return
		}
	}
}

// diff logs alerts present in only one of two runs.
func diff(t *testing.T, a, b []Alert) {
	t.Helper()
	in := func(as []Alert, id string) bool {
		return slices.ContainsFunc(as, func(x Alert) bool { return x.ID == id })
	}
	for _, x := range a {
		if !in(b, x.ID) {
			t.Logf("only in first: %s %s", x.Kind, x.Summary)
		}
	}
	for _, x := range b {
		if !in(a, x.ID) {
			t.Logf("only in second: %s %s", x.Kind, x.Summary)
		}
	}
}

func TestHorizonBoundsMemory(t *testing.T) {
	e := New(DefaultConfig())
	playEvents(e, shift(4, 3000))
	held := len(e.pays) + len(e.recs)
	perHorizon := int(e.cfg.shortHorizon()/(40*sec)+1) * 3
	if held > perHorizon {
		t.Errorf("engine holds %d payments and receipts after a long shift; the horizon needs at most %d", held, perHorizon)
	}
	for _, p := range e.printers {
		if len(p.hist) > perHorizon {
			t.Errorf("printer history holds %d states", len(p.hist))
		}
	}
}

func TestNoFullCardNumberLeaves(t *testing.T) {
	leaky := with(sale(0, 2040, "000470"), func(p *drivers.Payment) { p.Card = "4937021234560001" })
	e := New(DefaultConfig())
	as := run(e, []step{obs(leaky), obs(rcpt(2*sec, "1", card(1000))), adv(5 * time.Minute)})
	if len(as) == 0 {
		t.Fatal("no alert to check")
	}
	b, err := json.Marshal(as)
	if err != nil {
		t.Fatal(err)
	}
	if regexp.MustCompile(`\d{11,}`).Match(b) {
		t.Errorf("a long digit run left the detector: %s", b)
	}
	for _, a := range as {
		if a.Payment != nil && a.Payment.Card != "493702******0001" {
			t.Errorf("card = %q", a.Payment.Card)
		}
	}
}

func TestConfigDefaultsAndValidate(t *testing.T) {
	e := New(Config{})
	if e.cfg.MatchWindow != 120*sec || e.cfg.ReceiptWait != 90*sec || e.cfg.StatusGrace != 3*sec || !slices.Equal(e.cfg.Settles, []drivers.TenderKind{"card"}) {
		t.Errorf("defaults = %+v", e.cfg)
	}
	if want := 10*time.Minute + 2*120*sec + 3*sec; e.cfg.shortHorizon() != want { // Config{} has no clock skew
		t.Errorf("short horizon %v, want %v", e.cfg.shortHorizon(), want)
	}
	if e.Horizon() != 48*time.Hour {
		t.Errorf("horizon %v, want the settlement window", e.Horizon())
	}
	for _, c := range []Config{{Settings: Settings{MatchWindow: -1}}, {Settings: Settings{AmountTolerance: -1}}, {Disable: []string{"nope"}}} {
		if err := c.Validate(); err == nil {
			t.Errorf("%+v: no error", c)
		}
	}
	if err := (Config{Disable: []string{KindPrinterFault}}).Validate(); err != nil {
		t.Error(err)
	}
	got := run(New(Config{Disable: []string{KindPrinterFault}}), []step{obs(status(0, paperEnd)), adv(time.Minute)})
	if len(got) != 0 {
		t.Errorf("disabled rule ran: %v", kinds(got))
	}
}

func TestWalletSettledByTerminal(t *testing.T) {
	wallet := drivers.Tender{Kind: drivers.TenderWallet, Label: "微信", Amount: 6800}
	steps := []step{obs(sale(0, 6800, "1")), obs(rcpt(2*sec, "1", wallet)), adv(5 * time.Minute)}
	if got := run(New(Config{}), steps); !slices.Equal(kinds(got), []string{"payment_without_receipt/raised"}) {
		t.Errorf("card-only lane: %v", kinds(got))
	}
	if got := run(New(Config{Settings: Settings{Settles: []drivers.TenderKind{"card", "wallet"}}}), steps); len(got) != 0 {
		t.Errorf("lane settling wallet: %v", kinds(got))
	}
}

func TestAmountTolerance(t *testing.T) {
	steps := []step{obs(sale(0, 2041, "1")), obs(rcpt(2*sec, "1", card(2040))), adv(5 * time.Minute)}
	if got := run(New(Config{}), steps); !slices.Equal(kinds(got), []string{"amount_mismatch/raised"}) {
		t.Errorf("tolerance 0: %v", kinds(got))
	}
	if got := run(New(Config{Settings: Settings{AmountTolerance: 1}}), steps); len(got) != 0 {
		t.Errorf("tolerance 1: %v", kinds(got))
	}
}
