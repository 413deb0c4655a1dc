package links

import (
	"sync"
	"testing"
	"testing/synctest"
	"time"

	"github.com/tillwatch/tillwatch/drivers"
)

// TestMailboxBoundsQueuedBytes: a link that reads faster than the consumer
// takes (a 64 MiB burst on a TCP bridge while the core writes the
// capture) waits for room once MaxQueued bytes are queued, so the bytes a
// Take returns, the mailbox's whole holding, stay under MaxQueued plus one
// read whatever the burst; nothing is lost or reordered. Counted in bytes,
// with synctest deciding when the link is blocked: no timing. Before the
// bound the whole burst was queued (the acceptance walk's 497 MB peak).
func TestMailboxBoundsQueuedBytes(t *testing.T) {
	const read, burst = 32 << 10, 64 << 20
	synctest.Test(t, func(t *testing.T) {
		m := NewMailbox()
		done := make(chan struct{})
		go func() {
			defer close(done)
			buf := make([]byte, read)
			for i := range burst / read {
				buf[0] = byte(i) // the link reuses its buffer
				m.Chunk("printer", drivers.Chunk{Time: time.Now(), Dir: drivers.FromHost, Data: buf})
			}
			m.Link("printer", &drivers.Link{Head: drivers.Head{Time: time.Now()}})
		}()
		total, most, n := 0, 0, 0
		for end := false; !end; {
			synctest.Wait() // the link has queued all it may
			select {
			case <-done:
				end = true
			default:
			}
			held := 0
			for _, in := range m.Take() {
				if in.Link != nil {
					continue
				}
				if in.Chunk.Data[0] != byte(n) {
					t.Fatalf("chunk %d out of order or overwritten", n)
				}
				n++
				held += len(in.Chunk.Data)
			}
			total += held
			most = max(most, held)
		}
		if total != burst {
			t.Errorf("%d bytes taken, want %d", total, burst)
		}
		if most > MaxQueued+read {
			t.Errorf("the mailbox held %d bytes at once, want at most MaxQueued+one read (%d)", most, MaxQueued+read)
		}
	})
}

// TestMailboxRelease: a link waiting for room goes on once the consumer
// releases the mailbox (a stopping agent waits for its links to hand over
// their last reads), and later chunks are queued without bound.
func TestMailboxRelease(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		m := NewMailbox()
		var wg sync.WaitGroup
		wg.Go(func() {
			m.Chunk("printer", drivers.Chunk{Time: time.Now(), Data: make([]byte, MaxQueued)})
			m.Chunk("printer", drivers.Chunk{Time: time.Now(), Data: make([]byte, 1)}) // waits
			m.Chunk("printer", drivers.Chunk{Time: time.Now(), Data: make([]byte, MaxQueued)})
		})
		synctest.Wait()
		m.mu.Lock()
		waiting := len(m.items) == 1
		m.mu.Unlock()
		if !waiting {
			t.Fatal("the link did not wait for room past MaxQueued")
		}
		m.Release()
		wg.Wait()
		if got := len(m.Take()); got != 3 {
			t.Errorf("%d chunks queued after Release, want 3", got)
		}
	})
}
