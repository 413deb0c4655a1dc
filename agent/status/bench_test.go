package status_test

import (
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/tillwatch/tillwatch/agent/status"
)

// BenchmarkEndpoints: cost of one page view, scrape and health check on
// a full snapshot (what a Prometheus scrape or an open page costs the lane).
func BenchmarkEndpoints(b *testing.B) {
	h := status.New(lane(), status.Options{Location: time.UTC}).Handler()
	for _, path := range []string{"/", "/metrics", "/healthz"} {
		b.Run(path, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				rec := httptest.NewRecorder()
				h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, path, nil))
				if rec.Code != 200 {
					b.Fatal(rec.Code)
				}
			}
		})
	}
}
