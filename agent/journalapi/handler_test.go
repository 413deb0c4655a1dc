package journalapi

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/tillwatch/tillwatch/drivers"
)

func TestHandler(t *testing.T) {
	j, ids := openJournal(t, day())
	var reprinted []string
	var published []*Summary
	busy := false
	h := &Handler{
		Journal: j, Currency: "CNY", Location: shanghai, Site: "shop", Lane: "lane-1",
		Reprint: func(_ context.Context, id string, r *drivers.Receipt) error {
			if busy {
				return fmt.Errorf("agent: %w: the register kept sending", ErrPrinterBusy)
			}
			reprinted = append(reprinted, id+" "+r.Number)
			return nil
		},
		Publish: func(s *Summary) error { published = append(published, s); return nil },
	}
	mux := http.NewServeMux()
	h.Register(mux)
	srv := httptest.NewServer(mux)
	defer srv.Close()
	do := func(method, path string, want int, into any) {
		t.Helper()
		req, _ := http.NewRequest(method, srv.URL+path, nil)
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		b, _ := io.ReadAll(res.Body)
		if res.StatusCode != want {
			t.Fatalf("%s %s: %d %s, want %d", method, path, res.StatusCode, b, want)
		}
		if into != nil {
			if err := json.Unmarshal(b, into); err != nil {
				t.Fatalf("%s %s: %v in %s", method, path, err, b)
			}
		}
	}
	var sr SearchResult
	do("GET", "/api/journal/search?date=2026-11-22&amount=68.00&last4=4771", 200, &sr)
	if len(sr.Entries) != 1 || sr.Entries[0].ID != ids[1] || sr.Entries[0].Card != "622202******4771" {
		t.Fatalf("search: %+v", sr)
	}
	do("GET", "/api/journal/search?amount=6.8.0", 400, nil)
	var e Entry
	do("GET", "/api/journal/"+ids[2], 200, &e)
	if ev, err := e.Decode(); err != nil || ev.(*drivers.Receipt).Number != "0007" {
		t.Fatalf("get: %v %v", ev, err)
	}
	do("GET", "/api/journal/nothex", 400, nil)
	do("GET", "/api/journal/"+strings.Repeat("0", 32), 404, nil)
	var ae apiError
	do("POST", "/api/journal/"+ids[1]+"/reprint", 422, &ae)
	do("POST", "/api/journal/"+ids[2]+"/reprint", 200, nil)
	busy = true
	do("POST", "/api/journal/"+ids[2]+"/reprint", 409, &ae)
	if !strings.Contains(ae.Error, "printer busy") {
		t.Fatalf("busy answer %q", ae.Error)
	}
	if len(reprinted) != 1 || reprinted[0] != ids[2]+" 0007" {
		t.Fatalf("reprinted %v", reprinted)
	}
	var sum SummaryResult
	do("GET", "/api/settlement?date=2026-11-22", 200, &sum)
	if sum.Published || sum.Summary.Sales.Count != 2 || len(published) != 0 {
		t.Fatalf("GET settlement: %+v", sum)
	}
	do("POST", "/api/settlement?date=2026-11-22", 200, &sum)
	if !sum.Published || len(published) != 1 || published[0].ID != SummaryID("shop", "lane-1", "2026-11-22") {
		t.Fatalf("POST settlement: %+v", sum)
	}
	do("GET", "/api/settlement?date=tomorrow", 400, nil)

	// Not from this machine: refused.
	req := httptest.NewRequest("GET", "/api/journal/search", nil)
	req.RemoteAddr = "192.168.1.20:40000"
	rec := httptest.NewRecorder()
	mux.ServeHTTP(rec, req)
	if rec.Code != http.StatusForbidden {
		t.Fatalf("remote client: %d, want 403", rec.Code)
	}
}
