package uplink

import (
	"fmt"
	"testing"

	"github.com/tillwatch/tillwatch/internal/mqttbroker"
	"github.com/tillwatch/tillwatch/internal/mqtttest"
	"github.com/tillwatch/tillwatch/internal/testutil"
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
	testutil.WaitFor(t, "first batch drained", waitLong, func() bool { return queueLen(t, q) == 0 })

	p.setOpen(false)
	br.stop(t)
	testutil.WaitFor(t, "uplink sees the broker gone", waitLong, func() bool { return !u.Connected() })
	for i := 10; i < 30; i++ {
		ids = append(ids, enqueue(t, q, i))
	}
	failed := u.Stats().LastErrorAt
	testutil.WaitFor(t, "a failed reconnect", waitLong, func() bool { return u.Stats().LastErrorAt.After(failed) })
	if n := queueLen(t, q); n != 20 {
		t.Fatalf("outbox holds %d entries while the broker is down, want 20", n)
	}

	br.start(t)
	sub2 := subscribe(t, url, "sub2", "tillwatch/v1/+/+/alert/#")
	p.setOpen(true)
	testutil.WaitFor(t, "outbox drained after restart", waitLong, func() bool { return queueLen(t, q) == 0 })
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
	// Acked is counted just after the outbox write that settles.
	testutil.WaitFor(t, "acks counted", waitLong, func() bool { return u.Stats().Acked >= 30 })
	if st := u.Stats(); st.Reconnects < 1 || st.Acked < 30 {
		t.Fatalf("stats %+v: want a reconnect and 30 acks", st)
	}
}

func TestBrokerRestart(t *testing.T) {
	b := startBroker(t, "127.0.0.1:0")
	testRestartDelivery(t, b.Addr(), &embedded{addr: b.Addr(), b: b})
}

// mosquitto adapts mqtttest.Mosquitto to the restart test's broker.
type mosquitto struct{ m *mqtttest.Mosquitto }

func (m mosquitto) start(t *testing.T) { m.m.Start(t) }
func (m mosquitto) stop(t *testing.T)  { m.m.Stop(t) }

// TestBrokerRestartMosquitto runs the restart test against a real
// mosquitto (Debian's package in CI).
func TestBrokerRestartMosquitto(t *testing.T) {
	m := mqtttest.StartMosquitto(t)
	testRestartDelivery(t, m.Addr, mosquitto{m})
}
