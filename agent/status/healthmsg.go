package status

import (
	"time"

	"github.com/tillwatch/tillwatch/buffer"
)

// HealthMessage is the payload of the health topic: how the lane's
// store-and-forward is doing. It is published right after every connect
// (so the first message after an outage tells what it cost) and every
// mqtt.health_interval.
type HealthMessage struct {
	Site    string    `json:"site"`
	Lane    string    `json:"lane"`
	Version string    `json:"version,omitempty"`
	Time    time.Time `json:"time"`
	// Buffer is the outbox.
	Buffer HealthBuffer `json:"buffer"`
	// BufferShed is the total of alerts lost to the shedding policy:
	// Buffer.Shed plus alerts dropped from memory while the disk was full.
	BufferShed uint64 `json:"buffer_shed"`
	// Links is each device's link state: up, down or unknown (no event
	// yet).
	Links map[string]HealthLink `json:"links"`
	// LastAlert is when the last alert was detected (zero: none since start).
	LastAlert time.Time `json:"last_alert,omitzero"`
	// Clock says whether the system clock is NTP-synchronised (null when
	// unknown) and how that was found out.
	Clock HealthClock `json:"clock"`
	// Recovered lists damaged databases moved aside (data_dir/corrupt-*),
	// until a person removes them.
	Recovered []buffer.Recovery `json:"recovered,omitempty"`
	// Uplink counts the MQTT side since start.
	Uplink HealthUplink `json:"uplink"`
}

// HealthBuffer describes the outbox.
type HealthBuffer struct {
	Depth int   `json:"depth"`
	Bytes int64 `json:"bytes"`
	// OldestAge is the age in seconds of the oldest undelivered alert.
	OldestAge float64 `json:"oldest_age_s"`
	// Shed counts alerts shed for the byte capacity, by severity;
	// MemoryShed those dropped from memory while the disk was full.
	Shed       buffer.ShedCounts `json:"shed"`
	MemoryShed buffer.ShedCounts `json:"memory_shed"`
	Expired    uint64            `json:"expired"`
	Unreadable uint64            `json:"unreadable"`
	// Held is how many alerts wait in memory for disk space; DiskFull
	// counts refused writes since start.
	Held     int    `json:"held"`
	DiskFull uint64 `json:"disk_full"`
	// FreeBytes is the free space of the data directory (-1 unknown).
	FreeBytes int64 `json:"free_bytes"`
}

// ReasonAgentStopped is every link's reason in the health message a clean
// stop leaves retained: nobody watches the devices any more.
const ReasonAgentStopped = "agent stopped"

// HealthLink is one device's link state.
type HealthLink struct {
	State  string    `json:"state"`
	Since  time.Time `json:"since,omitzero"`
	Reason string    `json:"reason,omitempty"`
	// Damaged counts the frames the device's decoder saw damaged on the
	// line since start (Device.Damaged).
	Damaged int64 `json:"damaged_frames"`
}

// HealthClock says whether the clock is synchronised.
type HealthClock struct {
	Synchronized *bool  `json:"synchronized"`
	Source       string `json:"source"`
}

// HealthUplink counts the MQTT side.
type HealthUplink struct {
	Connects   uint64 `json:"connects"`
	Reconnects uint64 `json:"reconnects"`
	Published  uint64 `json:"published"`
	Acked      uint64 `json:"acked"`
}

// HealthMessage is the health topic's message of the snapshot: the MQTT
// health message and the HTTP views are built from the same snapshot.
func (s Snapshot) HealthMessage() HealthMessage {
	h := HealthMessage{
		Site: s.Site, Lane: s.Lane, Version: s.Version, Time: s.Now.UTC(),
		Buffer: s.Buffer, LastAlert: s.LastAlert, Clock: s.Facts.Clock, Recovered: s.Facts.Recovered,
		Links:  make(map[string]HealthLink, len(s.Devices)),
		Uplink: HealthUplink{Connects: s.Uplink.Connects, Reconnects: s.Uplink.Reconnects, Published: s.Uplink.Published, Acked: s.Uplink.Acked},
	}
	h.BufferShed = h.Buffer.Shed.Total() + h.Buffer.MemoryShed.Total()
	for _, d := range s.Devices {
		l := HealthLink{State: d.LinkState(), Since: d.Since, Reason: d.Reason, Damaged: d.Damaged}
		if s.Stopping {
			l = HealthLink{State: LinkDown, Since: s.Now.UTC(), Reason: ReasonAgentStopped}
		}
		h.Links[d.Name] = l
	}
	return h
}
