package buffer

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
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
	names []string // sorted
}

func newLogFiles(dir string) *logFiles {
	l := &logFiles{dir: dir}
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

// syncSwitched syncs the log files known at the last sync when a new one
// appeared since. Files Badger removed meanwhile (a memtable flushed to a
// table, a value-log file collected) are skipped: their data is elsewhere,
// synced by Badger.
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
		for _, n := range l.names {
			if err := syncFile(filepath.Join(l.dir, n)); err != nil {
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
