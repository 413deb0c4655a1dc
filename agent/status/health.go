package status

import (
	"encoding/json"
	"net/http"
	"time"
)

// healthBody is the JSON answer of /healthz.
type healthBody struct {
	Status          string    `json:"status"` // "ok" or "unhealthy"
	Error           string    `json:"error,omitempty"`
	Site            string    `json:"site"`
	Lane            string    `json:"lane"`
	Version         string    `json:"version,omitempty"`
	Heartbeat       time.Time `json:"heartbeat"`
	UptimeSeconds   int64     `json:"uptime_seconds"`
	UplinkConnected bool      `json:"uplink_connected"`
	OutboxDepth     int       `json:"outbox_depth"`
	// Links is each device's link as the health topic has it.
	Links map[string]healthLink `json:"links"`
}

// healthLink is one device's link: up, down or unknown (no event yet).
type healthLink struct {
	State  string    `json:"state"`
	Since  time.Time `json:"since,omitzero"`
	Reason string    `json:"reason,omitempty"`
}

// healthz answers 200 while src is healthy and 503 otherwise, with a JSON
// body either way that has each link's state. The uplink being down does
// not make the lane unhealthy: alerts wait in the outbox, and the body says
// so.
func (s *Server) healthz(w http.ResponseWriter, _ *http.Request) {
	herr := s.src.Health()
	snap := s.src.Snapshot()
	b := healthBody{
		Status: "ok", Site: snap.Site, Lane: snap.Lane, Version: snap.Version,
		Heartbeat: snap.Heartbeat, UptimeSeconds: int64(snap.Now.Sub(snap.Started).Seconds()),
		UplinkConnected: snap.Uplink.Connected, OutboxDepth: snap.OutboxDepth,
		Links: make(map[string]healthLink, len(snap.Devices)),
	}
	for _, d := range snap.Devices {
		b.Links[d.Name] = healthLink{State: d.LinkState(), Since: d.Since, Reason: d.Reason}
	}
	code := http.StatusOK
	if herr != nil {
		b.Status, b.Error, code = "unhealthy", herr.Error(), http.StatusServiceUnavailable
	}
	writeJSON(w, code, b)
}

// json answers the whole snapshot (for scripts and doctor).
func (s *Server) json(w http.ResponseWriter, _ *http.Request) {
	writeJSON(w, http.StatusOK, s.src.Snapshot())
}

func writeJSON(w http.ResponseWriter, code int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(code)
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	_ = enc.Encode(v) // the client went away; nothing to tell it
}
