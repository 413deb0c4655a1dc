package videofeed

import (
	"fmt"
	"strings"
	"unicode"

	"golang.org/x/text/encoding"
	"golang.org/x/text/encoding/charmap"
	"golang.org/x/text/encoding/simplifiedchinese"
	"golang.org/x/text/width"

	"github.com/tillwatch/tillwatch/drivers"
)

// Encodings a feed may use.
var Encodings = []string{"utf-8", "gbk", "latin1"}

// encoder turns text into the recorder's bytes.
type encoder func(string) []byte

func newEncoder(name string) (encoder, error) {
	switch strings.ToLower(name) {
	case "", "utf-8", "utf8":
		return func(s string) []byte { return []byte(s) }, nil
	case "gbk":
		return replaceEncoder(simplifiedchinese.GBK), nil
	case "latin1", "iso-8859-1":
		enc := replaceEncoder(charmap.ISO8859_1)
		return func(s string) []byte { return enc(Latin(s)) }, nil
	}
	return nil, fmt.Errorf("videofeed: encoding %q: want %s", name, strings.Join(Encodings, ", "))
}

// replaceEncoder encodes with e, writing '?' for what e cannot hold.
func replaceEncoder(e encoding.Encoding) encoder {
	enc := encoding.ReplaceUnsupported(e.NewEncoder())
	return func(s string) []byte {
		b, err := enc.Bytes([]byte(s))
		if err != nil {
			return []byte(strings.Map(func(r rune) rune {
				if r < 0x80 {
					return r
				}
				return '?'
			}, s))
		}
		return b
	}
}

// Latin rewrites s for a recorder that shows only Latin letters:
// full-width forms become ASCII ("：" ":") and each Chinese character its
// pinyin, capitalised, words separated by spaces ("刷卡成功" "Shua Ka
// Cheng Gong").
func Latin(s string) string {
	s = width.Fold.String(s)
	var b strings.Builder
	prevHan := false
	var prev rune
	for _, r := range s {
		if !unicode.Is(unicode.Han, r) {
			if prevHan && (unicode.IsLetter(r) || unicode.IsDigit(r)) {
				b.WriteByte(' ')
			}
			b.WriteRune(r)
			prevHan, prev = false, r
			continue
		}
		p, ok := pinyinOf(r) // pinyin.go
		if !ok {
			b.WriteByte('?')
			continue
		}
		if unicode.IsLetter(prev) || unicode.IsDigit(prev) {
			b.WriteByte(' ')
		}
		prev = 'a'
		b.WriteString(strings.ToUpper(p[:1]) + p[1:])
		prevHan = true
	}
	return b.String()
}

// mask hides card numbers in a line.
func mask(s string) string {
	b := []byte(s)
	drivers.MaskTextPANsStrict(b)
	return string(b)
}
