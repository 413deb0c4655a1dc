package template

import (
	"fmt"
	"regexp"
	"regexp/syntax"
	"slices"
	"strconv"
	"strings"

	"golang.org/x/text/encoding"
	"golang.org/x/text/encoding/charmap"
	"golang.org/x/text/encoding/simplifiedchinese"
	"gopkg.in/yaml.v3"

	"github.com/tillwatch/tillwatch/drivers"
)

// Framing types, LRC kinds and length encodings.
const (
	FramingLines  = "lines"
	FramingSTXETX = "stx_etx"
	FramingLength = "length_prefixed"
	LRCNone       = "none"
	LRCXor        = "xor"
	LRCXorSTX     = "xor_stx"
)

// Event kinds of a record.
const (
	EventPayment    = "payment"
	EventSettlement = "settlement"
	EventRequest    = "request"
)

// fieldsOf lists the fields each event kind understands.
var fieldsOf = map[string][]string{
	EventPayment: {"type", "result", "amount", "requested", "currency", "auth", "trace", "receipt", "reference",
		"terminal_id", "card", "original_trace", "original_receipt", "text"},
	EventSettlement: {"total", "count", "currency", "trace", "terminal_id"},
	EventRequest:    {"amount"},
}

// Template is a checked, compiled template. It is immutable and may be
// shared by several decoders and redactors.
type Template struct {
	// Name is the template's name (its file name when it has none).
	Name     string
	framing  FramingSpec
	enc      encoding.Encoding // nil: UTF-8/ASCII as is
	currency string
	decimals *int // amount.decimals; nil: the currency's
	implied  bool
	results  map[string]drivers.Result
	types    map[string]drivers.PaymentType
	tlv      map[uint32]TagSpec
	records  []record
}

// record is a compiled RecordSpec.
type record struct {
	event   string
	re      *regexp.Regexp
	require []string
	from    int // -1 any, else the direction
	typ     drivers.PaymentType
	result  drivers.Result
}

// checker collects errors with their lines.
type checker struct {
	file string
	root *yaml.Node
	errs []error
}

// fail records an error at the node the dotted path names.
func (c *checker) fail(path, format string, args ...any) {
	c.errs = append(c.errs, &Error{File: c.file, Line: c.line(path), Field: path, Msg: fmt.Sprintf(format, args...)})
}

// line finds the line of a dotted path like records[2].match (the nearest
// existing ancestor when the key is absent).
func (c *checker) line(path string) int {
	n := c.root
	if n != nil && n.Kind == yaml.DocumentNode && len(n.Content) > 0 {
		n = n.Content[0]
	}
	line := 0
	if n != nil {
		line = n.Line
	}
	for _, part := range strings.Split(strings.ReplaceAll(path, "[", ".["), ".") {
		if n == nil || part == "" {
			continue
		}
		var next *yaml.Node
		if strings.HasPrefix(part, "[") {
			i, _ := strconv.Atoi(strings.Trim(part, "[]"))
			if n.Kind == yaml.SequenceNode && i < len(n.Content) {
				next = n.Content[i]
			}
		} else if n.Kind == yaml.MappingNode {
			for k := 0; k+1 < len(n.Content); k += 2 {
				if n.Content[k].Value == part {
					next = n.Content[k+1]
					line = n.Content[k].Line
				}
			}
		}
		if next == nil {
			break
		}
		n = next
		line = n.Line
	}
	return line
}

// compile checks s and builds the Template.
func (c *checker) compile(s *Spec) *Template {
	t := &Template{Name: s.Name, framing: s.Framing, currency: s.Currency, implied: s.Amount.Implied}
	if t.Name == "" {
		t.Name = c.file
	}
	c.compileFraming(&t.framing)
	switch strings.ToLower(s.Encoding) {
	case "", "utf-8", "utf8", "ascii":
	case "gbk", "gb18030":
		t.enc = simplifiedchinese.GB18030
	case "latin1", "iso-8859-1":
		t.enc = charmap.ISO8859_1
	default:
		c.fail("encoding", "%q: want utf-8, gbk or latin1", s.Encoding)
	}
	if t.currency == "" {
		t.currency = "EUR"
	} else if len(t.currency) != 3 || strings.ToUpper(t.currency) != t.currency {
		c.fail("currency", "%q is not an ISO 4217 alpha code (e.g. CNY)", s.Currency)
	}
	if d := s.Amount.Decimals; d != nil {
		if *d < 0 || *d > 4 {
			c.fail("amount.decimals", "must be 0..4, got %d", *d)
		}
		t.decimals = d
	}
	t.results = words(c, "results", s.Results, map[string]drivers.Result{
		"approved": drivers.Approved, "declined": drivers.Declined, "aborted": drivers.Aborted})
	if len(s.Results) == 0 {
		t.results = map[string]drivers.Result{"00": drivers.Approved, "0": drivers.Approved, "OK": drivers.Approved, "APPROVED": drivers.Approved}
	}
	t.types = words(c, "types", s.Types, map[string]drivers.PaymentType{
		"sale": drivers.PaySale, "refund": drivers.PayRefund, "void": drivers.PayVoid, "preauth": drivers.PayPreAuth,
		"preauth_reversal": drivers.PayPreAuthRv, "capture": drivers.PayCapture})
	if len(s.TLV) > 0 {
		t.tlv = c.compileTLV(s.TLV)
		if t.framing.Type == FramingLines {
			c.fail("tlv", "needs a binary framing (stx_etx or length_prefixed), not lines")
		}
	}
	if len(s.Records) == 0 {
		c.fail("records", "required: at least one record")
	}
	for i := range s.Records {
		t.records = append(t.records, c.compileRecord(fmt.Sprintf("records[%d]", i), &s.Records[i], t))
	}
	return t
}

// compileFraming checks and defaults the framing.
func (c *checker) compileFraming(f *FramingSpec) {
	yes := true
	if f.STX == nil {
		f.STX = &yes
	}
	if f.ETX == nil {
		f.ETX = &yes
	}
	if f.Max == 0 {
		f.Max = 4096
	} else if f.Max < 16 || f.Max > 1<<20 {
		c.fail("framing.max", "must be 16..1048576 bytes, got %d", f.Max)
	}
	switch f.Type {
	case FramingLines:
		if f.LRC != "" && f.LRC != LRCNone {
			c.fail("framing.lrc", "lines have no LRC")
		}
	case FramingSTXETX, FramingLength:
	case "":
		c.fail("framing.type", "required: lines, stx_etx or length_prefixed")
	default:
		c.fail("framing.type", "%q: want lines, stx_etx or length_prefixed", f.Type)
	}
	switch f.LRC {
	case "":
		f.LRC = LRCNone
	case LRCNone, LRCXor, LRCXorSTX:
	default:
		c.fail("framing.lrc", "%q: want none, xor or xor_stx", f.LRC)
	}
	if f.Type == FramingLength {
		switch f.Length {
		case "bcd2", "bin2", "ascii4":
		case "":
			c.fail("framing.length", "required for length_prefixed: bcd2, bin2 or ascii4")
		default:
			c.fail("framing.length", "%q: want bcd2, bin2 or ascii4", f.Length)
		}
		if f.LRC == LRCXorSTX && !*f.STX {
			c.fail("framing.lrc", "xor_stx needs stx: true")
		}
	} else if f.Length != "" {
		c.fail("framing.length", "only for length_prefixed")
	}
}

// words maps each word listed under a key to its value.
func words[V any](c *checker, key string, in map[string][]string, known map[string]V) map[string]V {
	out := map[string]V{}
	for k, ws := range in {
		v, ok := known[k]
		if !ok {
			names := make([]string, 0, len(known))
			for n := range known {
				names = append(names, n)
			}
			slices.Sort(names)
			c.fail(key+"."+k, "unknown key: want %s", strings.Join(names, ", "))
			continue
		}
		for _, w := range ws {
			out[strings.ToUpper(strings.TrimSpace(w))] = v
		}
	}
	return out
}

// compileTLV parses the tag keys (hex) and checks fields and formats.
func (c *checker) compileTLV(in map[string]TagSpec) map[uint32]TagSpec {
	out := map[uint32]TagSpec{}
	for k, ts := range in {
		p := "tlv." + k
		tag, err := strconv.ParseUint(k, 16, 32)
		if err != nil || len(k)%2 != 0 {
			c.fail(p, "tag %q is not an even number of hex digits (e.g. 9F02)", k)
			continue
		}
		if !knownField(ts.Field) {
			c.fail(p+".field", "%q: want one of %s", ts.Field, strings.Join(allFields(), ", "))
		}
		switch ts.Format {
		case "":
			ts.Format = "ascii"
		case "ascii", "bcd", "hex", "bin":
		default:
			c.fail(p+".format", "%q: want ascii, bcd, hex or bin", ts.Format)
		}
		out[uint32(tag)] = ts
	}
	return out
}

// compileRecord checks one record.
func (c *checker) compileRecord(p string, rs *RecordSpec, t *Template) record {
	r := record{event: rs.Event, require: rs.Require, from: -1}
	allowed, ok := fieldsOf[rs.Event]
	if !ok {
		c.fail(p+".event", "%q: want payment, settlement or request", rs.Event)
	}
	switch rs.From {
	case "", "any":
	case "host":
		r.from = int(drivers.FromHost)
	case "device":
		r.from = int(drivers.FromDevice)
	default:
		c.fail(p+".from", "%q: want host, device or any", rs.From)
	}
	if rs.Type != "" {
		if r.typ, ok = map[string]drivers.PaymentType{"sale": drivers.PaySale, "refund": drivers.PayRefund, "void": drivers.PayVoid,
			"preauth": drivers.PayPreAuth, "preauth_reversal": drivers.PayPreAuthRv, "capture": drivers.PayCapture}[rs.Type]; !ok {
			c.fail(p+".type", "%q: want sale, refund, void, preauth, preauth_reversal or capture", rs.Type)
		}
	}
	if rs.Result != "" {
		if r.result, ok = map[string]drivers.Result{"approved": drivers.Approved, "declined": drivers.Declined, "aborted": drivers.Aborted}[rs.Result]; !ok {
			c.fail(p+".result", "%q: want approved, declined or aborted", rs.Result)
		}
	}
	if t.tlv != nil {
		if rs.Match != "" {
			c.fail(p+".match", "a tlv template selects records with require, not match")
		}
		for i, f := range rs.Require {
			if !knownField(f) {
				c.fail(fmt.Sprintf("%s.require[%d]", p, i), "%q is not a field", f)
			}
		}
		if rs.Event == EventPayment && rs.Result == "" && !slices.Contains(rs.Require, "result") {
			c.fail(p+".require", "a payment needs result in require (or a fixed result)")
		}
		return r
	}
	if len(rs.Require) > 0 {
		c.fail(p+".require", "only for tlv templates (text records use match)")
	}
	if rs.Match == "" {
		c.fail(p+".match", "required: a regular expression with named groups")
		return r
	}
	re, err := regexp.Compile(rs.Match)
	if err != nil {
		c.fail(p+".match", "%v", err)
		return r
	}
	r.re = re
	for _, g := range re.SubexpNames()[1:] {
		if g != "" && ok && !slices.Contains(allowed, g) {
			c.fail(p+".match", "group %q is not a %s field (want %s)", g, rs.Event, strings.Join(allowed, ", "))
		}
	}
	if rs.Event == EventPayment && re.SubexpIndex("amount") < 0 {
		c.fail(p+".match", "a payment needs an amount group")
	}
	if rs.Event == EventPayment && re.SubexpIndex("result") < 0 && rs.Result == "" {
		c.fail(p+".match", "a payment needs a result group (or a fixed result)")
	}
	if rs.Event == EventSettlement && re.SubexpIndex("total") < 0 {
		c.fail(p+".match", "a settlement needs a total group")
	}
	if re.SubexpIndex("card") >= 0 && !cardAcceptsMask(rs.Match) {
		c.fail(p+".match", "the card group must also accept '*' (masked digits, as in redacted captures), e.g. [0-9*]{12,19}")
	}
	return r
}

// cardAcceptsMask reports whether every character class in the card
// group that accepts digits also accepts '*'.
func cardAcceptsMask(expr string) bool {
	re, err := syntax.Parse(expr, syntax.Perl)
	if err != nil {
		return false
	}
	ok := true
	var walk func(n *syntax.Regexp, in bool)
	walk = func(n *syntax.Regexp, in bool) {
		if n.Op == syntax.OpCapture && n.Name == "card" {
			in = true
		}
		if in && n.Op == syntax.OpCharClass {
			digit, star := false, false
			for i := 0; i+1 < len(n.Rune); i += 2 {
				lo, hi := n.Rune[i], n.Rune[i+1]
				digit = digit || (lo <= '9' && hi >= '0')
				star = star || (lo <= '*' && hi >= '*')
			}
			if digit && !star {
				ok = false
			}
		}
		if in && n.Op == syntax.OpLiteral {
			for _, r := range n.Rune {
				if r >= '0' && r <= '9' {
					ok = false
				}
			}
		}
		for _, s := range n.Sub {
			walk(s, in)
		}
	}
	walk(re, false)
	return ok
}

// knownField reports whether f is a field of some event.
func knownField(f string) bool { return slices.Contains(allFields(), f) }

// allFields lists every field name, sorted.
func allFields() []string {
	var out []string
	for _, fs := range fieldsOf {
		for _, f := range fs {
			if !slices.Contains(out, f) {
				out = append(out, f)
			}
		}
	}
	slices.Sort(out)
	return out
}

// WithCurrency returns a copy of t whose default currency is cur (a
// device's configured currency overriding the template's).
func (t *Template) WithCurrency(cur string) *Template {
	c := *t
	c.currency = cur
	return &c
}
