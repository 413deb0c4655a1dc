//go:build !windows

package link

import (
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/tillwatch/tillwatch/drivers"
)

// TestTapOneLine: bytes written to the pty master arrive as FromHost chunks,
// in order and byte for byte, with both backends.
func TestTapOneLine(t *testing.T) {
	payload := append(testdataFile(t, "escpos-tools_receipt-with-logo.bin"), allBytes()...)
	for _, backend := range []string{BackendGoBug, BackendTarm} {
		t.Run(backend, func(t *testing.T) {
			p := newPTY(t)
			sink := newRecSink()
			tap := &Tap{Device: "printer", Host: SerialConfig{Path: p.Path, Backend: backend, Baud: 38400}, Log: testLog(t)}
			runLink(t, tap.Run, sink)

			links := sink.waitLinks(t, 1)
			if !links[0].Up || links[0].Device != "printer" {
				t.Fatalf("first link event = %+v, want Up for printer", links[0])
			}
			writeOdd(t, p.Master, payload)
			sink.waitBytes(t, drivers.FromHost, payload)

			chunks, links := sink.snapshot()
			var last time.Time
			for i, c := range chunks {
				if c.Dir != drivers.FromHost || len(c.Data) == 0 {
					t.Fatalf("chunk %d: dir %v, %d bytes", i, c.Dir, len(c.Data))
				}
				if c.Time.Before(last) {
					t.Fatalf("chunk %d stamped %v before the previous %v", i, c.Time, last)
				}
				last = c.Time
			}
			if len(links) != 1 {
				t.Fatalf("link events %+v, want one Up", links)
			}
			if sink.devs["printer"] != len(chunks)+len(links) {
				t.Fatalf("device names: %v", sink.devs)
			}
		})
	}
}

// TestTapTwoLines: the host line and the device line are tagged with their
// direction, and the link is Up once, when both are open.
func TestTapTwoLines(t *testing.T) {
	cmds, answers := zvtBlobs(t)
	host, dev := newPTY(t), newPTY(t)
	sink := newRecSink()
	tap := &Tap{
		Device: "terminal",
		Host:   SerialConfig{Path: host.Path},
		Dev:    &SerialConfig{Path: dev.Path, Backend: BackendTarm, Parity: ParityEven},
		Log:    testLog(t),
	}
	runLink(t, tap.Run, sink)
	if l := sink.waitLinks(t, 1); !l[0].Up {
		t.Fatalf("first link event %+v, want Up", l[0])
	}

	var wantHost, wantDev []byte
	for i := range max(len(cmds), len(answers)) {
		if i < len(cmds) {
			writeOdd(t, host.Master, cmds[i])
			wantHost = append(wantHost, cmds[i]...)
			sink.waitBytes(t, drivers.FromHost, wantHost)
		}
		if i < len(answers) {
			writeOdd(t, dev.Master, answers[i])
			wantDev = append(wantDev, answers[i]...)
			sink.waitBytes(t, drivers.FromDevice, wantDev)
		}
	}
	if _, links := sink.snapshot(); len(links) != 1 {
		t.Fatalf("link events %+v, want a single Up", links)
	}
}

// TestTapReconnect: a by-id style symlink to a pty; the pty is hung up and
// the symlink removed (USB unplug), then a new pty appears under the same
// symlink (plugged back): Down, then Up, and the new bytes arrive.
func TestTapReconnect(t *testing.T) {
	for _, backend := range []string{BackendGoBug, BackendTarm} {
		t.Run(backend, func(t *testing.T) {
			byID := filepath.Join(t.TempDir(), "usb-EPSON_TM-T20-if00-port0")
			p1 := newPTY(t)
			if err := os.Symlink(p1.Path, byID); err != nil {
				t.Fatal(err)
			}
			sink := newRecSink()
			tap := &Tap{Device: "printer", Host: SerialConfig{Path: byID, Backend: backend}, Retry: fastRetry, Log: testLog(t)}
			runLink(t, tap.Run, sink)
			sink.waitLinks(t, 1)
			writeOdd(t, p1.Master, []byte("before unplug\n"))
			sink.waitBytes(t, drivers.FromHost, []byte("before unplug\n"))

			if err := os.Remove(byID); err != nil {
				t.Fatal(err)
			}
			p1.close()
			links := sink.waitLinks(t, 2)
			if links[1].Up || !strings.Contains(links[1].Reason, "host line") || !strings.Contains(links[1].Reason, byID) {
				t.Fatalf("after unplug: %+v, want Down naming the host line and %s", links[1], byID)
			}

			p2 := newPTY(t)
			if err := os.Symlink(p2.Path, byID); err != nil {
				t.Fatal(err)
			}
			links = sink.waitLinks(t, 3)
			if !links[2].Up {
				t.Fatalf("after replug: %+v, want Up", links[2])
			}
			writeOdd(t, p2.Master, []byte("after replug\n"))
			sink.waitBytes(t, drivers.FromHost, []byte("before unplug\nafter replug\n"))
			if _, links := sink.snapshot(); len(links) != 3 {
				t.Fatalf("link events %+v, want Up, Down, Up", links)
			}
		})
	}
}

// TestTapLatePlug: the port is missing at start. The link reports Down
// once, however often it retries, and Up when the port appears.
func TestTapLatePlug(t *testing.T) {
	byID := filepath.Join(t.TempDir(), "usb-terminal")
	var attempts atomic.Int32
	enough := make(chan struct{})
	open := func(c SerialConfig) (Port, error) {
		if attempts.Add(1) == 4 {
			close(enough)
		}
		return OpenSerial(c)
	}
	sink := newRecSink()
	tap := &Tap{Device: "terminal", Host: SerialConfig{Path: byID}, Retry: fastRetry, Open: open, Log: testLog(t)}
	runLink(t, tap.Run, sink)

	links := sink.waitLinks(t, 1)
	if links[0].Up || !strings.Contains(links[0].Reason, "no such port") {
		t.Fatalf("first event %+v, want Down with 'no such port'", links[0])
	}
	select {
	case <-enough:
	case <-time.After(waitLimit):
		t.Fatalf("only %d open attempts", attempts.Load())
	}
	p := newPTY(t)
	if err := os.Symlink(p.Path, byID); err != nil {
		t.Fatal(err)
	}
	links = sink.waitLinks(t, 2)
	if !links[1].Up || len(links) != 2 {
		t.Fatalf("link events %+v, want exactly Down, Up", links)
	}
}
