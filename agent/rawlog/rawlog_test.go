package rawlog

import (
	"bytes"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/tillwatch/tillwatch/buffer"
	"github.com/tillwatch/tillwatch/drivers"
	"github.com/tillwatch/tillwatch/drivers/zvt"
)

func openDB(t *testing.T, dir string) *buffer.DB {
	t.Helper()
	db, err := buffer.Open(dir, buffer.DefaultOptions(), nil)
	if err != nil {
		t.Fatal(err)
	}
	return db
}

// commit stages l into one batch and commits it.
func commit(t *testing.T, db *buffer.DB, l *Log) {
	t.Helper()
	b := db.NewBatch()
	l.Stage(b)
	err := b.Commit()
	l.Done(err)
	if err != nil {
		t.Fatal(err)
	}
}

// stored returns every stored record's bytes, joined per device.
func stored(t *testing.T, db *buffer.DB) map[string]string {
	t.Helper()
	out := map[string]string{}
	err := db.Store(StoreName).Scan(nil, nil, func(k, v []byte) error {
		name, _, err := parseKey(k)
		if err != nil {
			return err
		}
		c, err := decodeValue(v)
		out[name] += string(c.Data)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

var t0 = time.Date(2026, 11, 22, 10, 0, 0, 0, time.UTC)

func chunk(s string, ms int) drivers.Chunk {
	return drivers.Chunk{Time: t0.Add(time.Duration(ms) * time.Millisecond), Dir: drivers.FromHost, Data: []byte(s)}
}

// TestTextMasking writes a print stream whose card number is split over
// three reads and three commits: no commit ever holds more than its first
// six digits unmasked, and the final records hold the masked form.
func TestTextMasking(t *testing.T) {
	db := openDB(t, t.TempDir())
	defer db.Close()
	l := New(db, []Device{{Name: "printer", Text: true}})
	var seen []string
	for i, part := range []string{"CARD 4111 11", "11 1111 1", "111\nTOTAL 12.50\n"} {
		l.Add("printer", chunk(part, i))
		commit(t, db, l)
		seen = append(seen, stored(t, db)["printer"])
	}
	want := []string{"CARD 4111 11", "CARD 4111 11** **** *", "CARD 4111 11** **** 1111\nTOTAL 12.50\n"}
	for i := range want {
		if seen[i] != want[i] {
			t.Errorf("after commit %d: %q, want %q", i+1, seen[i], want[i])
		}
	}
	if strings.Contains(strings.Join(seen, ""), "4111111111111111") {
		t.Error("a full card number reached the store")
	}
}

// TestSettle: a device that settles in the step that read its bytes
// writes nothing; one that settles later has its records deleted.
func TestSettle(t *testing.T) {
	db := openDB(t, t.TempDir())
	defer db.Close()
	l := New(db, []Device{{Name: "printer", Text: true}})
	l.Add("printer", chunk("\x10\x04\x01", 0))
	l.Settle("printer")
	b := db.NewBatch()
	l.Stage(b)
	if b.Len() != 0 {
		t.Errorf("a chunk settled at once staged %d writes", b.Len())
	}
	l.Done(b.Commit())
	l.Add("printer", chunk("\x1b@HELLO\n", 1))
	commit(t, db, l)
	if got := stored(t, db)["printer"]; got != "\x1b@HELLO\n" {
		t.Fatalf("stored %q", got)
	}
	l.Settle("printer")
	commit(t, db, l)
	if got := stored(t, db); len(got) != 0 {
		t.Errorf("after settle: %q, want nothing", got)
	}
}

// TestLoad reads back what a killed run left, in order, with times and
// directions, and continues numbering after it.
func TestLoad(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "db")
	db := openDB(t, dir)
	l := New(db, []Device{{Name: "printer", Text: true}, {Name: "gone", Text: true}})
	l.Add("printer", chunk("\x1b@A\n", 0))
	dev := drivers.Chunk{Time: t0.Add(time.Second), Dir: drivers.FromDevice, Data: []byte{0x12}}
	l.Add("printer", dev)
	l.Add("gone", chunk("X", 2))
	commit(t, db, l)
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}

	db = openDB(t, dir)
	defer db.Close()
	l = New(db, []Device{{Name: "printer", Text: true}})
	got, err := l.Load()
	if err != nil {
		t.Fatal(err)
	}
	p := got["printer"]
	if len(p) != 2 || string(p[0].Data) != "\x1b@A\n" || !p[0].Time.Equal(t0) || p[1].Dir != drivers.FromDevice || !bytes.Equal(p[1].Data, dev.Data) || !p[1].Time.Equal(dev.Time) {
		t.Fatalf("loaded %+v", got)
	}
	if _, ok := got["gone"]; ok {
		t.Error("records of an unconfigured device returned")
	}
	l.Add("printer", chunk("B\n", 3))
	commit(t, db, l) // also deletes the unconfigured device's record
	if s := stored(t, db); s["printer"] != "\x1b@A\n\x12B\n" || s["gone"] != "" {
		t.Errorf("stored %q", s)
	}
	l.Settle("printer")
	commit(t, db, l)
	if s := stored(t, db); len(s) != 0 {
		t.Errorf("after settle: %q", s)
	}
}

// TestTerminalRedacted writes a ZVT stream only through its redactor:
// part of a frame is not written until the frame completes.
func TestTerminalRedacted(t *testing.T) {
	db := openDB(t, t.TempDir())
	defer db.Close()
	l := New(db, []Device{{Name: "terminal", Redactor: zvt.NewRedactor()}})
	frame := []byte{0x10, 0x02, 0x06, 0x01, 0x03, 0x04, 0x00, 0x00, 0x10, 0x03}
	l.Add("terminal", drivers.Chunk{Time: t0, Dir: drivers.FromHost, Data: frame[:4]})
	commit(t, db, l)
	if s := stored(t, db); len(s) != 0 {
		t.Errorf("part of a frame written: %q", s)
	}
}

// TestBound gives up the oldest records of a device that never settles.
func TestBound(t *testing.T) {
	db := openDB(t, t.TempDir())
	defer db.Close()
	l := New(db, []Device{{Name: "printer", Text: true}})
	l.maxBytes = 10
	for i := range 5 {
		l.Add("printer", chunk("ABCD", i))
	}
	commit(t, db, l)
	if got := stored(t, db)["printer"]; got != "ABCDABCD" || l.Dropped() != 3 {
		t.Errorf("stored %q, dropped %d", got, l.Dropped())
	}
}

// TestBoundCutsANumber: when the bound gives up the record holding a card
// number's first digit, the rest of the number (15 digits, no longer a
// card number to MaskTextPANs) must not be rewritten unmasked.
func TestBoundCutsANumber(t *testing.T) {
	db := openDB(t, t.TempDir())
	defer db.Close()
	l := New(db, []Device{{Name: "printer", Text: true}})
	l.maxBytes = 20
	l.Add("printer", chunk("CARD 4", 0))
	commit(t, db, l)
	l.Add("printer", chunk("111 1111 1111 1111\nTOTAL", 1))
	commit(t, db, l)
	got := stored(t, db)["printer"]
	if l.Dropped() != 1 {
		t.Fatalf("dropped %d records, want the first", l.Dropped())
	}
	if strings.Contains(got, "1111 1111") {
		t.Errorf("stored %q: the tail of a card number unmasked", got)
	}
	if !strings.HasSuffix(got, "\nTOTAL") {
		t.Errorf("stored %q: the text after the number is lost", got)
	}
}

// TestImages: a print stream with images (Device.Images) is written from
// the first commit in its unread form and rewritten once its image was
// read; when the bound gave up its start, the rest is not written (it
// cannot be parsed from its middle: image dots could pass as text).
func TestImages(t *testing.T) {
	db := openDB(t, t.TempDir())
	defer db.Close()
	read := false
	// A stand-in for escpos.RedactImages: 'I' is an image's dots, blanked
	// to '.' until read.
	images := func(stream []byte) []byte {
		out := bytes.Clone(stream)
		if !read {
			out = bytes.ReplaceAll(out, []byte("I"), []byte("."))
		}
		return out
	}
	l := New(db, []Device{{Name: "printer", Text: true, Images: images}})
	l.Add("printer", chunk("\x1b@IIII", 0))
	commit(t, db, l)
	if got := stored(t, db)["printer"]; got != "\x1b@...." {
		t.Fatalf("before the read: stored %q, want the dots blanked", got)
	}
	read = true
	l.Add("printer", chunk("II\x1dV\x01", 1))
	commit(t, db, l)
	if got := stored(t, db)["printer"]; got != "\x1b@IIIIII\x1dV\x01" {
		t.Fatalf("after the read: stored %q, want both records rewritten as read", got)
	}

	l.Settle("printer")
	commit(t, db, l)
	l.maxBytes = 8
	read = false
	l.Add("printer", chunk("\x1b@II", 2))
	commit(t, db, l)
	read = true
	l.Add("printer", chunk("IIIIIII", 3)) // the bound gives up the first record
	commit(t, db, l)
	if got := stored(t, db)["printer"]; got != "" {
		t.Fatalf("after the bound cut the stream: stored %q, want nothing (the first record given up, the rest not parsable)", got)
	}
}
