package escpos

import (
	"strings"
	"testing"
)

// TestPositions: lines come out as the paper shows them: a jump with
// ESC $ / ESC \ is blank space on the same line, double width takes twice
// the room, and a line wraps where it leaves the print area (paper width,
// GS W, measured from the left margin GS L; the paper less the margin).
func TestPositions(t *testing.T) {
	const total = "\x1c&\xba\xcf\xbc\xc6\x1c." // 合计 in GBK
	tests := []struct {
		name  string
		paper int
		in    string
		want  string // lines joined with "/"
	}{
		{"double-width amount placed with ESC $ is one line", 576,
			total + "\x1b$\x20\x01\x1b!\x20RMB 15.00\x1b!\x00\n", "合计                    RMB 15.00"},
		{"amount placed with ESC \\ (relative)", 576,
			"TOTAL\x1b\\\x3c\x00" + "15.00\n", "TOTAL     15.00"},
		{"GS ! double width also counts twice", 576,
			"\x1d!\x10" + "123456789012345678901234567\n", "123456789012345678901234/567"},
		{"double width wraps at 24 characters on 80 mm", 576,
			"\x1b!\x20" + "The quick brown fox jumps over\n", "The quick brown fox jump/s over"},
		{"GS W narrows the print area", 576,
			"\x1dW\x78\x00" + "page width 120\n", "page width/ 120"},
		{"GS L moves the margin: less room", 576,
			"\x1dL\x00\x02" + "left margin 512\n", "left/margi/n 512"},
		{"GS W is measured from the GS L margin: the amount fits (receiptline 4.0.4's column)", 576,
			"\x1dL\x54\x00\x1dW\x8c\x01AMOUNT:\x1b$\x9c\x00\x1b\\\x18\x00\x1d!\x10RMB 15.00\n", "AMOUNT:        RMB 15.00"},
		{"GS W beyond the paper is cut at the paper's edge", 576,
			"\x1dL\x00\x02\x1dW\x40\x02" + "left margin 512\n", "left/margi/n 512"},
		{"a single-byte page's kanji take one narrow cell (Katakana 0xF1-0xFD)", 576,
			"\x1bt\x01" + strings.Repeat("\xf2", 48) + "\n", strings.Repeat("年", 48)},
		{"Thai marks print over the letter before them: 48 letters a line, never split from their marks", 576,
			"\x1bt\x15" + strings.Repeat("\xa1\xe8", 47) + "\xa1\xe8\xa1\xe8\n", strings.Repeat("ก่", 48) + "/ก่"},
		{"double-byte characters take two", 576,
			"\x1c&" + strings.Repeat("\xc4\xea", 25) + "\x1c.\n", strings.Repeat("年", 24) + "/年"},
		{"GS L in the middle of a line is ignored, as the printer does", 576,
			"abc\x1dL\x00\x02def\nleft margin 512\n", "abcdef/left margin 512"},
		{"GS W after an indent still counts: nothing printed yet", 576,
			"\x1b$\x0c\x00\x1dW\x78\x00page width 120\n", " page widt/h 120"},
		{"unknown paper: no wrap", 0,
			"\x1b!\x20" + "The quick brown fox jumps over\n", "The quick brown fox jumps over"},
		{"moving left prints over (the printer ORs the dots; the later character is kept)", 576,
			"ABCDEF\x1b$\x0c\x00XY\n", "AXYDEF"},
		{"rules first, text between them (receiptline's table)", 576,
			"\x1b$\x00\x00|\x1b\\\xf0\x00|\x1b\\\x2c\x01|\x1b$\x0c\x00Cash\x1b$\x08\x01\x1b\\\xf0\x0020.00\n",
			"|Cash                |                    20.00|"},
		{"double width placed on a line printed over keeps its one space", 576,
			"|\x1b$\x00\x00\x1b$\x0c\x00\x1b!\x20RMB 15\n", "|RMB 15"},
		{"a space prints no dots: what it covers stays", 576,
			"xxxxxxxx\x1b$\x00\x00\x1b!\x20RMB 15\n", "RMBxx15"},
		{"ESC @ clears blank space sent before it (esc-pos-encoder 3.0.0 centres that way)", 576,
			"             \x1b@ExampleMart\n", "ExampleMart"},
		{"moving left over blank space only starts again", 576,
			"\x1b$\x00\x01\x1b$\x18\x00AB\n", "  AB"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			for _, chunks := range [][][]byte{{[]byte(tc.in + cutFull)}, byteByByte([]byte(tc.in + cutFull))} {
				evs, _ := decodeChunks(Options{PaperDots: tc.paper}, chunks)
				if got := receiptText(evs); got != tc.want {
					t.Fatalf("lines %q, want %q", got, tc.want)
				}
			}
		})
	}
}

// TestStarPositions: Star Line Mode places text with ESC GS A / ESC GS R
// and expands it with ESC i / ESC W; where new text falls on old, the old
// print data stays (Star Line Mode Command Specifications).
func TestStarPositions(t *testing.T) {
	tests := []struct{ name, in, want string }{
		{"ESC GS A absolute, ESC i double width amount on one line",
			"TOTAL\x1b\x1dA\x20\x01\x1bi\x00\x01RMB 15.00\x1bi\x00\x00\n", "TOTAL                   RMB 15.00"},
		{"ESC GS R relative", "TOTAL\x1b\x1dR\x3c\x0015.00\n", "TOTAL     15.00"},
		{"ESC W 1 double width wraps at 24", "\x1bW\x01" + strings.Repeat("x", 25) + "\n", strings.Repeat("x", 24) + "/x"},
		{"ESC GS R left: the old print data stays", "ABCDEF\x1b\x1dR\xe8\xffXYZ\n", "ABCDEFZ"},
		{"ESC i out of range is ignored", "\x1bi\x00\x09" + strings.Repeat("x", 25) + "\n", strings.Repeat("x", 25)},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			for _, chunks := range [][][]byte{{[]byte(tc.in + "\x1bd\x02")}, byteByByte([]byte(tc.in + "\x1bd\x02"))} {
				evs, d := decodeChunks(Options{PaperDots: 576, StarLineMode: true}, chunks)
				if d.Stats().Unknown != 0 {
					t.Fatalf("%d unknown commands", d.Stats().Unknown)
				}
				if got := receiptText(evs); got != tc.want {
					t.Fatalf("lines %q, want %q", got, tc.want)
				}
			}
		})
	}
}
