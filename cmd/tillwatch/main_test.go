package main

import (
	"bytes"
	"context"
	"strings"
	"testing"
)

func runCLI(t *testing.T, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var out, errb bytes.Buffer
	code = run(context.Background(), args, strings.NewReader(""), &out, &errb)
	return code, out.String(), errb.String()
}

// cliCase is one run of the CLI and what it must print.
type cliCase struct {
	name     string
	args     []string
	code     int
	stdout   []string // substrings
	stderr   []string
	notInOut []string // substrings stdout must not have
}

// check runs the CLI with c.args and fails t unless it exits with c.code
// and prints what c says.
func (c cliCase) check(t *testing.T) {
	t.Helper()
	code, out, errOut := runCLI(t, c.args...)
	if code != c.code {
		t.Errorf("exit code %d, want %d\nstdout: %s\nstderr: %s", code, c.code, out, errOut)
	}
	for _, s := range c.stdout {
		if !strings.Contains(out, s) {
			t.Errorf("stdout lacks %q:\n%s", s, out)
		}
	}
	for _, s := range c.stderr {
		if !strings.Contains(errOut, s) {
			t.Errorf("stderr lacks %q:\n%s", s, errOut)
		}
	}
	for _, s := range c.notInOut {
		if strings.Contains(out, s) {
			t.Errorf("stdout contains %q:\n%s", s, out)
		}
	}
}

func TestCLI(t *testing.T) {
	tests := []cliCase{
		{name: "version", args: []string{"version"}, code: 0, stdout: []string{"tillwatch "}},
		{name: "help", args: []string{"--help"}, code: 0, stdout: []string{"run", "demo", "replay", "decode"}},
		{name: "help verb", args: []string{"help"}, code: 0, stdout: []string{"run", "demo", "replay", "decode", "help"}},
		{name: "help for a verb", args: []string{"help", "journal", "search"}, code: 0, stdout: []string{"--last4", "--amount"}},
		{name: "help for an unknown verb", args: []string{"help", "frobnicate"}, code: 2, stderr: []string{"frobnicate"}},
		{name: "--version", args: []string{"--version"}, code: 0, stdout: []string{"tillwatch dev"}},
		{name: "unknown verb", args: []string{"frobnicate"}, code: 2, stderr: []string{"unexpected argument frobnicate"}},
		{name: "run without config", args: []string{"run"}, code: 2, stderr: []string{"missing flags: --config"}},
		{name: "run with a bad config names file, line and field", args: []string{"run", "-c", "testdata/bad.yaml"}, code: 2,
			stderr: []string{"testdata/bad.yaml:5:3: mqtt.brokr: unknown field \"brokr\"", "did you mean \"broker\""}},
		{name: "run with a missing config", args: []string{"run", "-c", "testdata/nope.yaml"}, code: 2, stderr: []string{"nope.yaml"}},
		{name: "decode the real GBK bill", args: []string{"decode", "escpos", "testdata/SnailDev.EscPosParser_receipt-text.bin"}, code: 0,
			stdout: []string{"应收金额", "68.00", "cut"}},
		{name: "decode escpos as JSON", args: []string{"decode", "escpos", "--json", "testdata/SnailDev.EscPosParser_receipt-text.bin"}, code: 0,
			stdout: []string{`"type":"receipt"`, `"due":6800`}},
		{name: "decode a ZVT result masks the card", args: []string{"decode", "zvt", "--json", "testdata/zvt-preauth-approved.blob"}, code: 0,
			stdout: []string{`"type":"payment"`, `"card":"559883******8074"`, `"amount":2500`}, notInOut: []string{"EEEEEE"}},
		{name: "decode a missing file", args: []string{"decode", "escpos", "testdata/nope.bin"}, code: 2, stderr: []string{"nope.bin"}},
		{name: "ports as JSON", args: []string{"ports", "--json"}, code: 0, stdout: []string{"["}},
		{name: "replay needs a capture", args: []string{"replay"}, code: 2, stderr: []string{"CAPTURE"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, tt.check)
	}
}
