package uplink

import (
	"cmp"
	"fmt"
	"slices"
	"sync"

	"github.com/tillwatch/tillwatch/buffer"
)

// settler deletes delivered entries from the outbox in the background:
// one outbox write (one fsync) for everything acked while the previous
// write ran. The drain keeps publishing meanwhile; an entry handed to the
// settler is neither read nor published again unless its delete fails.
//
// An outbox with a watermark (*buffer.Queue: Delivered) settles the run of
// oldest entries all delivered with one small write, whatever their
// number; an ack that overtook an older entry still in flight is held
// until that one is acked too (or, at the end of the connection, deleted
// by id). When the drain is idle, the settler sweeps the settled entries'
// keys in bulk (Sweep). An outbox without one deletes by id (DoneAll).
//
// Settling in the drain loop made each window of acks wait for an fsync
// before the next could be settled: the drain ran at 0.23-0.4 of a bare
// paho loop (issue 15). A delete that a crash catches before its fsync
// leaves the entry in the outbox, published again after the restart
// (at-least-once; subscribers dedupe on id), exactly as before.
type settler struct {
	s *session

	mu      sync.Mutex
	todo    []ack     // delivered, to delete
	fin     []settled // written, for the drain loop
	closing bool
	idle    bool // the drain has nothing to do: sweep

	held []ack // delivered, behind an entry in flight (goroutine only)

	wake  chan struct{} // to the goroutine: todo, idle or closing changed
	ready chan struct{} // to the drain loop: fin has results
	done  chan struct{} // closed when the goroutine ended
}

// settled is the result of one outbox write.
type settled struct {
	ids []string
	err error
}

// watermarker is implemented by outboxes that settle their oldest
// entries by a delivered watermark and sweep them later (*buffer.Queue).
type watermarker interface {
	Delivered(items []buffer.Item) (uint64, error)
	Sweep(limit int) (int, error)
	Unswept() (uint64, error)
}

// sweepChunk is how many settled entries one Sweep call handles between
// checks for new acks; minSweep is how many must wait before an idle
// drain sweeps (an alert now and then costs one fsync to settle, not two).
const (
	sweepChunk = 1024
	minSweep   = 256
)

// startSettler starts the settler goroutine; close stops it.
func (s *session) startSettler() *settler {
	st := &settler{s: s, wake: make(chan struct{}, 1), ready: make(chan struct{}, 1), done: make(chan struct{})}
	go st.run()
	return st
}

// add queues delivered acks for deletion.
func (st *settler) add(acks []ack) {
	if len(acks) == 0 {
		return
	}
	st.mu.Lock()
	st.todo = append(st.todo, acks...)
	st.idle = false
	st.mu.Unlock()
	poke(st.wake)
}

// sweep tells the settler the drain is idle: time to sweep.
func (st *settler) sweep() {
	st.mu.Lock()
	st.idle = true
	st.mu.Unlock()
	poke(st.wake)
}

// results returns the writes finished since the last call.
func (st *settler) results() []settled {
	st.mu.Lock()
	defer st.mu.Unlock()
	fin := st.fin
	st.fin = nil
	return fin
}

// close deletes what is queued or held, then stops the goroutine and
// waits for it.
func (st *settler) close() {
	st.mu.Lock()
	st.closing = true
	st.mu.Unlock()
	poke(st.wake)
	<-st.done
}

func (st *settler) run() {
	defer close(st.done)
	for range st.wake {
		for {
			st.mu.Lock()
			todo, closing, idle := st.todo, st.closing, st.idle
			st.todo = nil
			st.mu.Unlock()
			if len(todo) == 0 {
				if closing {
					st.finish()
					return
				}
				if idle && st.sweepOnce() {
					continue
				}
				break
			}
			ids, err := st.settle(todo)
			st.report(ids, err)
		}
	}
}

// report hands the result of one outbox write to the drain loop.
func (st *settler) report(ids []string, err error) {
	if len(ids) == 0 && err == nil {
		return
	}
	st.mu.Lock()
	st.fin = append(st.fin, settled{ids: ids, err: err})
	st.mu.Unlock()
	poke(st.ready)
}

// settle settles todo and the acks held so far and returns the ids it
// settled, or on an error the ids it tried to.
func (st *settler) settle(todo []ack) ([]string, error) {
	wm, ok := st.s.u.ob.(watermarker)
	if !ok {
		return st.s.deleteDelivered(todo)
	}
	all := append(st.held, todo...)
	slices.SortFunc(all, func(a, b ack) int { return cmp.Compare(a.f.seq, b.f.seq) })
	items := make([]buffer.Item, len(all))
	for i, a := range all {
		items[i] = buffer.Item{ID: a.id, Seq: a.f.seq}
	}
	mark, err := wm.Delivered(items)
	if err != nil {
		st.held = nil
		return ids(all), fmt.Errorf("uplink: settle %d delivered: %w", len(all), err)
	}
	n, _ := slices.BinarySearchFunc(all, mark+1, func(a ack, seq uint64) int { return cmp.Compare(a.f.seq, seq) })
	st.held = slices.Clone(all[n:])
	st.s.count(all[:n])
	return ids(all[:n]), nil
}

// sweepOnce sweeps one chunk of settled entries (and retries the held
// acks, whose blocker may have been shed meanwhile) and reports whether
// more may be left.
func (st *settler) sweepOnce() bool {
	wm, ok := st.s.u.ob.(watermarker)
	if !ok {
		return false
	}
	if len(st.held) > 0 {
		ids, err := st.settle(nil)
		st.report(ids, err)
	}
	n := 0
	left, err := wm.Unswept()
	if err == nil && left >= minSweep {
		n, err = wm.Sweep(sweepChunk)
	}
	if err != nil {
		st.s.u.log.Warn("uplink: sweep delivered outbox entries", "error", err)
	}
	if n < sweepChunk || err != nil {
		st.mu.Lock()
		st.idle = false // until the drain is idle again
		st.mu.Unlock()
		return false
	}
	return true
}

// finish settles what is held at the end of the connection: what the
// watermark cannot pass is deleted by id.
func (st *settler) finish() {
	if len(st.held) == 0 {
		return
	}
	ids, err := st.settle(nil)
	st.report(ids, err)
	if len(st.held) > 0 {
		ids, err := st.s.deleteDelivered(st.held)
		st.held = nil
		st.report(ids, err)
	}
}

// count counts settled acks in the uplink's stats.
func (s *session) count(acks []ack) {
	var acked, dead uint64
	for _, a := range acks {
		if a.f.dead {
			dead++
		} else {
			acked++
		}
	}
	s.u.count(func(st *Stats) { st.Acked += acked; st.DeadLettered += dead })
}

// deleteDelivered deletes the entries of acks in one outbox write when the
// outbox can, and counts them; it returns the ids it tried to delete.
func (s *session) deleteDelivered(acks []ack) ([]string, error) {
	ids := ids(acks)
	if bd, ok := s.u.ob.(batchDoner); ok && len(ids) > 1 {
		if err := bd.DoneAll(ids); err != nil {
			return ids, fmt.Errorf("uplink: delete %d delivered: %w", len(ids), err)
		}
	} else {
		for _, id := range ids {
			if err := s.u.ob.Done(id); err != nil {
				return ids, fmt.Errorf("uplink: delete delivered %s: %w", id, err)
			}
		}
	}
	s.count(acks)
	return ids, nil
}

// ids returns the acks' entry ids.
func ids(acks []ack) []string {
	out := make([]string, len(acks))
	for i, a := range acks {
		out[i] = a.id
	}
	return out
}

// poke signals c without blocking.
func poke(c chan struct{}) {
	select {
	case c <- struct{}{}:
	default:
	}
}
