package tap

import (
	"fmt"
	"net/http"
	"time"

	"github.com/tillwatch/tillwatch/capture"
)

// Path is the tap's route on the local API; ParamDevice (repeatable)
// chooses devices.
const (
	Path        = "/api/tap"
	ParamDevice = "device"
	// TrailerEnd says why a stream ended: "agent stopped" or "fell behind".
	TrailerEnd = "Tillwatch-Tap-End"
)

// Why a stream ended, in TrailerEnd.
const (
	EndStopped = "agent stopped"
	EndBehind  = "fell behind"
)

// Handler streams the tap as a capture: header (for the chosen devices)
// then records, flushed as they come, until the client goes, the agent
// stops or the client falls behind.
func (h *Hub) Handler(header func(devs []string) (*capture.Header, error)) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		devs := r.URL.Query()[ParamDevice]
		hd, err := header(devs)
		if err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		rc := http.NewResponseController(w)
		_ = rc.SetWriteDeadline(time.Time{}) // a stream outlives the server's write timeout
		w.Header().Set("Content-Type", "application/x-ndjson")
		w.Header().Set("Cache-Control", "no-store")
		w.Header().Set("Trailer", TrailerEnd)
		sub := h.Subscribe(devs)
		defer h.Cancel(sub)
		cw, err := capture.NewWriter(w, hd)
		if err != nil {
			return // the client went away
		}
		if rc.Flush() != nil {
			return
		}
		for {
			select {
			case <-r.Context().Done():
				return
			case <-h.ctx.Done():
				w.Header().Set(TrailerEnd, EndStopped)
				return
			case rec, ok := <-sub.C:
				if !ok {
					w.Header().Set(TrailerEnd, fmt.Sprintf("%s (more than %d records behind)", EndBehind, Buffer))
					return
				}
				if err := writeAll(cw, rec, sub.C); err != nil {
					return
				}
				if cw.Flush() != nil || rc.Flush() != nil {
					return
				}
			}
		}
	})
}

// writeAll writes rec and whatever else is already queued.
func writeAll(cw *capture.Writer, rec capture.Record, more <-chan capture.Record) error {
	if err := cw.Write(rec); err != nil {
		return err
	}
	for {
		select {
		case r, ok := <-more:
			if !ok {
				return nil
			}
			if err := cw.Write(r); err != nil {
				return err
			}
		default:
			return nil
		}
	}
}
