package journalapi

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"time"

	"github.com/tillwatch/tillwatch/agent/detect"
	"github.com/tillwatch/tillwatch/agent/journal"
	"github.com/tillwatch/tillwatch/drivers"
)

// Errors a Reprint function returns (wrapped) for a 409 Conflict.
var (
	// ErrCannotReprint: no link of the lane can write toward the printer
	// (a tap is a read-only Y-cable).
	ErrCannotReprint = errors.New("journalapi: cannot reprint")
	// ErrPrinterBusy: the register kept printing; try again.
	ErrPrinterBusy = errors.New("journalapi: printer busy")
	// ErrNotReceipt: the entry is not a receipt.
	ErrNotReceipt = errors.New("journalapi: not a receipt")
)

// Handler serves the journal API. Journal is required; nil functions
// answer 501.
type Handler struct {
	Journal *journal.Journal
	// Currency reads amounts and names them when events do not.
	Currency string
	// Location is the local time zone of dates; default time.Local.
	Location *time.Location
	// Site and Lane name the summary.
	Site, Lane string
	// Detect, when set, is the lane's detector config: summaries then
	// count incidents per cashier (AddCashiers).
	Detect *detect.Config
	// Reprint sends a receipt copy to the lane printer.
	Reprint func(ctx context.Context, id string, r *drivers.Receipt) error
	// Publish queues a summary for MQTT.
	Publish func(s *Summary) error
	// Log receives request errors; default discard.
	Log *slog.Logger
	// Now is the clock (the default summary day is yesterday); default
	// time.Now.
	Now func() time.Time
}

// Register mounts the routes on mux.
func (h *Handler) Register(mux *http.ServeMux) {
	mux.Handle("GET /api/journal/search", h.loopback(h.search))
	mux.Handle("GET /api/journal/{id}", h.loopback(h.get))
	mux.Handle("POST /api/journal/{id}/reprint", h.loopback(h.reprint))
	mux.Handle("GET /api/settlement", h.loopback(h.settlement))
	mux.Handle("POST /api/settlement", h.loopback(h.settlement))
}

func (h *Handler) loc() *time.Location {
	if h.Location == nil {
		return time.Local
	}
	return h.Location
}

// loopback refuses requests that do not come from this machine: the
// journal holds receipts, and reprint prints.
func (h *Handler) loopback(f http.HandlerFunc) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		host, _, err := net.SplitHostPort(r.RemoteAddr)
		if ip := net.ParseIP(host); err != nil || ip == nil || !ip.IsLoopback() {
			h.fail(w, http.StatusForbidden, errors.New("journalapi: the journal API answers loopback clients only"))
			return
		}
		f(w, r)
	})
}

// apiError is the body of every error answer.
type apiError struct {
	Error string `json:"error"`
}

func (h *Handler) fail(w http.ResponseWriter, code int, err error) {
	if h.Log != nil && code >= 500 {
		h.Log.Warn("journal api", "status", code, "error", err)
	}
	h.reply(w, code, apiError{Error: err.Error()})
}

func (h *Handler) reply(w http.ResponseWriter, code int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(code)
	if err := json.NewEncoder(w).Encode(v); err != nil && h.Log != nil {
		h.Log.Warn("journal api: write answer", "error", err)
	}
}

// SearchResult is the answer of /api/journal/search.
type SearchResult struct {
	Entries []Entry `json:"entries"`
}

func (h *Handler) search(w http.ResponseWriter, r *http.Request) {
	q, err := ParseQuery(r.URL.Query(), h.Currency, h.loc())
	if err != nil {
		h.fail(w, http.StatusBadRequest, err)
		return
	}
	res, err := Search(h.Journal, q, h.Currency)
	if err != nil {
		h.fail(w, http.StatusInternalServerError, err)
		return
	}
	h.reply(w, http.StatusOK, res)
}

// Search runs q and describes each entry.
func Search(j *journal.Journal, q journal.Query, currency string) (SearchResult, error) {
	found, err := j.Search(q)
	if err != nil {
		return SearchResult{}, fmt.Errorf("journalapi: search: %w", err)
	}
	res := SearchResult{Entries: make([]Entry, 0, len(found))}
	for _, e := range found {
		en, err := EntryOf(e, currency)
		if err != nil {
			return SearchResult{}, err
		}
		res.Entries = append(res.Entries, en)
	}
	return res, nil
}

// Get reads one entry by id.
func Get(j *journal.Journal, id, currency string) (Entry, error) {
	ev, err := j.Get(id)
	if err != nil {
		return Entry{}, fmt.Errorf("journalapi: entry %s: %w", id, err)
	}
	return EntryOf(journal.Entry{ID: id, Event: ev}, currency)
}

func (h *Handler) entry(w http.ResponseWriter, r *http.Request) (Entry, bool) {
	id := r.PathValue("id")
	if _, err := journal.Time(id); err != nil {
		h.fail(w, http.StatusBadRequest, fmt.Errorf("journalapi: %q is not a journal id (32 hex digits, as search shows them)", id))
		return Entry{}, false
	}
	e, err := Get(h.Journal, id, h.Currency)
	if errors.Is(err, journal.ErrNotFound) {
		h.fail(w, http.StatusNotFound, fmt.Errorf("journalapi: no journal entry %s", id))
		return Entry{}, false
	}
	if err != nil {
		h.fail(w, http.StatusInternalServerError, err)
		return Entry{}, false
	}
	return e, true
}

func (h *Handler) get(w http.ResponseWriter, r *http.Request) {
	if e, ok := h.entry(w, r); ok {
		h.reply(w, http.StatusOK, e)
	}
}

// ReprintResult is the answer of a reprint.
type ReprintResult struct {
	ID      string `json:"id"`
	Printed bool   `json:"printed"`
}

func (h *Handler) reprint(w http.ResponseWriter, r *http.Request) {
	if h.Reprint == nil {
		h.fail(w, http.StatusNotImplemented, fmt.Errorf("%w: this agent has no reprint path", ErrCannotReprint))
		return
	}
	e, ok := h.entry(w, r)
	if !ok {
		return
	}
	ev, err := e.Decode()
	if err != nil {
		h.fail(w, http.StatusInternalServerError, err)
		return
	}
	rc, ok := ev.(*drivers.Receipt)
	if !ok {
		h.fail(w, http.StatusUnprocessableEntity, fmt.Errorf("%w: entry %s is a %s", ErrNotReceipt, e.ID, e.Type))
		return
	}
	err = h.Reprint(r.Context(), e.ID, rc)
	switch {
	case errors.Is(err, ErrCannotReprint), errors.Is(err, ErrPrinterBusy):
		h.fail(w, http.StatusConflict, err)
	case err != nil:
		h.fail(w, http.StatusServiceUnavailable, err)
	default:
		h.reply(w, http.StatusOK, ReprintResult{ID: e.ID, Printed: true})
	}
}

// SummaryResult is the answer of /api/settlement.
type SummaryResult struct {
	Summary   *Summary `json:"summary"`
	Published bool     `json:"published"` // queued for MQTT (POST)
}

func (h *Handler) settlement(w http.ResponseWriter, r *http.Request) {
	day := r.URL.Query().Get(ParamDate)
	if day == "" {
		now := time.Now
		if h.Now != nil {
			now = h.Now
		}
		day = now().In(h.loc()).AddDate(0, 0, -1).Format(time.DateOnly)
	}
	s, err := Summarize(h.Journal, h.Site, h.Lane, day, h.Currency, h.loc())
	if err == nil && h.Detect != nil {
		err = AddCashiers(h.Journal, s, *h.Detect)
	}
	if err != nil {
		h.fail(w, http.StatusBadRequest, err)
		return
	}
	res := SummaryResult{Summary: s}
	if r.Method == http.MethodPost {
		if h.Publish == nil {
			h.fail(w, http.StatusNotImplemented, errors.New("journalapi: this agent does not publish summaries"))
			return
		}
		if err := h.Publish(s); err != nil {
			h.fail(w, http.StatusServiceUnavailable, err)
			return
		}
		res.Published = true
	}
	h.reply(w, http.StatusOK, res)
}
