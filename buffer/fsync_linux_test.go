//go:build linux

package buffer

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/tillwatch/tillwatch/internal/testutil"
)

// Environment of TestFsyncChild.
const (
	fsyncDirEnv = "TILLWATCH_FSYNC_CHILD_DIR"
	fsyncOffEnv = "TILLWATCH_FSYNC_CHILD_NOSYNC"
	// fsyncLazyEnv: the child commits lazy batches instead of puts
	// ("lazy"), and then calls Sync before the end marker ("sync"); or
	// puts values kept in the value log, each synced ("big").
	fsyncLazyEnv = "TILLWATCH_FSYNC_CHILD_LAZY"
)

// fsyncPuts is how many acknowledged puts the child makes, one at a time.
const fsyncPuts = 20

// Markers: the child stats these (missing) paths around its puts, so the
// trace shows where they start and end.
const (
	markStart = "/tillwatch-fsync-mark-start"
	markEnd   = "/tillwatch-fsync-mark-end"
)

// TestFsyncChild is the traced half of TestFsyncPerAcknowledgedPut: it
// opens a database and makes fsyncPuts puts, each waiting for its
// acknowledgement, between two markers.
func TestFsyncChild(t *testing.T) {
	dir := os.Getenv(fsyncDirEnv)
	if dir == "" {
		t.Skip("child of TestFsyncPerAcknowledgedPut only")
	}
	opts := DefaultOptions()
	opts.SyncWrites = os.Getenv(fsyncOffEnv) == ""
	db, err := Open(dir, opts, nil)
	if err != nil {
		t.Fatal(err)
	}
	q, s := db.Queue("outbox"), db.Store("raw")
	lazy := os.Getenv(fsyncLazyEnv)
	_, _ = os.Stat(markStart)
	for i := range fsyncPuts {
		if lazy == "big" {
			if err := s.Put(fmt.Appendf(nil, "r-%03d", i), make([]byte, 2*opts.ValueThreshold)); err != nil {
				t.Fatal(err)
			}
			continue
		}
		if lazy != "" {
			b := db.NewBatch()
			b.Put(s, fmt.Appendf(nil, "r-%03d", i), []byte("raw input"))
			if err := b.CommitLazy(); err != nil {
				t.Fatal(err)
			}
			continue
		}
		if _, err := q.PutIfAbsent(fmt.Sprintf("a-%03d", i), []byte("alert")); err != nil {
			t.Fatal(err)
		}
	}
	if lazy == "sync" {
		if err := db.Sync(); err != nil {
			t.Fatal(err)
		}
	}
	_, _ = os.Stat(markEnd)
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}
}

// syncCall is a system call that forces file data to disk.
var syncCall = regexp.MustCompile(`\b(fsync|fdatasync|msync|sync_file_range)\(`)

// tracedSyncs runs TestFsyncChild under strace and counts the sync system
// calls between its markers.
func tracedSyncs(t *testing.T, strace string, sync bool, env ...string) int {
	t.Helper()
	return len(tracedSyncCalls(t, strace, sync, env...))
}

// tracedSyncCalls is tracedSyncs returning the calls' trace lines (file
// descriptors with their paths).
func tracedSyncCalls(t *testing.T, strace string, sync bool, env ...string) []string {
	t.Helper()
	dir := t.TempDir()
	trace := filepath.Join(dir, "trace")
	cmd := exec.Command(strace, "-f", "-qq", "-y", "-e", "trace=fsync,fdatasync,msync,sync_file_range,%%stat", "-o", trace,
		os.Args[0], "-test.run=^TestFsyncChild$", "-test.count=1")
	cmd.Env = append(os.Environ(), fsyncDirEnv+"="+filepath.Join(dir, "db"))
	if !sync {
		cmd.Env = append(cmd.Env, fsyncOffEnv+"=1")
	}
	cmd.Env = append(cmd.Env, env...)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("strace child: %v\n%s", err, out)
	}
	b, err := os.ReadFile(trace)
	if err != nil {
		t.Fatal(err)
	}
	in, seen := false, 0
	var calls []string
	for _, l := range strings.Split(string(b), "\n") {
		switch {
		case strings.Contains(l, markStart):
			in, seen = true, seen+1
		case strings.Contains(l, markEnd):
			in, seen = false, seen+1
		case in && syncCall.MatchString(l):
			calls = append(calls, l)
		}
	}
	if seen != 2 {
		t.Fatalf("trace shows %d of the 2 markers:\n%s", seen, b)
	}
	return calls
}

// TestFsyncPerAcknowledgedPut counts, with strace, the system calls that
// force data to disk while puts are acknowledged one at a time: at least
// one per put (an acknowledged put survives a power cut), and at most
// three (seen: two, an msync of the value log and one of the memtable's
// write-ahead log per committed batch). The
// same puts with SyncWrites off make none, which shows the count sees
// what it claims to. A kill -9 test cannot tell: the page cache survives
// the process.
func TestFsyncPerAcknowledgedPut(t *testing.T) {
	if testing.Short() {
		t.Skip("runs a traced child process")
	}
	strace, err := exec.LookPath("strace")
	if err != nil {
		testutil.Unavailable(t, "strace is needed to count fsyncs (apt-get install strace)")
	}
	synced := tracedSyncs(t, strace, true)
	t.Logf("%d sync calls for %d acknowledged puts", synced, fsyncPuts)
	if synced < fsyncPuts || synced > 3*fsyncPuts {
		t.Errorf("%d sync calls for %d acknowledged puts, want 1 to 3 per put", synced, fsyncPuts)
	}
	if off := tracedSyncs(t, strace, false); off != 0 {
		t.Errorf("%d sync calls with SyncWrites off: the count does not measure what it claims", off)
	}
}

// TestFsyncLazyBatch: lazy batches (Batch.CommitLazy) make no sync call,
// and a Sync after them makes one to three (the memtable's log, the value
// log, a log Badger switched away from), so what they wrote is durable.
func TestFsyncLazyBatch(t *testing.T) {
	if testing.Short() {
		t.Skip("runs a traced child process")
	}
	strace, err := exec.LookPath("strace")
	if err != nil {
		if os.Getenv("TILLWATCH_ALLOW_SKIP") == "1" {
			t.Skip("strace not installed")
		}
		t.Fatal("strace is needed to count fsyncs (apt-get install strace; TILLWATCH_ALLOW_SKIP=1 skips)")
	}
	if n := tracedSyncs(t, strace, true, fsyncLazyEnv+"=lazy"); n != 0 {
		t.Errorf("%d sync calls for %d lazy batches, want none", n, fsyncPuts)
	}
	if n := tracedSyncs(t, strace, true, fsyncLazyEnv+"=sync"); n < 1 || n > 3 {
		t.Errorf("%d sync calls for %d lazy batches and a Sync, want 1 to 3", n, fsyncPuts)
	}
}

// TestFsyncValueLogBeforePointers: a synced put of a value kept in the
// value log is synced there before the memtable's log holding the
// pointer to it: Badger's Sync does the memtable's log first, and a power
// cut between the two would leave a key whose value is lost (it reads
// empty, store.go valueOf). The trace tells the files apart by path
// (fsync) or by the length of Badger's mapping (msync: the memtable's log
// is mapped at 2 x MemTableSize, a value-log file at 2 x
// ValueLogFileSize).
func TestFsyncValueLogBeforePointers(t *testing.T) {
	if testing.Short() {
		t.Skip("runs a traced child process")
	}
	strace, err := exec.LookPath("strace")
	if err != nil {
		testutil.Unavailable(t, "strace is needed to see the order of syncs (apt-get install strace)")
	}
	o := DefaultOptions()
	memLen, vlogLen := fmt.Sprintf(", %d, MS_", 2*o.MemTableSize), fmt.Sprintf(", %d, MS_", 2*o.ValueLogFileSize)
	calls := tracedSyncCalls(t, strace, true, fsyncLazyEnv+"=big")
	mems, valueSynced := 0, false
	for _, l := range calls {
		switch {
		case strings.Contains(l, ".vlog>") || strings.Contains(l, "msync(") && strings.Contains(l, vlogLen):
			valueSynced = true
		case strings.Contains(l, ".mem>") || strings.Contains(l, "msync(") && strings.Contains(l, memLen):
			if !valueSynced {
				t.Fatalf("memtable log synced before the value log since its last sync:\n%s", strings.Join(calls, "\n"))
			}
			mems++
			valueSynced = false
		}
	}
	if mems < fsyncPuts {
		t.Fatalf("%d memtable log syncs for %d synced puts:\n%s", mems, fsyncPuts, strings.Join(calls, "\n"))
	}
}
