//go:build !windows

package link

import (
	"bytes"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/tillwatch/tillwatch/drivers"
)

// TestBridge: what the register writes comes out at the device and what
// the device answers comes out at the register, byte for byte, and both
// directions are reported to the sink in causal order.
func TestBridge(t *testing.T) {
	for _, backend := range []string{BackendGoBug, BackendTarm} {
		t.Run(backend, func(t *testing.T) {
			cmds, answers := zvtBlobs(t)
			host, dev := newPTY(t), newPTY(t)
			sink := newRecSink()
			br := &Bridge{
				Device: "terminal",
				Host:   SerialConfig{Path: host.Path, Backend: backend},
				Dev:    SerialConfig{Path: dev.Path, Backend: backend},
				Log:    testLog(t),
			}
			runLink(t, br.Run, sink)
			if l := sink.waitLinks(t, 1); !l[0].Up {
				t.Fatalf("first link event %+v, want Up", l[0])
			}

			var wantHost, wantDev []byte
			for i := range max(len(cmds), len(answers)) {
				if i < len(cmds) {
					writeOdd(t, host.Master, cmds[i])
					if got := readFull(t, dev.Master, len(cmds[i])); !bytes.Equal(got, cmds[i]) {
						t.Fatalf("device got % x, register sent % x", got, cmds[i])
					}
					wantHost = append(wantHost, cmds[i]...)
				}
				if i < len(answers) {
					writeOdd(t, dev.Master, answers[i])
					if got := readFull(t, host.Master, len(answers[i])); !bytes.Equal(got, answers[i]) {
						t.Fatalf("register got % x, device sent % x", got, answers[i])
					}
					wantDev = append(wantDev, answers[i]...)
				}
			}
			// A whole receipt and every byte value, in odd pieces.
			bulk := append(testdataFile(t, "escpos-tools_receipt-with-logo.bin"), allBytes()...)
			werr := make(chan error, 1)
			go func() { werr <- oddWrites(host.Master, bulk) }()
			if got := readFull(t, dev.Master, len(bulk)); !bytes.Equal(got, bulk) {
				t.Fatalf("bulk differs at byte %d of %d", commonPrefix(got, bulk), len(bulk))
			}
			if err := <-werr; err != nil {
				t.Fatal(err)
			}
			wantHost = append(wantHost, bulk...)

			sink.waitBytes(t, drivers.FromHost, wantHost)
			sink.waitBytes(t, drivers.FromDevice, wantDev)
			chunks, links := sink.snapshot()
			if len(links) != 1 {
				t.Fatalf("link events %+v, want a single Up", links)
			}
			// Each answer was written only after its command came out at
			// the device, so the sink must see them in that order.
			var want, got []drivers.Direction
			for i := range max(len(cmds), len(answers)) {
				if i < len(cmds) {
					want = appendRun(want, drivers.FromHost)
				}
				if i < len(answers) {
					want = appendRun(want, drivers.FromDevice)
				}
			}
			want = appendRun(want, drivers.FromHost) // bulk
			for _, c := range chunks {
				got = appendRun(got, c.Dir)
			}
			if !slices.Equal(got, want) {
				t.Fatalf("direction runs %v, want %v: an answer overtook its request", got, want)
			}
		})
	}
}

// TestBridgeDeviceDown: with the device side missing, what the register
// sends is still reported (the agent sees the receipt that did not print)
// and the Down event names the device side; once the device appears, bytes
// are forwarded again.
func TestBridgeDeviceDown(t *testing.T) {
	host := newPTY(t)
	byID := filepath.Join(t.TempDir(), "usb-printer")
	sink := newRecSink()
	br := &Bridge{
		Device: "printer",
		Host:   SerialConfig{Path: host.Path},
		Dev:    SerialConfig{Path: byID},
		Retry:  fastRetry,
		Log:    testLog(t),
	}
	runLink(t, br.Run, sink)
	links := sink.waitLinks(t, 1)
	if links[0].Up || !strings.HasPrefix(links[0].Reason, "device line: ") {
		t.Fatalf("first event %+v, want Down naming the device line", links[0])
	}

	lost := []byte("\x1b@TOTAL 12.50\n\x1dV\x00")
	writeOdd(t, host.Master, lost)
	sink.waitBytes(t, drivers.FromHost, lost)

	dev := newPTY(t)
	if err := os.Symlink(dev.Path, byID); err != nil {
		t.Fatal(err)
	}
	if links := sink.waitLinks(t, 2); !links[1].Up {
		t.Fatalf("second event %+v, want Up", links[1])
	}
	next := []byte("\x1b@TOTAL 3.20\n\x1dV\x00")
	writeOdd(t, host.Master, next)
	if got := readFull(t, dev.Master, len(next)); !bytes.Equal(got, next) {
		t.Fatalf("device got %q, want %q (the lost receipt must not be replayed)", got, next)
	}
	sink.waitBytes(t, drivers.FromHost, append(lost, next...))
}

// appendRun appends d unless it repeats the last element.
func appendRun(runs []drivers.Direction, d drivers.Direction) []drivers.Direction {
	if len(runs) > 0 && runs[len(runs)-1] == d {
		return runs
	}
	return append(runs, d)
}
