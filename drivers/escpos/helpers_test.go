package escpos

import (
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/tillwatch/tillwatch/drivers"
)

var t0 = time.Date(2026, 11, 22, 10, 15, 0, 0, time.UTC)

// corpus returns the .bin files of testdata.
func corpus(t testing.TB) map[string][]byte {
	t.Helper()
	files, err := filepath.Glob("testdata/*.bin")
	if err != nil || len(files) == 0 {
		t.Fatalf("no testdata: %v", err)
	}
	m := make(map[string][]byte, len(files))
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		m[strings.TrimSuffix(filepath.Base(f), ".bin")] = b
	}
	return m
}

// decodeChunks feeds host chunks (all at t0) and ends the input.
func decodeChunks(opts Options, chunks [][]byte) ([]drivers.Event, *Decoder) {
	d := New(opts)
	var evs []drivers.Event
	for _, c := range chunks {
		evs = append(evs, d.Feed(drivers.Chunk{Time: t0, Dir: drivers.FromHost, Data: c})...)
	}
	evs = append(evs, d.FlushAll()...)
	return evs, d
}

// decodeBytes decodes one host stream fed whole.
func decodeBytes(opts Options, b []byte) ([]drivers.Event, *Decoder) {
	return decodeChunks(opts, [][]byte{b})
}

// byteByByte splits b into one-byte chunks.
func byteByByte(b []byte) [][]byte {
	out := make([][]byte, len(b))
	for i := range b {
		out[i] = b[i : i+1]
	}
	return out
}

// randomChunks splits b at random points.
func randomChunks(b []byte, r *rand.Rand) [][]byte {
	var out [][]byte
	for len(b) > 0 {
		n := 1 + r.IntN(min(len(b), 64))
		out = append(out, b[:n])
		b = b[n:]
	}
	return out
}

// marshalAll encodes events for comparison.
func marshalAll(t testing.TB, evs []drivers.Event) []string {
	t.Helper()
	out := make([]string, len(evs))
	for i, e := range evs {
		b, err := drivers.Marshal(e)
		if err != nil {
			t.Fatalf("marshal: %v", err)
		}
		out[i] = string(b)
	}
	return out
}

// receipts keeps the receipts of an event list.
func receipts(evs []drivers.Event) []*drivers.Receipt {
	var rs []*drivers.Receipt
	for _, e := range evs {
		if r, ok := e.(*drivers.Receipt); ok {
			rs = append(rs, r)
		}
	}
	return rs
}

// statuses keeps the printer statuses of an event list.
func statuses(evs []drivers.Event) []*drivers.PrinterStatus {
	var ss []*drivers.PrinterStatus
	for _, e := range evs {
		if s, ok := e.(*drivers.PrinterStatus); ok {
			ss = append(ss, s)
		}
	}
	return ss
}

// allText joins every line of every receipt.
func allText(rs []*drivers.Receipt) string {
	var b strings.Builder
	for _, r := range rs {
		for _, l := range r.Lines {
			b.WriteString(l.Text)
			b.WriteByte('\n')
		}
	}
	return b.String()
}

// mustPrinter returns a built-in printer profile.
func mustPrinter(name string) *Printer {
	p, err := PrinterByName(name)
	if err != nil {
		panic(err)
	}
	return p
}
