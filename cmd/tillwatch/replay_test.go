package main

import (
	"flag"
	"os"
	"testing"
)

var update = flag.Bool("update", false, "rewrite testdata/*.golden")

// TestReplayGolden replays a capture recorded by `tillwatch demo` and
// compares the alerts with the golden file: replay is deterministic, so
// ids, times and every field must match byte for byte. Summaries are in
// the lane's language and zone, here given as flags.
func TestReplayGolden(t *testing.T) {
	const golden = "testdata/demo-shift.alerts.golden"
	code, out, errOut := runCLI(t, "replay", "--lang", "zh-CN", "--tz", "Asia/Shanghai", "testdata/demo-shift.jsonl")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	if *update {
		if err := os.WriteFile(golden, []byte(out), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatal(err)
	}
	if out != string(want) {
		t.Errorf("replay output differs from %s (-update to accept):\n%s", golden, out)
	}
	if len(want) == 0 {
		t.Fatal("empty golden file")
	}
}
