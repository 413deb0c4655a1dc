package main

import (
	"testing"

	"github.com/tillwatch/tillwatch/internal/golden"
)

// TestReplayGolden replays a capture recorded by `tillwatch demo` and
// compares the alerts with the golden file: replay is deterministic, so
// ids, times and every field must match byte for byte. Summaries are in
// the lane's language and zone, here given as flags.
func TestReplayGolden(t *testing.T) {
	code, out, errOut := runCLI(t, "replay", "--lang", "zh-CN", "--tz", "Asia/Shanghai", "testdata/demo-shift.jsonl")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	if out == "" {
		t.Fatal("no alerts")
	}
	golden.CheckString(t, "testdata/demo-shift.alerts.golden", out)
}
