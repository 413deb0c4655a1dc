package videofeed

import (
	"bytes"
	"encoding/binary"
	"slices"
	"testing"

	"github.com/mozillazg/go-pinyin"

	"github.com/tillwatch/tillwatch/internal/golden"
)

// TestPinyinTable: the embedded table (pinyin.go) gives, for every
// character in go-pinyin's dictionary, what go-pinyin's LazyPinyin gives
// in its Normal style (go-pinyin is a test dependency only: its package
// initialisation builds the whole dictionary on the heap). With -update
// it rewrites pinyin.bin from go-pinyin.
func TestPinyinTable(t *testing.T) {
	args := pinyin.NewArgs()
	runes := make([]int, 0, len(pinyin.PinyinDict))
	for r := range pinyin.PinyinDict {
		runes = append(runes, r)
	}
	slices.Sort(runes)
	var syls []string
	index := map[string]int{}
	var recs []byte
	for _, r := range runes {
		py := pinyin.LazyPinyin(string(rune(r)), args)
		if len(py) == 0 || py[0] == "" {
			continue
		}
		p := py[0]
		if len(p) > pinyinSylLen || r >= 1<<24 {
			t.Fatalf("U+%04X: %q does not fit the table's layout", r, p)
		}
		i, ok := index[p]
		if !ok {
			i = len(syls)
			index[p] = i
			syls = append(syls, p)
		}
		recs = append(recs, byte(r>>16), byte(r>>8), byte(r), byte(i>>8), byte(i))
	}
	var b bytes.Buffer
	b.Write(binary.BigEndian.AppendUint16(nil, uint16(len(syls))))
	for _, s := range syls {
		b.WriteString(s)
		b.Write(make([]byte, pinyinSylLen-len(s)))
	}
	b.Write(recs)
	golden.Check(t, "pinyin.bin", b.Bytes())
	if golden.Updating() {
		return
	}
	for _, r := range runes {
		want := ""
		if py := pinyin.LazyPinyin(string(rune(r)), args); len(py) > 0 {
			want = py[0]
		}
		if got, ok := pinyinOf(rune(r)); got != want || ok != (want != "") {
			t.Fatalf("U+%04X %c: table %q %v, go-pinyin %q", r, rune(r), got, ok, want)
		}
	}
	for _, r := range []rune{'a', '1', 0x2FFF, 0x10FFFF, -1} {
		if got, ok := pinyinOf(r); ok {
			t.Errorf("U+%04X: table %q, want none", r, got)
		}
	}
	t.Logf("%d characters, %d syllables, %d bytes", len(recs)/pinyinRecLen, len(syls), b.Len())
}
