package agent_test

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"path/filepath"
	"runtime"
	"testing"
	"time"

	"github.com/tillwatch/tillwatch/agent"
	"github.com/tillwatch/tillwatch/agent/links"
	"github.com/tillwatch/tillwatch/capture"
	"github.com/tillwatch/tillwatch/configs"
	"github.com/tillwatch/tillwatch/internal/lanetest"
	"github.com/tillwatch/tillwatch/internal/pcitest"
	"github.com/tillwatch/tillwatch/internal/testutil"
)

// burstLane is an agent with one text printer on a TCP bridge to a
// printer that takes everything, writing a capture when asked.
type burstLane struct {
	ln           *lanetest.Lane
	pos          net.Conn // the register's connection
	dir, capPath string
}

func startBurstLane(t testing.TB, withCapture bool) *burstLane {
	t.Helper()
	printer, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { printer.Close() })
	go func() {
		for {
			c, err := printer.Accept()
			if err != nil {
				return
			}
			go func() { defer c.Close(); io.Copy(io.Discard, c) }()
		}
	}()
	listen, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := listen.Addr().String()
	listen.Close() // the agent listens there
	bl := &burstLane{dir: t.TempDir()}
	b := lanetest.Broker(t, lanetest.Quiet())
	cfg := configs.Default()
	cfg.DataDir = filepath.Join(bl.dir, "data")
	cfg.MQTT.Broker = b.URL()
	if withCapture {
		bl.capPath = filepath.Join(bl.dir, "capture.jsonl")
		cfg.Capture = bl.capPath
	}
	dev := configs.DefaultDevice("printer", configs.RolePrinter, "")
	dev.Link = configs.Link{Type: configs.TypeTCP, Mode: configs.ModeBridge, Listen: addr, Connect: printer.Addr().String()}
	cfg.Devices = []configs.Device{dev}
	bl.ln = lanetest.Start(t, cfg, agent.Options{Log: lanetest.Quiet(), Tick: 50 * time.Millisecond})
	bl.ln.WaitReady(t, 30*time.Second)
	testutil.WaitFor(t, "the agent listening", 10*time.Second, func() bool {
		bl.pos, err = net.Dial("tcp", addr)
		return err == nil
	})
	t.Cleanup(func() { bl.pos.Close() })
	return bl
}

// send writes block times times as the register does and waits until
// the agent read it all (n bytes in all so far). The burst is never held
// whole by the test, whose heap would otherwise count.
func (bl *burstLane) send(t testing.TB, block []byte, times, n int) {
	t.Helper()
	for range times {
		if _, err := bl.pos.Write(block); err != nil {
			t.Fatal(err)
		}
	}
	testutil.WaitFor(t, "the agent to read the burst", 5*time.Minute, func() bool { return bl.ln.Stats().Bytes >= n })
}

// burstText is n bytes of receipt text with Luhn-valid card numbers
// printed in full here and there (as some registers do), in the forms
// the text redactor knows, at offsets that fall across the link's reads.
func burstText(n int, pans [][]byte) []byte {
	var b bytes.Buffer
	for i := 0; b.Len() < n; i++ {
		b.WriteString("1x COFFEE BEANS 500G          12.50\n")
		if i%97 == 0 {
			b.WriteString("CARD ")
			b.Write(pans[i%len(pans)])
			b.WriteString("\n")
		}
	}
	return b.Bytes()
}

// TestCaptureBurstBoundedNoCardNumber: a 24 MiB burst of printer text
// with Luhn-valid card numbers, sent on a TCP bridge as fast as the
// agent takes it (the link waits for the core past links.MaxQueued), is
// written to the capture whole, byte for byte as long, and neither the
// capture nor the agent's database holds a full card number.
func TestCaptureBurstBoundedNoCardNumber(t *testing.T) {
	if testing.Short() {
		t.Skip("end-to-end")
	}
	pans := [][]byte{[]byte("4111111111111111"), []byte("5500 0055 5555 5559"), []byte("6212-3456-7890-1234-569")}
	needles := pcitest.Needles{}
	for _, p := range pans {
		digits := bytes.Map(func(r rune) rune {
			if r >= '0' && r <= '9' {
				return r
			}
			return -1
		}, p)
		needles[string(p)], needles["digits of "+string(p)] = p, digits
	}
	block := burstText(256<<10, pans)
	times := 6*links.MaxQueued/len(block) + 1
	bl := startBurstLane(t, true)
	bl.send(t, block, times, times*len(block))
	bl.pos.Close()
	if err := bl.ln.Stop(); err != nil {
		t.Fatal(err)
	}
	if got := captureBytes(t, bl.capPath); got != times*len(block) {
		t.Errorf("the capture holds %d bytes of the printer, want %d (none dropped)", got, times*len(block))
	}
	pcitest.Find(t, needles, bl.dir, nil)
}

// captureBytes counts the data bytes of a capture's records.
func captureBytes(t testing.TB, path string) int {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rd, n := capture.NewReader(f), 0
	for {
		r, err := rd.Next()
		if errors.Is(err, io.EOF) {
			return n
		}
		if err != nil {
			t.Fatal(err)
		}
		n += len(r.Data)
	}
}

// BenchmarkCaptureBurst: a printer burst of 16 and 64 MiB of text on a
// TCP bridge, with the capture off and on: the peak heap in use (sampled
// every 5 ms; what the RSS follows) and that peak above the idle agent's
// per MiB of burst. Bounded, the peak stays put as bursts grow and the
// ratio falls (the acceptance walk before the bound: 200 MB, 89 and 497
// MB peak RSS).
func BenchmarkCaptureBurst(b *testing.B) {
	for _, size := range []int{16 << 20, 64 << 20} {
		for _, on := range []bool{false, true} {
			name := fmt.Sprintf("burst=%dMiB/capture=off", size>>20)
			if on {
				name = fmt.Sprintf("burst=%dMiB/capture=on", size>>20)
			}
			b.Run(name, func(b *testing.B) { benchBurst(b, size, on) })
		}
	}
}

func benchBurst(b *testing.B, size int, withCapture bool) {
	bl := startBurstLane(b, withCapture)
	block := burstText(256<<10, [][]byte{[]byte("4111111111111111")})
	times := size / len(block)
	var ms runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&ms)
	base, peak, sent := ms.HeapInuse, uint64(0), 0
	b.SetBytes(int64(times * len(block)))
	b.ResetTimer()
	for range b.N {
		stop, done := make(chan struct{}), make(chan uint64)
		go func() {
			var p uint64
			var ms runtime.MemStats
			tick := time.NewTicker(5 * time.Millisecond)
			defer tick.Stop()
			for {
				runtime.ReadMemStats(&ms)
				p = max(p, ms.HeapInuse)
				select {
				case <-stop:
					done <- p
					return
				case <-tick.C:
				}
			}
		}()
		sent += times * len(block)
		bl.send(b, block, times, sent)
		close(stop)
		peak = max(peak, <-done)
	}
	b.StopTimer()
	b.ReportMetric(float64(peak)/(1<<20), "peak_heap_MiB")
	b.ReportMetric(float64(peak-min(base, peak))/float64(times*len(block)), "peak_heap_MiB/burst_MiB")
}
