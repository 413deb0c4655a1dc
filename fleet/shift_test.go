package fleet

import (
	"fmt"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/tillwatch/tillwatch/agent/detect"
	"github.com/tillwatch/tillwatch/drivers"
	"github.com/tillwatch/tillwatch/internal/golden"
)

// replayShift plays lane i's shift through a detector offline, as the
// lane does live but without a clock: every event, then Flush.
func replayShift(cfg Config, i int) []detect.Alert {
	site, name := LaneName(i, cfg.LanesPerSite)
	e := detect.New(detect.Config{Site: site, Lane: name})
	var out []detect.Alert
	for _, ev := range Shift(cfg, i) {
		out = append(out, e.Observe(ev)...)
	}
	return append(out, e.Flush()...)
}

// TestShiftGolden: the shifts and the alerts they yield are a pure
// function of the config, and the alert ids are stable across runs.
func TestShiftGolden(t *testing.T) {
	cfg, err := Config{Broker: "tcp://x:1", Dir: "x", Seed: 1}.withDefaults()
	if err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	for i := range 4 {
		evs := Shift(cfg, i)
		site, name := LaneName(i, cfg.LanesPerSite)
		fmt.Fprintf(&b, "%s/%s: %d events\n", site, name, len(evs))
		for _, a := range replayShift(cfg, i) {
			fmt.Fprintf(&b, "  %s %s %-24s %-8s %s\n", a.ID, a.Time.Format("15:04:05.000"), a.Kind, a.State, a.Summary)
		}
	}
	golden.CheckString(t, filepath.Join("testdata", "shift.golden"), b.String())
}

// TestShiftIncidents: every kind of incident the generator makes yields
// the alert it is meant to.
func TestShiftIncidents(t *testing.T) {
	cfg, err := Config{Broker: "tcp://x:1", Dir: "x", Seed: 7, Incidents: 0.5}.withDefaults()
	if err != nil {
		t.Fatal(err)
	}
	seen := map[string]bool{}
	for i := range 8 {
		evs := Shift(cfg, i)
		if !slices.IsSortedFunc(evs, func(a, b drivers.Event) int { return a.When().Compare(b.When()) }) {
			t.Errorf("lane %d: events out of order", i)
		}
		for _, a := range replayShift(cfg, i) {
			seen[a.Kind+"/"+string(a.State)] = true
		}
	}
	for _, want := range []string{
		detect.KindAmountMismatch + "/raised", detect.KindPaymentWithoutReceipt + "/raised",
		detect.KindPrinterFault + "/raised", detect.KindPrinterFault + "/resolved",
		detect.KindPartialApproval + "/raised", detect.KindPrintFailed + "/raised",
		detect.KindDuplicateCharge + "/raised",
	} {
		if !seen[want] {
			t.Errorf("no %s alert in 8 lanes' shifts (saw %v)", want, seen)
		}
	}
}
