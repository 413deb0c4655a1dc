package apiguard

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

const testToken = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"

// TestGuard: each hole of the package doc, and the requests that must keep
// working (the CLI, curl, Prometheus, a browser on the status page).
func TestGuard(t *testing.T) {
	g := &Guard{Token: testToken, Hosts: []string{"lane-3.shop.lan"}}
	ok := g.Wrap(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { w.WriteHeader(http.StatusOK) }))
	bearer := "Bearer " + testToken
	for _, tc := range []struct {
		name, method, path, host string
		hdr                      map[string]string
		want                     int
		msg                      string // in the refusal
	}{
		{"cli search", "GET", "/api/journal/search", "127.0.0.1:9109", nil, 200, ""},
		{"localhost", "GET", "/status.json", "localhost:9109", nil, 200, ""},
		{"ipv6 loopback", "GET", "/status.json", "[::1]:9109", nil, 200, ""},
		{"lan address (prometheus)", "GET", "/metrics", "192.168.1.20:9109", nil, 200, ""},
		{"configured name", "GET", "/metrics", "LANE-3.shop.lan:9109", nil, 200, ""},
		{"rebinding: journal", "GET", "/api/journal/search", "rebind.attacker.example:9109",
			map[string]string{"Origin": "http://rebind.attacker.example:9109", "Sec-Fetch-Site": "same-origin"}, 403, "DNS rebinding"},
		{"rebinding: status", "GET", "/status.json", "rebind.attacker.example", nil, 403, "rebind.attacker.example"},
		{"rebinding: lookalike", "GET", "/status.json", "localhost.attacker.example", nil, 403, "DNS rebinding"},
		{"no host", "GET", "/status.json", "", nil, 403, "host"},
		{"browser on the page", "GET", "/status.json", "127.0.0.1:9109",
			map[string]string{"Sec-Fetch-Site": "same-origin", "Sec-Fetch-Mode": "cors"}, 200, ""},
		{"typed address", "GET", "/", "127.0.0.1:9109", map[string]string{"Sec-Fetch-Site": "none", "Sec-Fetch-Mode": "navigate"}, 200, ""},
		{"link from a dashboard", "GET", "/", "127.0.0.1:9109", map[string]string{"Sec-Fetch-Site": "cross-site", "Sec-Fetch-Mode": "navigate"}, 200, ""},
		{"cross-site fetch", "GET", "/api/journal/search", "127.0.0.1:9109",
			map[string]string{"Sec-Fetch-Site": "cross-site", "Sec-Fetch-Mode": "no-cors", "Origin": "https://evil.example"}, 403, "cross-site"},
		{"other local port", "GET", "/status.json", "127.0.0.1:9109",
			map[string]string{"Sec-Fetch-Site": "same-site", "Sec-Fetch-Mode": "cors", "Origin": "http://127.0.0.1:8080"}, 403, "same-site"},
		{"old browser, foreign origin", "GET", "/status.json", "127.0.0.1:9109", map[string]string{"Origin": "https://evil.example"}, 403, "Origin"},
		{"old browser, own origin", "GET", "/status.json", "127.0.0.1:9109", map[string]string{"Origin": "http://127.0.0.1:9109"}, 200, ""},
		{"null origin", "GET", "/status.json", "127.0.0.1:9109", map[string]string{"Origin": "null"}, 403, "Origin"},
		{"cli reprint", "POST", "/api/journal/x/reprint", "127.0.0.1:9109", map[string]string{"Authorization": bearer}, 200, ""},
		{"reprint without token", "POST", "/api/journal/x/reprint", "127.0.0.1:9109", nil, 401, "token"},
		{"reprint with a wrong token", "POST", "/api/journal/x/reprint", "127.0.0.1:9109", map[string]string{"Authorization": "Bearer " + strings.Repeat("0", 64)}, 401, "token"},
		{"publish without token", "POST", "/api/settlement", "127.0.0.1:9109", nil, 401, "token"},
		{"cross-site form post", "POST", "/api/journal/x/reprint", "127.0.0.1:9109",
			map[string]string{"Sec-Fetch-Site": "cross-site", "Sec-Fetch-Mode": "navigate", "Origin": "https://evil.example", "Authorization": bearer}, 403, "cross-site"},
		{"cross-site post, old browser", "POST", "/api/settlement", "127.0.0.1:9109", map[string]string{"Origin": "https://evil.example"}, 403, "Origin"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := httptest.NewRequest(tc.method, tc.path, nil)
			r.Host = tc.host
			for k, v := range tc.hdr {
				r.Header.Set(k, v)
			}
			w := httptest.NewRecorder()
			ok.ServeHTTP(w, r)
			if w.Code != tc.want || !strings.Contains(w.Body.String(), tc.msg) {
				t.Fatalf("%s %s Host %q: %d %s, want %d with %q", tc.method, tc.path, tc.host, w.Code, w.Body, tc.want, tc.msg)
			}
			if tc.want != 200 && !strings.HasPrefix(w.Body.String(), `{"error":"apiguard: `) {
				t.Errorf("refusal is not the API's JSON error: %s", w.Body)
			}
		})
	}
}

// TestGuardNoToken: an agent without a token refuses every state change.
func TestGuardNoToken(t *testing.T) {
	r := httptest.NewRequest("POST", "/api/settlement", nil)
	r.Host = "127.0.0.1:9109"
	r.Header.Set("Authorization", "Bearer ")
	if err := (&Guard{}).Check(r); err == nil {
		t.Fatal("empty token accepted")
	}
}
