package escpos

import (
	"strings"
	"testing"
	"time"

	"github.com/tillwatch/tillwatch/drivers"
)

// cat joins byte strings.
func cat(parts ...string) []byte { return []byte(strings.Join(parts, "")) }

const (
	init_   = "\x1b@"
	cutFull = "\x1dV\x00"
)

// TestJobs covers how jobs start and end, fed in one chunk.
func TestJobs(t *testing.T) {
	type want struct {
		ended string
		cut   bool
		kick  bool
		gfx   bool
		lines string // lines joined with "/"
	}
	tests := []struct {
		name string
		opts Options
		in   []byte
		want []want
		unk  int
	}{
		{"init text cut", Options{}, cat(init_, "A\n", cutFull), []want{{"cut", true, false, false, "A"}}, 0},
		{"text without init", Options{}, cat("A\r\nB\r\n", cutFull), []want{{"cut", true, false, false, "A/B"}}, 0},
		{"init after content ends the job", Options{}, cat(init_, "A\n", init_, "B\n", cutFull),
			[]want{{"init", false, false, false, "A"}, {"cut", true, false, false, "B"}}, 0},
		{"init after cut makes no receipt", Options{}, cat(init_, "A\n", cutFull, init_, init_), []want{{"cut", true, false, false, "A"}}, 0},
		{"cut with nothing printed", Options{}, cat(init_, "\n\n", cutFull), nil, 0},
		{"uncut job at end of input", Options{}, cat(init_, "A\n"), []want{{"eof", false, false, false, "A"}}, 0},
		{"drawer kick after cut", Options{}, cat("A\n", "\x1dVA\x03", "\x1bp\x00\x19\xfa"), []want{{"cut", true, true, false, "A"}}, 0},
		{"DLE DC4 1 kick in job", Options{}, cat("A\n", "\x10\x14\x01\x00\x05", cutFull), []want{{"cut", true, true, false, "A"}}, 0},
		{"ESC i and ESC m cut", Options{}, cat("A\n\x1bi", "B\n\x1bm"), []want{{"cut", true, false, false, "A"}, {"cut", true, false, false, "B"}}, 0},
		{"ESC d feeds on Epson", Options{}, cat("A\n\x1bd\x03B\n", cutFull), []want{{"cut", true, false, false, "A/B"}}, 0},
		{"ESC d cuts in Star Line Mode", Options{StarLineMode: true}, cat("A\n\x1bd\x03B\n"),
			[]want{{"cut", true, false, false, "A"}, {"eof", false, false, false, "B"}}, 0},
		{"graphics only", Options{}, cat(init_, "\x1dv0\x00\x01\x00\x02\x00\xff\xff", cutFull), []want{{"cut", true, false, true, ""}}, 0},
		// node-thermal-printer's short ESC p: the printer eats the next
		// "1B 70" as t1 t2, and so do we.
		{"short ESC p eaten like a printer", Options{}, cat("A\n\x1bp\x00\x1bp\x01B\n", cutFull), []want{{"cut", true, true, false, "A/B"}}, 0},
		{"barcode data is not text", Options{}, cat("A\n\x1dk\x0412345\x00\x1dkI\x0212X", "B\n", cutFull), []want{{"cut", true, false, false, "A/XB"}}, 0},
		{"unknown ESC skips two bytes", Options{}, cat("A\x1bqB\n", cutFull), []want{{"cut", true, false, false, "AB"}}, 1},
		{"unknown DLE is one byte", Options{}, cat("A\x10B\n", cutFull), []want{{"cut", true, false, false, "AB"}}, 0},
		{"LF CR and CR LF are one line", Options{}, cat("A\n\rB\r\nC\n\n", cutFull), []want{{"cut", true, false, false, "A/B/C/"}}, 0},
		{"tab stops until NUL", Options{}, cat("\x1bD\x08\x10\x00A\tB\n", cutFull), []want{{"cut", true, false, false, "A B"}}, 0},
		{"text before cut without LF", Options{}, cat("A\nB", cutFull), []want{{"cut", true, false, false, "A/B"}}, 0},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			evs, d := decodeBytes(tc.opts, tc.in)
			rs := receipts(evs)
			if len(rs) != len(tc.want) {
				t.Fatalf("got %d receipts, want %d: %+v", len(rs), len(tc.want), rs)
			}
			for i, w := range tc.want {
				r := rs[i]
				var lines []string
				for _, l := range r.Lines {
					lines = append(lines, l.Text)
				}
				got := want{r.Ended, r.Cut, r.DrawerKick, r.GraphicsOnly, strings.Join(lines, "/")}
				if got != w {
					t.Errorf("receipt %d = %+v, want %+v", i, got, w)
				}
			}
			if u := d.Stats().Unknown; u != tc.unk {
				t.Errorf("unknown = %d, want %d", u, tc.unk)
			}
			// Same events byte by byte.
			single, _ := decodeChunks(tc.opts, byteByByte(tc.in))
			if a, b := marshalAll(t, single), marshalAll(t, evs); strings.Join(a, "\n") != strings.Join(b, "\n") {
				t.Errorf("byte-by-byte events differ:\n%v\n%v", a, b)
			}
		})
	}
}

// TestJobTimes: Start is the first byte's chunk time, Time the cut's; an
// idle job keeps the time of its last byte, never the flush time.
func TestJobTimes(t *testing.T) {
	d := New(Options{})
	t1, t2, t3 := t0.Add(time.Second), t0.Add(2*time.Second), t0.Add(3*time.Second)
	feed := func(at time.Time, s string) []drivers.Event {
		return d.Feed(drivers.Chunk{Time: at, Data: []byte(s)})
	}
	if evs := feed(t0, "\x1b@HEL"); len(evs) != 0 {
		t.Fatalf("early events %v", evs)
	}
	feed(t1, "LO\n\x1dV")
	feed(t2, "\x00") // the cut's last byte
	evs := d.Flush(t2.Add(kickWindow + time.Millisecond))
	rs := receipts(evs)
	if len(rs) != 1 || !rs[0].Start.Equal(t0) || !rs[0].Time.Equal(t2) || rs[0].Lines[0].Text != "HELLO" {
		t.Fatalf("receipt = %+v, want start t0, time t2, HELLO", rs)
	}
	// An idle job: ended by Flush after JobTimeout with its last byte's time.
	feed(t3, "BYE\n")
	if evs := d.Flush(t3.Add(DefaultJobTimeout)); len(evs) != 0 {
		t.Fatalf("ended before the timeout: %v", evs)
	}
	rs = receipts(d.Flush(t3.Add(time.Hour)))
	if len(rs) != 1 || rs[0].Ended != "idle" || rs[0].Cut || !rs[0].Time.Equal(t3) || !rs[0].Start.Equal(t3) {
		t.Fatalf("idle receipt = %+v, want Ended idle at t3", rs)
	}
	// An idle job is also ended by the next chunk, whatever Flush did.
	feed(t3, "ONE\n")
	rs = receipts(feed(t3.Add(time.Minute), "TWO\n"))
	if len(rs) != 1 || rs[0].Lines[0].Text != "ONE" || !rs[0].Time.Equal(t3) {
		t.Fatalf("idle receipt on next chunk = %+v", rs)
	}
}

// TestHeldReceipt: a cut receipt comes out at the next job byte, at Flush
// after the kick window, or at the end of input.
func TestHeldReceipt(t *testing.T) {
	d := New(Options{})
	if evs := d.Feed(drivers.Chunk{Time: t0, Data: cat("A\n", cutFull)}); len(evs) != 0 {
		t.Fatalf("cut receipt returned before its kick window: %v", evs)
	}
	if evs := d.Flush(t0.Add(time.Second)); len(evs) != 0 {
		t.Fatalf("returned inside the kick window: %v", evs)
	}
	rs := receipts(d.Feed(drivers.Chunk{Time: t0.Add(time.Second), Data: []byte("B")}))
	if len(rs) != 1 || rs[0].Lines[0].Text != "A" {
		t.Fatalf("next job byte did not release the receipt: %+v", rs)
	}
}

// TestTextModes covers code tables, Chinese mode and styles.
func TestTextModes(t *testing.T) {
	gbk := "\xba\xcf\xbc\xc6\xa3\xba128.00" // 合计：128.00
	tests := []struct {
		name string
		opts Options
		in   []byte
		want string
	}{
		{"cp437 default", Options{}, cat("\x9c5\n"), "£5"},
		{"ESC t 16 cp1252", Options{}, cat("\x1bt\x10\x805\n"), "€5"},
		{"ESC t 17 cp866", Options{}, cat("\x1bt\x11\x8f\xe0\xa8\xa2\xa5\xe2\n"), "Привет"},
		{"ESC t 19 cp858", Options{}, cat("\x1bt\x13\xd5\n"), "€"},
		{"unmapped ESC t shows U+FFFD, never a guess", Options{CodePage: "cp1252"}, cat("\x1bt\x63\x80A\n"), "\uFFFDA"},
		{"ESC t 32 cp720 has no decoder", Options{}, cat("\x1bt\x20\x80\n"), "\uFFFD"},
		{"ESC t 1 katakana", Options{}, cat("\x1bt\x01\xb1\xb2\n"), "ｱｲ"},
		{"ESC t 45 cp1250", Options{}, cat("\x1bt\x2d\x8a\n"), "Š"},
		{"ESC t 46 cp1251", Options{}, cat("\x1bt\x2e\xcf\n"), "П"},
		{"xprinter ESC t 23 cp1251", Options{Printer: mustPrinter("xprinter")}, cat("\x1c.\x1bt\x17\xcf\n"), "П"},
		{"xprinter powers up in GBK", Options{Printer: mustPrinter("xprinter")}, cat(gbk, "\n"), "合计：128.00"},
		{"star ESC GS t 32 cp1252", Options{Printer: mustPrinter("star-line")}, cat("\x1b\x1dt\x20\x80\n"), "€"},
		{"Big5", Options{Printer: mustPrinter("epson-big5")}, cat("\x1c&\xa6\x58\xad\x70\n"), "合計"},
		{"Shift-JIS", Options{Printer: mustPrinter("epson-japan")}, cat("\x1c&\x8d\x87\x8c\x76\xb1\n"), "合計ｱ"},
		{"EUC-KR", Options{Printer: mustPrinter("epson-korea")}, cat("\x1c&\xc7\xd5\xb0\xe8\n"), "합계"},
		{"CP1252 code page option", Options{CodePage: "cp1252"}, cat("\x80\n"), "€"},
		{"ESC @ restores power-on table", Options{CodePage: "cp866"}, cat("\x1bt\x10\x1b@\x8f\n"), "П"},
		{"FS & GBK", Options{}, cat("\x1c&", gbk, "\x1c.\n"), "合计：128.00"},
		{"FS . leaves Chinese mode", Options{}, cat("\x1c&\x1c.\x9c\n"), "£"},
		{"ESC R 15 Chinese", Options{}, cat("\x1bR\x0f", gbk, "\n"), "合计：128.00"},
		{"Chinese by default", Options{ChineseDefault: true}, cat(gbk, "\n"), "合计：128.00"},
		{"GB18030 four bytes", Options{ChineseDefault: true}, cat("\x81\x30\x81\x30\n"), "\u0080"},
		{"stray lead re-aligns at LF", Options{ChineseDefault: true}, cat("\xba\n", gbk, "\n"), "/合计：128.00"},
		{"pair split by a command re-aligns", Options{ChineseDefault: true}, cat("\xba\x1b!\x00\xcf\xbc\xc6\n"), "合计"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			evs, _ := decodeBytes(tc.opts, tc.in)
			var lines []string
			for _, r := range receipts(evs) {
				for _, l := range r.Lines {
					lines = append(lines, l.Text)
				}
			}
			if got := strings.Join(lines, "/"); got != tc.want {
				t.Errorf("text = %q, want %q", got, tc.want)
			}
		})
	}
}

// TestStyles checks the style recorded at a line's first character.
func TestStyles(t *testing.T) {
	in := cat("\x1b!\x08B\n\x1b!\x00\x1ba\x01C\n\x1ba\x02\x1d!\x11W\n\x1d!\x00\x1ba\x00\x1b-\x01\x1dB\x01U\n\x1b-\x00\x1dB\x00\x1bE\x01X\x1bE\x00Y\n", cutFull)
	evs, _ := decodeBytes(Options{}, in)
	rs := receipts(evs)
	if len(rs) != 1 {
		t.Fatalf("receipts = %d", len(rs))
	}
	want := []drivers.Line{
		{Text: "B", Bold: true},
		{Text: "C", Align: "center"},
		{Text: "W", DoubleHeight: true, DoubleWidth: true, Align: "right"},
		{Text: "U", Underline: true, Inverse: true},
		{Text: "XY", Bold: true},
	}
	for i, w := range want {
		if rs[0].Lines[i] != w {
			t.Errorf("line %d = %+v, want %+v", i, rs[0].Lines[i], w)
		}
	}
}

// TestBounds: lines and text per line are capped; a truncated image is
// followed, not turned into text.
func TestBounds(t *testing.T) {
	evs, d := decodeBytes(Options{}, cat(strings.Repeat("x\n", MaxLines+10), strings.Repeat("y", MaxLineBytes+50)))
	rs := receipts(evs)
	if len(rs) != 1 || len(rs[0].Lines) != MaxLines {
		t.Fatalf("lines = %d, want %d", len(rs[0].Lines), MaxLines)
	}
	if st := d.Stats(); st.Truncated != 12 {
		t.Errorf("truncated = %d, want 12 (11 lines over the cap + 1 long line)", st.Truncated)
	}
	// GS v 0 declaring 200x200 bytes but the capture ends early.
	evs, d = decodeBytes(Options{}, cat("A\n\x1dv0\x00\xc8\x00\xc8\x00", "TEXT IN IMAGE\n"))
	if rs := receipts(evs); len(rs) != 1 || allText(rs) != "A\n" {
		t.Errorf("truncated image leaked text: %q", allText(rs))
	}
	if st := d.Stats(); st.Truncated != 1 {
		t.Errorf("truncated = %d, want 1", st.Truncated)
	}
}

// TestUnknownAt records the offset of an unknown command.
func TestUnknownAt(t *testing.T) {
	_, d := decodeBytes(Options{}, cat("AB\x1dQ", "\x1c\x7f\n"))
	st := d.Stats()
	if st.Unknown != 2 || len(st.UnknownAt) != 2 || st.UnknownAt[0].Offset != 2 || st.UnknownAt[1].String() != "offset 4: 1C 7F" {
		t.Fatalf("unknown = %d %v", st.Unknown, st.UnknownAt)
	}
}

// TestRender shows a receipt as a person reads it.
func TestRender(t *testing.T) {
	r := &drivers.Receipt{Lines: []drivers.Line{{Text: "TOTAL 1.00"}}, Ended: "idle", DrawerKick: true}
	want := "TOTAL 1.00\n--- NOT CUT (idle) ---\n--- drawer kick ---\n"
	if got := Render(r); got != want {
		t.Errorf("Render = %q, want %q", got, want)
	}
	r = &drivers.Receipt{Cut: true, Ended: "cut", GraphicsOnly: true}
	if got := Render(r); got != "[graphics only: no text]\n--- cut ---\n" {
		t.Errorf("Render = %q", got)
	}
}

// TestValidate rejects options the decoder cannot honour.
func TestValidate(t *testing.T) {
	if err := (Options{CodePage: "cp1252"}).Validate(); err != nil {
		t.Errorf("cp1252: %v", err)
	}
	err := (Options{CodePage: "latin9"}).Validate()
	if err == nil || !strings.HasPrefix(err.Error(), "escpos: unknown code page \"latin9\"") {
		t.Errorf("latin9: %v", err)
	}
}
