package escpos

import (
	"bytes"
	"strings"
	"testing"

	"github.com/tillwatch/tillwatch/drivers"
)

// TestRedactor splits each stream into two chunks at every offset: the
// number never leaks, the bytes that are not card digits pass unchanged,
// nothing is lost. The second stream is a right-aligned number on a
// 48-column receipt: its padding spaces must not use up the bytes held
// back at a chunk's end, or a number cut by a read left in two halves,
// neither masked.
func TestRedactor(t *testing.T) {
	pad := strings.Repeat(" ", 24)
	for _, tc := range []struct{ stream, want string }{
		{"\x1b@CARD 4111 1111 1111 1111\nAUTH 123456\n\x1dV\x01", "\x1b@CARD 4111 11** **** 1111\nAUTH 123456\n\x1dV\x01"},
		{"\x1b@CARD" + pad + "4111 1111 1111 1111\nTOTAL" + pad + "  12.50\n\x1dV\x01", "\x1b@CARD" + pad + "4111 11** **** 1111\nTOTAL" + pad + "  12.50\n\x1dV\x01"},
	} {
		stream := []byte(tc.stream)
		for cut := 0; cut <= len(stream); cut++ {
			r := NewRedactor()
			var out []byte
			out = append(out, r.Redact(drivers.FromHost, stream[:cut])...)
			out = append(out, r.Redact(drivers.FromHost, stream[cut:])...)
			if string(out) != tc.want {
				t.Fatalf("split at %d: %q, want %q", cut, out, tc.want)
			}
		}
	}
	r := NewRedactor()
	status := []byte{0x12, 0x34, 0x35}
	if got := r.Redact(drivers.FromDevice, status); !bytes.Equal(got, status) {
		t.Errorf("device bytes changed: %x", got)
	}
}

// TestRedactorStartsMidNumber: a redactor started while a card number
// prints (a tap opened mid-receipt) sees its last 15 digits only, no card
// number to MaskTextPANs: they are masked, and nothing after them.
func TestRedactorStartsMidNumber(t *testing.T) {
	stream := []byte("111 1111 1111 1111\nTOTAL 12.50\n\x1dV\x01")
	want := "*** **** **** ****\nTOTAL 12.50\n\x1dV\x01"
	for cut := 0; cut <= len(stream); cut++ {
		r := NewRedactor()
		out := append(r.Redact(drivers.FromHost, stream[:cut]), r.Redact(drivers.FromHost, stream[cut:])...)
		if string(out) != want {
			t.Fatalf("split at %d: %q, want %q", cut, out, want)
		}
	}
}
