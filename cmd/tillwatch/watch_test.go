package main

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	mqtt "github.com/eclipse/paho.mqtt.golang"

	"github.com/tillwatch/tillwatch/internal/mqttbroker"
)

const (
	watchAlertA = `{"id":"aaaa000000000001","incident":"i1","kind":"amount_mismatch","severity":"critical","state":"raised","site":"s1","lane":"l1","time":"2026-11-22T10:15:03Z","detected":"2026-11-22T10:15:03Z","summary":"Under-charged: receipt 000124 due CNY 100.00, terminal charged CNY 10.00"}`
	watchAlertB = `{"id":"bbbb000000000002","incident":"i2","kind":"print_failed","severity":"warning","state":"raised","site":"s2","lane":"l7","time":"2026-11-22T10:16:00Z","detected":"2026-11-22T10:16:20Z","summary":"Print job never cut"}`
)

// fleet starts a broker and publishes, until the test ends, the same two
// alerts over and over (as at-least-once redelivery could) plus a retained
// online status: whenever a watcher subscribes, it gets them.
func fleet(t *testing.T) string {
	t.Helper()
	b, err := mqttbroker.Start("127.0.0.1:0", nil)
	if err != nil {
		t.Fatal(err)
	}
	c := mqtt.NewClient(mqtt.NewClientOptions().AddBroker(b.URL()).SetClientID("fleet"))
	if tok := c.Connect(); !tok.WaitTimeout(10*time.Second) || tok.Error() != nil {
		t.Fatal(tok.Error())
	}
	c.Publish("tillwatch/v1/s1/l1/status", 1, true, `{"state":"online","since":"2026-11-22T10:00:00Z","site":"s1","lane":"l1","version":"v9"}`).Wait()
	ctx, cancel := context.WithCancel(context.Background())
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		tick := time.NewTicker(50 * time.Millisecond)
		defer tick.Stop()
		for {
			c.Publish("tillwatch/v1/s1/l1/alert/amount_mismatch", 1, false, watchAlertA)
			c.Publish("tillwatch/v1/s2/l7/alert/print_failed", 1, false, watchAlertB)
			select {
			case <-ctx.Done():
				return
			case <-tick.C:
			}
		}
	}()
	t.Cleanup(func() {
		cancel()
		wg.Wait()
		c.Disconnect(100)
		b.Close()
	})
	return b.URL()
}

func TestWatchJSONAndWebhook(t *testing.T) {
	broker := fleet(t)
	var mu sync.Mutex
	var posted []string
	hook := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		mu.Lock()
		posted = append(posted, string(b))
		mu.Unlock()
	}))
	defer hook.Close()
	code, out, errOut := runCLI(t, "watch", "--broker", broker, "--json", "--once", "2", "--timeout", "30s", "--webhook", hook.URL)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if len(lines) != 2 {
		t.Fatalf("want 2 alerts, once each:\n%s", out)
	}
	seen := map[string]bool{}
	for _, l := range lines {
		var a struct{ ID string }
		if err := json.Unmarshal([]byte(l), &a); err != nil {
			t.Fatalf("%v: %s", err, l)
		}
		seen[a.ID] = true
	}
	if !seen["aaaa000000000001"] || !seen["bbbb000000000002"] {
		t.Errorf("ids: %v", seen)
	}
	mu.Lock()
	defer mu.Unlock()
	if len(posted) != 2 {
		t.Fatalf("webhook got %d posts: %v", len(posted), posted)
	}
	for _, p := range posted {
		if p != watchAlertA && p != watchAlertB {
			t.Errorf("webhook body is not the alert as published: %s", p)
		}
	}
}

func TestWatchTableFiltered(t *testing.T) {
	broker := fleet(t)
	code, out, errOut := runCLI(t, "watch", "--broker", broker, "--site", "s1", "--once", "1", "--timeout", "30s")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	for _, want := range []string{"TIME", "SITE/LANE", "s1/l1", "status", "online", "agent v9", "amount_mismatch", "critical", "Under-charged"} {
		if !strings.Contains(out, want) {
			t.Errorf("table lacks %q:\n%s", want, out)
		}
	}
	if strings.Contains(out, "s2/l7") || strings.Count(out, "aaaa") > 0 {
		t.Errorf("filtered site or raw id shown:\n%s", out)
	}
}

func TestWatchTimeoutAndUsage(t *testing.T) {
	broker := fleet(t)
	code, _, errOut := runCLI(t, "watch", "--broker", broker, "--kind", "duplicate_charge", "--once", "1", "--timeout", "1s")
	if code != 1 || !strings.Contains(errOut, "0 of 1 alerts arrived within 1s") {
		t.Errorf("exit %d: %s", code, errOut)
	}
	code, _, errOut = runCLI(t, "watch", "--broker", broker, "--webhook", "ftp://x")
	if code != 2 || !strings.Contains(errOut, "webhook URL") {
		t.Errorf("bad webhook: exit %d: %s", code, errOut)
	}
	var out bytes.Buffer
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan int, 1)
	go func() {
		done <- run(ctx, []string{"watch", "--broker", broker, "--json"}, strings.NewReader(""), &out, io.Discard)
	}()
	cancel() // Ctrl-C
	select {
	case code := <-done:
		if code != 0 {
			t.Errorf("Ctrl-C: exit %d", code)
		}
	case <-time.After(15 * time.Second):
		t.Fatal("watch did not stop on Ctrl-C")
	}
}
