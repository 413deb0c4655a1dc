package uplink

import (
	"errors"
	"fmt"
	"sync/atomic"
	"testing"
	"time"

	"github.com/tillwatch/tillwatch/internal/testutil"
)

const healthTopic = "tillwatch/v1/s1/l1/health"

// TestHealth: a retained health message right after connect, then one per
// HealthEvery; a failing payload is skipped, not fatal; a reconnect
// publishes at once again.
func TestHealth(t *testing.T) {
	b := startBroker(t, "127.0.0.1:0")
	q := openQueue(t)
	var n atomic.Int64
	cfg := testConfig(b.URL())
	cfg.HealthTopic = healthTopic
	cfg.HealthEvery = 50 * time.Millisecond
	cfg.Health = func() ([]byte, error) {
		i := n.Add(1)
		if i == 2 {
			return nil, errors.New("payload failed")
		}
		return fmt.Appendf(nil, `{"n":%d}`, i), nil
	}
	sub := subscribe(t, b.URL(), "sub", healthTopic)
	u := startUplink(t, cfg, q)
	// QoS 1 is at-least-once: a message may arrive twice.
	var got []string
	for len(got) == 0 || got[len(got)-1] != `{"n":4}` {
		m := sub.next(t)
		if len(got) == 0 || got[len(got)-1] != m.payload {
			got = append(got, m.payload)
		}
	}
	if fmt.Sprint(got) != `[{"n":1} {"n":3} {"n":4}]` {
		t.Fatalf("health messages %q, want n 1, 3, 4 (2 failed)", got)
	}
	testutil.WaitFor(t, "health counted", waitLong, func() bool { return u.Stats().Health >= 3 })
	// Retained: a late subscriber gets the latest at once.
	late := subscribe(t, b.URL(), "late", healthTopic)
	if m := late.next(t); !m.retained {
		t.Fatalf("health not retained: %+v", m)
	}
}

func TestHealthConfig(t *testing.T) {
	cfg := testConfig("tcp://127.0.0.1:1883")
	cfg.HealthTopic = "bad/+/topic"
	if _, err := cfg.withDefaults(); err == nil {
		t.Fatal("wildcard health topic accepted")
	}
	cfg.HealthTopic = healthTopic
	cfg.HealthEvery = -time.Second
	if _, err := cfg.withDefaults(); err == nil {
		t.Fatal("negative health interval accepted")
	}
	cfg.HealthEvery = 0
	c, err := cfg.withDefaults()
	if err != nil || c.HealthEvery != DefaultHealthEvery {
		t.Fatalf("default health interval %v, %v", c.HealthEvery, err)
	}
}

// TestHealthAtCleanStop: a clean stop publishes a last retained health
// message (Health called after Run's context is done), so the retained one
// no longer describes the running lane.
func TestHealthAtCleanStop(t *testing.T) {
	b := startBroker(t, "127.0.0.1:0")
	q := openQueue(t)
	var stopping atomic.Bool
	cfg := testConfig(b.URL())
	cfg.HealthTopic = healthTopic
	cfg.HealthEvery = time.Hour
	cfg.Health = func() ([]byte, error) {
		return fmt.Appendf(nil, `{"stopping":%t}`, stopping.Load()), nil
	}
	sub := subscribe(t, b.URL(), "sub", healthTopic)
	u := startUplink(t, cfg, q)
	if m := sub.next(t); m.payload != `{"stopping":false}` {
		t.Fatalf("first health %s", m.payload)
	}
	stopping.Store(true)
	u.stop(t)
	late := subscribe(t, b.URL(), "late", healthTopic)
	if m := late.next(t); !m.retained || m.payload != `{"stopping":true}` {
		t.Fatalf("retained health after a clean stop: %+v, want the one made at stop", m)
	}
}
