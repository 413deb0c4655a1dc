package buffer

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"strings"
	"sync"
	"testing"
	"time"
)

// entry100 is a value making an entry with a 2-byte id cost exactly 100.
var entry100 = []byte(strings.Repeat("v", 100-2-ItemOverhead))

// put is one step of a shedding scenario: id's first letter is its class
// (i, w, c); size overrides the entry cost of 100.
type put struct {
	id      string
	size    int
	wantErr error
	stored  bool
}

func classOf(id string) Class {
	return map[byte]Class{'i': ClassInfo, 'w': ClassWarning, 'c': ClassCritical}[id[0]]
}

func TestQueueShedding(t *testing.T) {
	cases := []struct {
		name     string
		max      int64
		puts     []put
		want     string // pending ids, oldest first
		wantShed ShedCounts
	}{
		{"under capacity", 300, []put{{id: "i1", stored: true}, {id: "w1", stored: true}, {id: "c1", stored: true}}, "i1 w1 c1", ShedCounts{}},
		{"info shed first", 300, []put{{id: "w1", stored: true}, {id: "i1", stored: true}, {id: "c1", stored: true}, {id: "w2", stored: true}}, "w1 c1 w2", ShedCounts{Info: 1}},
		{"oldest of the same class", 300, []put{{id: "i1", stored: true}, {id: "i2", stored: true}, {id: "i3", stored: true}, {id: "i4", stored: true}}, "i2 i3 i4", ShedCounts{Info: 1}},
		{"lower newcomer sheds itself", 300, []put{{id: "w1", stored: true}, {id: "w2", stored: true}, {id: "c1", stored: true}, {id: "i1", wantErr: ErrShed}}, "w1 w2 c1", ShedCounts{Info: 1}},
		{"warning newcomer among criticals", 300, []put{{id: "c1", stored: true}, {id: "c2", stored: true}, {id: "c3", stored: true}, {id: "w1", wantErr: ErrShed}}, "c1 c2 c3", ShedCounts{Warning: 1}},
		{"critical never shed", 300, []put{{id: "c1", stored: true}, {id: "c2", stored: true}, {id: "c3", stored: true}, {id: "c4", stored: true}}, "c1 c2 c3 c4", ShedCounts{}},
		{"critical sheds info then warning", 300, []put{{id: "i1", stored: true}, {id: "w1", stored: true}, {id: "c1", stored: true}, {id: "c2", stored: true}, {id: "c3", stored: true}}, "c1 c2 c3", ShedCounts{Info: 1, Warning: 1}},
		{"big entry sheds several", 300, []put{{id: "i1", stored: true}, {id: "i2", stored: true}, {id: "w1", stored: true}, {id: "w2", size: 250, stored: true}}, "w2", ShedCounts{Info: 2, Warning: 1}},
		{"shed id is remembered", 200, []put{{id: "i1", stored: true}, {id: "i2", stored: true}, {id: "i3", stored: true}, {id: "i1"}}, "i2 i3", ShedCounts{Info: 1}},
		{"no capacity", 0, []put{{id: "i1", stored: true}, {id: "i2", stored: true}, {id: "i3", stored: true}, {id: "i4", stored: true}}, "i1 i2 i3 i4", ShedCounts{}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			opts := DefaultOptions()
			db, dir := openTest(t, "", opts)
			q := db.Queue("outbox")
			q.SetLimits(Limits{MaxBytes: tc.max})
			for _, p := range tc.puts {
				v := entry100
				if p.size > 0 {
					v = []byte(strings.Repeat("v", p.size-2-ItemOverhead))
				}
				stored, err := q.Put(p.id, classOf(p.id), v)
				if !errors.Is(err, p.wantErr) || (p.wantErr == nil && err != nil) {
					t.Fatalf("Put(%s) error %v, want %v", p.id, err, p.wantErr)
				}
				if stored != p.stored {
					t.Fatalf("Put(%s) = %v, want %v", p.id, stored, p.stored)
				}
				checkConsistent(t, q)
			}
			// Reopen: pending entries and counters are durable.
			db = reopen(t, db, dir, opts)
			q = db.Queue("outbox")
			if got := strings.Join(ids(t, q), " "); got != tc.want {
				t.Fatalf("pending %q, want %q", got, tc.want)
			}
			st := checkConsistent(t, q)
			if st.Shed != tc.wantShed {
				t.Fatalf("shed %+v, want %+v", st.Shed, tc.wantShed)
			}
		})
	}
}

func ids(t *testing.T, q *Queue) []string {
	t.Helper()
	items, err := q.Pending(0)
	if err != nil {
		t.Fatal(err)
	}
	out := make([]string, len(items))
	for i, it := range items {
		out[i] = it.ID
	}
	return out
}

// checkConsistent checks Stats against the pending entries themselves.
func checkConsistent(t testing.TB, q *Queue) QueueStats {
	t.Helper()
	items, err := q.Pending(0)
	if err != nil {
		t.Fatal(err)
	}
	var bytes int64
	for _, it := range items {
		bytes += itemCost(it.ID, it.Value)
	}
	st, err := q.Stats()
	if err != nil {
		t.Fatal(err)
	}
	if st.Depth != len(items) || st.Bytes != bytes {
		t.Fatalf("stats depth %d bytes %d; pending %d entries of %d bytes", st.Depth, st.Bytes, len(items), bytes)
	}
	if n, _ := q.Len(); n != len(items) {
		t.Fatalf("Len %d, Pending %d", n, len(items))
	}
	if (len(items) == 0) != st.Oldest.IsZero() {
		t.Fatalf("oldest %v with %d pending", st.Oldest, len(items))
	}
	return st
}

func TestQueueExpire(t *testing.T) {
	opts, clock := clockedOptions()
	t0 := clock.t
	db, dir := openTest(t, "", opts)
	q := db.Queue("outbox")
	if n, err := q.Expire(); n != 0 || err != nil {
		t.Fatalf("Expire without MaxAge = %d, %v", n, err)
	}
	q.SetLimits(Limits{MaxAge: 90 * time.Minute})
	for i, id := range []string{"c1", "i1", "w1", "c2"} {
		clock.t = t0.Add(time.Duration(i) * 30 * time.Minute)
		if _, err := q.Put(id, classOf(id), entry100); err != nil {
			t.Fatal(err)
		}
	}
	clock.t = t0.Add(130 * time.Minute) // c1 (130m) and i1 (100m) are too old
	n, err := q.Expire()
	if err != nil || n != 2 {
		t.Fatalf("Expire = %d, %v; want 2", n, err)
	}
	db = reopen(t, db, dir, opts)
	q = db.Queue("outbox")
	if got := strings.Join(ids(t, q), " "); got != "w1 c2" {
		t.Fatalf("pending after expiry %q", got)
	}
	st := checkConsistent(t, q)
	if st.Expired != 2 || !st.Oldest.Equal(t0.Add(60*time.Minute)) {
		t.Fatalf("stats %+v, want 2 expired, oldest at +60m", st)
	}
	// An expired id is remembered: re-detection does not store it again.
	if stored, err := q.Put("c1", ClassCritical, entry100); stored || err != nil {
		t.Fatalf("Put of an expired id = %v, %v", stored, err)
	}
}

func TestQueueExpireMany(t *testing.T) {
	opts, clock := clockedOptions()
	db, _ := openTest(t, "", opts)
	q := db.Queue("outbox")
	q.SetLimits(Limits{MaxAge: time.Hour})
	const n = maxDropsPerTxn*2 + 10
	for i := range n {
		id := fmt.Sprintf("i%05d", i)
		if _, err := q.Put(id, Class(i%3), entry100); err != nil {
			t.Fatal(err)
		}
	}
	clock.t = clock.t.Add(2 * time.Hour)
	if got, err := q.Expire(); got != n || err != nil {
		t.Fatalf("Expire = %d, %v; want %d", got, err, n)
	}
	if st := checkConsistent(t, q); st.Depth != 0 || st.Expired != n {
		t.Fatalf("stats %+v", st)
	}
}

func TestQueueDiskFull(t *testing.T) {
	db, _ := openTest(t, "", DefaultOptions())
	q := db.Queue("outbox")
	if _, err := q.Put("c1", ClassCritical, entry100); err != nil {
		t.Fatal(err)
	}
	db.space.reserve = 1 << 62 // no file system has this much free
	db.space.checked = time.Time{}
	stored, err := q.Put("c2", ClassCritical, entry100)
	if stored || !errors.Is(err, ErrDiskFull) {
		t.Fatalf("Put on a full disk = %v, %v; want ErrDiskFull", stored, err)
	}
	if !strings.Contains(err.Error(), "reserved for the database") {
		t.Fatalf("error does not explain itself: %v", err)
	}
	if err := db.Store("j").Put([]byte("k"), []byte("v")); !errors.Is(err, ErrDiskFull) {
		t.Fatalf("Store.Put on a full disk: %v", err)
	}
	if err := q.Done("c1"); err != nil {
		t.Fatalf("Done on a full disk: %v", err)
	}
	st := checkConsistent(t, q)
	if st.DiskFull != 1 || st.Depth != 0 {
		t.Fatalf("stats %+v", st)
	}
}

// TestQueueRandomOps mixes puts of every class, dones and expiry from
// several goroutines under a capacity, then checks the counters against
// the entries and that no critical entry was ever shed.
func TestQueueRandomOps(t *testing.T) {
	opts := DefaultOptions()
	db, dir := openTest(t, "", opts)
	q := db.Queue("outbox")
	q.SetLimits(Limits{MaxBytes: 40 * 100, MaxAge: time.Hour})
	var wg sync.WaitGroup
	var mu sync.Mutex
	critical := map[string]bool{} // stored critical ids not yet done
	for w := range 4 {
		wg.Go(func() {
			r := rand.New(rand.NewPCG(uint64(w), 1))
			for i := range 300 {
				id := fmt.Sprintf("%c%d-%d", "iwc"[r.IntN(3)], w, i)
				switch r.IntN(4) {
				case 0, 1, 2:
					stored, err := q.Put(id, classOf(id), entry100[:r.IntN(len(entry100))])
					if err != nil && !errors.Is(err, ErrShed) {
						t.Error(err)
						return
					}
					if stored && id[0] == 'c' {
						mu.Lock()
						critical[id] = true
						mu.Unlock()
					}
				case 3:
					items, err := q.Pending(1)
					if err != nil || len(items) == 0 {
						continue
					}
					if err := q.Done(items[0].ID); err != nil {
						t.Error(err)
						return
					}
					mu.Lock()
					delete(critical, items[0].ID)
					mu.Unlock()
				}
			}
		})
	}
	wg.Wait()
	db = reopen(t, db, dir, opts)
	q = db.Queue("outbox")
	st := checkConsistent(t, q)
	if st.Shed.Critical != 0 {
		t.Fatalf("critical entries shed: %+v", st.Shed)
	}
	pending := map[string]bool{}
	for _, id := range ids(t, q) {
		pending[id] = true
	}
	for id := range critical {
		if !pending[id] {
			t.Fatalf("critical %s lost", id)
		}
	}
	t.Logf("stats after random ops: %+v", st)
}

// TestQueueDoneAll settles more ids than fit in one transaction of a
// small memtable, unknown and repeated ids included.
func TestQueueDoneAll(t *testing.T) {
	opts := DefaultOptions()
	opts.MemTableSize = 1 << 20
	db, dir := openTest(t, "", opts)
	q := db.Queue("outbox")
	var all []string
	for i := range 2500 {
		id := fmt.Sprintf("c%05d", i)
		if _, err := q.Put(id, ClassCritical, entry100); err != nil {
			t.Fatal(err)
		}
		all = append(all, id)
	}
	ids := append(append([]string{"never-put"}, all[:2000]...), all[0])
	if err := q.DoneAll(ids); err != nil {
		t.Fatal(err)
	}
	db = reopen(t, db, dir, opts)
	q = db.Queue("outbox")
	if st := checkConsistent(t, q); st.Depth != 500 {
		t.Fatalf("depth %d after DoneAll of 2000, want 500", st.Depth)
	}
	if stored, err := q.Put(all[1999], ClassCritical, entry100); stored || err != nil {
		t.Fatalf("a delivered id was stored again: %v, %v", stored, err)
	}
}
