package buffer

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
)

// logFiles knows Badger's log files (memtable write-ahead logs, *.mem,
// and value-log files, *.vlog) as they were at the last sync. Badger's own
// Sync covers only the active memtable's log and the newest value-log
// file; when a commit since then filled one and Badger switched to a new
// one, the old file may still hold writes not forced to disk (Badger syncs
// it on the switch only when opened with SyncWrites, which we do not: see
// commit.go). syncSwitched finds such a switch by a new file name and
// syncs the files known before it. Leader of the committer only.
type logFiles struct {
	dir   string
	names []string                // sorted
	sync  func(path string) error // syncFile; tests see the calls
}

func newLogFiles(dir string) *logFiles {
	l := &logFiles{dir: dir, sync: syncFile}
	l.names, _ = l.list() // an error shows again at the first sync
	return l
}

// list returns the names of Badger's log files in dir, sorted.
func (l *logFiles) list() ([]string, error) {
	ents, err := os.ReadDir(l.dir)
	if err != nil {
		return nil, fmt.Errorf("list logs: %w", err)
	}
	var out []string
	for _, e := range ents {
		if n := e.Name(); strings.HasSuffix(n, ".mem") || strings.HasSuffix(n, ".vlog") {
			out = append(out, n)
		}
	}
	slices.Sort(out)
	return out, nil
}

// syncValueLogs forces to disk the value-log files written since the last
// sync: the newest, and when one appeared since, every one known then or
// now (a file filled and switched away from meanwhile). Call it before
// Badger's Sync: that syncs the memtable's log first and the value log
// second, and the memtable's log holds pointers into the value log; a
// power cut between the two would leave keys whose values are in neither
// file (Badger then reads them as empty, see store.go valueOf). With
// SyncWrites Badger syncs the value log before it writes the pointers.
func (l *logFiles) syncValueLogs() error {
	now, err := l.list()
	if err != nil {
		return err
	}
	var vlogs []string
	newest, top, switched := "", -1, false
	for _, n := range now {
		id, ok := strings.CutSuffix(n, ".vlog")
		if !ok {
			continue
		}
		vlogs = append(vlogs, n)
		if fid, err := strconv.Atoi(id); err == nil && fid > top {
			newest, top = n, fid
		}
		if _, found := slices.BinarySearch(l.names, n); !found {
			switched = true // a new file: sync all of them
		}
	}
	if !switched && newest != "" {
		vlogs = []string{newest}
	} else {
		for _, n := range l.names {
			if strings.HasSuffix(n, ".vlog") {
				vlogs = append(vlogs, n)
			}
		}
		slices.Sort(vlogs)
		vlogs = slices.Compact(vlogs) // a file known then and now is synced once
	}
	for _, n := range vlogs {
		if err := l.sync(filepath.Join(l.dir, n)); err != nil {
			return err
		}
	}
	return nil
}

// syncSwitched syncs, when a log file appeared since the last sync, the
// log files known then or now: those Badger switched away from, including
// one created and filled between two syncs. Files Badger removed
// meanwhile (a memtable flushed to a table, a value-log file collected)
// are skipped: their data is elsewhere, synced by Badger. Call it after
// Badger's Sync: a switch after the listing is seen at the next sync.
func (l *logFiles) syncSwitched() error {
	now, err := l.list()
	if err != nil {
		return err
	}
	grew := false
	for _, n := range now {
		if _, found := slices.BinarySearch(l.names, n); !found {
			grew = true
			break
		}
	}
	if grew {
		all := slices.Compact(slices.Sorted(slices.Values(append(slices.Clone(l.names), now...))))
		for _, n := range all {
			if err := l.sync(filepath.Join(l.dir, n)); err != nil {
				return err
			}
		}
	}
	l.names = now
	return nil
}

func syncFile(path string) error {
	f, err := os.OpenFile(path, os.O_RDWR, 0)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("sync %s: %w", path, err)
	}
	err = f.Sync()
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return fmt.Errorf("sync %s: %w", path, err)
	}
	return nil
}
