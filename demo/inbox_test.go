package demo

import (
	"context"
	"flag"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/tillwatch/tillwatch/agent/detect"
	"github.com/tillwatch/tillwatch/agent/lane"
	"github.com/tillwatch/tillwatch/agent/notify"
	"github.com/tillwatch/tillwatch/agent/words"
	"github.com/tillwatch/tillwatch/buffer"
	"github.com/tillwatch/tillwatch/configs"
	"github.com/tillwatch/tillwatch/internal/headless"
	"github.com/tillwatch/tillwatch/internal/testutil"
	"github.com/tillwatch/tillwatch/sim"
)

var demoShots = flag.String("demo-screenshots", "", "also save the demo's ntfy inbox screenshots (zh-CN, en) in this directory")

// demoAlerts are the alerts of the demo shift on a lane in lang and the
// Asia/Shanghai zone: the shift replayed (the capture a tap would write),
// so the same alerts the live demo raises.
func demoAlerts(t *testing.T, lang string) []detect.Alert {
	t.Helper()
	writes, err := sim.Compile(sim.DemoShift())
	if err != nil {
		t.Fatal(err)
	}
	wires, err := sim.OpenWires()
	if err != nil {
		t.Skipf("no ptys: %v", err)
	}
	defer wires.Close()
	cfg := Config(t.TempDir(), "tcp://127.0.0.1:1", wires)
	cfg.Locale, cfg.TimeZone = lang, "Asia/Shanghai"
	ln, err := lane.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	var out []detect.Alert
	if _, err := lane.Replay(ln, sim.Records(writes, time.Date(2026, 11, 22, 2, 45, 0, 0, time.UTC), nil), func(a detect.Alert) error {
		out = append(out, a)
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	slices.SortStableFunc(out, func(a, b detect.Alert) int { return a.Detected.Compare(b.Detected) })
	return out
}

// TestInboxPageInBrowser shows what `tillwatch demo --notify ntfy` puts in
// front of a manager: the demo shift's alerts, each offered to the lane's
// ntfy channel when it was detected (a fake clock: the channel's rate
// limit, one request per 5 s, makes digests as it does live), published
// to the local ntfy stand-in and its page rendered by headless Chromium in
// zh-CN and en. -demo-screenshots DIR keeps the screenshots (README links
// docs/screenshots/demo-ntfy-*.png).
func TestInboxPageInBrowser(t *testing.T) {
	b, err := headless.Find()
	if err != nil {
		testutil.Unavailable(t, err.Error()+" (.ci/run installs Debian's chromium)")
	}
	dir := t.TempDir()
	if *demoShots != "" {
		dir = *demoShots
	}
	for _, lang := range []string{"zh-CN", "en"} {
		alerts := demoAlerts(t, lang)
		sh, err := time.LoadLocation("Asia/Shanghai")
		if err != nil {
			t.Skipf("no tzdata: %v", err)
		}
		in, err := StartInbox(func(string, ...any) {}, words.Of(lang), sh)
		if err != nil {
			t.Fatal(err)
		}
		defer in.Close()
		var clock atomic.Int64
		in.now = func() time.Time { return time.Unix(0, clock.Load()) }
		db, err := buffer.Open(filepath.Join(t.TempDir(), "db"), buffer.DefaultOptions(), nil)
		if err != nil {
			t.Fatal(err)
		}
		defer db.Close()
		set, err := notify.Open(db, []configs.Notify{{Name: "demo-ntfy", Type: "ntfy", URL: in.URL()}},
			notify.SetOptions{Voice: notify.Voice{Lang: words.Of(lang), Loc: sh}})
		if err != nil {
			t.Fatal(err)
		}
		sink := set.Sinks()[0]
		step := func(until time.Time) {
			for range 1000 {
				now := time.Unix(0, clock.Load())
				next, err := sink.Step(context.Background(), now)
				if err != nil {
					t.Fatal(err)
				}
				if next.IsZero() || next.After(until) {
					return
				}
				clock.Store(max(next.UnixNano(), now.UnixNano()))
			}
		}
		for i, a := range alerts {
			clock.Store(a.Detected.UnixNano())
			if err := set.Offer(a); err != nil {
				t.Fatal(err)
			}
			until := a.Detected.Add(time.Hour)
			if i+1 < len(alerts) {
				until = alerts[i+1].Detected
			}
			step(until)
		}
		var ids []string
		for _, a := range alerts {
			ids = append(ids, a.ID)
		}
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		if missing := in.WaitFor(ctx, ids); len(missing) > 0 {
			t.Fatalf("%s: alerts %v never reached the inbox", lang, missing)
		}
		url := in.Page() + "?lang=" + lang
		dom, err := b.DumpDOM(ctx, url)
		if err != nil {
			t.Fatal(err)
		}
		for _, want := range map[string][]string{"zh-CN": {"ntfy 收件箱", "刷卡成功未出票", "刷卡金额不符", "已解除"}, "en": {"ntfy inbox", "Card paid, no receipt", "Wrong amount charged", "Resolved"}}[lang] {
			if !strings.Contains(dom, want) {
				t.Errorf("%s: the inbox page lacks %q", lang, want)
			}
		}
		png := filepath.Join(dir, "demo-ntfy-"+lang+".png")
		if err := b.Screenshot(ctx, url, png, 900, 1100); err != nil {
			t.Fatal(err)
		}
		if st, err := os.Stat(png); err != nil || st.Size() == 0 {
			t.Errorf("%s: no screenshot: %v", lang, err)
		}
	}
}
