package main

import (
	"bytes"
	"context"
	"encoding/base64"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"unicode/utf16"

	"github.com/tillwatch/tillwatch/drivers/winspool"
)

// spoolerConfig is a Windows lane: the register's queue prints to the
// agent on 9100, the agent prints through "tillwatch raw".
const spoolerConfig = `site: s1
lane: l1
data_dir: C:/ProgramData/tillwatch/data
mqtt:
  broker: tcp://127.0.0.1:1883
devices:
  - name: printer
    role: printer
    link:
      type: spooler
      listen: 127.0.0.1:9100
      device_port: tillwatch raw
`

// fakeWindows stands in for the spooler and PowerShell: the queue steps'
// logic (what to change, what to print, when to run) is tested here; the
// PowerShell cmdlets themselves run only on Windows.
type fakeWindows struct {
	queues []winspool.Queue
	ran    []string
}

func (f *fakeWindows) system() queueSystem {
	return queueSystem{
		queues: func() ([]winspool.Queue, error) { return f.queues, nil },
		run:    func(s string) error { f.ran = append(f.ran, s); return nil },
	}
}

func writeTestConfig(t *testing.T, text string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "lane.yaml")
	if err := os.WriteFile(path, []byte(text), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

// TestQueueSteps: install prints the exact script (the golden the README
// quotes) and runs it; a dry run only prints; once in place nothing runs;
// uninstall restores the register's queue.
func TestQueueSteps(t *testing.T) {
	cfg := writeTestConfig(t, spoolerConfig)
	pc := &fakeWindows{queues: []winspool.Queue{{Name: "EPSON TM-T20II Receipt", Port: "USB001", Driver: "EPSON TM-T20II Receipt5"}}}
	var out bytes.Buffer
	e := &env{ctx: context.Background(), stdout: &out, stderr: &out}

	if err := queueSteps(e, cfg, "EPSON TM-T20II Receipt", true, winspool.InstallPlan, pc.system()); err != nil {
		t.Fatal(err)
	}
	if len(pc.ran) != 0 {
		t.Fatal("a dry run ran PowerShell")
	}
	want, err := os.ReadFile("../../drivers/winspool/testdata/install.ps1")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out.String(), string(want)) {
		t.Fatalf("dry run printed:\n%s\nwant the script\n%s", out.String(), want)
	}

	out.Reset()
	if err := queueSteps(e, cfg, "EPSON TM-T20II Receipt", false, winspool.InstallPlan, pc.system()); err != nil {
		t.Fatal(err)
	}
	if len(pc.ran) != 1 || pc.ran[0] != string(want) || !strings.HasSuffix(out.String(), "printer queues: done\n") {
		t.Fatalf("ran %q, printed %s", pc.ran, out.String())
	}

	pc.queues = []winspool.Queue{
		{Name: "EPSON TM-T20II Receipt", Port: "tillwatch_127.0.0.1_9100"},
		{Name: "tillwatch raw", Port: "USB001", Driver: winspool.TextDriver},
	}
	out.Reset()
	if err := queueSteps(e, cfg, "EPSON TM-T20II Receipt", false, winspool.InstallPlan, pc.system()); err != nil || len(pc.ran) != 1 || !strings.Contains(out.String(), "nothing to change") {
		t.Fatalf("in place: %v, ran %d, printed %s", err, len(pc.ran), out.String())
	}
	if err := queueSteps(e, cfg, "EPSON TM-T20II Receipt", false, winspool.UninstallPlan, pc.system()); err != nil || len(pc.ran) != 2 ||
		!strings.Contains(pc.ran[1], "Set-Printer -Name 'EPSON TM-T20II Receipt' -PortName 'USB001'") {
		t.Fatalf("uninstall: %v, ran %q", err, pc.ran)
	}
}

// TestQueueStepsConfig: a config without a spooler device is a usage
// error naming the file.
func TestQueueStepsConfig(t *testing.T) {
	cfg := writeTestConfig(t, strings.Replace(spoolerConfig, "type: spooler\n      listen: 127.0.0.1:9100\n      device_port: tillwatch raw", "host_port: /dev/ttyS0", 1))
	pc := &fakeWindows{}
	e := &env{ctx: context.Background(), stdout: &bytes.Buffer{}, stderr: &bytes.Buffer{}}
	err := queueSteps(e, cfg, "X", false, winspool.InstallPlan, pc.system())
	if _, ok := err.(usageError); !ok || !strings.Contains(err.Error(), "no device with link type spooler") {
		t.Fatalf("err %v", err)
	}
}

// TestEncodedCommand: what powershell.exe -EncodedCommand decodes.
func TestEncodedCommand(t *testing.T) {
	script := "Set-Printer -Name 'Kassendrucker Ä' -PortName 'USB001'\n"
	raw, err := base64.StdEncoding.DecodeString(encodedCommand(script))
	if err != nil || len(raw)%2 != 0 {
		t.Fatalf("%v, %d bytes", err, len(raw))
	}
	u := make([]uint16, len(raw)/2)
	for i := range u {
		u[i] = uint16(raw[2*i]) | uint16(raw[2*i+1])<<8
	}
	if got := string(utf16.Decode(u)); got != script {
		t.Fatalf("decoded %q", got)
	}
}

// TestREADMEQuotesScript: the README's Windows steps are the script the
// command prints, line for line.
func TestREADMEQuotesScript(t *testing.T) {
	readme, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	script, err := os.ReadFile("../../drivers/winspool/testdata/install.ps1")
	if err != nil {
		t.Fatal(err)
	}
	for _, line := range strings.Split(strings.TrimSpace(string(script)), "\n") {
		if !strings.Contains(string(readme), "   "+line+"\n") {
			t.Errorf("README.md lacks the script line %q", line)
		}
	}
}
