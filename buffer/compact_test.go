package buffer

import (
	"fmt"
	"testing"
)

// TestCompactOnDemand writes many memtables' worth through a database
// without Badger compactors: level 0 is compacted on demand, writes never
// stall on it, and every value reads back.
func TestCompactOnDemand(t *testing.T) {
	opts := DefaultOptions()
	opts.MemTableSize = 1 << 20
	opts.NumCompactors = 0
	db, _ := openTest(t, "", opts)
	s := db.Store("j")
	const n = 400
	for i := range n {
		var kvs []KV
		for j := range 100 {
			kvs = append(kvs, KV{Key: fmt.Appendf(nil, "%04d-%03d", i, j), Value: fmt.Appendf(nil, "%0300d", i*1000+j)})
		}
		if err := s.PutBatch(kvs); err != nil {
			t.Fatal(err)
		}
	}
	// About 13 MiB in 1 MiB memtables: without compaction level 0 would
	// reach the stall (8 tables) and the writes above would hang.
	if db.compactor.runs.Load() == 0 {
		t.Fatal("no compaction ran")
	}
	if l0 := db.bdb.Levels()[0].NumTables; l0 >= opts.NumLevelZeroTablesStall {
		t.Errorf("level 0 holds %d tables", l0)
	}
	count := 0
	err := s.Scan(nil, nil, func(k, v []byte) error {
		var i, j int
		if _, err := fmt.Sscanf(string(k), "%04d-%03d", &i, &j); err != nil {
			return err
		}
		if want := fmt.Sprintf("%0300d", i*1000+j); string(v) != want {
			return fmt.Errorf("key %s holds %.10s...", k, v)
		}
		count++
		return nil
	})
	if err != nil || count != n*100 {
		t.Fatalf("read back %d values, %v", count, err)
	}
}
