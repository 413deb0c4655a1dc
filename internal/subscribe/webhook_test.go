package subscribe

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"
)

// sink is a webhook receiver answering with the codes in answers, then 200.
type sink struct {
	mu      sync.Mutex
	answers []int
	bodies  []string
	keys    []string
}

func (s *sink) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	b, _ := io.ReadAll(r.Body)
	s.mu.Lock()
	defer s.mu.Unlock()
	s.bodies = append(s.bodies, string(b))
	s.keys = append(s.keys, r.Header.Get("Idempotency-Key")+" "+r.Header.Get("Content-Type"))
	code := http.StatusOK
	if len(s.answers) > 0 {
		code, s.answers = s.answers[0], s.answers[1:]
	}
	w.WriteHeader(code)
}

func (s *sink) requests() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.bodies)
}

func fast(attempts int) WebhookOptions {
	return WebhookOptions{Attempts: attempts, BackoffMin: time.Millisecond, BackoffMax: 4 * time.Millisecond}
}

func TestWebhook(t *testing.T) {
	alert := string(readTestdata(t, "alert_under_charge.json"))
	cases := []struct {
		name     string
		answers  []int
		attempts int
		want     WebhookStats
		requests int
	}{
		{"delivered at once", nil, 8, WebhookStats{Delivered: 1}, 1},
		{"retried after 503, 502 and 429", []int{503, 502, 429}, 8, WebhookStats{Delivered: 1, Retries: 3}, 4},
		{"given up after the attempts", []int{500, 500, 500, 500}, 3, WebhookStats{Failed: 1, Retries: 2}, 3},
		{"a 400 is not retried", []int{400}, 8, WebhookStats{Failed: 1}, 1},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			s := &sink{answers: c.answers}
			srv := httptest.NewServer(s)
			defer srv.Close()
			h, err := NewWebhook(srv.URL, fast(c.attempts))
			if err != nil {
				t.Fatal(err)
			}
			ctx, cancel := context.WithCancel(context.Background())
			done := make(chan struct{})
			go func() { defer close(done); h.Run(ctx) }()
			h.Send("8c1f0a4e2b7d9c31", []byte(alert))
			dctx, dcancel := context.WithTimeout(context.Background(), 10*time.Second)
			defer dcancel()
			if err := h.Drain(dctx); err != nil {
				t.Fatal(err)
			}
			cancel()
			<-done
			if got := h.Stats(); got != c.want {
				t.Errorf("stats %+v, want %+v", got, c.want)
			}
			if n := s.requests(); n != c.requests {
				t.Errorf("%d requests, want %d", n, c.requests)
			}
			for i, b := range s.bodies {
				if b != alert || s.keys[i] != "8c1f0a4e2b7d9c31 application/json" {
					t.Errorf("request %d: %q %q", i, s.keys[i], b)
				}
			}
		})
	}
}

// TestWebhookQueueIsBounded: with the receiver down, the queue keeps the
// newest alerts and counts what it dropped; Drain gives up at its deadline.
func TestWebhookQueueIsBounded(t *testing.T) {
	s := &sink{answers: []int{503, 503, 503, 503, 503, 503, 503, 503, 503, 503}}
	srv := httptest.NewServer(s)
	defer srv.Close()
	opts := fast(1000)
	opts.Queue = 2
	opts.BackoffMin, opts.BackoffMax = time.Hour, time.Hour // the first alert stays in its retry wait
	h, err := NewWebhook(srv.URL, opts)
	if err != nil {
		t.Fatal(err)
	}
	for _, id := range []string{"a", "b", "c"} {
		h.Send(id, []byte(`{"id":"`+id+`"}`))
	}
	if st := h.Stats(); st.Dropped != 1 {
		t.Errorf("dropped %d, want 1", st.Dropped)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { defer close(done); h.Run(ctx) }()
	dctx, dcancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
	defer dcancel()
	err = h.Drain(dctx)
	if err == nil || !strings.Contains(err.Error(), "2 alerts not delivered") {
		t.Errorf("Drain: %v", err)
	}
	cancel()
	<-done
	if s.requests() != 1 || !strings.Contains(s.bodies[0], `"b"`) {
		t.Errorf("requests: %v (want one, for b: a was dropped)", s.bodies)
	}
}

func TestWebhookURL(t *testing.T) {
	for _, bad := range []string{"", "ftp://x/y", "http://", "https://user:secret@[::1"} {
		_, err := NewWebhook(bad, WebhookOptions{})
		if err == nil {
			t.Errorf("%q accepted", bad)
		} else if strings.Contains(err.Error(), "secret") {
			t.Errorf("error shows the password: %v", err)
		}
	}
	// A failing receiver's error names the URL without its password.
	h, err := NewWebhook("http://user:secret@127.0.0.1:1/hook", fast(1))
	if err != nil {
		t.Fatal(err)
	}
	err = h.deliver(context.Background(), webhookItem{id: "x", body: []byte("{}")})
	if err == nil || strings.Contains(err.Error(), "secret") || !strings.Contains(err.Error(), "127.0.0.1:1") {
		t.Errorf("deliver: %v", err)
	}
}
