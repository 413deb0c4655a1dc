package glyphs

import (
	"strings"
	"testing"

	"github.com/tillwatch/tillwatch/drivers"
)

// TestLearnSkipsMaskedNumbers: a line whose known text holds a masked card
// number (profile learn masks Tesseract's draft before writing it) is not
// learned: its '*' are not what the paper shows, and learning them would
// teach digit shapes as '*'. The rest of the receipt is learned.
func TestLearnSkipsMaskedNumbers(t *testing.T) {
	rs, err := loadCorpus()
	if err != nil {
		t.Fatal(err)
	}
	r := rs[0]
	text := append([]string(nil), r.Text...)
	// Replace one line's text by a masked card number, as learn writes it.
	line := -1
	for i, l := range text {
		if strings.TrimSpace(l) != "" {
			line = i
			break
		}
	}
	b := []byte("CARD 4111 1111 1111 1111")
	drivers.MaskTextPANs(b)
	text[line] = string(b)
	d := New(r.Font)
	rep := d.Learn([]Sample{{Name: r.File, Image: r.Image, Lines: text}})
	found := false
	for _, s := range rep.Skipped {
		if strings.Contains(s, "masked card number") {
			found = true
		}
	}
	if !found {
		t.Fatalf("the masked line was not skipped: %v", rep.Skipped)
	}
	for _, g := range d.Glyphs() {
		if strings.ContainsRune(g.Text, drivers.MaskChar) {
			t.Fatalf("learned %q from a masked card number", g.Text)
		}
	}
}
