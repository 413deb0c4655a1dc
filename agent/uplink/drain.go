package uplink

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/tillwatch/tillwatch/buffer"
)

// drain publishes outbox entries oldest first, at most Inflight unacked,
// and deletes each one whose PUBACK arrived on this very connection. It
// returns when the connection ends (an error) or ctx is done (after a
// clean stop, nil).
//
// Entries are read in batches into a backlog, so the outbox is read once
// per batch rather than once per ack. The backlog stays valid: only this
// loop deletes entries, and new ones are always newer.
func (s *session) drain(ctx context.Context) error {
	sctx, cancel := context.WithCancel(ctx)
	var wg sync.WaitGroup
	defer func() {
		cancel()
		wg.Wait()
	}()
	acks := make(chan ack, s.cfg.Inflight)
	inflight := make(map[string]flight, s.cfg.Inflight)
	settling := map[string]bool{} // delivered, handed to the settler, not deleted yet
	st := s.startSettler()
	defer st.close()          // deletes what was delivered before the end
	var backlog []buffer.Item // read, not yet published, oldest first
	// The poll (ack timeouts, a safety re-read, the connection check) runs
	// only while messages are in flight: an idle drain sleeps until a put
	// (Changed), an ack, a lost connection or the health message wakes it.
	every := min(pollInterval, s.u.ackTimeout/2)
	poll := time.NewTicker(every)
	poll.Stop()
	polling := false
	defer poll.Stop()

	health := s.healthTicker()
	defer health.Stop()

	dirty := true // the outbox may hold entries beyond backlog and inflight
	var retry <-chan time.Time
	for {
		if retry == nil && len(inflight) < s.cfg.Inflight && s.c.IsConnectionOpen() {
			if len(backlog) == 0 && dirty {
				var err error
				backlog, dirty, err = s.read(inflight, settling)
				if err != nil {
					s.outboxFailed(err)
					retry = time.After(outboxRetry)
				}
			}
			backlog = s.publish(sctx, &wg, backlog, inflight, acks)
		}
		if busy := len(inflight) > 0; busy != polling {
			if polling = busy; busy {
				poll.Reset(every)
			} else {
				poll.Stop()
			}
		}
		select {
		case a := <-acks:
			// Settle every ack already in: one outbox write (one fsync)
			// for the whole window instead of one per message.
			batch := []ack{a}
		more:
			for len(batch) < cap(acks) {
				select {
				case a := <-acks:
					batch = append(batch, a)
				default:
					break more
				}
			}
			mine := batch[:0]
			for _, a := range batch {
				if f, in := inflight[a.id]; in && f.tok == a.f.tok { // else a stale token of an entry published again
					delete(inflight, a.id)
					mine = append(mine, a)
				}
			}
			delivered, ok := s.deliveredAcks(mine)
			for _, a := range delivered {
				settling[a.id] = true
			}
			st.add(delivered)
			if !ok { // some are pending again, older than the backlog: reread
				backlog, dirty = nil, true
			}
		case <-st.ready:
			for _, r := range st.results() {
				for _, id := range r.ids {
					delete(settling, id)
				}
				if r.err != nil { // not deleted: read and published again
					s.outboxFailed(r.err)
					retry = time.After(outboxRetry)
					backlog, dirty = nil, true
				}
			}
		case <-s.u.ob.Changed():
			dirty = true
		case <-retry:
			retry = nil
		case <-health.C:
			s.publishHealth()
		case <-poll.C:
			dirty = true
			if !s.c.IsConnectionOpen() {
				return errors.New("uplink: connection closed")
			}
			if err := s.overdue(inflight); err != nil {
				s.abort()
				return err
			}
		case err := <-s.lost:
			return fmt.Errorf("uplink: connection lost: %w", err)
		case <-ctx.Done():
			s.stop(inflight)
			return nil
		}
	}
}

// read returns the next batch of pending entries that are neither in
// flight nor being deleted, and whether the outbox may hold more.
func (s *session) read(inflight map[string]flight, settling map[string]bool) (batch []buffer.Item, more bool, err error) {
	limit := len(inflight) + len(settling) + readBatch(s.cfg.Inflight) // those are the oldest
	items, err := s.u.ob.Pending(limit)
	if err != nil {
		return nil, true, fmt.Errorf("uplink: read outbox: %w", err)
	}
	batch = items[:0]
	for _, it := range items {
		if _, ok := inflight[it.ID]; !ok && !settling[it.ID] {
			batch = append(batch, it)
		}
	}
	return batch, len(items) == limit, nil
}

// readBatch is how many entries one outbox read fetches beyond those in
// flight.
func readBatch(inflight int) int { return min(max(4*inflight, 32), 256) }

// publish sends backlog entries until Inflight are in flight and returns
// the rest of the backlog.
func (s *session) publish(ctx context.Context, wg *sync.WaitGroup, backlog []buffer.Item, inflight map[string]flight, acks chan<- ack) []buffer.Item {
	for len(backlog) > 0 && len(inflight) < s.cfg.Inflight {
		it := backlog[0]
		backlog = backlog[1:]
		m, derr := DecodeMessage(it.Value)
		dead := derr != nil
		if dead {
			s.u.log.Error("uplink: undecodable outbox entry, moving it to the dead-letter topic",
				"id", it.ID, "seq", it.Seq, "bytes", len(it.Value), "topic", s.cfg.DeadLetterTopic, "error", derr)
			m = deadLetterMessage(s.cfg.DeadLetterTopic, it.ID, it.Seq, it.Value, derr)
		}
		f := flight{epoch: s.u.epoch.Load(), dead: dead, at: time.Now()}
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
	if len(backlog) == 0 {
		return nil // release the batch's values
	}
	return backlog
}

// overdue reports a flight whose PUBACK is later than ackTimeout on a
// connection that still looks up: the broker lost it, and only a new
// connection (and a republish) can recover.
func (s *session) overdue(inflight map[string]flight) error {
	for id, f := range inflight {
		if d := time.Since(f.at); d > s.u.ackTimeout {
			return fmt.Errorf("uplink: no PUBACK for %s after %v", id, d.Round(time.Millisecond))
		}
	}
	return nil
}

// settle deletes entry id if its publication counts as delivered: PUBACK
// received (no token error), on the connection it was published on (same
// epoch), which is still up. Otherwise the entry stays and is published
// again. ok reports deletion.
func (s *session) settle(id string, f flight) (ok bool, err error) {
	if !s.delivered(id, f) {
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

// batchDoner is implemented by outboxes that delete many entries in one
// write (*buffer.Queue).
type batchDoner interface {
	DoneAll(ids []string) error
}

// deliveredAcks returns the acks whose PUBACK counts (see settle), and
// whether all of them do.
func (s *session) deliveredAcks(acks []ack) (out []ack, all bool) {
	all = true
	for _, a := range acks {
		if s.delivered(a.id, a.f) {
			out = append(out, a)
		} else {
			all = false
		}
	}
	return out, all
}

// delivered reports whether f's PUBACK counts (see settle).
func (s *session) delivered(id string, f flight) bool {
	if terr := f.tok.Error(); terr != nil || f.epoch != s.u.epoch.Load() || !s.c.IsConnectionOpen() {
		s.u.log.Debug("uplink: not acked on this connection, will publish again", "id", id, "error", terr)
		return false
	}
	return true
}

// stop ends the connection cleanly: a last retained health message (so
// the retained one does not go on saying the links are up), retained
// offline status, settle what is already acked, DISCONNECT (so the broker
// drops the last will).
func (s *session) stop(inflight map[string]flight) {
	if s.cfg.HealthTopic != "" && s.cfg.Health != nil {
		s.publishHealth() // its PUBACK comes before the status's: brokers ack in order
	}
	if s.cfg.StatusTopic != "" {
		// Brokers ack in order, so once this PUBACK is in, the entries
		// published before it have usually been acked and are settled
		// below instead of being published again after a restart.
		if err := s.publishStatus(StateOffline, ReasonStopped, s.cfg.ConnectTimeout); err != nil {
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

// outboxFailed records and logs an outbox error; drain pauses reading.
func (s *session) outboxFailed(err error) {
	s.u.fail(err)
	s.u.log.Error("uplink: outbox", "error", err)
}
