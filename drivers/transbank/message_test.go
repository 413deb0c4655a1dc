package transbank

import "testing"

// TestLast4 reads the last 4 digits of the card number from what a
// terminal may put in the last-4 field: those digits, a whole or masked
// number, or track data, whose expiry and discretionary digits must not
// be taken for the card's.
func TestLast4(t *testing.T) {
	for _, tt := range []struct{ in, want string }{
		{"6590", "6590"},
		{" 6590 ", "6590"},
		{"", ""},
		{"************6590", "6590"},
		{"XXXX XXXX XXXX 6590", "6590"},
		{"4111111111111111", "1111"},
		{"411111******1111", "1111"},
		{"4111111111111111=2512101765", "1111"},
		{"411111******1111=**********", "1111"},
		{";4111111111111111=25121017650000000000?", "1111"},
		{"4111111111111111D2512101765", "1111"},
		{"%B4111111111111111^DOE/JOHN^2512101765?", "1111"},
		{"B4111111111111111^DOE/JOHN^2512", "1111"},
		{"659", "659"},
	} {
		if got := last4(tt.in); got != tt.want {
			t.Errorf("last4(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}
