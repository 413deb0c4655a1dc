package drivers

import "testing"

func TestMaskPAN(t *testing.T) {
	tests := []struct{ in, want string }{
		{"4111111111111111", "411111******1111"},
		{"5598 8355 5554 8074", "559883******8074"},
		{"559883EEEEEE8074", "559883******8074"},
		{"EEEEEEEEEEEE4771", "************4771"},
		{"6212345678901234567", "621234*********4567"},
		{"1234567890", "******7890"},
		{"1234", "1234"},
		{"12", "12"},
		{"", ""},
		{"abc4111111111111111", "***411*********1111"},
	}
	for _, tt := range tests {
		if got := MaskPAN(tt.in); got != tt.want {
			t.Errorf("MaskPAN(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}
