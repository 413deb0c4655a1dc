package uplink

import (
	"cmp"
	"fmt"
	"slices"
	"sync"
	"time"

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
// by id). The settled entries' keys are swept in bulk (Sweep) when the
// drain is idle and at least minSweep wait; while it settles more than
// sweepBusy without the drain ever going idle, a chunk after each settling
// write; and on a quiet lane sweepAge after the oldest was settled, however
// few. An outbox without one deletes by id (DoneAll).
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

	// The goroutine's own:
	held []ack // delivered, behind an entry in flight
	// pile counts the entries this settler settled since a sweep left
	// none; age fires sweepAge after the first of them (armed says it
	// runs), for a sweep however few they are.
	pile  int
	age   *time.Timer
	armed bool

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
// drain sweeps (an alert now and then costs one fsync to settle, not two);
// past sweepBusy settled by a drain that is never idle, the settler sweeps
// a chunk after each settling write, so the keys never pile up (a backlog
// below it drains at full speed and is swept once the drain is idle:
// sweeping while it drains cost BenchmarkDrainMosquitto's 10,000-alert
// rounds about 6% at 4,096, median ratio 0.67 against 0.72);
// defaultSweepAge is how long a few settled entries may wait for a sweep
// on a quiet lane (at most one sweep's fsync an hour).
const (
	sweepChunk      = 1024
	minSweep        = 256
	sweepBusy       = 16 * sweepChunk
	defaultSweepAge = time.Hour
	// settleGap is the least time between two settling writes while
	// acks keep coming: one write (one fsync) settles what was acked in
	// it. Without it the settler wrote as fast as fsyncs return, about
	// 40 fsyncs per 1,000 alerts on a fast drain, each taking CPU and
	// disk from the drain itself.
	settleGap = 25 * time.Millisecond
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
	st.age = time.NewTimer(st.s.u.sweepAge)
	st.age.Stop()
	defer st.age.Stop()
	if wm, ok := st.s.u.ob.(watermarker); ok {
		// Entries an earlier connection or run settled and left unswept.
		if n, err := wm.Unswept(); err == nil && n > 0 {
			st.arm()
		}
	}
	for {
		aged := false
		select {
		case <-st.wake:
		case <-st.age.C:
			st.armed, aged = false, true
		}
		for {
			st.mu.Lock()
			todo, closing, idle := st.todo, st.closing, st.idle
			st.todo = nil
			st.mu.Unlock()
			if len(todo) > 0 {
				ids, err := st.settle(todo)
				st.report(ids, err)
				if st.pile >= sweepBusy { // never idle: sweep as it settles
					st.sweepChunk(false)
				}
				st.gather()
				continue
			}
			if closing {
				st.finish()
				return
			}
			if (idle || aged) && st.sweepOnce(aged) {
				continue
			}
			break
		}
	}
}

// gather lets acks gather for settleGap after a settling write, unless
// the settler is closing: the next write settles all of them.
func (st *settler) gather() {
	t := time.NewTimer(settleGap)
	defer t.Stop()
	for {
		select {
		case <-t.C:
			return
		case <-st.wake:
			st.mu.Lock()
			closing := st.closing
			st.mu.Unlock()
			if closing {
				return
			}
		}
	}
}

// arm starts the age timer unless it runs.
func (st *settler) arm() {
	if !st.armed {
		st.age.Reset(st.s.u.sweepAge)
		st.armed = true
	}
}

// settledSome counts n entries settled, unswept.
func (st *settler) settledSome(n int) {
	if n > 0 {
		st.pile += n
		st.arm()
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
	st.settledSome(n)
	return ids(all[:n]), nil
}

// sweepOnce sweeps one chunk of settled entries, at least minSweep of
// them unless the age timer fired (aged), when the drain is idle (and
// retries the held acks, whose blocker may have been shed meanwhile), and
// reports whether more may be left.
func (st *settler) sweepOnce(aged bool) bool {
	if _, ok := st.s.u.ob.(watermarker); !ok {
		return false
	}
	if len(st.held) > 0 {
		ids, err := st.settle(nil)
		st.report(ids, err)
	}
	if st.sweepChunk(!aged) {
		return true
	}
	st.mu.Lock()
	st.idle = false // until the drain is idle again
	st.mu.Unlock()
	return false
}

// sweepChunk sweeps up to sweepChunk settled entries, none when fewer
// than minSweep wait and least says so, and reports whether more are
// left. Once none are, the age timer stops; after an error it runs again.
func (st *settler) sweepChunk(least bool) bool {
	wm, ok := st.s.u.ob.(watermarker)
	if !ok {
		return false
	}
	left, err := wm.Unswept()
	n := 0
	switch {
	case err != nil:
	case left == 0:
	case least && left < minSweep:
		return false // the age timer, armed, sweeps them
	default:
		n, err = wm.Sweep(sweepChunk)
	}
	if err != nil {
		st.s.u.log.Warn("uplink: sweep delivered outbox entries", "error", err)
		// Try again later: by age, when the drain is idle, or once
		// sweepBusy more are settled (not after every settling write).
		st.pile = 0
		st.arm()
		return false
	}
	if n == sweepChunk {
		st.pile = max(st.pile-n, 0)
		return true
	}
	st.pile = 0 // none left
	st.age.Stop()
	st.armed = false
	return false
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
