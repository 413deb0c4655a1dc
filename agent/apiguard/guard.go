package apiguard

import (
	"crypto/subtle"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"strings"
)

// Guard checks every request before its handler runs. The zero value
// allows loopback names and IP literals and refuses every state-changing
// call (no token).
type Guard struct {
	// Hosts are further host names (no port) that may appear in the Host
	// header, compared without case: the names under which the listener is
	// reached on purpose (http.allowed_hosts, a non-IP http.address host).
	Hosts []string
	// Token is the secret state-changing calls carry; "" refuses them all.
	Token string
}

// Wrap returns next behind the guard.
func (g *Guard) Wrap(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if err := g.Check(r); err != nil {
			refuse(w, err)
			return
		}
		next.ServeHTTP(w, r)
	})
}

// Error is a refusal: the HTTP status and why.
type Error struct {
	Code int
	Msg  string
}

func (e *Error) Error() string { return "apiguard: " + e.Msg }

// Check returns nil when r may be served, else an *Error.
func (g *Guard) Check(r *http.Request) error {
	if !g.hostAllowed(r.Host) {
		return &Error{http.StatusForbidden, fmt.Sprintf("host %q is not this agent's name (only loopback names, IP addresses and http.allowed_hosts are served; DNS rebinding?)", r.Host)}
	}
	safe := r.Method == http.MethodGet || r.Method == http.MethodHead || r.Method == http.MethodOptions
	if why := crossSite(r); why != "" && !(safe && r.Header.Get("Sec-Fetch-Mode") == "navigate") {
		return &Error{http.StatusForbidden, "cross-site request refused (" + why + ")"}
	}
	if safe {
		return nil
	}
	return g.checkToken(r)
}

// checkToken says whether r carries the token.
func (g *Guard) checkToken(r *http.Request) error {
	got, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
	if !ok || g.Token == "" || subtle.ConstantTimeCompare([]byte(strings.TrimSpace(got)), []byte(g.Token)) != 1 {
		return &Error{http.StatusUnauthorized, r.Method + " " + r.URL.Path + " needs the agent's API token (the file " + TokenFile + " in its data_dir, sent as \"Authorization: Bearer TOKEN\"; the tillwatch CLI does this when run as the agent's user or root)"}
	}
	return nil
}

// RequireToken wraps next so that reading it needs the token too (a
// stream of raw link bytes, not only state changes).
func (g *Guard) RequireToken(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if err := g.checkToken(r); err != nil {
			refuse(w, err)
			return
		}
		next.ServeHTTP(w, r)
	})
}

// hostAllowed says whether the Host header names this machine: a loopback
// name, an IP literal (rebinding needs a DNS name), or a configured name.
func (g *Guard) hostAllowed(hostport string) bool {
	host := hostport
	if h, _, err := net.SplitHostPort(hostport); err == nil {
		host = h
	}
	host = strings.TrimSuffix(strings.ToLower(strings.Trim(host, "[]")), ".")
	switch {
	case host == "":
		return false
	case host == "localhost" || strings.HasSuffix(host, ".localhost"): // RFC 6761: browsers resolve these to loopback themselves
		return true
	case net.ParseIP(host) != nil:
		return true
	}
	for _, h := range g.Hosts {
		if strings.EqualFold(strings.TrimSuffix(h, "."), host) {
			return true
		}
	}
	return false
}

// crossSite says why r comes from a web page of another origin, or "".
func crossSite(r *http.Request) string {
	switch site := r.Header.Get("Sec-Fetch-Site"); site {
	case "same-origin", "none": // "none": the user typed the address or used a bookmark
		return ""
	case "":
	default:
		return "Sec-Fetch-Site: " + site
	}
	origin := r.Header.Get("Origin")
	if origin == "" {
		return ""
	}
	u, err := url.Parse(origin)
	if err != nil || u.Host == "" || !strings.EqualFold(u.Host, r.Host) {
		return "Origin " + origin + " is not " + r.Host
	}
	return ""
}

// refuse answers err as JSON ({"error": ...}, the journal API's form).
func refuse(w http.ResponseWriter, err error) {
	code := http.StatusForbidden
	if e, ok := err.(*Error); ok {
		code = e.Code
	}
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(code)
	_ = json.NewEncoder(w).Encode(struct { // the client went away: nothing to tell it
		Error string `json:"error"`
	}{err.Error()})
}
