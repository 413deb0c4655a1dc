package escpos

import (
	"bytes"
	"testing"

	"github.com/tillwatch/tillwatch/drivers"
)

func TestRedactor(t *testing.T) {
	stream := []byte("\x1b@CARD 4111 1111 1111 1111\nAUTH 123456\n\x1dV\x01")
	// Every split of the stream into two chunks: the number never leaks,
	// the bytes that are not card digits pass unchanged, nothing is lost.
	for cut := 0; cut <= len(stream); cut++ {
		r := NewRedactor()
		var out []byte
		out = append(out, r.Redact(drivers.FromHost, stream[:cut])...)
		out = append(out, r.Redact(drivers.FromHost, stream[cut:])...)
		want := []byte("\x1b@CARD 4111 11** **** 1111\nAUTH 123456\n\x1dV\x01")
		if !bytes.Equal(out, want) {
			t.Fatalf("split at %d: %q, want %q", cut, out, want)
		}
	}
	r := NewRedactor()
	status := []byte{0x12, 0x34, 0x35}
	if got := r.Redact(drivers.FromDevice, status); !bytes.Equal(got, status) {
		t.Errorf("device bytes changed: %x", got)
	}
}
