package capture_test

import (
	"log/slog"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/tillwatch/tillwatch/capture"
	"github.com/tillwatch/tillwatch/drivers"
	"github.com/tillwatch/tillwatch/internal/testutil"
)

// overflowing blanks every byte and counts an overflow at every call
// with more than limit bytes.
type overflowing struct {
	limit, n int
}

func (o *overflowing) Redact(_ string, _ drivers.Direction, data []byte) []byte {
	if len(data) > o.limit {
		o.n++
	}
	return make([]byte, len(data))
}

func (o *overflowing) Overflows(string) int { return o.n }

// TestSinkLogsOverflow: each time a redactor writes bytes blanked because
// it could not hold them back (escpos.RasterRedactor past its bound), the
// capture's Sink says so in the log, with the device; not otherwise.
func TestSinkLogsOverflow(t *testing.T) {
	logs := &testutil.Buffer{}
	s, err := capture.CreateSink(filepath.Join(t.TempDir(), "c.jsonl"), &capture.Header{}, &overflowing{limit: 4}, slog.New(slog.NewTextHandler(logs, nil)))
	if err != nil {
		t.Fatal(err)
	}
	t0 := time.Date(2026, 12, 2, 9, 0, 0, 0, time.UTC)
	for i, data := range []string{"ab", "abcdefgh", "abc", "abcdefghij"} {
		s.Chunk("printer", drivers.Chunk{Time: t0.Add(time.Duration(i) * time.Second), Dir: drivers.FromHost, Data: []byte(data)})
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	got := logs.String()
	if n := strings.Count(got, "dots blanked"); n != 2 || !strings.Contains(got, "dev=printer times=2") {
		t.Errorf("want two overflows logged with the device, got:\n%s", got)
	}
}
