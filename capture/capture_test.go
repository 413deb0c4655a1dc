package capture

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"sync"
	"testing"
	"testing/iotest"
	"time"

	"github.com/tillwatch/tillwatch/drivers"
)

var t0 = time.Date(2026, 11, 22, 10, 15, 3, 123456000, time.UTC)

// sample has every kind of record: both directions, empty data, link
// events with and without reason, names that need JSON escaping, and a
// time in another zone.
func sample() []Record {
	cst := time.FixedZone("CST", 8*3600)
	return []Record{
		{Time: t0, Dev: "printer", Dir: drivers.FromHost, Data: []byte("\x1b@Hello\n\x1dV\x00")},
		{Time: t0.Add(time.Microsecond), Dev: "printer", Dir: drivers.FromDevice, Data: []byte{0x16}},
		{Time: t0.Add(time.Second), Dev: "terminal", Dir: drivers.FromHost, Data: []byte{}},
		{Time: t0.Add(2 * time.Second), Dev: "printer", Link: LinkDown, Reason: "unplugged \"USB\"\n\\ 断开"},
		{Time: t0.Add(3 * time.Second).In(cst), Dev: "printer", Link: LinkUp},
		{Time: t0.Add(4 * time.Second), Dev: "dev \"q\"\t", Dir: drivers.FromDevice, Data: bytes.Repeat([]byte{0, 0xff}, 100)},
	}
}

func readAll(t *testing.T, r *Reader) []Record {
	t.Helper()
	var out []Record
	for {
		rec, err := r.Next()
		if err == io.EOF {
			return out
		}
		if err != nil {
			t.Fatalf("Next: %v", err)
		}
		out = append(out, rec)
	}
}

func equal(a, b Record) bool {
	return a.Time.Equal(b.Time) && a.Dev == b.Dev && a.Link == b.Link && a.Reason == b.Reason &&
		(a.Link != "" || a.Dir == b.Dir && bytes.Equal(a.Data, b.Data))
}

func TestRoundTrip(t *testing.T) {
	h := &Header{Site: "s1", Lane: "l1", Devices: map[string]DeviceInfo{
		"printer":  {Role: "printer", Protocol: "escpos", Profile: "generic", CodePage: "cp858"},
		"terminal": {Role: "terminal", Protocol: "zvt", Framing: "serial", Currency: "EUR"},
	}}
	for _, withHeader := range []bool{true, false} {
		t.Run(fmt.Sprint("header=", withHeader), func(t *testing.T) {
			var buf bytes.Buffer
			hh := h
			if !withHeader {
				hh = nil
			}
			w, err := NewWriter(&buf, hh)
			if err != nil {
				t.Fatal(err)
			}
			for _, r := range sample() {
				if err := w.Write(r); err != nil {
					t.Fatal(err)
				}
			}
			if err := w.Close(); err != nil {
				t.Fatal(err)
			}
			r := NewReader(&buf)
			got := readAll(t, r)
			gh, err := r.Header() // after Next: still available
			if err != nil {
				t.Fatal(err)
			}
			if withHeader {
				want := *h
				want.Capture = Version
				if gh == nil || !reflect.DeepEqual(*gh, want) {
					t.Errorf("header = %+v, want %+v", gh, want)
				}
			} else if gh != nil {
				t.Errorf("header = %+v, want nil", gh)
			}
			want := sample()
			if len(got) != len(want) {
				t.Fatalf("got %d records, want %d", len(got), len(want))
			}
			for i := range want {
				if !equal(got[i], want[i]) || got[i].Time.Location() != time.UTC {
					t.Errorf("record %d: got %+v, want %+v", i, got[i], want[i])
				}
			}
		})
	}
}

func TestWireFormat(t *testing.T) {
	var buf bytes.Buffer
	w, err := NewWriter(&buf, &Header{Site: "s1", Lane: "l1", Devices: map[string]DeviceInfo{"printer": {Role: "printer", Protocol: "escpos", Profile: "generic"}, "terminal": {Role: "terminal", Protocol: "zvt"}}})
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range []Record{
		{Time: t0, Dev: "printer", Dir: drivers.FromHost, Data: []byte{0x1b, 0x40}},
		{Time: t0.Add(time.Nanosecond * 999), Dev: "printer", Link: LinkDown},
	} {
		if err := w.Write(r); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Flush(); err != nil {
		t.Fatal(err)
	}
	// The header line is the one in ARCHITECTURE.md, byte for byte.
	want := `{"capture":"tillwatch/1","site":"s1","lane":"l1","devices":{"printer":{"role":"printer","protocol":"escpos","profile":"generic"},"terminal":{"role":"terminal","protocol":"zvt"}}}
{"t":"2026-11-22T10:15:03.123456Z","dev":"printer","from":"host","b64":"G0A="}
{"t":"2026-11-22T10:15:03.123456Z","dev":"printer","link":"down"}
`
	if buf.String() != want {
		t.Errorf("got\n%s\nwant\n%s", buf.String(), want)
	}
}

// TestBadLines checks that each bad line is reported with its number and
// the reader goes on.
func TestBadLines(t *testing.T) {
	in := strings.Join([]string{
		`{"t":"2026-11-22T10:15:03Z","dev":"p","from":"host","b64":"AAE="}`, // 1
		``, // 2 blank: skipped
		`{"t":"2026-11-22T10:15:03Z","dev":"p","from":"host","b64":"!!"}`, // 3
		`not json`, // 4
		`{"t":"yesterday","dev":"p","from":"host","b64":""}`,                          // 5
		`{"t":"2026-11-22T10:15:03Z","from":"host","b64":""}`,                         // 6
		`{"t":"2026-11-22T10:15:03Z","dev":"p","from":"left","b64":""}`,               // 7
		`{"t":"2026-11-22T10:15:03Z","dev":"p","link":"sideways"}`,                    // 8
		`{"t":"2026-11-22T10:15:03Z","dev":"p","link":"up","b64":""}`,                 // 9
		`{"t":"2026-11-22T10:15:03Z","dev":"p"}`,                                      // 10
		`{"dev":"p","link":"up"}`,                                                     // 11
		`{"capture":"tillwatch/1"}`,                                                   // 12
		`{"t":"2026-11-22T10:15:03Z","dev":"p","b64":""}`,                             // 13
		"{\"t\":\"2026-11-22T10:15:04+01:00\",\"dev\":\"p\",\"link\":\"down\"}\r",     // 14 CRLF
		`{"t":"2026-11-22T10:15:05.5Z","dev":"p","from":"device","b64":"/w==","x":1}`, // 15 unknown key ignored
	}, "\n")
	want := []string{
		"ok p host 0001",
		"capture: line 3: bad b64: illegal base64 data at input byte 0",
		"capture: line 4: bad json: invalid character 'o' in literal null (expecting 'u')",
		`capture: line 5: bad time: "yesterday" is not an RFC 3339 time`,
		`capture: line 6: bad record: no "dev"`,
		`capture: line 7: bad record: from "left" is not host or device`,
		`capture: line 8: bad record: link "sideways" is not up or down`,
		`capture: line 9: bad record: both "link" and "b64"`,
		`capture: line 10: bad record: neither "b64" nor "link"`,
		`capture: line 11: bad record: no "t"`,
		"capture: line 12: bad record: a header is only allowed on the first line (concatenated captures?)",
		`capture: line 13: bad record: no "from"`,
		"ok p link down 2026-11-22T09:15:04Z",
		"ok p device ff",
	}
	r := NewReader(strings.NewReader(in))
	var got []string
	for {
		rec, err := r.Next()
		if err == io.EOF {
			break
		}
		var pe *ParseError
		switch {
		case errors.As(err, &pe):
			got = append(got, err.Error())
		case err != nil:
			t.Fatalf("unexpected error %v", err)
		case rec.Link != "":
			got = append(got, fmt.Sprintf("ok %s link %s %s", rec.Dev, rec.Link, rec.Time.Format(time.RFC3339)))
		default:
			got = append(got, fmt.Sprintf("ok %s %s %x", rec.Dev, rec.Dir, rec.Data))
		}
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	if _, err := r.Next(); err != io.EOF {
		t.Errorf("after the end: %v, want io.EOF", err)
	}
}

func TestSentinels(t *testing.T) {
	r := NewReader(strings.NewReader(`{"t":"2026-11-22T10:15:03Z","dev":"p","from":"host","b64":"%"}`))
	_, err := r.Next()
	var pe *ParseError
	if !errors.Is(err, ErrBadB64) || !errors.As(err, &pe) || pe.Line != 1 {
		t.Errorf("err = %v, want a ParseError at line 1 wrapping ErrBadB64", err)
	}
}

func TestHeaderVersion(t *testing.T) {
	r := NewReader(strings.NewReader("{\"capture\":\"tillwatch/2\"}\n{\"t\":\"2026-11-22T10:15:03Z\",\"dev\":\"p\",\"link\":\"up\"}\n"))
	if _, err := r.Header(); !errors.Is(err, ErrVersion) {
		t.Fatalf("Header: %v, want ErrVersion", err)
	}
	if _, err := r.Next(); !errors.Is(err, ErrVersion) {
		t.Errorf("Next after a bad version: %v, want the sticky ErrVersion", err)
	}
	if _, err := NewWriter(io.Discard, &Header{Capture: "other/9"}); !errors.Is(err, ErrVersion) {
		t.Errorf("NewWriter with a foreign version: %v", err)
	}
}

func TestEmptyAndBOM(t *testing.T) {
	for _, in := range []string{"", "\n\n", "\xef\xbb\xbf"} {
		r := NewReader(strings.NewReader(in))
		if h, err := r.Header(); h != nil || err != nil {
			t.Errorf("%q: Header = %v, %v", in, h, err)
		}
		if _, err := r.Next(); err != io.EOF {
			t.Errorf("%q: Next = %v, want io.EOF", in, err)
		}
	}
	r := NewReader(strings.NewReader("\xef\xbb\xbf{\"capture\":\"tillwatch/1\",\"site\":\"s\"}\r\n"))
	if h, err := r.Header(); err != nil || h == nil || h.Site != "s" {
		t.Errorf("header after BOM: %+v, %v", h, err)
	}
}

// TestReadErrorSticky: an I/O error ends the stream for good.
func TestReadErrorSticky(t *testing.T) {
	boom := errors.New("boom")
	line := `{"t":"2026-11-22T10:15:03Z","dev":"p","link":"up"}` + "\n"
	r := NewReader(io.MultiReader(strings.NewReader(line), iotest.ErrReader(boom)))
	if _, err := r.Next(); err != nil {
		t.Fatal(err)
	}
	for range 2 {
		if _, err := r.Next(); !errors.Is(err, boom) {
			t.Errorf("Next = %v, want the read error", err)
		}
	}
}

func TestLongLines(t *testing.T) {
	big := bytes.Repeat([]byte("0123456789abcdef"), 1<<18) // 4 MiB: far beyond bufio's buffer
	var buf bytes.Buffer
	w, err := NewWriter(&buf, nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range []Record{
		{Time: t0, Dev: "p", Dir: drivers.FromHost, Data: big},
		{Time: t0, Dev: "p", Link: LinkDown},
		{Time: t0, Dev: "p", Dir: drivers.FromHost, Data: big},
	} {
		if err := w.Write(r); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Flush(); err != nil {
		t.Fatal(err)
	}
	data := buf.Bytes()

	recs := readAll(t, NewReader(bytes.NewReader(data)))
	if len(recs) != 3 || !bytes.Equal(recs[0].Data, big) || !bytes.Equal(recs[2].Data, big) {
		t.Fatalf("long lines did not round-trip (%d records)", len(recs))
	}

	// With a limit, the long lines are skipped and reported; the short one
	// between them still reads.
	r := NewReader(bytes.NewReader(data))
	r.MaxLine = 1 << 20
	var got []string
	for {
		rec, err := r.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			got = append(got, err.Error())
			continue
		}
		got = append(got, rec.Link)
	}
	want := []string{
		"capture: line 1: line too long (more than 1048576 bytes)",
		"down",
		"capture: line 3: line too long (more than 1048576 bytes)",
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got %q, want %q", got, want)
	}
}

func TestWriteInvalid(t *testing.T) {
	tests := []struct {
		name string
		r    Record
		want error
	}{
		{"no dev", Record{Time: t0, Data: []byte{1}}, ErrBadRecord},
		{"no time", Record{Dev: "p", Data: []byte{1}}, ErrBadRecord},
		{"bad link", Record{Time: t0, Dev: "p", Link: "flapping"}, ErrBadRecord},
		{"link with data", Record{Time: t0, Dev: "p", Link: LinkUp, Data: []byte{1}}, ErrBadRecord},
		{"bad direction", Record{Time: t0, Dev: "p", Dir: 7}, ErrBadRecord},
		{"year", Record{Time: time.Date(10000, 1, 1, 0, 0, 0, 0, time.UTC), Dev: "p"}, ErrBadTime},
	}
	var buf bytes.Buffer
	w, err := NewWriter(&buf, nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, tt := range tests {
		if err := w.Write(tt.r); !errors.Is(err, tt.want) {
			t.Errorf("%s: Write = %v, want %v", tt.name, err, tt.want)
		}
	}
	// A rejected record writes nothing and does not break the writer.
	if err := w.Write(sample()[0]); err != nil {
		t.Fatal(err)
	}
	if err := w.Flush(); err != nil || strings.Count(buf.String(), "\n") != 1 {
		t.Errorf("after rejected records: %q, %v", buf.String(), err)
	}
}

// TestCreateAppend: a restarted agent appends to its capture; the header
// stays the first and only header line.
func TestCreateAppend(t *testing.T) {
	path := filepath.Join(t.TempDir(), "lane.jsonl")
	h := &Header{Site: "s1", Lane: "l1"}
	for i := range 2 {
		w, err := Create(path, h)
		if err != nil {
			t.Fatal(err)
		}
		for _, r := range sample() {
			if err := w.Write(r); err != nil {
				t.Fatal(err)
			}
		}
		if err := w.Close(); err != nil {
			t.Fatalf("run %d: Close: %v", i, err)
		}
		if err := w.Write(sample()[0]); !errors.Is(err, ErrClosed) {
			t.Errorf("Write after Close = %v, want ErrClosed", err)
		}
		if err := w.Close(); !errors.Is(err, ErrClosed) {
			t.Errorf("second Close = %v, want ErrClosed", err)
		}
	}
	st, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if st.Mode().Perm() != 0o600 {
		t.Errorf("mode %v, want 0600", st.Mode().Perm())
	}
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	r := NewReader(f)
	if h, err := r.Header(); err != nil || h == nil || h.Site != "s1" {
		t.Fatalf("header %+v, %v", h, err)
	}
	if got := readAll(t, r); len(got) != 2*len(sample()) {
		t.Errorf("got %d records, want %d", len(got), 2*len(sample()))
	}
}

func TestCreateError(t *testing.T) {
	if _, err := Create(filepath.Join(t.TempDir(), "missing", "x.jsonl"), nil); err == nil || !strings.HasPrefix(err.Error(), "capture: ") {
		t.Errorf("Create in a missing directory: %v", err)
	}
}

// TestWriteErrorSticky: once the sink fails, every call reports it.
func TestWriteErrorSticky(t *testing.T) {
	boom := errors.New("disk full")
	w, err := NewWriter(failWriter{boom}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := w.Write(sample()[0]); err != nil {
		t.Fatal(err) // buffered
	}
	if err := w.Flush(); !errors.Is(err, boom) {
		t.Fatalf("Flush = %v", err)
	}
	if err := w.Write(sample()[0]); !errors.Is(err, boom) {
		t.Errorf("Write after a failed flush = %v", err)
	}
	if _, err := NewWriter(failWriter{boom}, &Header{}); !errors.Is(err, boom) {
		t.Errorf("NewWriter with a failing sink = %v", err)
	}
}

type failWriter struct{ err error }

func (f failWriter) Write([]byte) (int, error) { return 0, f.err }

// TestConcurrentWrite: lines from many goroutines never interleave.
func TestConcurrentWrite(t *testing.T) {
	var buf bytes.Buffer
	w, err := NewWriter(&buf, nil)
	if err != nil {
		t.Fatal(err)
	}
	const workers, each = 8, 200
	var wg sync.WaitGroup
	for g := range workers {
		wg.Go(func() {
			for i := range each {
				r := Record{Time: t0.Add(time.Duration(i) * time.Microsecond), Dev: fmt.Sprintf("d%d", g), Dir: drivers.FromHost, Data: bytes.Repeat([]byte{byte(g)}, 1000+i)}
				if err := w.Write(r); err != nil {
					t.Error(err)
					return
				}
			}
		})
	}
	wg.Wait()
	if err := w.Flush(); err != nil {
		t.Fatal(err)
	}
	next := map[string]int{}
	for _, rec := range readAll(t, NewReader(&buf)) {
		i := next[rec.Dev]
		if len(rec.Data) != 1000+i {
			t.Fatalf("%s: record %d has %d bytes", rec.Dev, i, len(rec.Data))
		}
		next[rec.Dev]++
	}
	for g := range workers {
		if n := next[fmt.Sprintf("d%d", g)]; n != each {
			t.Errorf("d%d: %d records, want %d", g, n, each)
		}
	}
}

// TestBadHeader: a malformed header is reported once; the records after
// it still read.
func TestBadHeader(t *testing.T) {
	in := "{\"capture\":\"tillwatch/1\",\"devices\":5}\n{\"t\":\"2026-11-22T10:15:03Z\",\"dev\":\"p\",\"link\":\"up\"}\n"
	r := NewReader(strings.NewReader(in))
	h, err := r.Header()
	var pe *ParseError
	if h != nil || !errors.As(err, &pe) || pe.Line != 1 || !errors.Is(err, ErrBadJSON) {
		t.Fatalf("Header = %v, %v; want a ParseError at line 1", h, err)
	}
	if got := readAll(t, r); len(got) != 1 || got[0].Link != LinkUp {
		t.Errorf("records after a bad header: %+v", got)
	}
}
