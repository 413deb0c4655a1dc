package escpos

import (
	"strings"
	"testing"
)

// TestLengthTable runs every row of ESCPOS.md section 1: each command is
// followed by "Z" and a line feed, and its arguments and data are printable
// 'X' bytes, so a length one byte short leaks an X into the text and one
// byte long eats the Z.
func TestLengthTable(t *testing.T) {
	rows := []struct{ name, cmd string }{
		{"ESC @", "\x1b@"},
		{"ESC ! n", "\x1b!X"}, {"ESC E n", "\x1bEX"}, {"ESC G n", "\x1bGX"}, {"ESC - n", "\x1b-X"},
		{"ESC M n", "\x1bMX"}, {"ESC a n", "\x1baX"}, {"ESC { n", "\x1b{X"}, {"ESC 3 n", "\x1b3X"},
		{"ESC R n", "\x1bRX"}, {"ESC t n", "\x1btX"}, {"ESC SP n", "\x1b X"}, {"ESC % n", "\x1b%X"},
		{"ESC = n", "\x1b=X"}, {"ESC ? n", "\x1b?X"}, {"ESC T n", "\x1bTX"}, {"ESC U n", "\x1bUX"},
		{"ESC V n", "\x1bVX"}, {"ESC r n", "\x1brX"},
		{"ESC c 5 n", "\x1bc5X"}, {"ESC c 3 n", "\x1bc3X"}, {"ESC c 4 n", "\x1bc4X"},
		{"GS ! n", "\x1d!X"}, {"GS B n", "\x1dBX"}, {"GS b n", "\x1dbX"}, {"GS H n", "\x1dHX"},
		{"GS h n", "\x1dhX"}, {"GS w n", "\x1dwX"}, {"GS f n", "\x1dfX"},
		{"FS ! n", "\x1c!X"}, {"FS - n", "\x1c-X"}, {"FS C n", "\x1cCX"}, {"FS W n", "\x1cWX"},
		{"ESC d n", "\x1bdX"}, {"ESC J n", "\x1bJX"}, {"ESC K n", "\x1bKX"}, {"ESC e n", "\x1beX"},
		{"GS V 0", "\x1dV\x00"}, {"GS V 48", "\x1dV0"}, {"GS V 1", "\x1dV\x01"}, {"GS V 49", "\x1dV1"},
		{"GS V 65 n", "\x1dVAX"}, {"GS V 66 n", "\x1dVBX"}, {"GS V 97 n", "\x1dVaX"},
		{"GS V 98 n", "\x1dVbX"}, {"GS V 103 n", "\x1dVgX"}, {"GS V 104 n", "\x1dVhX"},
		{"ESC i", "\x1bi"}, {"ESC m", "\x1bm"},
		{"FS &", "\x1c&"}, {"FS .", "\x1c."},
		{"FS S n1 n2", "\x1cSXX"}, {"FS ? c1 c2", "\x1c?XX"}, {"FS p n m", "\x1cpXX"},
		{"ESC p m t1 t2", "\x1bpXXX"},
		{"DLE DC4 1", "\x10\x14\x01XX"}, {"DLE DC4 2", "\x10\x14\x02XX"}, {"DLE DC4 3", "\x10\x14\x03XXXXX"},
		{"DLE DC4 7", "\x10\x14\x07X"}, {"DLE DC4 8", "\x10\x14\x08XXXXXXX"},
		{"DLE EOT 1", "\x10\x04\x01"}, {"DLE EOT 4", "\x10\x04\x04"},
		{"DLE EOT 7", "\x10\x04\x07X"}, {"DLE EOT 8", "\x10\x04\x08X"}, {"DLE EOT 18", "\x10\x04\x12X"},
		{"DLE ENQ n", "\x10\x05X"},
		{"GS a n", "\x1daX"}, {"GS r n", "\x1drX"}, {"GS I n", "\x1dIX"},
		{"ESC * 0", "\x1b*\x00\x03\x00XXX"}, {"ESC * 1", "\x1b*\x01\x02\x00XX"},
		{"ESC * 32", "\x1b* \x02\x00XXXXXX"}, {"ESC * 33", "\x1b*!\x01\x00XXX"},
		{"GS v 0", "\x1dv0\x00\x02\x00\x03\x00XXXXXX"},
		{"GS ( L", "\x1d(L\x04\x00XXXX"}, {"GS ( k", "\x1d(k\x03\x001QX"}, {"FS ( A", "\x1c(A\x02\x00XX"},
		{"ESC ( A", "\x1b(A\x03\x00XXX"},
		{"GS 8 L", "\x1d8L\x05\x00\x00\x00XXXXX"},
		{"GS k A", "\x1dk\x04XXXX\x00"}, {"GS k B", "\x1dkI\x03XXX"},
		{"ESC D", "\x1bD\x08\x10\x18\x00"},
		{"ESC & 2 glyphs", "\x1b&\x02AB\x02XXXX\x01XX"}, {"ESC & no glyph", "\x1b&\x02BA"},
		{"FS q 2 images", "\x1cq\x02\x01\x00\x01\x00XXXXXXXX\x01\x00\x02\x00" + strings.Repeat("X", 16)},
		{"FS q no image", "\x1cq\x00"},
		{"ESC $", "\x1b$XX"}, {"ESC \\", "\x1b\\XX"}, {"GS L", "\x1dLXX"}, {"GS W", "\x1dWXX"},
		{"GS $", "\x1d$XX"}, {"GS \\", "\x1d\\XX"}, {"GS P", "\x1dPXX"},
		{"ESC W", "\x1bWXXXXXXXX"},
	}
	for _, row := range rows {
		t.Run(row.name, func(t *testing.T) {
			in := []byte(row.cmd + "Z\n")
			evs, d := decodeBytes(Options{}, in)
			// A position command moves Z right: spaces before it.
			if got := strings.TrimLeft(allText(receipts(evs)), " "); got != "Z\n" {
				t.Errorf("text = %q, want \"Z\\n\" (wrong length for %q)", got, row.cmd)
			}
			if st := d.Stats(); st.Unknown != 0 || st.Truncated != 0 {
				t.Errorf("unknown=%d truncated=%d", st.Unknown, st.Truncated)
			}
			single, _ := decodeChunks(Options{}, byteByByte(in))
			if a, b := marshalAll(t, single), marshalAll(t, evs); strings.Join(a, "") != strings.Join(b, "") {
				t.Error("byte-by-byte events differ")
			}
		})
	}
}

// TestStarLengths: Star Line Mode commands that differ from Epson.
func TestStarLengths(t *testing.T) {
	for _, cmd := range []string{"\x1biXX", "\x1bWX", "\x1bhX", "\x1bE", "\x1bF", "\x1b4", "\x1b5"} {
		evs, _ := decodeBytes(Options{StarLineMode: true}, []byte(cmd+"Z\n"))
		if got := allText(receipts(evs)); got != "Z\n" {
			t.Errorf("%q: text = %q", cmd, got)
		}
	}
}
