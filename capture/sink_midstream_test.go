package capture_test

import (
	"bytes"
	"errors"
	"io"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/tillwatch/tillwatch/agent/lane"
	"github.com/tillwatch/tillwatch/capture"
	"github.com/tillwatch/tillwatch/drivers"
	"github.com/tillwatch/tillwatch/drivers/escpos"
	"github.com/tillwatch/tillwatch/internal/rastertest"
)

// TestSinkMidImage: a capture opened while a raster receipt with a
// Luhn-valid card number drawn as an image prints (the agent started
// mid-receipt: its link comes up and the rest of the image follows at
// once) writes none of the image's bytes (zeros, the length kept); the
// receipt after the line was quiet for lane.IdleGap is written as
// redacted from a stream's start, and so is a first receipt coming
// IdleGap after the link came up. Found in review: the capture's redactor
// read the rest of the image as text and wrote its dots.
func TestSinkMidImage(t *testing.T) {
	stream := rastertest.PANReceipt(t)
	want := escpos.NewRasterRedactor(rastertest.ReadsNothing{}, nil).Redact(drivers.FromHost, stream)
	t0 := time.Date(2026, 12, 2, 9, 0, 0, 0, time.UTC)
	for _, tc := range []struct {
		name  string
		first time.Duration // after the link came up
		check func([]byte) bool
	}{
		{"mid-image", 10 * time.Millisecond, func(b []byte) bool { return !bytes.ContainsFunc(b, func(r rune) bool { return r != 0 }) }},
		{"quiet line", lane.IdleGap, func(b []byte) bool { return bytes.Equal(b, want) }},
	} {
		path := filepath.Join(t.TempDir(), "c.jsonl")
		red := lane.Redactors{"printer": escpos.NewRasterRedactor(rastertest.ReadsNothing{}, nil).MidStream(lane.IdleGap)}
		s, err := capture.CreateSink(path, &capture.Header{}, red, nil)
		if err != nil {
			t.Fatal(err)
		}
		send := func(at time.Time, data []byte) {
			rastertest.Feed(at, data, func(c drivers.Chunk) { s.Chunk("printer", c) })
		}
		s.Link("printer", &drivers.Link{Head: drivers.Head{Time: t0}, Up: true})
		rest := stream
		if tc.name == "mid-image" {
			rest = stream[len(stream)/3:]
		}
		send(t0.Add(tc.first), rest)
		send(t0.Add(time.Minute), stream)
		if err := s.Close(); err != nil {
			t.Fatal(err)
		}
		file, err := os.Open(path)
		if err != nil {
			t.Fatal(err)
		}
		var b bytes.Buffer
		r := capture.NewReader(file)
		for {
			rec, err := r.Next()
			if errors.Is(err, io.EOF) {
				break
			}
			if err != nil {
				t.Fatal(err)
			}
			b.Write(rec.Data)
		}
		file.Close()
		got := b.Bytes()
		if len(got) != len(rest)+len(stream) {
			t.Fatalf("%s: %d bytes written, want %d", tc.name, len(got), len(rest)+len(stream))
		}
		if !tc.check(got[:len(rest)]) {
			t.Errorf("%s: the first receipt is written wrong (mid-image: zeros; on a quiet line: as before)", tc.name)
		}
		if !bytes.Equal(got[len(rest):], want) {
			t.Errorf("%s: the receipt after the quiet line is not redacted as from a stream's start", tc.name)
		}
	}
}
