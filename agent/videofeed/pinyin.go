package videofeed

import (
	_ "embed"
	"encoding/binary"
	"strings"
)

// Chinese characters as tone-less pinyin, without go-pinyin in the binary.
//
// go-pinyin keeps its dictionary in a map literal of 41,000 entries that
// its package initialisation builds: 1.8 MB of heap and another megabyte
// of the binary paged in at every start, in every agent, though only a
// video feed with encoding latin1 reads it (issue 15: idle RSS). Its data
// is kept here instead as a sorted table the binary maps read-only
// (pinyin.bin, embedded): nothing is allocated, and only the pages a
// lookup touches are read, when a feed first needs them. The table is
// go-pinyin's first reading of each character in its Normal style, as
// pinyin.LazyPinyin gives it (go-pinyin's dictionary comes from
// pinyin-data, MIT licence); TestPinyinTable compares every entry with
// go-pinyin and rewrites the table with -update.
//
// pinyin.bin: a big-endian uint16 count of syllables, each in 8 bytes
// padded with zero bytes, then one 5-byte record per character, sorted:
// the code point in 3 bytes and the index of its syllable in 2.
//
//go:embed pinyin.bin
var pinyinTable string

// Table layout.
const (
	pinyinSylLen = 8
	pinyinRecLen = 5
)

// pinyinOf returns r's tone-less pinyin in lower case ("shua" for 刷), or
// false when the table has no reading for it.
func pinyinOf(r rune) (string, bool) {
	t := pinyinTable
	if len(t) < 2 {
		return "", false
	}
	nsyl := int(binary.BigEndian.Uint16([]byte(t[:2])))
	syls := t[2 : 2+nsyl*pinyinSylLen]
	recs := t[2+nsyl*pinyinSylLen:]
	lo, hi := 0, len(recs)/pinyinRecLen
	for lo < hi {
		m := int(uint(lo+hi) >> 1)
		rec := recs[m*pinyinRecLen : (m+1)*pinyinRecLen]
		c := rune(rec[0])<<16 | rune(rec[1])<<8 | rune(rec[2])
		switch {
		case c < r:
			lo = m + 1
		case c > r:
			hi = m
		default:
			i := int(rec[3])<<8 | int(rec[4])
			if i >= nsyl {
				return "", false
			}
			s := syls[i*pinyinSylLen : (i+1)*pinyinSylLen]
			return strings.TrimRight(s, "\x00"), true
		}
	}
	return "", false
}
