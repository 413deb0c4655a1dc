package glyphs

import (
	"bufio"
	"cmp"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/tillwatch/tillwatch/drivers/raster"
)

// receiptHash names a receipt by its content: its image's dots and its
// text's lines of print (blank lines and the spaces around a line do not
// count), so the same paper typed the same way hashes the same under any
// file name.
func receiptHash(img *raster.Bitmap, texts []string) string {
	h := sha256.New()
	fmt.Fprintf(h, "%dx%d\n", img.W, img.H)
	for y := 0; y < img.H; y++ {
		h.Write(img.Row(y))
	}
	for _, t := range texts {
		fmt.Fprintf(h, "\n%s", t)
	}
	return hex.EncodeToString(h.Sum(nil))[:16]
}

// writeLearned writes the receipts learned from, one `learned HASH
// "NAME"` line each, by name then hash (a stable order to diff).
func (d *Dict) writeLearned(w *bufio.Writer) {
	if len(d.learned) == 0 {
		return
	}
	hs := make([]string, 0, len(d.learned))
	for h := range d.learned {
		hs = append(hs, h)
	}
	slices.SortFunc(hs, func(a, b string) int {
		return cmp.Or(strings.Compare(d.learned[a], d.learned[b]), strings.Compare(a, b))
	})
	fmt.Fprintf(w, "# %d receipt(s) learned from (hash of the image and its text, and its name): learning one again is skipped.\n", len(hs))
	for _, h := range hs {
		fmt.Fprintf(w, "learned %s %s\n", h, strconv.Quote(d.learned[h]))
	}
}

// parseLearned reads `HASH "NAME"`.
func (d *Dict) parseLearned(s string) error {
	h, name, ok := strings.Cut(s, " ")
	if _, err := hex.DecodeString(h); err != nil || len(h) != 16 || !ok {
		return fmt.Errorf("learned: want `learned HASH \"NAME\"` (16 hex digits), got %q", s)
	}
	n, err := strconv.Unquote(name)
	if err != nil {
		return fmt.Errorf("learned %s: want a quoted receipt name, got %q", h, name)
	}
	if d.learned == nil {
		d.learned = map[string]string{}
	}
	d.learned[h] = n
	return nil
}

// Learned returns the names of the receipts the dictionary was learned
// from, sorted.
func (d *Dict) Learned() []string {
	var ns []string
	for _, n := range d.learned {
		ns = append(ns, n)
	}
	slices.Sort(ns)
	return ns
}

// source is where a glyph was read while learning: a receipt and its line
// of print (counted from 1, blank lines of its text not counted).
type source struct {
	name string
	line int
}

func (s source) String() string { return fmt.Sprintf("%s line %d", s.name, s.line) }

// maxWhere is how many lines a note names for one reading.
const maxWhere = 5

// where lists places by receipt and line ("a.bin lines 2, 7; b.bin line
// 3"), at most maxWhere lines and how many more.
func where(srcs []source) string {
	s := slices.Clone(srcs)
	slices.SortFunc(s, func(a, b source) int { return cmp.Or(strings.Compare(a.name, b.name), a.line-b.line) })
	s = slices.Compact(s)
	var b strings.Builder
	for i, x := range s {
		switch {
		case i == maxWhere:
			fmt.Fprintf(&b, " and %d more", len(s)-maxWhere)
			return b.String()
		case i > 0 && s[i-1].name == x.name:
			fmt.Fprintf(&b, ", %d", x.line)
			continue
		case i > 0:
			b.WriteString("; ")
		}
		word := "line"
		if i+1 < len(s) && i+1 < maxWhere && s[i+1].name == x.name {
			word = "lines"
		}
		fmt.Fprintf(&b, "%s %s %d", x.name, word, x.line)
	}
	return b.String()
}

// times is "1 time" or "N times".
func times(n int) string {
	if n == 1 {
		return "1 time"
	}
	return strconv.Itoa(n) + " times"
}
