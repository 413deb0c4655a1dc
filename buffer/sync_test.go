package buffer

import "testing"

// TestSyncWritesOption: the default syncs every commit, and the Badger
// database is really opened that way (a SyncWrites(false) anywhere on the
// way loses acknowledged writes on power loss, which no kill -9 test can
// see).
func TestSyncWritesOption(t *testing.T) {
	if !DefaultOptions().SyncWrites {
		t.Fatal("DefaultOptions().SyncWrites is false")
	}
	db, _ := openTest(t, "", DefaultOptions())
	if !db.bdb.Opts().SyncWrites {
		t.Fatal("Badger opened without SyncWrites")
	}
	off := DefaultOptions()
	off.SyncWrites = false
	db2, _ := openTest(t, "", off)
	if db2.bdb.Opts().SyncWrites {
		t.Fatal("SyncWrites false did not reach Badger")
	}
}
