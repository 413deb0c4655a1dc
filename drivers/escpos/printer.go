package escpos

import (
	"fmt"
	"maps"
	"slices"
	"strings"
)

// Printer is a printer profile: how one family of printers reads bytes.
// The ESC/POS command set is shared; what differs between vendors and
// clones is which table ESC t n selects, which double-byte character set
// Chinese/Kanji mode prints, whether the printer powers up in that mode,
// Star Line Mode quirks and the commands clones add. Builtin profiles are
// in BuiltinPrinters; a Printer literal works as well (Validate it).
type Printer struct {
	// Name identifies the profile ("epson", "star-line", ...).
	Name string
	// CodePage is the single-byte table at power-on and after ESC @
	// (one of CodePages()); "" is cp437.
	CodePage string
	// CodeTables maps the n of ESC t n (ESC GS t n in Star Line Mode) to
	// a table name. A name the decoder has no mapping for (e.g. "cp857")
	// and a number the map lacks select a table that shows bytes >= 0x80
	// as U+FFFD, counted in Stats.NoTable: never guessed.
	CodeTables map[byte]string
	// DoubleByte is the character set of Chinese/Kanji mode (FS &, ESC R
	// 15, or power-on with ChineseDefault): "gbk" (default; GB18030
	// four-byte sequences included), "big5", "shift-jis" or "euc-kr".
	DoubleByte string
	// ChineseDefault says the printer powers up in double-byte mode, so
	// raw GBK (or Big5, ...) arrives with no FS &.
	ChineseDefault bool
	// StarLineMode selects Star Line Mode: ESC d n cuts, BEL kicks the
	// drawer, ESC GS t n selects the code table, ESC GS a n justifies,
	// ESC i n1 n2 / ESC W n / ESC h n expand, ESC E / ESC F take no
	// argument, ESC b ... RS is a barcode, ESC GS y is a QR code.
	StarLineMode bool
	// DotsPerInch is the print head's horizontal dot density, which turns
	// positions given in GS P motion units (1/x inch) into dots; 0 is 203,
	// the density of the 12-dot Font A on 576 dots (80 mm) or 384 (58 mm).
	// Epson's TM-T88 family prints 180. Without GS P a position is in dots
	// on any printer (the default unit is the dot pitch).
	DotsPerInch int
	// Extra lists commands this printer adds to (or changes in) the
	// ESC/POS set; they are looked up before the built-in table.
	Extra []Command
}

// Command is a command a clone adds: its two-byte prefix, its fixed
// length, and an optional body whose length is the product of header
// bytes (e.g. DC2 * r n d[r*n]: Body {2, 3}).
type Command struct {
	// Prefix is the command's first two bytes, e.g. "\x1b7" or "\x12#".
	// A first byte that is not ESC, GS, FS or DLE (DC2) becomes a command
	// prefix for this printer.
	Prefix string
	// Len is the header length including the prefix (>= 2, <= 16).
	Len int
	// Body lists header byte indexes whose values multiply to the number
	// of data bytes after the header; empty for none.
	Body []int
	// Does says what the command does to a receipt: "" (a setting),
	// "cut", "kick" (cash drawer) or "graphics" (prints an image).
	Does string
}

// Validate reports a profile the decoder cannot honour.
func (p *Printer) Validate() error {
	if _, ok := codePageByName(p.CodePage); !ok {
		return fmt.Errorf("escpos: printer %q: unknown code page %q (want one of %s)", p.Name, p.CodePage, strings.Join(CodePages(), ", "))
	}
	if p.DoubleByte != "" && !slices.Contains(doubleByteNames, p.DoubleByte) {
		return fmt.Errorf("escpos: printer %q: unknown double-byte set %q (want %s)", p.Name, p.DoubleByte, strings.Join(doubleByteNames, ", "))
	}
	if p.DotsPerInch < 0 || p.DotsPerInch > maxDotsPerInch {
		return fmt.Errorf("escpos: printer %q: dots per inch %d outside 0 to %d", p.Name, p.DotsPerInch, maxDotsPerInch)
	}
	for i, c := range p.Extra {
		if len(c.Prefix) != 2 || c.Prefix[0] >= 0x20 || c.Len < 2 || c.Len > 16 {
			return fmt.Errorf("escpos: printer %q: extra command %d (%q): want a 2-byte prefix starting with a control byte and a length of 2 to 16", p.Name, i, c.Prefix)
		}
		for _, at := range c.Body {
			if at < 2 || at >= c.Len {
				return fmt.Errorf("escpos: printer %q: extra command %d (%q): body index %d outside its header", p.Name, i, c.Prefix, at)
			}
		}
		switch c.Does {
		case "", "cut", "kick", "graphics":
		default:
			return fmt.Errorf("escpos: printer %q: extra command %d (%q): unknown action %q (want cut, kick, graphics or empty)", p.Name, i, c.Prefix, c.Does)
		}
	}
	return nil
}

// tables maps ESC t numbers by profile. Source: the per-model code page
// lists of NielsLeenheer/ReceiptPrinterEncoder (MIT), which come from the
// vendors' manuals and escpos-printer-db. Tables without a decoder in
// golang.org/x/text keep their name and show U+FFFD.
var (
	epsonTables = map[byte]string{
		0: "cp437", 1: "katakana", 2: "cp850", 3: "cp860", 4: "cp863", 5: "cp865",
		11: "cp851", 12: "cp853", 13: "cp857", 14: "cp737", 15: "iso8859-7",
		16: "cp1252", 17: "cp866", 18: "cp852", 19: "cp858", 20: "thai42", 21: "thai11",
		26: "thai13", 30: "tcvn3", 31: "tcvn3-capitals",
		32: "cp720", 33: "cp775", 34: "cp855", 35: "cp861", 36: "cp862", 37: "cp864",
		38: "cp869", 39: "iso8859-2", 40: "iso8859-15", 41: "cp1098", 42: "cp774",
		43: "cp772", 44: "cp1125", 45: "cp1250", 46: "cp1251", 47: "cp1253",
		48: "cp1254", 49: "cp1255", 50: "cp1256", 51: "cp1257", 52: "cp1258", 53: "rk1048",
	}
	xprinterTables = map[byte]string{
		0: "cp437", 1: "katakana", 2: "cp850", 3: "cp860", 4: "cp863", 5: "cp865",
		6: "iso8859-1", 7: "cp1253", 8: "hebrew", 9: "cp3012", 11: "cp1255",
		16: "cp1252", 17: "cp866", 18: "cp852", 19: "cp858", 21: "latvian", 22: "cp864",
		23: "cp1251", 24: "cp737", 25: "cp1257", 33: "cp1256",
	}
	pos5890Tables = map[byte]string{
		0: "cp437", 1: "katakana", 2: "cp850", 3: "cp860", 4: "cp863", 5: "cp865",
		6: "iso8859-1", 8: "cp862", 16: "cp1252", 17: "cp866", 18: "cp852", 19: "cp858",
		23: "cp1251", 24: "cp737", 25: "cp1257", 27: "cp1258", 28: "cp864", 32: "cp1255",
		56: "cp861", 60: "cp855", 61: "cp857", 65: "cp851", 66: "cp869", 68: "cp772",
		69: "cp774", 72: "cp1250", 74: "cp3840", 91: "cp1253", 92: "cp1254", 93: "cp1256",
		94: "cp720", 96: "cp775",
	}
	// starTables is Star Line Mode's ESC GS t n.
	starTables = map[byte]string{
		0: "cp437", 1: "cp437", 2: "katakana", 4: "cp858", 5: "cp852", 6: "cp860",
		7: "cp861", 8: "cp863", 9: "cp865", 10: "cp866", 11: "cp855", 12: "cp857",
		13: "cp862", 14: "cp864", 15: "cp737", 16: "cp851", 17: "cp869", 18: "cp928",
		19: "cp772", 20: "cp774", 21: "cp874", 32: "cp1252", 33: "cp1250", 34: "cp1251",
	}
)

// csnA2Extra are the commands of the CSN-A2 / "Adafruit" panel printers
// (Adafruit_Thermal library): ESC 7 heating, ESC 8 sleep, DC2 # density,
// DC2 T self-test page, DC2 * r n bitmap.
var csnA2Extra = []Command{
	{Prefix: "\x1b7", Len: 5},
	{Prefix: "\x1b8", Len: 4},
	{Prefix: "\x12#", Len: 3},
	{Prefix: "\x12T", Len: 2, Does: "graphics"},
	{Prefix: "\x12*", Len: 4, Body: []int{2, 3}, Does: "graphics"},
}

// BuiltinPrinters returns fresh copies of the built-in printer profiles,
// by name.
func BuiltinPrinters() map[string]*Printer {
	return map[string]*Printer{
		"epson":       {Name: "epson", CodePage: "cp437", CodeTables: maps.Clone(epsonTables)},
		"epson-big5":  {Name: "epson-big5", CodePage: "cp437", CodeTables: maps.Clone(epsonTables), DoubleByte: "big5"},
		"epson-japan": {Name: "epson-japan", CodePage: "katakana", CodeTables: maps.Clone(epsonTables), DoubleByte: "shift-jis"},
		"epson-korea": {Name: "epson-korea", CodePage: "cp437", CodeTables: maps.Clone(epsonTables), DoubleByte: "euc-kr"},
		"xprinter":    {Name: "xprinter", CodePage: "cp437", CodeTables: maps.Clone(xprinterTables), DoubleByte: "gbk", ChineseDefault: true},
		"pos-5890":    {Name: "pos-5890", CodePage: "cp437", CodeTables: maps.Clone(pos5890Tables), DoubleByte: "gbk", ChineseDefault: true},
		"csn-a2":      {Name: "csn-a2", CodePage: "cp437", CodeTables: maps.Clone(epsonTables), Extra: slices.Clone(csnA2Extra)},
		"star-line":   {Name: "star-line", CodePage: "cp437", CodeTables: maps.Clone(starTables), StarLineMode: true},
	}
}

// PrinterNames lists the built-in printer profiles, sorted.
func PrinterNames() []string {
	return slices.Sorted(maps.Keys(BuiltinPrinters()))
}

// PrinterByName returns a built-in printer profile; "" is "epson".
func PrinterByName(name string) (*Printer, error) {
	if name == "" {
		name = "epson"
	}
	p, ok := BuiltinPrinters()[name]
	if !ok {
		return nil, fmt.Errorf("escpos: unknown printer profile %q (have %s)", name, strings.Join(PrinterNames(), ", "))
	}
	return p, nil
}

// maxDotsPerInch bounds Printer.DotsPerInch (receipt printers print 180
// to 300).
const maxDotsPerInch = 1200

// defaultDotsPerInch is Printer.DotsPerInch when 0.
const defaultDotsPerInch = 203

// printerSetup is a Printer compiled for the decoder.
type printerSetup struct {
	name     string
	init     *codeTable
	tables   map[byte]*codeTable
	dbcs     *dbcs
	chinese  bool
	star     bool
	dpi      int // horizontal dots per inch (GS P units)
	extra    map[[2]byte]Command
	prefixes [256]bool // bytes that start a command
	text     [256]bool // bytes that print: not a control, not a prefix
}

// setup compiles the effective printer of opts: Options.Printer (or
// epson) with Options.CodePage, ChineseDefault and StarLineMode on top.
// What it cannot honour falls back to the defaults.
func setup(opts Options) *printerSetup {
	p := opts.Printer
	if p == nil || p.Validate() != nil {
		p = &Printer{Name: "epson", CodePage: "cp437", CodeTables: epsonTables} // read only here
	}
	s := &printerSetup{name: p.Name, chinese: p.ChineseDefault || opts.ChineseDefault, star: p.StarLineMode || opts.StarLineMode}
	s.dpi = p.DotsPerInch
	if s.dpi == 0 {
		s.dpi = defaultDotsPerInch
	}
	cp := p.CodePage
	if opts.CodePage != "" {
		cp = opts.CodePage
	}
	var ok bool
	if s.init, ok = codePageByName(cp); !ok {
		s.init, _ = codePageByName("")
	}
	s.tables = make(map[byte]*codeTable, len(p.CodeTables))
	for n, name := range p.CodeTables {
		t, ok := codePageByName(name)
		if !ok {
			t = missingTable(name)
		}
		s.tables[n] = t
	}
	s.dbcs, _ = dbcsByName(p.DoubleByte)
	for _, b := range []byte{esc, gs, fs, dle} {
		s.prefixes[b] = true
	}
	if len(p.Extra) > 0 {
		s.extra = make(map[[2]byte]Command, len(p.Extra))
		for _, c := range p.Extra {
			s.extra[[2]byte{c.Prefix[0], c.Prefix[1]}] = c
			s.prefixes[c.Prefix[0]] = true
		}
	}
	for b := 0x20; b < 0x100; b++ {
		s.text[b] = !s.prefixes[b]
	}
	return s
}

// table returns the table ESC t n selects.
func (s *printerSetup) table(n byte) *codeTable {
	if t, ok := s.tables[n]; ok {
		return t
	}
	return missingTable("unmapped")
}
