package uplink

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	paho "github.com/eclipse/paho.mqtt.golang"
)

const (
	// pollInterval checks ack timeouts and the connection, and re-reads
	// the outbox as a safety net, while messages are in flight.
	pollInterval = 2 * time.Second
	// outboxRetry is the pause after an outbox read or delete failed.
	outboxRetry = time.Second
	// disconnectQuiesce is how long a clean stop lets paho send DISCONNECT.
	disconnectQuiesce = 250 // milliseconds
	// abortWait bounds the offline status sent before dropping a stalled
	// connection.
	abortWait = time.Second
)

// session is one connection: connect, announce, drain, end.
type session struct {
	u    *Uplink
	cfg  Config
	c    paho.Client
	lost chan error // the connection-lost handler's report
	// inbox holds messages received on Config.Subscribe filters.
	inbox chan inbound

	mu    sync.Mutex // guards isUp, ended
	isUp  bool
	ended bool
}

// flight is one outbox entry published and not yet settled.
type flight struct {
	tok   paho.Token
	seq   uint64 // the entry's outbox Seq
	epoch uint64 // at publish
	dead  bool   // a dead letter, not the entry's own message
	at    time.Time
}

// ack reports that the token of entry id completed.
type ack struct {
	id string
	f  flight
}

func newSession(u *Uplink) *session {
	s := &session{u: u, cfg: u.cfg, lost: make(chan error, 1), inbox: make(chan inbound, inboxSize)}
	s.c = paho.NewClient(s.options())
	return s
}

// options are the paho options; the package doc explains the choices.
func (s *session) options() *paho.ClientOptions {
	cfg := s.cfg
	o := paho.NewClientOptions().
		AddBroker(cfg.Broker).
		SetClientID(cfg.ClientID).
		SetUsername(cfg.Username).
		SetPassword(cfg.Password).
		SetProtocolVersion(4).
		SetKeepAlive(cfg.KeepAlive).
		SetPingTimeout(min(cfg.KeepAlive, 10*time.Second)).
		SetConnectTimeout(cfg.ConnectTimeout).
		SetWriteTimeout(cfg.ConnectTimeout).
		SetCleanSession(true).
		SetAutoReconnect(false).
		SetConnectRetry(false).
		SetResumeSubs(false).
		SetStore(paho.NewMemoryStore()).
		SetOrderMatters(false).
		SetConnectionLostHandler(func(_ paho.Client, err error) {
			s.end()
			select {
			case s.lost <- err:
			default:
			}
		})
	if cfg.TLS != nil {
		o.SetTLSConfig(cfg.TLS)
	}
	if cfg.StatusTopic != "" {
		// Checked by withDefaults, cannot fail here.
		will, _ := statusPayload(cfg.StatusExtra, StateOffline, ReasonConnectionLost, time.Time{})
		o.SetBinaryWill(cfg.StatusTopic, will, 1, true)
	}
	return o
}

// up marks the connection established: a new epoch. It returns false if
// the connection was already lost. Connected turns true only with ready.
func (s *session) up() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.ended {
		return false
	}
	s.isUp = true
	s.u.epoch.Add(1)
	return true
}

// ready marks the connection announced and draining (Connected).
func (s *session) ready() {
	s.mu.Lock()
	defer s.mu.Unlock()
	if !s.ended {
		s.u.connected.Store(true)
	}
}

// end marks the connection gone (once): a new epoch.
func (s *session) end() {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.ended {
		return
	}
	s.ended = true
	if s.isUp {
		s.u.epoch.Add(1)
		s.u.connected.Store(false)
	}
}

// run connects and drains until the connection ends (returning an error)
// or ctx is done (stopping cleanly, returning nil). up is how long the
// connection was up.
func (s *session) run(ctx context.Context) (up time.Duration, err error) {
	tok := s.c.Connect()
	select {
	case <-tok.Done():
	case <-ctx.Done():
		// paho finishes the attempt on its own and then drops it; the
		// status was never set online on this connection.
		s.c.Disconnect(0)
		s.end()
		return 0, nil
	}
	if err := tok.Error(); err != nil {
		s.end()
		return 0, fmt.Errorf("uplink: connect: %w", err)
	}
	if !s.up() {
		s.c.Disconnect(0)
		return 0, errors.New("uplink: connection lost right after connect")
	}
	since := time.Now()
	defer s.end()
	s.u.count(func(st *Stats) {
		st.Connects++
		if st.Connects > 1 {
			st.Reconnects++
		}
	})
	s.u.log.Info("uplink: connected", "epoch", s.u.epoch.Load())
	s.u.down.connected(s.u.log, since)
	if err := s.announce(ctx, since); err != nil {
		s.abort()
		return time.Since(since), err
	}
	if err := s.subscribe(ctx); err != nil {
		s.abort()
		return time.Since(since), err
	}
	s.ready()
	stop := s.serve(ctx)
	defer stop()
	err = s.drain(ctx)
	return time.Since(since), err
}

// announce publishes the retained online status, then Config.Announce,
// and waits for their PUBACKs.
func (s *session) announce(ctx context.Context, since time.Time) error {
	t := time.NewTimer(s.cfg.ConnectTimeout)
	defer t.Stop()
	if s.cfg.StatusTopic != "" {
		p, err := statusPayload(s.cfg.StatusExtra, StateOnline, "", since)
		if err != nil {
			return err
		}
		if err := s.await(ctx, t, s.c.Publish(s.cfg.StatusTopic, 1, true, p), "online status"); err != nil {
			return err
		}
	}
	for _, m := range s.cfg.Announce {
		if ctx.Err() != nil {
			return nil
		}
		if err := s.await(ctx, t, s.c.Publish(m.Topic, 1, m.Retain, m.Payload), m.Topic); err != nil {
			return err
		}
	}
	return nil
}

// await waits for an announcement's PUBACK until t fires.
func (s *session) await(ctx context.Context, t *time.Timer, tok paho.Token, what string) error {
	select {
	case <-tok.Done():
		if err := tok.Error(); err != nil {
			return fmt.Errorf("uplink: publish %s: %w", what, err)
		}
		return nil
	case err := <-s.lost:
		return fmt.Errorf("uplink: connection lost: %w", err)
	case <-t.C:
		return fmt.Errorf("uplink: %s not acked within %v", what, s.cfg.ConnectTimeout)
	case <-ctx.Done():
		return nil // drain stops cleanly
	}
}

// abort drops a connection that looks up but does not work (a status or
// PUBACK overdue). The DISCONNECT it sends makes the broker discard the
// last will, so it first tries, for a moment, to leave a retained offline
// status behind.
func (s *session) abort() {
	if s.cfg.StatusTopic != "" {
		err := s.publishStatus(StateOffline, ReasonReconnecting, abortWait)
		if err != nil {
			s.u.log.Warn("uplink: offline status before reconnect not delivered", "error", err)
		}
	}
	s.c.Disconnect(0)
}

// publishStatus publishes a retained status and waits up to wait for its
// PUBACK.
func (s *session) publishStatus(state, reason string, wait time.Duration) error {
	p, err := statusPayload(s.cfg.StatusExtra, state, reason, time.Now())
	if err != nil {
		return err
	}
	tok := s.c.Publish(s.cfg.StatusTopic, 1, true, p)
	if !tok.WaitTimeout(wait) {
		return fmt.Errorf("uplink: %s status not acked within %v", state, wait)
	}
	if err := tok.Error(); err != nil {
		return fmt.Errorf("uplink: publish %s status: %w", state, err)
	}
	return nil
}
