package uplink

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"
)

// drain publishes outbox entries oldest first, at most Inflight unacked,
// and deletes each one whose PUBACK arrived on this very connection. It
// returns when the connection ends (an error) or ctx is done (after a
// clean stop, nil).
func (s *session) drain(ctx context.Context) error {
	sctx, cancel := context.WithCancel(ctx)
	var wg sync.WaitGroup
	defer func() {
		cancel()
		wg.Wait()
	}()
	acks := make(chan ack, s.cfg.Inflight)
	inflight := make(map[string]flight, s.cfg.Inflight)
	poll := time.NewTicker(pollInterval)
	defer poll.Stop()

	dirty := true // the outbox may hold entries not yet in flight
	more := false // the last read was cut at its limit
	var retry <-chan time.Time
	for {
		if dirty && retry == nil && len(inflight) < s.cfg.Inflight && s.c.IsConnectionOpen() {
			var err error
			more, err = s.fill(sctx, &wg, inflight, acks)
			dirty = more
			if err != nil {
				s.outboxFailed(err)
				retry = time.After(outboxRetry)
			}
		}
		select {
		case a := <-acks:
			if f, ok := inflight[a.id]; ok && f.tok == a.f.tok {
				delete(inflight, a.id)
			}
			ok, err := s.settle(a.id, a.f)
			if err != nil {
				s.outboxFailed(err)
				retry = time.After(outboxRetry)
			}
			dirty = dirty || more || !ok
		case <-s.u.ob.Changed():
			dirty = true
		case <-retry:
			retry = nil
			dirty = true
		case <-poll.C:
			dirty = true
			if !s.c.IsConnectionOpen() {
				return errors.New("uplink: connection closed")
			}
		case err := <-s.lost:
			return fmt.Errorf("uplink: connection lost: %w", err)
		case <-ctx.Done():
			s.stop(inflight)
			return nil
		}
	}
}

// fill publishes pending entries that are not in flight until Inflight are
// in flight. more reports that the outbox read was cut at its limit.
func (s *session) fill(ctx context.Context, wg *sync.WaitGroup, inflight map[string]flight, acks chan<- ack) (more bool, err error) {
	limit := s.cfg.Inflight // in-flight entries are the oldest: a prefix
	items, err := s.u.ob.Pending(limit)
	if err != nil {
		return false, fmt.Errorf("uplink: read outbox: %w", err)
	}
	for _, it := range items {
		if len(inflight) >= s.cfg.Inflight {
			break
		}
		if _, ok := inflight[it.ID]; ok {
			continue
		}
		m, derr := DecodeMessage(it.Value)
		dead := derr != nil
		if dead {
			s.u.log.Error("uplink: undecodable outbox entry, moving it to the dead-letter topic",
				"id", it.ID, "seq", it.Seq, "bytes", len(it.Value), "topic", s.cfg.DeadLetterTopic, "error", derr)
			if m, err = deadLetterMessage(s.cfg.DeadLetterTopic, it.ID, it.Seq, it.Value, derr); err != nil {
				return false, err
			}
		}
		f := flight{epoch: s.u.epoch.Load(), dead: dead}
		f.tok = s.c.Publish(m.Topic, 1, m.Retain, m.Payload)
		inflight[it.ID] = f
		s.u.count(func(st *Stats) { st.Published++ })
		id := it.ID
		wg.Go(func() {
			select {
			case <-f.tok.Done():
			case <-ctx.Done():
				return
			}
			select {
			case acks <- ack{id: id, f: f}:
			case <-ctx.Done():
			}
		})
	}
	return len(items) == limit, nil
}

// settle deletes entry id if its publication counts as delivered: PUBACK
// received (no token error), on the connection it was published on (same
// epoch), which is still up. Otherwise the entry stays and is published
// again. ok reports deletion.
func (s *session) settle(id string, f flight) (ok bool, err error) {
	if terr := f.tok.Error(); terr != nil || f.epoch != s.u.epoch.Load() || !s.c.IsConnectionOpen() {
		s.u.log.Debug("uplink: not acked on this connection, will publish again", "id", id, "error", terr)
		return false, nil
	}
	if err := s.u.ob.Done(id); err != nil {
		return false, fmt.Errorf("uplink: delete delivered %s: %w", id, err)
	}
	s.u.count(func(st *Stats) {
		if f.dead {
			st.DeadLettered++
		} else {
			st.Acked++
		}
	})
	return true, nil
}

// stop ends the connection cleanly: retained offline status, settle what
// is already acked, DISCONNECT (so the broker drops the last will).
func (s *session) stop(inflight map[string]flight) {
	if s.cfg.StatusTopic != "" {
		if err := s.publishOffline(); err != nil {
			s.u.fail(err)
			s.u.log.Warn("uplink: offline status not delivered", "error", err)
		}
	}
	for id, f := range inflight {
		select {
		case <-f.tok.Done():
		default:
			continue
		}
		if _, err := s.settle(id, f); err != nil {
			s.u.fail(err)
			s.u.log.Warn("uplink: delete delivered entry at stop", "id", id, "error", err)
		}
	}
	s.c.Disconnect(disconnectQuiesce)
	s.end()
	s.u.log.Info("uplink: stopped")
}

// publishOffline publishes the retained offline status and waits up to
// ConnectTimeout for its PUBACK. Brokers ack in order, so by then the
// entries published before it have usually been acked and stop can
// settle them instead of publishing them again after a restart.
func (s *session) publishOffline() error {
	p, err := statusPayload(s.cfg.StatusExtra, StateOffline, ReasonStopped, time.Now())
	if err != nil {
		return err
	}
	tok := s.c.Publish(s.cfg.StatusTopic, 1, true, p)
	if !tok.WaitTimeout(s.cfg.ConnectTimeout) {
		return fmt.Errorf("uplink: offline status not acked within %v", s.cfg.ConnectTimeout)
	}
	if err := tok.Error(); err != nil {
		return fmt.Errorf("uplink: publish offline status: %w", err)
	}
	return nil
}

// outboxFailed records and logs an outbox error; drain pauses reading.
func (s *session) outboxFailed(err error) {
	s.u.fail(err)
	s.u.log.Error("uplink: outbox", "error", err)
}
