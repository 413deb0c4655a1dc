package capture_test

import (
	"bytes"
	"errors"
	"io"
	"os"
	"path/filepath"
	"testing"
	"time"

	"golang.org/x/image/font/gofont/gobold"
	"golang.org/x/image/font/gofont/goregular"

	"github.com/tillwatch/tillwatch/agent/lane"
	"github.com/tillwatch/tillwatch/capture"
	"github.com/tillwatch/tillwatch/drivers"
	"github.com/tillwatch/tillwatch/drivers/escpos"
	"github.com/tillwatch/tillwatch/drivers/raster"
	"github.com/tillwatch/tillwatch/sim/rasterprint"
)

// readsNothing is a recogniser that reads no text: what the redactor lets
// through is then the image's dots as sent, or zeros.
type readsNothing struct{}

func (readsNothing) Recognize(*raster.Bitmap) raster.Result { return raster.Result{} }

// TestSinkMidImage: a capture opened while a raster receipt with a
// Luhn-valid card number drawn as an image prints (the agent started
// mid-receipt: its link comes up and the rest of the image follows at
// once) writes none of the image's bytes (zeros, the length kept); the
// receipt after the line was quiet for lane.IdleGap is written as
// redacted from a stream's start, and so is a first receipt coming
// IdleGap after the link came up. Found in review: the capture's redactor
// read the rest of the image as text and wrote its dots.
func TestSinkMidImage(t *testing.T) {
	f, err := rasterprint.ParseFont("go", goregular.TTF, gobold.TTF, 24)
	if err != nil {
		t.Fatal(err)
	}
	page, _ := rasterprint.Render(f, []rasterprint.Line{{Left: "TOTAL", Right: "3.98", Bold: true},
		{Left: "CARD 4111111111111111", Right: "3.98"}}, 576, 8)
	stream := rasterprint.Encode(page, 576, rasterprint.GSv0)
	want := escpos.NewRasterRedactor(readsNothing{}, nil).Redact(drivers.FromHost, stream)
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
		red := lane.Redactors{"printer": escpos.NewRasterRedactor(readsNothing{}, nil).MidStream(lane.IdleGap)}
		s, err := capture.CreateSink(path, &capture.Header{}, red, nil)
		if err != nil {
			t.Fatal(err)
		}
		send := func(at time.Time, data []byte) {
			for len(data) > 0 {
				n := min(len(data), 512)
				s.Chunk("printer", drivers.Chunk{Time: at, Dir: drivers.FromHost, Data: data[:n]})
				data, at = data[n:], at.Add(50*time.Millisecond)
			}
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
