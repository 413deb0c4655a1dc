package uplink

import (
	"fmt"
	"sync"
)

// settler deletes delivered entries from the outbox in the background:
// one outbox write (one fsync) for everything acked while the previous
// write ran. The drain keeps publishing meanwhile; an entry handed to the
// settler is neither read nor published again unless its delete fails.
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

	wake  chan struct{} // to the goroutine: todo or closing changed
	ready chan struct{} // to the drain loop: fin has results
	done  chan struct{} // closed when the goroutine ended
}

// settled is the result of one outbox write.
type settled struct {
	ids []string
	err error
}

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

// close deletes what is queued, then stops the goroutine and waits for it.
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
			todo, closing := st.todo, st.closing
			st.todo = nil
			st.mu.Unlock()
			if len(todo) == 0 {
				if closing {
					return
				}
				break
			}
			ids, err := st.s.deleteDelivered(todo)
			st.mu.Lock()
			st.fin = append(st.fin, settled{ids: ids, err: err})
			st.mu.Unlock()
			poke(st.ready)
		}
	}
}

// deleteDelivered deletes the entries of acks in one outbox write when the
// outbox can, and counts them; it returns the ids it tried to delete.
func (s *session) deleteDelivered(acks []ack) ([]string, error) {
	ids := make([]string, len(acks))
	var acked, dead uint64
	for i, a := range acks {
		ids[i] = a.id
		if a.f.dead {
			dead++
		} else {
			acked++
		}
	}
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
	s.u.count(func(st *Stats) { st.Acked += acked; st.DeadLettered += dead })
	return ids, nil
}

// poke signals c without blocking.
func poke(c chan struct{}) {
	select {
	case c <- struct{}{}:
	default:
	}
}
