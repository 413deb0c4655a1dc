package main

import (
	"bytes"
	"context"
	"os"
	"strings"
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

// TestReplayStdin: "replay -" reads the capture from standard input (it
// was refused as a missing file) and gives the same alerts.
func TestReplayStdin(t *testing.T) {
	capt, err := os.ReadFile("testdata/demo-shift.jsonl")
	if err != nil {
		t.Fatal(err)
	}
	var out, errb bytes.Buffer
	code := run(context.Background(), []string{"replay", "--lang", "zh-CN", "--tz", "Asia/Shanghai", "-"}, bytes.NewReader(capt), &out, &errb)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errb.String())
	}
	golden.CheckString(t, "testdata/demo-shift.alerts.golden", out.String())
	if code, _, errOut := runCLI(t, "replay", "-", "-"); code != 2 || !strings.Contains(errOut, "given twice") {
		t.Errorf("- twice: exit %d %s", code, errOut)
	}
	if code, _, errOut := runCLI(t, "replay", "testdata/nope.jsonl"); code != 2 || !strings.Contains(errOut, "nope.jsonl") {
		t.Errorf("a missing capture: exit %d %s", code, errOut)
	}
}
