package zvt

import (
	"testing"
	"time"

	"github.com/tillwatch/tillwatch/drivers"
)

// TestDamageReported: a frame that fails its CRC, noise between frames and
// a frame cut short are reported as damage (drivers.DamageSource), apart
// from the decoded events; good frames are not.
func TestDamageReported(t *testing.T) {
	t0 := time.Date(2026, 11, 22, 10, 0, 0, 0, time.UTC)
	good := Frame(Completion())
	bad := Frame(Completion())
	bad[len(bad)-1] ^= 0x01 // CRC low byte flipped
	tests := []struct {
		name  string
		feed  [][]byte
		what  string
		count int64
	}{
		{name: "good frames", feed: [][]byte{good, {drivers.ACK}}, count: 0},
		{name: "CRC failure", feed: [][]byte{bad}, what: "crc", count: 1},
		{name: "noise between frames", feed: [][]byte{good, {0x42, 0x43}, good}, what: "noise", count: 1},
		{name: "frame cut short", feed: [][]byte{good[:4]}, what: "cut_short", count: 1},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			d := New(Options{Framing: FramingSerial})
			for i, b := range tc.feed {
				d.Feed(drivers.Chunk{Time: t0.Add(time.Duration(i) * 10 * time.Millisecond), Dir: drivers.FromDevice, Data: b})
			}
			d.Flush(t0.Add(2 * time.Second))
			got := d.TakeDamage()
			if d.Damaged() != tc.count {
				t.Errorf("Damaged() = %d, want %d", d.Damaged(), tc.count)
			}
			if tc.what == "" {
				if len(got) != 0 {
					t.Errorf("damage %+v on a clean line", got[0])
				}
				return
			}
			if len(got) != 1 || got[0].(*drivers.Damage).What != tc.what {
				t.Fatalf("damage events %v, want one %q", got, tc.what)
			}
			if again := d.TakeDamage(); len(again) != 0 {
				t.Errorf("TakeDamage gave %d events twice", len(again))
			}
		})
	}
}
