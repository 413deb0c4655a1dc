package notify

import (
	"strings"
	"testing"
	"time"

	"github.com/tillwatch/tillwatch/agent/detect"
	"github.com/tillwatch/tillwatch/agent/words"
)

// FuzzCompose: whatever the alerts say and however many are pending, a
// message never exceeds the channel's MaxText, carries at least one alert,
// lists every id it claims, and holds no full card number.
func FuzzCompose(f *testing.F) {
	f.Add("刷卡成功 ¥35.50", uint8(1), uint16(3800))
	f.Add(strings.Repeat("x", 5000), uint8(100), uint16(200))
	f.Add("card 6222021234567890128", uint8(7), uint16(60))
	f.Fuzz(func(t *testing.T, summary string, n uint8, maxText uint16) {
		if n == 0 {
			n = 1
		}
		limit := max(int(maxText), 64)
		var pending []detect.Alert
		for i := range int(n) {
			al := alert(i, t0.Add(time.Duration(i)*time.Second))
			al.Summary = summary
			pending = append(pending, al)
		}
		c := composer{lang: words.ZH, loc: time.UTC}
		m := c.compose(pending, limit)
		if len(m.IDs) == 0 || len(m.IDs) != len(m.Alerts) {
			t.Fatalf("%d ids, %d alerts", len(m.IDs), len(m.Alerts))
		}
		if len(m.Text) > limit {
			t.Fatalf("text %d bytes over %d", len(m.Text), limit)
		}
		for _, id := range m.IDs {
			if !strings.Contains(m.Text, id) {
				t.Fatalf("id %s not in the text", id)
			}
		}
		if strings.Contains(m.Title+m.Text, fullPAN) {
			t.Fatal("full card number in a message")
		}
	})
}
