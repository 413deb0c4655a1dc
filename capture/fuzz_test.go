package capture

import (
	"bytes"
	"errors"
	"io"
	"os"
	"testing"
	"time"
)

// FuzzReader reads arbitrary input to the end: it must never panic or
// loop, every error must be a *ParseError or the sticky end, and every
// record it accepts must survive a write and a second read unchanged
// (at the format's microsecond precision).
func FuzzReader(f *testing.F) {
	golden, err := os.ReadFile("testdata/lane.jsonl")
	if err != nil {
		f.Fatal(err)
	}
	f.Add(golden)
	for _, line := range bytes.SplitAfter(golden, []byte("\n")) {
		f.Add(line)
	}
	f.Add([]byte(`{"t":"2026-11-22T10:15:03Z","dev":"p","from":"host","b64":"!!"}` + "\n\n{\"capture\":\"tillwatch/1\"}"))
	f.Add([]byte(`{"t":"2026-11-22T23:59:59.999999Z","dev":"p","from":"host","b64":"QQ=="}` + "\n" + `{"t":"2026-11-23T00:00:00.000000Z","dev":"p","from":"host","b64":"QQ=="}` + "\n" + `{"t":"2026-11-23T24:00:00.000000Z","dev":"p","from":"host","b64":"QQ=="}` + "\n" + `{"t":"2026-02-30T00:00:00.000000Z","dev":"p","from":"host","b64":"QQ=="}`))
	f.Add([]byte("\xef\xbb\xbf{\"capture\":\"tillwatch/2\"}\r\n"))
	f.Add([]byte("{\"t\":\"2026-11-22T10:15:03.000001Z\",\"dev\":\"p\",\"from\":\"host\",\"b64\":\"QU\rJD\"}")) // CR: no JSON, base64 skips it
	f.Fuzz(func(t *testing.T, data []byte) {
		if fast, ok := fastRecord(data, &arena{last: "p"}); ok {
			slow, err := parseRecord(data)
			if err != nil || !equal(fast, slow) || fast.Data == nil {
				t.Fatalf("fast path %+v, general parser %+v, %v", fast, slow, err)
			}
		}
		shared := &arena{} // one arena line after line: its date cache too
		for _, line := range bytes.Split(data, []byte("\n")) {
			if fast, ok := fastRecord(line, shared); ok {
				slow, err := parseRecord(line)
				if err != nil || !equal(fast, slow) {
					t.Fatalf("fast path after earlier lines %+v, general parser %+v, %v", fast, slow, err)
				}
			}
		}
		r := NewReader(bytes.NewReader(data))
		r.MaxLine = 4096
		if _, err := r.Header(); err != nil {
			var pe *ParseError
			if !errors.As(err, &pe) {
				t.Fatalf("Header error is not a ParseError: %v", err)
			}
		}
		for n := 0; ; n++ {
			if n > len(data)+1 {
				t.Fatal("more results than lines")
			}
			rec, err := r.Next()
			if err == io.EOF {
				return
			}
			if err != nil {
				var pe *ParseError
				if !errors.As(err, &pe) || pe.Line <= 0 {
					t.Fatalf("error without a line: %v", err)
				}
				if errors.Is(err, ErrVersion) {
					return // sticky
				}
				continue
			}
			var buf bytes.Buffer
			w, err := NewWriter(&buf, nil)
			if err != nil {
				t.Fatal(err)
			}
			if err := w.Write(rec); err != nil {
				if errors.Is(err, ErrBadTime) {
					continue // a year that only exists in another zone
				}
				t.Fatalf("Write(%+v): %v", rec, err)
			}
			if err := w.Flush(); err != nil {
				t.Fatal(err)
			}
			again, err := NewReader(&buf).Next()
			if err != nil {
				t.Fatalf("re-read %q: %v", buf.String(), err)
			}
			rec.Time = rec.Time.Truncate(time.Microsecond)
			if !equal(rec, again) {
				t.Fatalf("round trip changed %+v into %+v", rec, again)
			}
		}
	})
}
