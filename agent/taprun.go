package agent

import (
	"context"
	"fmt"
	"net/http"
	"slices"

	"github.com/tillwatch/tillwatch/agent/apiguard"
	"github.com/tillwatch/tillwatch/agent/lane"
	"github.com/tillwatch/tillwatch/agent/status"
	"github.com/tillwatch/tillwatch/agent/tap"
	"github.com/tillwatch/tillwatch/capture"
	"github.com/tillwatch/tillwatch/configs"
)

// newTap serves the agent's links to technician verbs on GET /api/tap
// (token required): `monitor` and `capture` read them there instead of
// opening the ports the agent holds. nil when the listener is off.
func (a *Agent) newTap(ctx context.Context, srv *status.Server) (*tap.Hub, error) {
	if srv == nil {
		return nil, nil
	}
	tok, err := apiguard.LoadOrCreate(a.cfg.DataDir)
	if err != nil {
		return nil, fmt.Errorf("agent: local API token: %w", err)
	}
	hub := tap.New(ctx, func() capture.Redactor { return a.lane.Redactors() })
	h := (&apiguard.Guard{Token: tok}).RequireToken(hub.Handler(a.tapHeader))
	srv.Mount(func(mux *http.ServeMux) { mux.Handle("GET "+tap.Path, h) })
	return hub, nil
}

// tapHeader is the capture header of the named devices (all when none).
func (a *Agent) tapHeader(devs []string) (*capture.Header, error) {
	sub := *a.cfg
	if len(devs) > 0 {
		sub.Devices = nil
		for _, n := range devs {
			i := slices.IndexFunc(a.cfg.Devices, func(d configs.Device) bool { return d.Name == n })
			if i < 0 {
				return nil, fmt.Errorf("agent: no device %q on this lane", n)
			}
			sub.Devices = append(sub.Devices, a.cfg.Devices[i])
		}
	}
	return lane.CaptureHeader(&sub), nil
}

// Watchers is how many technician verbs (monitor, capture) are reading the
// lane through the agent right now.
func (a *Agent) Watchers() int {
	a.mu.Lock()
	defer a.mu.Unlock()
	return a.tap.Count()
}
