package slip

import (
	"bytes"
	_ "embed"
	"errors"
	"fmt"
	"os"
	"regexp"
	"sort"
	"strings"

	"gopkg.in/yaml.v3"

	"github.com/tillwatch/tillwatch/drivers"
)

//go:embed profiles/unionpay.yaml
var unionpayYAML []byte

//go:embed profiles/de-en.yaml
var deEnYAML []byte

// ErrInvalid is wrapped by every error about a profile's content.
var ErrInvalid = errors.New("invalid slip profile")

// Profile is a slip layout. Load or Builtin return one ready to use; it is
// read-only afterwards and safe for concurrent use.
type Profile struct {
	// Name is stamped on the receipts and payments the profile reads.
	Name string `yaml:"name"`
	// Currency is the ISO 4217 alpha code assumed when the amount has none.
	Currency string `yaml:"currency"`
	// Markers are words that make a text a slip (any one, anywhere).
	Markers []string `yaml:"markers"`
	// Labels introduce the fields.
	Labels Labels `yaml:"labels"`
	// Types maps a payment type (sale, void, refund, preauth,
	// preauth_reversal, capture) to its keywords.
	Types map[drivers.PaymentType][]string `yaml:"types"`
	// Declined are words that mark a declined or aborted transaction.
	Declined []string `yaml:"declined"`
	// Reprint are words that mark a reprinted slip (重打印, DUPLIKAT).
	Reprint []string `yaml:"reprint"`

	labels []label // every label, longest first
	types  []typeWord
}

// Labels lists the words that introduce each field.
type Labels struct {
	Type          []string `yaml:"type"`
	Amount        []string `yaml:"amount"`
	AuthCode      []string `yaml:"auth_code"`
	Reference     []string `yaml:"reference"`
	Trace         []string `yaml:"trace"`
	OriginalTrace []string `yaml:"original_trace"`
	ReceiptNo     []string `yaml:"receipt_no"`
	TerminalID    []string `yaml:"terminal_id"`
	MerchantID    []string `yaml:"merchant_id"`
	Card          []string `yaml:"card"`
	Batch         []string `yaml:"batch"`
}

// field names a slip field a label fills.
type field uint8

const (
	fType field = iota
	fAmount
	fAuth
	fReference
	fTrace
	fOrigTrace
	fReceipt
	fTerminal
	fMerchant
	fCard
	fBatch
	nFields
)

// label is one compiled label.
type label struct {
	text  string // upper-cased (ASCII)
	field field
}

// typeWord is one compiled type keyword.
type typeWord struct {
	text string // upper-cased (ASCII)
	typ  drivers.PaymentType
}

// Builtin returns a built-in profile: "unionpay" or "de-en".
func Builtin(name string) (*Profile, error) {
	switch name {
	case "unionpay":
		return Parse("builtin:unionpay.yaml", unionpayYAML)
	case "de-en":
		return Parse("builtin:de-en.yaml", deEnYAML)
	}
	return nil, fmt.Errorf("slip: unknown built-in profile %q (have: unionpay, de-en)", name)
}

// Open returns the built-in profile called name, or loads name as a YAML
// file when it is not a built-in name.
func Open(name string) (*Profile, error) {
	if name == "unionpay" || name == "de-en" {
		return Builtin(name)
	}
	return Load(name)
}

// Load reads a profile from a YAML file.
func Load(path string) (*Profile, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("slip: %w", err)
	}
	return Parse(path, b)
}

// Parse decodes and validates a profile; file names it in errors, which
// carry the line of the bad field.
func Parse(file string, b []byte) (*Profile, error) {
	var p Profile
	dec := yaml.NewDecoder(bytes.NewReader(b))
	dec.KnownFields(true)
	if err := dec.Decode(&p); err != nil {
		return nil, fmt.Errorf("slip: %s: %w: %w", file, ErrInvalid, err)
	}
	if err := p.validate(file); err != nil {
		return nil, err
	}
	p.compile()
	return &p, nil
}

var currencyRE = regexp.MustCompile(`^[A-Z]{3}$`)

// validate checks names, currency, type names and labels.
func (p *Profile) validate(file string) error {
	var errs []error
	bad := func(format string, args ...any) {
		errs = append(errs, fmt.Errorf("slip: %s: %s: %w", file, fmt.Sprintf(format, args...), ErrInvalid))
	}
	if strings.TrimSpace(p.Name) == "" {
		bad("name: missing profile name")
	}
	if p.Currency != "" && !currencyRE.MatchString(p.Currency) {
		bad("currency: %q is not an ISO 4217 alpha code like CNY", p.Currency)
	}
	seen := map[string]string{}
	for _, l := range p.fieldLabels() {
		for _, w := range l.words {
			k := upper(strings.TrimSpace(w))
			if k == "" {
				bad("labels.%s: empty label", l.name)
				continue
			}
			if prev, dup := seen[k]; dup {
				bad("labels.%s: label %q is already used by labels.%s", l.name, w, prev)
				continue
			}
			seen[k] = l.name
		}
	}
	if len(p.Labels.Amount) == 0 {
		bad("labels.amount: a slip profile needs at least one amount label")
	}
	words := map[string]drivers.PaymentType{}
	for t, ws := range p.Types {
		switch t {
		case drivers.PaySale, drivers.PayVoid, drivers.PayRefund, drivers.PayPreAuth, drivers.PayPreAuthRv, drivers.PayCapture:
		default:
			bad("types.%s: unknown payment type (want sale, void, refund, preauth, preauth_reversal or capture)", t)
		}
		for _, w := range ws {
			k := upper(strings.TrimSpace(w))
			if k == "" {
				bad("types.%s: empty keyword", t)
				continue
			}
			if prev, dup := words[k]; dup && prev != t {
				bad("types.%s: keyword %q is already used by types.%s", t, w, prev)
			}
			words[k] = t
		}
	}
	return errors.Join(errs...)
}

// namedLabels is one field's label list.
type namedLabels struct {
	name  string
	field field
	words []string
}

func (p *Profile) fieldLabels() []namedLabels {
	L := &p.Labels
	return []namedLabels{
		{"type", fType, L.Type}, {"amount", fAmount, L.Amount}, {"auth_code", fAuth, L.AuthCode},
		{"reference", fReference, L.Reference}, {"trace", fTrace, L.Trace},
		{"original_trace", fOrigTrace, L.OriginalTrace}, {"receipt_no", fReceipt, L.ReceiptNo},
		{"terminal_id", fTerminal, L.TerminalID}, {"merchant_id", fMerchant, L.MerchantID},
		{"card", fCard, L.Card}, {"batch", fBatch, L.Batch},
	}
}

// compile builds the longest-first label and keyword lists.
func (p *Profile) compile() {
	for _, l := range p.fieldLabels() {
		for _, w := range l.words {
			p.labels = append(p.labels, label{text: upper(strings.TrimSpace(w)), field: l.field})
		}
	}
	sort.SliceStable(p.labels, func(i, j int) bool { return len(p.labels[i].text) > len(p.labels[j].text) })
	for t, ws := range p.Types {
		for _, w := range ws {
			p.types = append(p.types, typeWord{text: upper(strings.TrimSpace(w)), typ: t})
		}
	}
	sort.Slice(p.types, func(i, j int) bool {
		a, b := p.types[i], p.types[j]
		if len(a.text) != len(b.text) {
			return len(a.text) > len(b.text)
		}
		return a.text < b.text
	})
	for i := range p.Markers {
		p.Markers[i] = upper(p.Markers[i])
	}
	for i := range p.Declined {
		p.Declined[i] = upper(p.Declined[i])
	}
	for i := range p.Reprint {
		p.Reprint[i] = upper(p.Reprint[i])
	}
}

// upper upper-cases ASCII letters only (Chinese and umlauts stay as they
// are, so byte offsets do not move).
func upper(s string) string {
	b := []byte(s)
	for i, c := range b {
		if c >= 'a' && c <= 'z' {
			b[i] = c - 'a' + 'A'
		}
	}
	return string(b)
}
