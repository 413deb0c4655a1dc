// Package pcitest searches what an agent left behind for card data, the
// way an auditor would: every file under a directory byte for byte, the
// decoded bytes of every capture file (records are base64 on disk, so a
// plain search would never see them), and the journal and outbox read
// through Badger (its files may be compressed).
package pcitest

import (
	"bytes"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/tillwatch/tillwatch/buffer"
	"github.com/tillwatch/tillwatch/capture"
)

// Needles maps a name to bytes that must not be found.
type Needles map[string][]byte

// Find reports (t.Errorf) every needle found in the blobs or under dir,
// and fails the test when dir holds neither a capture nor a database, since
// the search would then prove nothing about them.
func Find(t testing.TB, n Needles, dir string, blobs map[string][]byte) {
	t.Helper()
	check := func(where string, b []byte) {
		for name, nd := range n {
			if len(nd) > 0 && bytes.Contains(b, nd) {
				t.Errorf("%s found in %s", name, where)
			}
		}
	}
	for where, b := range blobs {
		check(where, b)
	}
	captures, dbs := 0, 0
	err := filepath.WalkDir(dir, func(path string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			if _, err := os.Stat(filepath.Join(path, "MANIFEST")); err == nil {
				dbs++
				checkDB(t, path, check)
			}
			return nil
		}
		b, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		check(path, b)
		if strings.HasSuffix(path, ".jsonl") {
			captures++
			checkCapture(t, path, b, check)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if captures == 0 || dbs == 0 {
		t.Fatalf("pcitest: %s holds %d capture files and %d databases: want both, or the search proves nothing", dir, captures, dbs)
	}
}

// FindInCapture reports (t.Errorf) every needle found in the capture file
// at path: in the file's bytes, and in each device's decoded bytes, per
// record and joined per stream. Records are base64 on disk, so searching
// the file alone proves nothing.
func FindInCapture(t testing.TB, n Needles, path string) {
	t.Helper()
	raw, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("pcitest: %v", err)
	}
	check := func(where string, b []byte) {
		for name, nd := range n {
			if len(nd) > 0 && bytes.Contains(b, nd) {
				t.Errorf("%s found in %s", name, where)
			}
		}
	}
	check(path, raw)
	checkCapture(t, path, raw, check)
}

// checkCapture decodes a capture and searches each device's bytes, per
// record and joined in order (a number split across reads).
func checkCapture(t testing.TB, path string, raw []byte, check func(string, []byte)) {
	rd := capture.NewReader(bytes.NewReader(raw))
	if _, err := rd.Header(); err != nil {
		t.Errorf("pcitest: %s: %v", path, err)
	}
	joined := map[string][]byte{}
	for {
		r, err := rd.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			t.Errorf("pcitest: %s: %v", path, err)
			continue
		}
		check(path+" record of "+r.Dev, r.Data)
		joined[r.Dev+" "+r.Dir.String()] = append(joined[r.Dev+" "+r.Dir.String()], r.Data...)
	}
	for k, b := range joined {
		check(path+" stream "+k, b)
	}
}

// checkDB reads the journal, the outbox and the raw input kept for
// recovery (per record and joined per device) through Badger.
func checkDB(t testing.TB, dir string, check func(string, []byte)) {
	db, err := buffer.Open(dir, buffer.DefaultOptions(), nil)
	if err != nil {
		t.Errorf("pcitest: open %s: %v", dir, err)
		return
	}
	defer db.Close()
	err = db.Store("journal").Scan(nil, nil, func(_, v []byte) error {
		check(dir+" journal", v)
		return nil
	})
	if err != nil {
		t.Errorf("pcitest: %s journal: %v", dir, err)
	}
	var raw []byte
	err = db.Store("raw").Scan(nil, nil, func(_, v []byte) error {
		check(dir+" raw input record", v)
		if len(v) > 9 {
			raw = append(raw, v[9:]...) // after the time and direction
		}
		return nil
	})
	if err != nil {
		t.Errorf("pcitest: %s raw input: %v", dir, err)
	}
	check(dir+" raw input joined", raw)
	items, err := db.Queue("outbox").Pending(0)
	if err != nil {
		t.Errorf("pcitest: %s outbox: %v", dir, err)
	}
	for _, it := range items {
		check(dir+" outbox", it.Value)
	}
}
