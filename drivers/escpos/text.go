package escpos

import (
	"slices"
	"sync"
	"unicode/utf8"

	"golang.org/x/text/encoding"
	"golang.org/x/text/encoding/charmap"
	"golang.org/x/text/encoding/japanese"
	"golang.org/x/text/encoding/korean"
	"golang.org/x/text/encoding/simplifiedchinese"
	"golang.org/x/text/encoding/traditionalchinese"
)

// codeTable is a single-byte code table: one rune per byte. A table the
// decoder has no mapping for (missing) prints bytes >= 0x80 as U+FFFD:
// shown as unknown, never guessed through another table.
type codeTable struct {
	name    string
	missing bool
	runes   [256]rune
}

// charmaps are the single-byte tables golang.org/x/text provides, by the
// names printer profiles use.
var charmaps = map[string]*charmap.Charmap{
	"cp437": charmap.CodePage437, "cp850": charmap.CodePage850, "cp852": charmap.CodePage852,
	"cp855": charmap.CodePage855, "cp858": charmap.CodePage858, "cp860": charmap.CodePage860,
	"cp862": charmap.CodePage862, "cp863": charmap.CodePage863, "cp865": charmap.CodePage865,
	"cp866": charmap.CodePage866, "cp874": charmap.Windows874,
	"cp1250": charmap.Windows1250, "cp1251": charmap.Windows1251, "cp1252": charmap.Windows1252,
	"cp1253": charmap.Windows1253, "cp1254": charmap.Windows1254, "cp1255": charmap.Windows1255,
	"cp1256": charmap.Windows1256, "cp1257": charmap.Windows1257, "cp1258": charmap.Windows1258,
	"iso8859-1": charmap.ISO8859_1, "iso8859-2": charmap.ISO8859_2, "iso8859-5": charmap.ISO8859_5,
	"iso8859-7": charmap.ISO8859_7, "iso8859-9": charmap.ISO8859_9, "iso8859-15": charmap.ISO8859_15,
	"koi8-r": charmap.KOI8R, "koi8-u": charmap.KOI8U,
}

// codePages builds the single-byte tables once; they are never written
// after that.
var codePages = sync.OnceValue(func() map[string]*codeTable {
	m := make(map[string]*codeTable, len(charmaps)+len(generatedTables))
	for name, cm := range charmaps {
		t := &codeTable{name: name}
		for b := 0; b < 256; b++ {
			t.runes[b] = cm.DecodeByte(byte(b))
		}
		m[name] = t
	}
	// Tables golang.org/x/text lacks, generated from the Unicode mapping
	// files and vendor tables (tables_gen.go, internal/codetables); Epson's
	// Katakana page is among them.
	for name, up := range generatedTables {
		t := &codeTable{name: name}
		for b := 0; b < 256; b++ {
			switch {
			case b < 0x80:
				t.runes[b] = rune(b)
			case up[b-0x80] == 0:
				t.runes[b] = utf8.RuneError
			default:
				t.runes[b] = up[b-0x80]
			}
		}
		m[name] = t
	}
	return m
})

// CodePages lists the single-byte code table names the decoder maps.
func CodePages() []string {
	names := make([]string, 0, len(charmaps)+len(generatedTables))
	for n := range codePages() {
		names = append(names, n)
	}
	slices.Sort(names)
	return names
}

// codePageByName returns a table by its Options name; "" is cp437.
func codePageByName(name string) (*codeTable, bool) {
	if name == "" {
		name = "cp437"
	}
	t, ok := codePages()[name]
	return t, ok
}

// missingTables caches the tables missingTable builds; they are never
// written after being stored.
var missingTables sync.Map // name -> *codeTable

// missingTable returns a table that shows every byte >= 0x80 as U+FFFD.
func missingTable(name string) *codeTable {
	if t, ok := missingTables.Load(name); ok {
		return t.(*codeTable)
	}
	t := &codeTable{name: name, missing: true}
	for b := 0; b < 256; b++ {
		if b < 0x80 {
			t.runes[b] = rune(b)
		} else {
			t.runes[b] = utf8.RuneError
		}
	}
	v, _ := missingTables.LoadOrStore(name, t)
	return v.(*codeTable)
}

// dbcs is a double-byte character set: Chinese (GBK, GB18030), Big5,
// Shift-JIS or EUC-KR. Tables are built once from golang.org/x/text.
type dbcs struct {
	name   string
	lead   [256]bool // bytes that start a pair
	single [128]rune // 0x80-0xFF when not a lead: a one-byte character, or 0
	pairs  []rune    // lead 0x81-0xFE x trail 0x40-0xFE, 0 when not text
	four   bool      // GB18030 four-byte sequences
}

// doubleByteNames are the Printer.DoubleByte values.
var doubleByteNames = []string{"gbk", "big5", "shift-jis", "euc-kr"}

var dbcsTables sync.Map // name -> func() *dbcs

// dbcsByName returns the double-byte table of a Printer.DoubleByte name;
// "" is gbk.
func dbcsByName(name string) (*dbcs, bool) {
	var enc encoding.Encoding
	switch name {
	case "", "gbk", "gb18030":
		name, enc = "gbk", simplifiedchinese.GBK
	case "big5":
		enc = traditionalchinese.Big5
	case "shift-jis":
		enc = japanese.ShiftJIS
	case "euc-kr":
		enc = korean.EUCKR
	default:
		return nil, false
	}
	f, _ := dbcsTables.LoadOrStore(name, sync.OnceValue(func() *dbcs { return buildDBCS(name, enc) }))
	return f.(func() *dbcs)(), true
}

// buildDBCS tabulates every pair and single byte of enc. Private use code
// points (user-defined areas) print nothing useful and are left out.
func buildDBCS(name string, enc encoding.Encoding) *dbcs {
	t := &dbcs{name: name, pairs: make([]rune, 126*191), four: name == "gbk"}
	dec := enc.NewDecoder()
	one := func(b []byte) rune {
		out, err := dec.Bytes(b)
		if err != nil {
			return 0
		}
		r, size := utf8.DecodeRune(out)
		if size != len(out) || r == utf8.RuneError || isPrivateUse(r) {
			return 0
		}
		return r
	}
	for lead := 0x81; lead <= 0xFE; lead++ {
		for trail := 0x40; trail <= 0xFE; trail++ {
			if r := one([]byte{byte(lead), byte(trail)}); r != 0 {
				t.pairs[(lead-0x81)*191+(trail-0x40)] = r
				t.lead[lead] = true
			}
		}
	}
	for b := 0x80; b <= 0xFF; b++ {
		if !t.lead[b] {
			t.single[b-0x80] = one([]byte{byte(b)})
		}
	}
	return t
}

func isPrivateUse(r rune) bool { return r >= 0xE000 && r <= 0xF8FF }

// pair returns the rune of a double-byte pair, or 0.
func (t *dbcs) pair(lead, trail byte) rune {
	if lead < 0x81 || lead > 0xFE || trail < 0x40 || trail > 0xFE {
		return 0
	}
	return t.pairs[(int(lead)-0x81)*191+int(trail)-0x40]
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

// appendDBCS decodes a run of text bytes printed in double-byte mode. A
// byte that does not start a valid character (a stray lead byte, a pair in
// a user-defined area) is dropped and counted, and decoding goes on at the
// next byte, so the run re-aligns by itself. A lead byte left alone at the
// end of the run is not decoded: dangling reports it to the caller, which
// may join it with the next run (a pair split by a command).
func appendDBCS(dst []byte, run []byte, t *dbcs) (out []byte, bad int, dangling bool) {
	for i := 0; i < len(run); {
		b := run[i]
		switch {
		case b < 0x7F: // ASCII: the run of it at once
			j := i + 1
			for j < len(run) && run[j] < 0x7F {
				j++
			}
			dst = append(dst, run[i:j]...)
			i = j
			continue
		case b == 0x7F:
			bad++
			i++
			continue
		case !t.lead[b]:
			if r := t.single[b-0x80]; r != 0 {
				dst = utf8.AppendRune(dst, r)
			} else {
				bad++
			}
			i++
			continue
		}
		if i+1 == len(run) {
			return dst, bad, true
		}
		if tr := run[i+1]; t.four && tr >= 0x30 && tr <= 0x39 {
			if i+3 < len(run) {
				if r := gb18030Four(run[i : i+4]); r != 0 {
					dst = utf8.AppendRune(dst, r)
					i += 4
					continue
				}
			}
		} else if r := t.pair(b, tr); r != 0 {
			dst = utf8.AppendRune(dst, r)
			i += 2
			continue
		}
		bad++
		i++
	}
	return dst, bad, false
}

// appendSingle decodes a run through a single-byte code table. It returns
// how many bytes the table could not show.
func appendSingle(dst []byte, run []byte, t *codeTable) ([]byte, int) {
	missing := 0
	for i := 0; i < len(run); i++ {
		b := run[i]
		if b < 0x7F { // ASCII: the run of it at once
			j := i + 1
			for j < len(run) && run[j] < 0x7F {
				j++
			}
			dst = append(dst, run[i:j]...)
			i = j - 1
			continue
		}
		r := t.runes[b]
		if r == utf8.RuneError {
			missing++
		}
		dst = utf8.AppendRune(dst, r)
	}
	return dst, missing
}
