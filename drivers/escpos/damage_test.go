package escpos

import (
	"testing"
	"time"

	"github.com/tillwatch/tillwatch/drivers"
)

// TestDamageReported: what no register sends (a command prefix followed
// by a control or 8-bit byte, a stray control, a cut with no cut mode, a
// command left half-sent when the line went quiet) is reported as damage;
// an ordinary receipt, NUL padding and vendor commands with a letter are not.
func TestDamageReported(t *testing.T) {
	tests := []struct {
		name string
		data string
		what string
	}{
		{name: "clean receipt", data: "\x1b@SALE 12.00\n\x00\x00\x1dV\x01"},
		{name: "unknown vendor command with a letter", data: "\x1b@\x1b\x7eSALE 12.00\n\x1dV\x01"},
		{name: "prefix and a control byte", data: "\x1b@\x1d\x16SALE 12.00\n\x1dV\x01", what: "impossible_command"},
		{name: "stray control in text", data: "\x1b@SA\x01LE 12.00\n\x1dV\x01", what: "stray_control"},
		{name: "cut with no cut mode", data: "\x1b@SALE 12.00\n\x1dV\x1b", what: "impossible_command"},
		{name: "command half-sent when the line went quiet", data: "\x1b@SALE 12.00\n\x1dV", what: "cut_short"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			d := New(Options{})
			d.Feed(drivers.Chunk{Time: t0, Data: []byte(tc.data)})
			d.Flush(t0.Add(time.Minute))
			got := d.TakeDamage()
			if tc.what == "" {
				if len(got) != 0 || d.Damaged() != 0 {
					t.Fatalf("damage %v on a clean stream", got)
				}
				return
			}
			if len(got) == 0 || got[0].(*drivers.Damage).What != tc.what {
				t.Fatalf("damage %v, want %q first", got, tc.what)
			}
		})
	}
}
