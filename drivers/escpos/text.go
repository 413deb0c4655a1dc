package escpos

import (
	"sync"
	"unicode/utf8"

	"golang.org/x/text/encoding/charmap"
	"golang.org/x/text/encoding/simplifiedchinese"
)

// codeTable is a single-byte code table: one rune per byte.
type codeTable struct {
	name  string
	runes [256]rune
}

// codePages builds the single-byte tables once; they are never written
// after that.
var codePages = sync.OnceValue(func() map[string]*codeTable {
	src := map[string]*charmap.Charmap{
		"cp437": charmap.CodePage437, "cp850": charmap.CodePage850,
		"cp858": charmap.CodePage858, "cp860": charmap.CodePage860,
		"cp866": charmap.CodePage866, "cp1252": charmap.Windows1252,
	}
	m := make(map[string]*codeTable, len(src))
	for name, cm := range src {
		t := &codeTable{name: name}
		for b := 0; b < 256; b++ {
			t.runes[b] = cm.DecodeByte(byte(b))
		}
		m[name] = t
	}
	return m
})

// codePageByName returns a table by its Options name; "" is cp437.
func codePageByName(name string) (*codeTable, bool) {
	if name == "" {
		name = "cp437"
	}
	t, ok := codePages()[name]
	return t, ok
}

// escTNames maps the common ESC t n numbers to tables. Numbering is vendor
// specific; unknown numbers keep the current table.
var escTNames = map[byte]string{
	0: "cp437", 2: "cp850", 3: "cp860", 16: "cp1252", 17: "cp866", 19: "cp858",
}

// codePageForESCt returns the table ESC t n selects, or nil to keep the
// current one.
func codePageForESCt(n byte) *codeTable {
	name, ok := escTNames[n]
	if !ok {
		return nil
	}
	t, _ := codePageByName(name)
	return t
}

// gbkPairs maps every GBK double-byte pair (lead 0x81-0xFE, trail
// 0x40-0xFE) to its rune, or 0 when the pair is not text: unmapped, or in
// a user-defined area (private use code points print as nothing useful).
var gbkPairs = sync.OnceValue(func() []rune {
	t := make([]rune, 126*191)
	dec := simplifiedchinese.GBK.NewDecoder()
	for lead := 0x81; lead <= 0xFE; lead++ {
		for trail := 0x40; trail <= 0xFE; trail++ {
			if trail == 0x7F {
				continue
			}
			out, err := dec.Bytes([]byte{byte(lead), byte(trail)})
			if err != nil {
				continue
			}
			r, size := utf8.DecodeRune(out)
			if size != len(out) || r == utf8.RuneError || isPrivateUse(r) {
				continue
			}
			t[(lead-0x81)*191+(trail-0x40)] = r
		}
	}
	return t
})

func isPrivateUse(r rune) bool { return r >= 0xE000 && r <= 0xF8FF }

// gbkPair returns the rune of a GBK pair, or 0.
func gbkPair(lead, trail byte) rune {
	if lead < 0x81 || lead > 0xFE || trail < 0x40 || trail > 0xFE || trail == 0x7F {
		return 0
	}
	return gbkPairs()[(int(lead)-0x81)*191+int(trail)-0x40]
}

// gb18030Four decodes a four-byte GB18030 sequence, or returns 0.
func gb18030Four(b []byte) rune {
	out, err := simplifiedchinese.GB18030.NewDecoder().Bytes(b)
	if err != nil {
		return 0
	}
	r, size := utf8.DecodeRune(out)
	if size != len(out) || r == utf8.RuneError || isPrivateUse(r) {
		return 0
	}
	return r
}

// appendGBK decodes a run of text bytes printed in Chinese mode. A byte
// that does not start a valid character (a stray lead byte, a pair in a
// user-defined area) is dropped and counted, and decoding goes on at the
// next byte, so the run re-aligns by itself. A lead byte left alone at the
// end of the run is not decoded: dangling reports it to the caller, which
// may join it with the next run (a pair split by a command).
func appendGBK(dst []byte, run []byte) (out []byte, bad int, dangling bool) {
	for i := 0; i < len(run); {
		b := run[i]
		switch {
		case b < 0x7F:
			dst = append(dst, b)
			i++
			continue
		case b == 0x80:
			dst = utf8.AppendRune(dst, '€')
			i++
			continue
		case b == 0x7F || b == 0xFF:
			bad++
			i++
			continue
		}
		if i+1 == len(run) {
			return dst, bad, true
		}
		{
			t := run[i+1]
			if t >= 0x30 && t <= 0x39 && i+3 < len(run) {
				if r := gb18030Four(run[i : i+4]); r != 0 {
					dst = utf8.AppendRune(dst, r)
					i += 4
					continue
				}
			} else if r := gbkPair(b, t); r != 0 {
				dst = utf8.AppendRune(dst, r)
				i += 2
				continue
			}
		}
		bad++
		i++
	}
	return dst, bad, false
}

// appendSingle decodes a run through a single-byte code table.
func appendSingle(dst []byte, run []byte, t *codeTable) []byte {
	for _, b := range run {
		if b < 0x7F {
			dst = append(dst, b)
			continue
		}
		dst = utf8.AppendRune(dst, t.runes[b])
	}
	return dst
}
