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
// Entries are read ahead in batches into a backlog (reader.go), so the
// outbox is read once per batch rather than once per ack, and never while
// the loop could publish. The backlog stays valid: only this loop deletes
// entries, and new ones are always newer.
func (s *session) drain(ctx context.Context) error {
	sctx, cancel := context.WithCancel(ctx)
	var wg sync.WaitGroup
	defer func() {
		cancel()
		wg.Wait()
	}()
	published := make(chan ack, s.cfg.Inflight) // in publish order, to the collector
	acks := make(chan []ack, s.cfg.Inflight)    // completed, in publish order
	wg.Go(func() { collectAcks(sctx, published, acks) })
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

	rd := s.startReader(sctx, &wg)
	swept := false // a sweep was asked for since the last ack
	var retry <-chan time.Time
	for {
		if retry == nil {
			rd.request(len(backlog), len(backlog)+len(inflight)+len(settling))
		}
		if retry == nil && len(inflight) < s.cfg.Inflight && s.c.IsConnectionOpen() {
			backlog = s.publish(backlog, inflight, published)
		}
		if !swept && retry == nil && rd.idle() && len(backlog) == 0 && len(inflight) == 0 {
			st.sweep() // idle: delete what the watermark settled
			swept = true
		}
		if busy := len(inflight) > 0; busy != polling {
			if polling = busy; busy {
				poll.Reset(every)
			} else {
				poll.Stop()
			}
		}
		select {
		case batch := <-acks:
			// Settle every ack already in: one outbox write (one fsync)
			// for the whole window instead of one per message.
		more:
			for len(batch) < s.cfg.Inflight {
				select {
				case b := <-acks:
					batch = append(batch, b...)
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
			swept = false
			if !ok { // some are pending again, older than the backlog: reread
				backlog = nil
				rd.reset()
			}
		case <-st.ready:
			for _, r := range st.results() {
				for _, id := range r.ids {
					delete(settling, id)
				}
				if r.err != nil { // not deleted: read and published again
					s.outboxFailed(r.err)
					retry = time.After(outboxRetry)
					backlog = nil
					rd.reset()
				}
			}
		case res := <-rd.res:
			items, err := rd.got(res)
			if err != nil {
				s.outboxFailed(err)
				retry = time.After(outboxRetry)
			}
			backlog = append(backlog, unheld(items, inflight, settling)...)
		case <-s.u.ob.Changed():
			rd.changed()
		case <-retry:
			retry = nil
		case <-health.C:
			s.publishHealth()
		case <-poll.C:
			rd.changed()
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

// unheld returns the entries of items that are neither in flight nor
// being settled.
func unheld(items []buffer.Item, inflight map[string]flight, settling map[string]bool) []buffer.Item {
	out := items[:0]
	for _, it := range items {
		if _, ok := inflight[it.ID]; !ok && !settling[it.ID] {
			out = append(out, it)
		}
	}
	return out
}

// publish sends backlog entries until Inflight are in flight and returns
// the rest of the backlog. Each publication goes to the ack collector,
// which has room for Inflight.
func (s *session) publish(backlog []buffer.Item, inflight map[string]flight, published chan<- ack) []buffer.Item {
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
		f := flight{seq: it.Seq, epoch: s.u.epoch.Load(), dead: dead, at: time.Now()}
		// Counted first: a subscriber may see the message before Publish
		// returns.
		s.u.count(func(st *Stats) { st.Published++ })
		f.tok = s.c.Publish(m.Topic, 1, m.Retain, m.Payload)
		inflight[it.ID] = f
		published <- ack{id: it.ID, f: f}
	}
	if len(backlog) == 0 {
		return nil // release the batch's values
	}
	return backlog
}

// collectAcks waits for the tokens of published flights in publish order
// (a broker acks in order) and sends each run of completed ones as one
// batch: one wake-up of the drain loop per run of PUBACKs, no goroutine
// per message. It returns when ctx is done.
func collectAcks(ctx context.Context, published <-chan ack, acks chan<- []ack) {
	var next *ack // taken from published, its token not waited for yet
	for {
		if next == nil {
			select {
			case a := <-published:
				next = &a
			case <-ctx.Done():
				return
			}
		}
		select {
		case <-next.f.tok.Done():
		case <-ctx.Done():
			return
		}
		batch := []ack{*next}
		next = nil
	more:
		for len(batch) < cap(published) {
			select {
			case a := <-published:
				select {
				case <-a.f.tok.Done():
					batch = append(batch, a)
				default:
					next = &a
					break more
				}
			default:
				break more
			}
		}
		select {
		case acks <- batch:
		case <-ctx.Done():
			return
		}
	}
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

// batchDoner is implemented by outboxes that delete many entries in one
// write (*buffer.Queue).
type batchDoner interface {
	DoneAll(ids []string) error
}

// deliveredAcks returns the acks whose PUBACK counts (see delivered), and
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

// delivered reports whether f's PUBACK counts: received (no token
// error), on the connection it was published on (same epoch), which is
// still up. Otherwise the entry stays and is published again.
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
	var done []ack
	for id, f := range inflight {
		select {
		case <-f.tok.Done():
			done = append(done, ack{id: id, f: f})
		default:
		}
	}
	// One outbox write for all of them (the settler's close settles what
	// it holds after this).
	if acked, _ := s.deliveredAcks(done); len(acked) > 0 {
		if _, err := s.deleteDelivered(acked); err != nil {
			s.u.fail(err)
			s.u.log.Warn("uplink: delete delivered entries at stop", "entries", len(acked), "error", err)
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
