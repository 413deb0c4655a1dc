package buffer

import (
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"github.com/dgraph-io/badger/v4"
	"github.com/dgraph-io/badger/v4/options"
	"github.com/dgraph-io/badger/v4/table"
)

// Recovery says what OpenOrRecover did with a database it could not open.
type Recovery struct {
	// At is when the damaged files were moved aside.
	At time.Time `json:"at"`
	// Cause is why the database could not be opened.
	Cause string `json:"cause"`
	// MovedTo is the directory now holding the damaged files.
	MovedTo string `json:"moved_to"`
	// Files and Bytes count what was moved aside (and is not readable by
	// the new database).
	Files int   `json:"files"`
	Bytes int64 `json:"bytes"`
}

// corruptPrefix names the directories of moved-aside databases inside the
// data directory; reasonFile in each says why.
const (
	corruptPrefix = "corrupt-"
	reasonFile    = "REASON.txt"
)

// OpenOrRecover opens the database in dir like Open. When that fails for
// any reason but ErrLocked (a damaged table, a truncated or garbled
// manifest or value log), it moves every file of the database into
// dir/corrupt-<UTC time>/ (with a REASON.txt), logs at error level,
// opens a fresh, empty database in dir and returns what it did. The data
// in the moved-aside directory is kept for a person to inspect; nothing
// is deleted. Only when even the fresh database cannot be opened (the
// disk is unwritable, or another process holds the lock) does it fail.
//
// Before opening, it checks every table file the way Badger will read it,
// because Badger opens tables in goroutines of its own and a truncated
// table makes it panic there, which no caller can recover.
func OpenOrRecover(dir string, opts Options, log *slog.Logger) (*DB, *Recovery, error) {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	cause := checkTables(dir, opts)
	if cause == nil {
		db, err := Open(dir, opts, log)
		if err == nil || errors.Is(err, ErrLocked) {
			return db, nil, err
		}
		cause = err
	}
	rec, err := moveAside(dir, cause)
	if err != nil {
		return nil, nil, fmt.Errorf("buffer: recover from %v: %w", cause, err)
	}
	log.Error("buffer: database damaged, moved aside; starting with an empty database",
		"cause", rec.Cause, "moved_to", rec.MovedTo, "files", rec.Files, "bytes", rec.Bytes)
	db, err := Open(dir, opts, log)
	if err != nil {
		return nil, rec, fmt.Errorf("buffer: open fresh database after moving the damaged one to %s: %w", rec.MovedTo, err)
	}
	return db, rec, nil
}

// checkTables opens every table file the MANIFEST lists in memory,
// recovering a panic, and verifies its block checksums. It returns the
// first problem. A table file the MANIFEST does not list is left alone:
// it is one a flush or compaction was writing when the process died
// (often 0 bytes after a kill -9), which Badger deletes when it opens;
// judging the database by it moved a sound database aside and started
// empty.
func checkTables(dir string, opts Options) (err error) {
	names, err := listedTables(dir)
	if err != nil || len(names) == 0 {
		return err
	}
	comp := options.None
	if opts.Snappy {
		comp = options.Snappy
	}
	topt := table.Options{
		TableSize: uint64(opts.BaseTableSize), BlockSize: 4 << 10,
		ChkMode: options.NoVerification, Compression: comp, BloomFalsePositive: 0.01,
	}
	for _, name := range names {
		if err := checkTable(name, topt); err != nil {
			return fmt.Errorf("buffer: table %s: %w", filepath.Base(name), err)
		}
	}
	return nil
}

// listedTables is the paths of the table files dir's MANIFEST lists (none
// without a MANIFEST: a new database).
func listedTables(dir string) ([]string, error) {
	f, err := os.Open(filepath.Join(dir, badger.ManifestFilename))
	if errors.Is(err, os.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("buffer: manifest: %w", err)
	}
	defer f.Close()
	m, _, err := badger.ReplayManifestFile(f, 0, badger.DefaultOptions(dir).WithLogger(nil))
	if err != nil {
		return nil, fmt.Errorf("buffer: manifest %s: %w", f.Name(), err)
	}
	names := make([]string, 0, len(m.Tables))
	for id := range m.Tables {
		names = append(names, table.NewFilename(id, dir))
	}
	sort.Strings(names)
	return names, nil
}

func checkTable(name string, topt table.Options) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("unreadable (%v)", firstLine(fmt.Sprint(r)))
		}
	}()
	data, err := os.ReadFile(name)
	if err != nil {
		return err
	}
	if len(data) < 8 {
		return fmt.Errorf("%d bytes, too short for a table", len(data))
	}
	t, err := table.OpenInMemoryTable(data, 1, &topt)
	if err != nil {
		return err
	}
	return t.VerifyChecksum()
}

func firstLine(s string) string {
	s = strings.TrimSpace(s)
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		s = s[:i]
	}
	return s
}

// moveAside moves every entry of dir except earlier corrupt-* directories
// into dir/corrupt-<time>/ and writes REASON.txt there.
func moveAside(dir string, cause error) (*Recovery, error) {
	now := time.Now().UTC()
	rec := &Recovery{At: now, Cause: cause.Error(),
		MovedTo: filepath.Join(dir, corruptPrefix+now.Format("20060102T150405.000Z"))}
	ents, err := os.ReadDir(dir)
	if err != nil {
		return nil, err
	}
	if err := os.Mkdir(rec.MovedTo, 0o755); err != nil {
		return nil, err
	}
	for _, e := range ents {
		if strings.HasPrefix(e.Name(), corruptPrefix) {
			continue
		}
		if fi, err := e.Info(); err == nil && fi.Mode().IsRegular() {
			rec.Bytes += fi.Size()
		}
		if err := os.Rename(filepath.Join(dir, e.Name()), filepath.Join(rec.MovedTo, e.Name())); err != nil {
			return nil, err
		}
		rec.Files++
	}
	reason := fmt.Sprintf("tillwatch moved this damaged database aside at %s and started an empty one.\ncause: %s\nfiles: %d, bytes: %d\n",
		now.Format(time.RFC3339), rec.Cause, rec.Files, rec.Bytes)
	if err := os.WriteFile(filepath.Join(rec.MovedTo, reasonFile), []byte(reason), 0o644); err != nil {
		return nil, err
	}
	return rec, syncDir(dir)
}

// syncDir makes the renames in dir durable.
func syncDir(dir string) error {
	f, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer f.Close()
	if err := f.Sync(); err != nil && !errors.Is(err, os.ErrInvalid) {
		return err
	}
	return nil
}

// MovedAside lists the damaged databases earlier recoveries left in dir,
// oldest first, with the first line of their cause, so a health report
// keeps saying so until a person removes them.
func MovedAside(dir string) ([]Recovery, error) {
	ms, err := filepath.Glob(filepath.Join(dir, corruptPrefix+"*"))
	if err != nil {
		return nil, fmt.Errorf("buffer: moved aside: %w", err)
	}
	sort.Strings(ms)
	var out []Recovery
	for _, m := range ms {
		r := Recovery{MovedTo: m}
		if t, err := time.Parse("20060102T150405.000Z", strings.TrimPrefix(filepath.Base(m), corruptPrefix)); err == nil {
			r.At = t
		}
		if b, err := os.ReadFile(filepath.Join(m, reasonFile)); err == nil {
			for _, l := range strings.Split(string(b), "\n") {
				if c, ok := strings.CutPrefix(l, "cause: "); ok {
					r.Cause = c
				}
			}
		}
		out = append(out, r)
	}
	return out, nil
}
