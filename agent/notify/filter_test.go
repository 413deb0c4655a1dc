package notify

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/tillwatch/tillwatch/agent/detect"
	"github.com/tillwatch/tillwatch/buffer"
	"github.com/tillwatch/tillwatch/configs"
)

func TestTypesMatchConfigs(t *testing.T) {
	if !slices.Equal(Types(), configs.NotifyTypes) {
		t.Errorf("registry %v, configs.NotifyTypes %v", Types(), configs.NotifyTypes)
	}
}

func TestFilter(t *testing.T) {
	crit := alert(1, t0)
	warn := alert(2, t0)
	warn.Severity = detect.Warning
	res := alert(3, t0)
	res.State = detect.Resolved
	for _, c := range []struct {
		name string
		f    Filter
		al   detect.Alert
		want bool
	}{
		{"everything", Filter{}, warn, true},
		{"below min severity", Filter{MinSeverity: detect.Critical}, warn, false},
		{"at min severity", Filter{MinSeverity: detect.Critical}, crit, true},
		{"other kind", Filter{Kinds: []string{detect.KindPrinterFault}}, crit, false},
		{"lane by name", Filter{Lanes: []string{"lane-3"}}, crit, true},
		{"lane by site/lane", Filter{Lanes: []string{"store-12/lane-3"}}, crit, true},
		{"other lane", Filter{Lanes: []string{"lane-4"}}, crit, false},
		{"no resolved", Filter{NoResolved: true}, res, false},
	} {
		if got := c.f.Pass(&c.al); got != c.want {
			t.Errorf("%s: %v, want %v", c.name, got, c.want)
		}
	}
}

// TestQuietHours: during 22:00-07:00 (Shanghai) a warning waits until
// 07:00 while a critical alert goes at once.
func TestQuietHours(t *testing.T) {
	sh := time.FixedZone("CST", 8*3600)
	q, err := ParseQuiet("22:00-07:00", sh)
	if err != nil {
		t.Fatal(err)
	}
	night := time.Date(2026, 11, 22, 23, 30, 0, 0, sh)
	if got, want := q.Until(night), time.Date(2026, 11, 23, 7, 0, 0, 0, sh); !got.Equal(want) {
		t.Errorf("until %s, want %s", got, want)
	}
	if got := q.Until(time.Date(2026, 11, 22, 12, 0, 0, 0, sh)); !got.IsZero() {
		t.Errorf("noon is quiet until %s", got)
	}
	svc := weComService(t)
	now := night
	svc.now = &now
	s, _, _ := weComSink(t, svc, "")
	s.quiet = q
	warn := alert(1, night)
	warn.Severity = detect.Warning
	put(t, s.src.(*buffer.Queue), warn, alert(2, night))
	next, err := s.Step(context.Background(), now)
	if err != nil {
		t.Fatal(err)
	}
	if ids := svc.ids(); ids[alert(2, night).ID] != 1 || ids[warn.ID] != 0 {
		t.Errorf("at 23:30 delivered %v: want the critical alert only", ids)
	}
	if want := time.Date(2026, 11, 23, 7, 0, 0, 0, sh); !next.Equal(want) {
		t.Errorf("comes back at %s, want %s", next, want)
	}
	now = next
	drive(t, s, &now, now.Add(time.Hour))
	if ids := svc.ids(); ids[warn.ID] != 1 {
		t.Errorf("the warning was not delivered at 07:00: %v", ids)
	}
}
