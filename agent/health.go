package agent

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/tillwatch/tillwatch/agent/apiguard"
	"github.com/tillwatch/tillwatch/agent/status"
	"github.com/tillwatch/tillwatch/agent/words"
	"github.com/tillwatch/tillwatch/buffer"
	"github.com/tillwatch/tillwatch/internal/sysinfo"
)

var _ status.Source = (*Agent)(nil)

// Snapshot implements status.Source: the lane's state for the status page,
// /healthz and /metrics.
func (a *Agent) Snapshot() status.Snapshot {
	st := a.Stats()
	s := status.Snapshot{
		Site: a.cfg.Site, Lane: a.cfg.Lane, Version: a.opts.Version, Now: a.opts.Now(),
		Counters:    status.Counters{Chunks: st.Chunks, Bytes: st.Bytes, Events: st.Events, Alerts: st.Alerts},
		OutboxDepth: -1,
		Uplink:      status.Uplink{Broker: a.cfg.MQTT.Broker},
	}
	a.view.Fill(&s)
	s.LastAlert, s.Decided = st.LastAlert, st.Decided
	s.Facts = a.facts.Facts()
	s.Buffer.FreeBytes = s.Facts.FreeBytes
	if qs, err := a.out.Queue().Stats(); err == nil {
		s.OutboxDepth = qs.Depth
		s.Buffer = status.HealthBuffer{Depth: qs.Depth, Bytes: qs.Bytes, Shed: qs.Shed, Expired: qs.Expired,
			Unreadable: qs.Unreadable, DiskFull: qs.DiskFull, FreeBytes: s.Facts.FreeBytes}
		if !qs.Oldest.IsZero() {
			s.Buffer.OldestAge = max(0, s.Now.Sub(qs.Oldest).Seconds())
		}
	}
	s.Buffer.Held, s.Buffer.MemoryShed = a.out.Held()
	a.mu.Lock()
	up, stopped := a.up, a.stopped
	a.mu.Unlock()
	if stopped != nil {
		select {
		case <-stopped:
			s.Stopping = true // the uplink's last message at a clean stop
		default:
		}
	}
	if up != nil {
		us := up.Stats()
		s.Uplink.Connected = up.Connected()
		s.Uplink.Connects, s.Uplink.Reconnects, s.Uplink.Published, s.Uplink.Acked = us.Connects, us.Reconnects, us.Published, us.Acked
		s.Uplink.LastError, s.Uplink.ErrorAt = us.LastError, us.LastErrorAt
	}
	return s
}

// coreAlive fails when the core loop does not go round within a stall
// bound of being asked. The core sleeps until something is due (see
// core), so an old heartbeat alone proves nothing: a heartbeat older than
// a second makes Health poke the core and wait for the next round.
func (a *Agent) coreAlive(now time.Time) error {
	beat := a.Snapshot().Heartbeat
	if now.Sub(beat) <= time.Second {
		return nil
	}
	stall := max(10*a.opts.Tick, 5*time.Second)
	a.mail.Poke()
	deadline := time.Now().Add(stall)
	for time.Now().Before(deadline) {
		time.Sleep(5 * time.Millisecond) // a rare check, waiting for another goroutine
		if b := a.Snapshot().Heartbeat; !b.Before(now) {
			return nil
		}
	}
	return fmt.Errorf("agent: core loop stalled: last round %s ago", now.Sub(beat).Round(time.Second))
}

// probeEvery bounds how often Health writes to the database.
const probeEvery = time.Second

// Health implements status.Source: nil while the lane works: the core loop
// goes round, every device's link is up and the database takes a write.
// A lane whose printer or terminal is missing does not work, whatever the
// agent itself is doing.
func (a *Agent) Health() error {
	now := a.opts.Now()
	a.mu.Lock()
	running := a.running
	a.mu.Unlock()
	if !running {
		return errors.New("agent: not running")
	}
	if err := a.coreAlive(now); err != nil {
		return err
	}
	s := a.Snapshot()
	var why []string
	for _, d := range s.Devices {
		switch d.LinkState() {
		case status.LinkUnknown:
			why = append(why, d.Name+" link not up yet")
		case status.LinkDown:
			why = append(why, fmt.Sprintf("%s link down (%s)", d.Name, d.Reason))
		}
	}
	if err := a.probeDB(now); err != nil {
		why = append(why, strings.TrimPrefix(err.Error(), "agent: "))
	}
	if len(why) > 0 {
		return errors.New("agent: " + strings.Join(why, "; "))
	}
	return nil
}

// probeDB writes a key (at most once per probeEvery) to prove the
// database takes writes; it returns the latest result.
func (a *Agent) probeDB(now time.Time) error {
	a.probeMu.Lock()
	defer a.probeMu.Unlock()
	if !a.probeAt.IsZero() && now.Sub(a.probeAt) < probeEvery && now.After(a.probeAt) {
		return a.probeErr
	}
	a.probeAt = now
	a.probeErr = nil
	if err := a.db.Store("health").Put([]byte("probe"), strconv.AppendInt(nil, now.UnixNano(), 10)); err != nil {
		a.probeErr = fmt.Errorf("agent: database not writable: %w", err)
	}
	return a.probeErr
}

// newStatus opens the status listener when the config has an address.
func (a *Agent) newStatus() (*status.Server, net.Listener, error) {
	if a.cfg.HTTP.Address == "" {
		return nil, nil, nil
	}
	ln, err := status.Listen(a.cfg.HTTP.Address)
	if err != nil {
		return nil, nil, fmt.Errorf("agent: %w", err)
	}
	a.mu.Lock()
	a.http = ln.Addr()
	a.mu.Unlock()
	guard, err := a.apiGuard()
	if err != nil {
		_ = ln.Close()
		return nil, nil, err
	}
	a.log.Info("status page", "url", "http://"+ln.Addr().String()+"/")
	return status.New(a, status.Options{Log: a.log.With("part", "status"), Guard: guard.Wrap, Location: a.cfg.Location(), Lang: words.Of(a.cfg.Locale)}), ln, nil
}

// apiGuard is the local API's gate: the Host names it answers to
// (http.allowed_hosts and a name in http.address) and the token of
// state-changing calls, kept in data_dir for the CLI.
func (a *Agent) apiGuard() (*apiguard.Guard, error) {
	tok, err := apiguard.LoadOrCreate(a.cfg.DataDir)
	if err != nil {
		return nil, fmt.Errorf("agent: local API token: %w", err)
	}
	g := &apiguard.Guard{Token: tok, Hosts: a.cfg.HTTP.AllowedHosts}
	if host, _, err := net.SplitHostPort(a.cfg.HTTP.Address); err == nil && host != "" && net.ParseIP(host) == nil {
		g.Hosts = append(slices.Clip(g.Hosts), host)
	}
	return g, nil
}

// StatusAddr is the status listener's address once Run opened it ("" when
// off or not yet open): with http.address port 0 it tells the port.
func (a *Agent) StatusAddr() string {
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.http == nil {
		return ""
	}
	return a.http.String()
}

// HealthReport builds the current health message from the snapshot. It
// does no slow work (the Sampler read the clock and the data directory),
// so the uplink may call it in its drain loop.
func (a *Agent) HealthReport() status.HealthMessage { return a.Snapshot().HealthMessage() }

// healthPayload is HealthReport as JSON, for the uplink.
func (a *Agent) healthPayload() ([]byte, error) {
	b, err := json.Marshal(a.HealthReport())
	if err != nil {
		return nil, fmt.Errorf("agent: health: %w", err)
	}
	return b, nil
}

// factsEvery is how often the Sampler reads the slow facts.
const factsEvery = 15 * time.Second

// quickFacts reads the facts that cost a directory read and a statfs,
// not the clock.
func (a *Agent) quickFacts(prev status.Facts) status.Facts {
	f := prev
	f.FreeBytes, f.At = a.db.Free(), a.opts.Now()
	rec, err := buffer.MovedAside(a.cfg.DataDir)
	if err != nil {
		a.log.Warn("health: damaged databases moved aside: cannot read the data directory", "error", err)
	} else {
		f.Recovered = rec
	}
	return f
}

// readFacts is the Sampler's reading: quick facts and the clock, asked of
// the kernel (one adjtimex call, the answer timedatectl would give):
// starting timedatectl every 15 s cost the idle agent a fork, an exec and
// about a dozen context switches each time (issue 15).
func (a *Agent) readFacts(context.Context) status.Facts {
	f := a.quickFacts(a.facts.Facts())
	f.Clock = status.HealthClock{Source: "unknown"}
	if c, err := sysinfo.KernelClock(); err == nil {
		f.Clock = status.HealthClock{Source: c.How, Synchronized: &c.Synced}
	}
	return f
}
