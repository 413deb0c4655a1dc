package reconcile

import (
	"bytes"
	"fmt"
	"strings"
	"unicode/utf8"

	"golang.org/x/text/encoding"
	"golang.org/x/text/encoding/charmap"
	"golang.org/x/text/encoding/simplifiedchinese"
	"golang.org/x/text/encoding/unicode"
)

// Encodings are the names Options.Encoding takes ("" detects).
var Encodings = []string{"utf-8", "utf-16", "gbk", "windows-1252", "latin-1"}

// decode turns a statement's bytes into UTF-8 text and names the encoding
// it read. name forces one of Encodings; "" detects: a byte order mark
// (UTF-8, UTF-16 as Excel's "Unicode text" export writes), else valid
// UTF-8, else GBK when the bytes pair up as Chinese text does, else
// Windows-1252 (which reads Latin-1 text the same, and is what Excel on a
// German or French PC writes).
func decode(b []byte, name string) ([]byte, string, error) {
	name = strings.ToLower(name)
	var bom string
	switch {
	case bytes.HasPrefix(b, []byte("\xEF\xBB\xBF")):
		b, bom = b[3:], "utf-8"
	case bytes.HasPrefix(b, []byte("\xFF\xFE")), bytes.HasPrefix(b, []byte("\xFE\xFF")):
		bom = "utf-16"
	}
	if name == "" {
		name = bom
	}
	if name == "" {
		switch {
		case utf8.Valid(b):
			name = "utf-8"
		case looksGBK(b):
			name = "gbk"
		default:
			name = "windows-1252"
		}
	}
	var enc encoding.Encoding
	switch name {
	case "utf-8", "utf8":
		if !utf8.Valid(b) {
			return nil, name, fmt.Errorf("reconcile: statement is not valid UTF-8 (try --encoding gbk or windows-1252): %w", ErrStatement)
		}
		return b, "utf-8", nil
	case "utf-16", "utf16":
		enc = unicode.UTF16(unicode.LittleEndian, unicode.UseBOM)
	case "gbk", "gb18030":
		enc = simplifiedchinese.GB18030 // a superset of GBK
	case "windows-1252", "cp1252":
		enc = charmap.Windows1252
	case "latin-1", "latin1", "iso-8859-1":
		enc = charmap.ISO8859_1
	default:
		return nil, name, fmt.Errorf("reconcile: encoding %q: want one of %s: %w", name, strings.Join(Encodings, ", "), ErrStatement)
	}
	out, err := enc.NewDecoder().Bytes(b)
	if err != nil {
		return nil, name, fmt.Errorf("reconcile: statement is not %s: %w: %w", name, ErrStatement, err)
	}
	return bytes.TrimPrefix(out, []byte("\xEF\xBB\xBF")), name, nil
}

// looksGBK says whether every byte above ASCII starts a GBK pair and most
// pairs are two high bytes, as Chinese text is. Latin-1 and Windows-1252
// text has lone high bytes between ASCII letters ("M\xfcller", "Caf\xe9,"),
// which GBK would read as rare pairs with an ASCII trail byte or not at
// all.
func looksGBK(b []byte) bool {
	strong, weak := 0, 0
	for i := 0; i < len(b); i++ {
		c := b[i]
		if c < 0x80 {
			continue
		}
		if c == 0x80 || c == 0xFF || i+1 == len(b) {
			return false
		}
		t := b[i+1]
		switch {
		case t >= 0x80 && t != 0xFF:
			strong++
		case t >= 0x40 && t != 0x7F:
			weak++
		default:
			return false
		}
		i++
	}
	return strong > 0 && weak <= strong/4
}
