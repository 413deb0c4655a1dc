package buffer

import "testing"

// TestSyncWritesOption: the default syncs every commit, and the committer
// really does (Badger itself is opened without SyncWrites: the committer
// syncs, see commit.go; a sync lost on the way loses acknowledged writes
// on power loss, which no kill -9 test can see, TestFsyncPerAcknowledgedPut
// counts them).
func TestSyncWritesOption(t *testing.T) {
	if !DefaultOptions().SyncWrites {
		t.Fatal("DefaultOptions().SyncWrites is false")
	}
	db, _ := openTest(t, "", DefaultOptions())
	if !db.commit.sync {
		t.Fatal("committer does not sync with SyncWrites")
	}
	if db.bdb.Opts().SyncWrites {
		t.Fatal("Badger opened with SyncWrites: a lazy batch would be synced anyway")
	}
	off := DefaultOptions()
	off.SyncWrites = false
	db2, _ := openTest(t, "", off)
	if db2.commit.sync {
		t.Fatal("SyncWrites false did not reach the committer")
	}
}
