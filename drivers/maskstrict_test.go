package drivers

import "testing"

// TestMaskTextPANsStrict: a card number glued to other digits is masked
// in text sent to people; what MaskTextPANs masks stays masked the same way.
func TestMaskTextPANsStrict(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		// FuzzCompose (agent/notify) found this: a digit before a 19-digit card number.
		{"06222021234567890128", "062220**********0128"},
		{"ref 41111111111111110 ok", "ref 411111*******1110 ok"},
		{"card 4111111111111111", "card 411111******1111"},
		{"short 1234567890", "short 1234567890"},
		{"masked 411111******1111 stays", "masked 411111******1111 stays"},
	} {
		b := []byte(tc.in)
		MaskTextPANsStrict(b)
		if string(b) != tc.want {
			t.Errorf("%q -> %q, want %q", tc.in, b, tc.want)
		}
	}
}
