package buffer

import (
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/tillwatch/tillwatch/internal/testutil"
)

// TestGroupCommit holds the committer busy while 20 callers queue puts
// (two of them for the same id), then checks that all of them went out in
// one transaction and the duplicate was refused inside the batch.
func TestGroupCommit(t *testing.T) {
	db, _ := openTest(t, "", DefaultOptions())
	q := db.Queue("outbox")
	c := db.commit

	release := holdCommitter(t, c)
	before := c.txns.Load()

	const callers = 20
	var wg sync.WaitGroup
	added := make(chan string, callers)
	errs := make(chan error, callers)
	for i := 0; i < callers; i++ {
		id := fmt.Sprintf("a%d", i)
		if i == callers-1 {
			id = "a0" // the duplicate
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			ok, err := q.PutIfAbsent(id, []byte("v-"+id))
			if err != nil {
				errs <- err
			}
			if ok {
				added <- id
			}
		}()
	}
	waitQueued(t, c, callers)
	release()
	wg.Wait()
	close(errs)
	close(added)
	for err := range errs {
		t.Fatal(err)
	}
	if n := len(added); n != callers-1 {
		t.Fatalf("%d puts added, want %d (one duplicate)", n, callers-1)
	}
	if n := c.txns.Load() - before; n != 1 {
		t.Fatalf("%d transactions for %d queued puts, want 1", n, callers)
	}
	if n, err := q.Len(); err != nil || n != callers-1 {
		t.Fatalf("Len = %d, %v", n, err)
	}
}

// holdCommitter makes the committer busy with an op that waits until the
// returned release is called, so that callers queue up behind it.
func holdCommitter(t *testing.T, c *committer) (release func()) {
	t.Helper()
	ch := make(chan struct{})
	done := make(chan error, 1)
	go func() {
		done <- c.do(func(*batch) ([]write, error) {
			<-ch
			return nil, nil
		})
	}()
	testutil.WaitFor(t, "blocker to lead", 10*time.Second, func() bool {
		c.mu.Lock()
		defer c.mu.Unlock()
		return c.leading && len(c.queue) == 0
	})
	var once sync.Once
	release = func() {
		once.Do(func() {
			close(ch)
			if err := <-done; err != nil {
				t.Errorf("blocker: %v", err)
			}
		})
	}
	t.Cleanup(release) // before the DB closes, even when the test fails
	return release
}

// waitQueued waits until n ops wait for the committer.
func waitQueued(t *testing.T, c *committer, n int) {
	t.Helper()
	testutil.WaitFor(t, fmt.Sprintf("%d queued ops", n), 10*time.Second, func() bool {
		c.mu.Lock()
		defer c.mu.Unlock()
		return len(c.queue) == n
	})
}

// TestGroupCommitSplits queues three batches of which no two fit in one
// Badger transaction, and checks they are committed as three.
func TestGroupCommitSplits(t *testing.T) {
	db, _ := openTest(t, "", DefaultOptions())
	s, c := db.Store("big"), db.commit
	val := make([]byte, 900)                // below ValueThreshold: counted in full
	per := int(c.maxSize*6/10) / (900 + 40) // about 60% of a transaction
	release := holdCommitter(t, c)
	before := c.txns.Load()
	errs := make(chan error, 3)
	for g := 0; g < 3; g++ {
		go func() {
			kvs := make([]KV, per)
			for i := range kvs {
				kvs[i] = KV{Key: []byte(fmt.Sprintf("%d-%06d", g, i)), Value: val}
			}
			errs <- s.PutBatch(kvs)
		}()
	}
	waitQueued(t, c, 3)
	release()
	for i := 0; i < 3; i++ {
		if err := <-errs; err != nil {
			t.Fatal(err)
		}
	}
	if n := c.txns.Load() - before; n != 3 {
		t.Fatalf("%d transactions, want 3", n)
	}
	n := 0
	if err := s.Scan(nil, nil, func(k, v []byte) error { n++; return nil }); err != nil || n != 3*per {
		t.Fatalf("%d keys stored (%v), want %d", n, err, 3*per)
	}
}

// TestGroupCommitFailingOp checks that an op Badger refuses fails alone:
// the ops batched with it are committed.
func TestGroupCommitFailingOp(t *testing.T) {
	db, _ := openTest(t, "", DefaultOptions())
	q, c := db.Queue("outbox"), db.commit
	release := holdCommitter(t, c)
	ids := []string{"good1", "huge", "good2"}
	errs := make([]error, len(ids))
	var wg sync.WaitGroup
	for i, id := range ids {
		val := []byte("v-" + id)
		if id == "huge" { // above ValueLogFileSize: Badger refuses it
			val = make([]byte, DefaultOptions().ValueLogFileSize+1)
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, errs[i] = q.PutIfAbsent(id, val)
		}()
		waitQueued(t, c, i+1) // keep the queue order known
	}
	release()
	wg.Wait()
	if errs[0] != nil || errs[2] != nil || errs[1] == nil {
		t.Fatalf("errors = %v, want only the long id to fail", errs)
	}
	if got := fmt.Sprint(pendingIDs(t, q, 0)); got != "[good1 good2]" {
		t.Fatalf("pending = %s", got)
	}
}
