package main

import (
	"io"
	"mime"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
)

// TestWatchNotify: a central watch sends what it sees through the
// channels of a notify file, here ntfy to a local stand-in that checks the
// request as ntfy documents it (Title header, text body), in German, and
// delivers both alerts once before it exits.
func TestWatchNotify(t *testing.T) {
	broker := fleet(t)
	var mu sync.Mutex
	var got []string
	ntfy := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		title, err := new(mime.WordDecoder).DecodeHeader(r.Header.Get("Title"))
		if r.Method != http.MethodPost || r.URL.Path != "/desk" || err != nil || title == "" {
			t.Errorf("not an ntfy publish: %s %s title %q (%v)", r.Method, r.URL.Path, r.Header.Get("Title"), err)
		}
		mu.Lock()
		got = append(got, title+"\n"+string(b))
		mu.Unlock()
	}))
	defer ntfy.Close()
	dir := t.TempDir()
	file := filepath.Join(dir, "notify.yaml")
	if err := os.WriteFile(file, []byte("locale: de\ntime_zone: Europe/Berlin\nnotify:\n  - name: desk\n    type: ntfy\n    url: "+ntfy.URL+"/desk\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	code, _, errOut := runCLI(t, "watch", "--broker", broker, "--once", "2", "--timeout", "30s",
		"--notify", file, "--notify-data", filepath.Join(dir, "q"))
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	mu.Lock()
	defer mu.Unlock()
	all := strings.Join(got, "\n")
	for _, id := range []string{"aaaa000000000001", "bbbb000000000002"} {
		if strings.Count(all, id) != 1 {
			t.Errorf("alert %s reached ntfy %d times, want once:\n%s", id, strings.Count(all, id), all)
		}
	}
	if !strings.Contains(all, "Falscher Betrag") && !strings.Contains(all, "Meldungen") {
		t.Errorf("not in German:\n%s", all)
	}
}
