package capture

import (
	"bytes"
	"fmt"
	"io"
	"os"
	"sort"
	"testing"

	"github.com/tillwatch/tillwatch/internal/golden"
)

// listing renders a capture as text: the header, then one line per record
// with its time, device, direction, length and first bytes in hex.
func listing(h *Header, recs []Record) string {
	var b bytes.Buffer
	if h != nil {
		fmt.Fprintf(&b, "header %s site=%s lane=%s\n", h.Capture, h.Site, h.Lane)
		names := make([]string, 0, len(h.Devices))
		for n := range h.Devices {
			names = append(names, n)
		}
		sort.Strings(names)
		for _, n := range names {
			fmt.Fprintf(&b, "  device %s %+v\n", n, h.Devices[n])
		}
	}
	for _, r := range recs {
		ts := r.Time.Format(timeLayout)
		if r.Link != "" {
			fmt.Fprintf(&b, "%s %-8s link %s %q\n", ts, r.Dev, r.Link, r.Reason)
			continue
		}
		head := r.Data[:min(len(r.Data), 16)]
		fmt.Fprintf(&b, "%s %-8s %-6s %4d % x\n", ts, r.Dev, r.Dir, len(r.Data), head)
	}
	return b.String()
}

// TestGolden reads the golden capture (real ZVT and ESC/POS bytes),
// compares its listing with lane.golden and checks that writing the
// records again reproduces the file byte for byte.
func TestGolden(t *testing.T) {
	data, err := os.ReadFile("testdata/lane.jsonl")
	if err != nil {
		t.Fatal(err)
	}
	r := NewReader(bytes.NewReader(data))
	h, err := r.Header()
	if err != nil || h == nil {
		t.Fatalf("header: %v, %v", h, err)
	}
	recs := readAll(t, r)
	golden.CheckString(t, "testdata/lane.golden", listing(h, recs))

	var buf bytes.Buffer
	w, err := NewWriter(&buf, h)
	if err != nil {
		t.Fatal(err)
	}
	for _, rec := range recs {
		if err := w.Write(rec); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Flush(); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(buf.Bytes(), data) {
		t.Errorf("re-written capture differs from testdata/lane.jsonl")
	}
}

// BenchmarkWrite measures encoding one 256-byte chunk.
func BenchmarkWrite(b *testing.B) {
	w, err := NewWriter(io.Discard, nil)
	if err != nil {
		b.Fatal(err)
	}
	r := sample()[0]
	r.Data = bytes.Repeat([]byte{0x1b, '@', 'A'}, 85)
	b.SetBytes(int64(len(r.Data)))
	b.ReportAllocs()
	for b.Loop() {
		if err := w.Write(r); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkRead measures decoding a capture of 2000 records of 256 bytes,
// the size of a typical printer read.
func BenchmarkRead(b *testing.B) {
	var buf bytes.Buffer
	w, err := NewWriter(&buf, &Header{Site: "s", Lane: "l"})
	if err != nil {
		b.Fatal(err)
	}
	r := sample()[0]
	r.Data = bytes.Repeat([]byte{0x1b, '@', 'A', 0xb2}, 64)
	for range 2000 {
		if err := w.Write(r); err != nil {
			b.Fatal(err)
		}
	}
	if err := w.Flush(); err != nil {
		b.Fatal(err)
	}
	data := buf.Bytes()
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		r := NewReader(bytes.NewReader(data))
		for {
			if _, err := r.Next(); err == io.EOF {
				break
			} else if err != nil {
				b.Fatal(err)
			}
		}
	}
}
