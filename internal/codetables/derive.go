package main

import (
	"bufio"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"unicode"

	"golang.org/x/text/unicode/norm"
)

// vn3 derives TCVN 5712:1993 level VN3 (Epson's "TCVN-3 (Vietnamese) 1",
// ESC t 30) from glibc's TCVN5712-1, which is level VN1. VN3 keeps, in
// the upper half, the seven base capitals Ă Â Ê Ô Ơ Ư Đ at 0xA1-0xA7 and
// the lowercase letters; VN1's combining tone marks (0xB0-0xB4), its
// capitals with tone marks and its no-break space are not in VN3. The
// lowercase letters agree position for position with escpos-printer-db's
// transcription of Epson's page (data/encoding.yml, TCVN-3-1).
func vn3(up [128]rune) ([128]rune, error) {
	var out [128]rune
	n := 0
	for i, r := range up {
		b := 0x80 + i
		if (b >= 0xA1 && b <= 0xA7 && unicode.IsUpper(r)) || (b > 0xA7 && unicode.IsLower(r)) {
			out[i] = r
			n++
		}
	}
	if n != 74 { // 7 capitals, 67 lowercase letters
		return out, fmt.Errorf("VN3 subset has %d letters, want 74: not the TCVN5712-1 charmap expected", n)
	}
	return out, nil
}

// vn3Capitals derives Epson's "TCVN-3 (Vietnamese) 2" (ESC t 31): the
// capitals font of VN3, which prints every letter of the VN3 table as its
// capital (the .VnTimeH fonts of the ABC standard do the same).
func vn3Capitals(up [128]rune) ([128]rune, error) {
	out, err := vn3(up)
	for i, r := range out {
		if r != 0 {
			out[i] = unicode.ToUpper(r)
		}
	}
	return out, err
}

// agrees reports whether a vendor's character v may stand where the
// standard charmap has std: the standard has none (or a C1 control), the
// same character, or a compatibility form of it (glibc's JIS_X0201 maps
// the katakana to full width and the sound marks to spacing ones; the
// printer prints them in one narrow cell).
func agrees(std, v rune) bool {
	return std == 0 || unicode.IsControl(std) || std == v ||
		strings.TrimSpace(norm.NFKD.String(string(std))) == norm.NFKD.String(string(v))
}

// fromVendors derives a table from vendors' tables (files under dir, lines
// "0xNN<TAB>0xUUUU", an empty value for a byte with no character): a byte
// takes the first table's character that every other source (up, the
// glibc charmap's upper half when there is one, and the other tables)
// either lacks or agrees with. Where two sources disagree the byte is left
// undefined (shown as U+FFFD), never guessed.
func fromVendors(dir string, files []string, up [128]rune) ([128]rune, error) {
	var out [128]rune
	tabs := make([][128]rune, len(files))
	for i, file := range files {
		var err error
		if tabs[i], err = readVendor(filepath.Join(dir, file)); err != nil {
			return out, err
		}
	}
	for b := range out {
		var v rune
		for _, t := range tabs {
			if v == 0 {
				v = t[b]
			}
		}
		ok := v != 0 && agrees(up[b], v)
		for _, t := range tabs {
			ok = ok && (t[b] == 0 || t[b] == v || agrees(t[b], v) || agrees(v, t[b]))
		}
		if ok {
			out[b] = v
		}
	}
	return out, nil
}

// readVendor reads one vendor table.
func readVendor(path string) ([128]rune, error) {
	var out [128]rune
	f, err := os.Open(path)
	if err != nil {
		return out, err
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for ln := 1; sc.Scan(); ln++ {
		line, _, _ := strings.Cut(sc.Text(), "#")
		fields := strings.Fields(line)
		if len(fields) == 0 {
			continue
		}
		b, err := strconv.ParseUint(strings.TrimPrefix(fields[0], "0x"), 16, 8)
		if err != nil || b < 0x80 {
			return out, fmt.Errorf("%s:%d: byte %q: want 0x80-0xff", path, ln, fields[0])
		}
		if len(fields) < 2 {
			continue
		}
		u, err := strconv.ParseUint(strings.TrimPrefix(fields[1], "0x"), 16, 32)
		if err != nil || u == 0 || u > unicode.MaxRune {
			return out, fmt.Errorf("%s:%d: code point %q: want 0x1-0x10ffff", path, ln, fields[1])
		}
		out[b-0x80] = rune(u)
	}
	if err := sc.Err(); err != nil {
		return out, fmt.Errorf("%s: %w", path, err)
	}
	return out, nil
}
