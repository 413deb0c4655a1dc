package uplink

import (
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/tillwatch/tillwatch/internal/mqttbroker"
)

// brokerProc is a broker a test can stop and start again on one address.
type brokerProc interface {
	stop(t *testing.T)
	start(t *testing.T)
}

// embedded restarts the embedded mochi broker.
type embedded struct {
	addr string
	b    *mqttbroker.Broker
}

func (e *embedded) stop(t *testing.T) {
	if err := e.b.Close(); err != nil {
		t.Fatal(err)
	}
}

func (e *embedded) start(t *testing.T) { e.b = startBroker(t, e.addr) }

// testRestartDelivery: the broker stops mid-run; what is queued meanwhile
// stays in the outbox; after a restart on the same port every id arrives
// at least once and the outbox drains.
func testRestartDelivery(t *testing.T, addr string, br brokerProc) {
	url := "tcp://" + addr
	p := newProxy(t, addr) // gate: the uplink reconnects only once the subscriber listens
	q := openQueue(t)
	u := startUplink(t, testConfig(p.URL()), q)

	sub := subscribe(t, url, "sub1", "tillwatch/v1/+/+/alert/#")
	seen := map[string]int{}
	var ids []string
	for i := range 10 {
		ids = append(ids, enqueue(t, q, i))
	}
	for range ids {
		seen[sub.next(t).payload]++
	}
	waitFor(t, "first batch drained", func() bool { return queueLen(t, q) == 0 })

	p.setOpen(false)
	br.stop(t)
	waitFor(t, "uplink sees the broker gone", func() bool { return !u.Connected() })
	for i := 10; i < 30; i++ {
		ids = append(ids, enqueue(t, q, i))
	}
	failed := u.Stats().LastErrorAt
	waitFor(t, "a failed reconnect", func() bool { return u.Stats().LastErrorAt.After(failed) })
	if n := queueLen(t, q); n != 20 {
		t.Fatalf("outbox holds %d entries while the broker is down, want 20", n)
	}

	br.start(t)
	sub2 := subscribe(t, url, "sub2", "tillwatch/v1/+/+/alert/#")
	p.setOpen(true)
	waitFor(t, "outbox drained after restart", func() bool { return queueLen(t, q) == 0 })
	for {
		missing := 0
		for _, id := range ids[10:] {
			if seen[fmt.Sprintf(`{"id":%q}`, id)] == 0 {
				missing++
			}
		}
		if missing == 0 {
			break
		}
		seen[sub2.next(t).payload]++
	}
	if st := u.Stats(); st.Reconnects < 1 || st.Acked < 30 {
		t.Fatalf("stats %+v: want a reconnect and 30 acks", st)
	}
}

func TestBrokerRestart(t *testing.T) {
	b := startBroker(t, "127.0.0.1:0")
	testRestartDelivery(t, b.Addr(), &embedded{addr: b.Addr(), b: b})
}

// mosquitto runs a real mosquitto process with a generated config.
type mosquitto struct {
	bin, conf, addr string
	cmd             *exec.Cmd
}

func (m *mosquitto) start(t *testing.T) {
	t.Helper()
	m.cmd = exec.Command(m.bin, "-c", m.conf)
	var out strings.Builder
	m.cmd.Stdout, m.cmd.Stderr = &out, &out
	if err := m.cmd.Start(); err != nil {
		t.Fatalf("start mosquitto: %v", err)
	}
	cmd := m.cmd
	t.Cleanup(func() {
		_ = cmd.Process.Kill()
		_ = cmd.Wait()
	})
	deadline := time.Now().Add(waitLong)
	for {
		c, err := net.Dial("tcp", m.addr)
		if err == nil {
			_ = c.Close()
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("mosquitto not listening on %s: %v\n%s", m.addr, err, out.String())
		}
		time.Sleep(10 * time.Millisecond)
	}
}

func (m *mosquitto) stop(t *testing.T) {
	t.Helper()
	if err := m.cmd.Process.Kill(); err != nil {
		t.Fatal(err)
	}
	_ = m.cmd.Wait() // killed: a non-nil exit status is expected
}

// TestBrokerRestartMosquitto runs the restart test against a real
// mosquitto (Debian's package in CI).
func TestBrokerRestartMosquitto(t *testing.T) {
	bin, err := exec.LookPath("mosquitto")
	if err != nil {
		t.Skip("mosquitto not installed: apt-get install mosquitto to run the uplink against a real broker")
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	_, port, _ := net.SplitHostPort(addr)
	if err := ln.Close(); err != nil {
		t.Fatal(err)
	}
	conf := filepath.Join(t.TempDir(), "mosquitto.conf")
	text := fmt.Sprintf("listener %s 127.0.0.1\nallow_anonymous true\npersistence false\n", port)
	if err := os.WriteFile(conf, []byte(text), 0o600); err != nil {
		t.Fatal(err)
	}
	m := &mosquitto{bin: bin, conf: conf, addr: addr}
	m.start(t)
	testRestartDelivery(t, addr, m)
}
