package drivers

import (
	"encoding/hex"
	"testing"
)

func TestMaskBCDPAN(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"4111111111111111", "411111eeeeee1111"},
		{"4111111111111111ff", "411111eeeeee1111ff"},
		{"6222021234567890123f", "622202eeeeeeeee0123f"}, // 19 digits, F padding
		{"4111111111111111d2512101", "411111eeeeee1111deeeeeee"},
		{"411111eeeeee1111", "411111eeeeee1111"}, // already masked: unchanged
		{"1234567890", "eeeeee7890"},
		{"12345f", "e2345f"},
		{"1234", "1234"},
		{"", ""},
	} {
		v, err := hex.DecodeString(c.in)
		if err != nil {
			t.Fatal(err)
		}
		MaskBCDPAN(v)
		if got := hex.EncodeToString(v); got != c.want {
			t.Errorf("MaskBCDPAN(%s) = %s, want %s", c.in, got, c.want)
		}
		MaskBCDPAN(v) // idempotent
		if got := hex.EncodeToString(v); got != c.want {
			t.Errorf("MaskBCDPAN twice(%s) = %s, want %s", c.in, got, c.want)
		}
	}
}
