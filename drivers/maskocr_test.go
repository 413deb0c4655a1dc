package drivers

import (
	"strings"
	"testing"
)

// TestMaskOCRPANs: a card number read from an image with look-alike
// letters or unknown glyphs for some of its digits is masked as a number
// read right; words, amounts and short numbers are left alone, and
// masking twice changes nothing.
func TestMaskOCRPANs(t *testing.T) {
	const u = "\uFFFD" // a glyph the dictionary did not know
	for _, c := range []struct{ in, want string }{
		{"CARD 4539148803436467", "CARD 453914******6467"}, // read right: as MaskTextPANs
		{"CARD 4539l48803436467", "CARD 4539l4******6467"}, // l for 1: kept as read
		{"CARD 4539 l488 O343 6467", "CARD 4539 l4** **** 6467"},
		{"CARD 4111-1111-1111-111l VISA", "CARD 4111-11**-****-111l VISA"},
		{"CARD 45391488O3436467", "CARD 453914******6467"},
		{"CARD 4539" + u + "48803436467", "CARD 4539" + u + "4******6467"}, // an unknown digit
		{"CARD 4539148803" + u + "36467", "CARD 453914******6467"},
		{"CARD 45391" + u + "880343" + u + "467", "CARD 45391" + u + "******" + u + "467"}, // two
		{"CARD 4111 1111 1111 llll", "CARD 4111 11** **** llll"},                           // a group all look-alikes
		{"TOTAL lO.5O", "TOTAL lO.5O"},                                                     // amounts and words stay
		{"Oil x2 3.20 Olive Bl 12.00", "Oil x2 3.20 Olive Bl 12.00"},
		{"Tel 0l234 567890", "Tel 0l234 567890"},                           // too short
		{"Ref 4539l48803436468", "Ref 4539l48803436468"},                   // not Luhn-valid
		{"CARD ABCD" + u + "48803436467", "CARD ABCD" + u + "48803436467"}, // letters: not a number
		{"", ""},
	} {
		got := MaskOCRPANs(c.in)
		if got != c.want {
			t.Errorf("MaskOCRPANs(%q) = %q, want %q", c.in, got, c.want)
		}
		if again := MaskOCRPANs(got); again != got {
			t.Errorf("MaskOCRPANs(%q) = %q, masked twice", got, again)
		}
		if len([]rune(got)) != len([]rune(c.in)) {
			t.Errorf("MaskOCRPANs(%q) = %q: runes not kept", c.in, got)
		}
		if strings.Contains(got, "*") && strings.Contains(strings.Map(func(r rune) rune {
			if d := ocrDigit[r]; d != 0 {
				return rune(d)
			}
			return r
		}, got), "88034364") {
			t.Errorf("MaskOCRPANs(%q) = %q: hidden digits left", c.in, got)
		}
	}
}
