package drivers

import "testing"

func TestMaskTextPANs(t *testing.T) {
	tests := []struct{ in, want string }{
		{"CARD 4111111111111111 OK", "CARD 411111******1111 OK"},
		{"卡号: 4111 1111 1111 1111", "卡号: 4111 11** **** 1111"},
		{"PAN 5500-0055-5555-5559", "PAN 5500-00**-****-5559"},
		{"T2 5500005555555559=25121017654321098 end", "T2 550000******5559=***************** end"},
		{"T2 5500005555555559D2512101765 end", "T2 550000******5559D********** end"},
		{"6212345678901234569", "621234*********4569"},
		{"EAN 4006381333931 not luhn? 1234567890123", "EAN 4006381333931 not luhn? 1234567890123"},
		{"order 20261122123456 total 12.50", "order 20261122123456 total 12.50"},
		{"short 411111111111", "short 411111111111"},
		{"Qty 1 4111 1111 1111 1111", "Qty 1 4111 11** **** 1111"},
		{"4111111111111111 5500005555555559", "411111******1111 550000******5559"},
		{"", ""},
		// Idempotent: a masked number's visible digits never join a
		// neighbouring number (FuzzRedactor crasher), but a full number
		// next to a mask character is still masked.
		{"2101504 4111111111111111", "2101504 411111******1111"},
		{"2101504 411111******1111", "2101504 411111******1111"},
		{"4111 11** **** 1111 2345 6789 0123", "4111 11** **** 1111 2345 6789 0123"},
		{"*4111111111111111", "*411111******1111"},
		{"*4111 1111 1111 1111", "*4111 11** **** 1111"},
	}
	for _, tt := range tests {
		b := []byte(tt.in)
		MaskTextPANs(b)
		if string(b) != tt.want {
			t.Errorf("MaskTextPANs(%q) = %q, want %q", tt.in, b, tt.want)
		}
	}
}

func FuzzMaskTextPANs(f *testing.F) {
	for _, s := range []string{"4111111111111111", "5500 0055 5555 5559=2512101", "no digits", "1234-5678", "2101504 4111111111111111\n"} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		in := append([]byte(nil), b...)
		MaskTextPANs(b)
		if len(b) != len(in) {
			t.Fatalf("length changed: %d -> %d", len(in), len(b))
		}
		// Only digits ever change, and only into the mask character.
		for i := range b {
			if b[i] != in[i] && !(isDigit(in[i]) && b[i] == MaskChar) {
				t.Fatalf("byte %d changed %q -> %q in %q", i, in[i], b[i], in)
			}
		}
		// A second pass changes nothing.
		again := append([]byte(nil), b...)
		MaskTextPANs(again)
		if string(again) != string(b) {
			t.Fatalf("not idempotent: %q -> %q -> %q", in, b, again)
		}
	})
}
