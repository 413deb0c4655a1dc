package uplink

import (
	"context"
	"fmt"
	"sync"

	"github.com/tillwatch/tillwatch/buffer"
)

// readAhead is how many outbox entries the drain reads at a time, and
// holds at least while more are pending.
const readAhead = 512

// reader reads the outbox ahead of the drain, in its own goroutine. An
// outbox read waits for the commits under way (Badger's read timestamp
// waits for every commit already numbered, fsync included), so a drain
// that read in its own loop stopped publishing for every fsync of the
// settler: on a busy disk it ran at half the rate of the same drain over
// an outbox in memory (issue 15). Now the loop publishes from what it
// holds while the next batch is read. The reader's state is the drain
// loop's; only the outbox calls run in the goroutine.
type reader struct {
	reqs chan readReq
	res  chan readRes

	gen     uint64 // bumped by reset: replies of older ones are dropped
	reading bool   // a request is out
	stale   bool   // the outbox changed while reading
	dirty   bool   // the outbox may hold entries beyond those read
	to      uint64 // read up to this Seq; 0: from the head
}

type readReq struct {
	gen, after uint64
	limit      int
}

type readRes struct {
	gen   uint64
	limit int
	items []buffer.Item
	err   error
}

// afterReader is implemented by outboxes that read on from a Seq
// (*buffer.Queue): the drain does not read again what it holds.
type afterReader interface {
	PendingAfter(after uint64, limit int) ([]buffer.Item, error)
}

// startReader starts the read goroutine (in wg, until ctx is done).
func (s *session) startReader(ctx context.Context, wg *sync.WaitGroup) *reader {
	r := &reader{reqs: make(chan readReq, 1), res: make(chan readRes, 1), dirty: true}
	ar, after := s.u.ob.(afterReader)
	wg.Go(func() {
		for {
			var q readReq
			select {
			case q = <-r.reqs:
			case <-ctx.Done():
				return
			}
			var items []buffer.Item
			var err error
			if after && q.after > 0 {
				items, err = ar.PendingAfter(q.after, q.limit)
			} else {
				items, err = s.u.ob.Pending(q.limit)
			}
			if err != nil {
				err = fmt.Errorf("uplink: read outbox: %w", err)
			}
			select {
			case r.res <- readRes{gen: q.gen, limit: q.limit, items: items, err: err}:
			case <-ctx.Done():
				return
			}
		}
	})
	return r
}

// request asks for the next batch when the drain holds fewer than
// readAhead entries, the outbox may hold more and no read is out. held
// is how many entries the drain holds (read, in flight or settling):
// a read from the head steps over them.
func (r *reader) request(backlog, held int) {
	if r.reading || !r.dirty || backlog >= readAhead {
		return
	}
	limit := readAhead
	if r.to == 0 {
		limit += held
	}
	r.reqs <- readReq{gen: r.gen, after: r.to, limit: limit} // room: no read is out
	r.reading, r.stale = true, false
}

// got takes a reply: the entries read (nil when a reset made them stale).
func (r *reader) got(res readRes) ([]buffer.Item, error) {
	r.reading = false
	if res.gen != r.gen {
		r.dirty = true
		return nil, nil
	}
	if res.err != nil {
		r.dirty = true
		return nil, res.err
	}
	if n := len(res.items); n > 0 {
		r.to = res.items[n-1].Seq
	}
	r.dirty = r.stale || len(res.items) >= res.limit
	return res.items, nil
}

// changed notes that the outbox may hold new entries.
func (r *reader) changed() {
	r.dirty = true
	r.stale = r.reading
}

// reset makes the next read start at the head again (an entry the drain
// held is pending again).
func (r *reader) reset() {
	r.gen++
	r.to = 0
	r.dirty = true
}

// idle reports that the outbox holds nothing the drain has not read.
func (r *reader) idle() bool { return !r.reading && !r.dirty }
