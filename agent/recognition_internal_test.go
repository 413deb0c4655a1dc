package agent

import (
	"io"
	"log/slog"
	"path/filepath"
	"testing"
	"time"

	"github.com/tillwatch/tillwatch/agent/links"
	"github.com/tillwatch/tillwatch/configs"
	"github.com/tillwatch/tillwatch/drivers"
	"github.com/tillwatch/tillwatch/drivers/glyphs"
	"github.com/tillwatch/tillwatch/internal/rastertest"
	"github.com/tillwatch/tillwatch/sim/rasterprint"
)

// glyphLane returns the config of a lane in dir whose one device, a
// printer, reads its images with a dictionary of the Go font learned from
// a calibration print holding reviewPAN, with the dictionary and the font.
func glyphLane(t *testing.T, dir string) (*configs.Config, *glyphs.Dict, *rasterprint.Font) {
	t.Helper()
	f := rastertest.GoFont(t)
	d := rastertest.Learn(t, f, rastertest.PANLines(reviewPAN))
	dict := filepath.Join(dir, "go.glyphs")
	if err := d.Save(dict); err != nil {
		t.Fatal(err)
	}
	cfg := configs.Default()
	cfg.Site, cfg.Lane, cfg.DataDir = "shop", "lane-1", filepath.Join(dir, "data")
	dev := configs.DefaultDevice("printer", configs.RolePrinter, "/dev/null")
	dev.Glyphs, dev.OCR = dict, "none"
	cfg.Devices = []configs.Device{dev}
	return cfg, d, f
}

// TestResumeBeforeRouting: a printer given up on whose worker has caught
// up (no job left) and whose decoder is settled is taken back before its
// next chunk is routed, so the receipt that chunk starts is read. Resume
// ran only at the start of a round, after the round's input was routed:
// a core asleep (nothing due) woke for the next receipt's first chunk and
// sent it to the lane's decoder unread, and the receipt, no longer
// settled, went unread whole (found in review).
func TestResumeBeforeRouting(t *testing.T) {
	cfg, _, _ := glyphLane(t, t.TempDir())
	a, err := New(cfg, Options{Log: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	a.ras.live()
	at := time.Date(2026, 12, 2, 9, 0, 0, 0, time.UTC)
	if got := a.giveUp("printer", whyHold, at); len(got) != 0 {
		t.Fatalf("gave up with %d inputs held, want none", len(got))
	}
	if !a.lane.Settled("printer") {
		t.Fatal("a fresh printer decoder is not settled (the test proves nothing)")
	}
	chunk := drivers.Chunk{Time: at.Add(time.Hour), Dir: drivers.FromHost, Data: []byte{0x1b, '@'}}
	if now := a.routeInput([]links.Input{{Dev: "printer", Chunk: chunk}}); len(now) != 0 || a.ras.stuck["printer"] != "" {
		t.Fatalf("the next receipt's first chunk went on unread (%d inputs to decode now, stuck %q); want it held for the worker",
			len(now), a.ras.stuck["printer"])
	}
}
