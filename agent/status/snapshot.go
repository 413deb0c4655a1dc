package status

import (
	"time"

	"github.com/tillwatch/tillwatch/agent/detect"
)

// Source is what the server reads: the agent implements it.
type Source interface {
	// Snapshot returns the lane's current state; it must be safe to call
	// from any goroutine.
	Snapshot() Snapshot
	// Health reports why the lane does not work (core loop stalled,
	// database not writable), or nil.
	Health() error
}

// Snapshot is the lane's state at one instant.
type Snapshot struct {
	Site    string    `json:"site"`
	Lane    string    `json:"lane"`
	Version string    `json:"version,omitempty"`
	Now     time.Time `json:"now"`
	Started time.Time `json:"started"`
	// Heartbeat is when the core loop last went round.
	Heartbeat time.Time `json:"heartbeat"`

	Counters Counters `json:"counters"`
	// AlertsByKind counts alerts stored in the outbox since start, by kind.
	AlertsByKind map[string]int `json:"alerts_by_kind"`
	// OutboxDepth is the number of alerts not yet delivered; -1 unknown.
	OutboxDepth int    `json:"outbox_depth"`
	Uplink      Uplink `json:"uplink"`
	// Buffer is the outbox as the health topic describes it (depth, bytes,
	// losses, alerts held in memory, free space).
	Buffer HealthBuffer `json:"buffer"`
	// LastAlert is when the last alert was detected (zero: none since
	// start).
	LastAlert time.Time `json:"last_alert,omitzero"`
	// Decided says everything the lane read is decided: no decoder holds
	// input, no printed image waits to be read, the detector has no
	// window open and every alert is stored, so no alert comes without
	// new input.
	Decided bool `json:"decided"`
	// Facts are the slow facts (clock, damaged databases) as the Sampler
	// last read them.
	Facts Facts `json:"facts"`
	// Stopping says the agent is stopping cleanly: nobody watches the
	// devices any more.
	Stopping bool `json:"stopping,omitempty"`

	Devices  []Device  `json:"devices"`
	Receipts []Receipt `json:"receipts"` // newest first
	Payments []Payment `json:"payments"` // newest first
	Windows  []Window  `json:"windows"`  // soonest deadline first
	Alerts   []Alert   `json:"alerts"`   // newest first
	// Today are the lane's alerts of the current day (lane time zone),
	// oldest first, and Printers the printers' last states: the manager
	// page (/today).
	Today    []detect.Alert `json:"today,omitempty"`
	Printers []PrinterState `json:"printers,omitempty"`
}

// Counters count what the lane processed since start.
type Counters struct {
	Chunks int `json:"chunks"`
	Bytes  int `json:"bytes"`
	Events int `json:"events"`
	Alerts int `json:"alerts"`
}

// Uplink is the MQTT connection's state.
type Uplink struct {
	Broker    string    `json:"broker"`
	Connected bool      `json:"connected"`
	Connects  uint64    `json:"connects"`
	LastError string    `json:"last_error,omitempty"`
	ErrorAt   time.Time `json:"last_error_at,omitzero"`
	// Reconnects, Published and Acked count the MQTT side since start.
	Reconnects uint64 `json:"reconnects"`
	Published  uint64 `json:"published"`
	Acked      uint64 `json:"acked"`
}

// Device is one configured printer or terminal and its link.
type Device struct {
	Name     string `json:"name"`
	Role     string `json:"role"`
	Protocol string `json:"protocol"`
	Port     string `json:"port"`
	// Up is true while the link is up; Seen says a link event arrived.
	Up   bool `json:"up"`
	Seen bool `json:"seen"`
	// Since is the last link change, Reason the link's reason for it.
	Since  time.Time `json:"since,omitzero"`
	Reason string    `json:"reason,omitempty"`
	// LastData is when the last bytes arrived.
	LastData time.Time `json:"last_data,omitzero"`
	Bytes    int       `json:"bytes"`
	// Damaged counts the frames the device's decoder saw damaged on the
	// line (failed checks, frames cut short, impossible commands) since
	// start: a noisy cable or adapter.
	Damaged int64 `json:"damaged_frames"`
}

// Link states, as /healthz and the health topic name them.
const (
	LinkUp      = "up"
	LinkDown    = "down"
	LinkUnknown = "unknown" // no link event yet
)

// LinkState is the device's link state: LinkUp, LinkDown or LinkUnknown.
func (d Device) LinkState() string {
	switch {
	case !d.Seen:
		return LinkUnknown
	case d.Up:
		return LinkUp
	}
	return LinkDown
}

// Receipt is a printed (or attempted) receipt, as the page lists it.
type Receipt struct {
	Time     time.Time `json:"time"`
	Device   string    `json:"device"`
	Number   string    `json:"number,omitempty"`
	Total    string    `json:"total,omitempty"` // formatted with currency
	Tenders  string    `json:"tenders,omitempty"`
	Cut      bool      `json:"cut"`
	Ended    string    `json:"ended,omitempty"`
	Lines    int       `json:"lines"`
	Currency string    `json:"currency,omitempty"`
}

// Payment is a terminal transaction, as the page lists it. Card is masked.
type Payment struct {
	Time   time.Time `json:"time"`
	Device string    `json:"device"`
	Type   string    `json:"type"`
	Result string    `json:"result"`
	Amount string    `json:"amount"` // formatted with currency
	Card   string    `json:"card,omitempty"`
	Trace  string    `json:"trace,omitempty"`
}

// Window is something the lane still waits for: a receipt for an approved
// payment, the cut of a print job.
type Window struct {
	What     string    `json:"what"`
	Opened   time.Time `json:"opened"`
	Deadline time.Time `json:"deadline"`
}

// Alert is an alert as the page lists it.
type Alert struct {
	ID       string    `json:"id"`
	Kind     string    `json:"kind"`
	Severity string    `json:"severity"`
	State    string    `json:"state"`
	Time     time.Time `json:"time"`
	Detected time.Time `json:"detected"`
	Summary  string    `json:"summary"`
}
