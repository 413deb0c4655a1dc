package receipt

import (
	"bytes"
	"embed"
	"errors"
	"fmt"
	"io"
	"os"
	"regexp"
	"strconv"
	"strings"

	"gopkg.in/yaml.v3"

	"github.com/tillwatch/tillwatch/drivers"
)

//go:embed profiles/*.yaml
var builtinFS embed.FS

// Profile is a set of receipt labels. Load or Builtin return one ready to
// use; it is read-only afterwards and safe for concurrent Extract calls.
type Profile struct {
	// Name is stamped on every receipt the profile reads.
	Name string `yaml:"name"`
	// Currency is the ISO 4217 alpha code of the lane ("CNY"), or empty.
	Currency string `yaml:"currency"`
	// Labels of the receipt's fields.
	Labels Labels `yaml:"labels"`
	// Tenders maps a tender kind (card, cash, wallet, voucher, other) to
	// the labels of its payment lines.
	Tenders map[drivers.TenderKind][]string `yaml:"tenders"`
	// Reprint marks reprinted receipts.
	Reprint Reprint `yaml:"reprint"`

	matchers *matchers
	lane     string // the lane's currency (ForLane)
}

// ForLane returns a copy of p that reads amounts in minor units of the
// lane's currency (ISO 4217 alpha code) when the profile names no currency
// of its own: on a CLP lane "TOTAL 8000" is 8000 pesos, not 8000.00.
// Receipts still carry only the profile's own Currency.
func (p *Profile) ForLane(currency string) *Profile {
	c := *p
	c.lane = currency
	return &c
}

// amounts is the currency the profile reads amounts in.
func (p *Profile) amounts() string {
	if p.Currency != "" {
		return p.Currency
	}
	return p.lane
}

// Labels lists the words that introduce each field. Subtotal, reduction,
// tax and tendered are recognised so their amounts are not mistaken for
// others; they fill no receipt field.
type Labels struct {
	Number    []string `yaml:"number"`
	Total     []string `yaml:"total"`
	Subtotal  []string `yaml:"subtotal"`
	Reduction []string `yaml:"reduction"`
	Tax       []string `yaml:"tax"`
	Due       []string `yaml:"due"`
	Tendered  []string `yaml:"tendered"`
	Change    []string `yaml:"change"`
	// Cashier labels the line naming who rang the receipt (收银员,
	// Cashier, Kassierer); its value is the rest of the line.
	Cashier []string `yaml:"cashier"`
}

// Reprint says which lines mark a reprint: any of Markers, unless the
// same line holds one of Except ("CUSTOMER COPY" is no reprint).
type Reprint struct {
	Markers []string `yaml:"markers"`
	Except  []string `yaml:"except"`
}

// Builtin returns a fresh copy of a built-in profile: "generic" (English
// and Simplified Chinese), "cn-supermarket", "restaurant", "en-retail".
func Builtin(name string) (*Profile, error) {
	b, err := builtinFS.ReadFile("profiles/" + name + ".yaml")
	if err != nil || strings.ContainsAny(name, "/.") {
		return nil, fmt.Errorf("receipt: unknown built-in profile %q (have: %s)", name, strings.Join(BuiltinNames(), ", "))
	}
	return parse("builtin:"+name+".yaml", b)
}

// BuiltinNames lists the built-in profiles, sorted.
func BuiltinNames() []string {
	ents, _ := builtinFS.ReadDir("profiles")
	names := make([]string, 0, len(ents))
	for _, e := range ents {
		names = append(names, strings.TrimSuffix(e.Name(), ".yaml"))
	}
	return names
}

// Load reads a profile from a YAML file. Errors name the file, the line
// and the field.
func Load(path string) (*Profile, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("receipt: %w", err)
	}
	return parse(path, b)
}

// yamlLine finds "line N" in yaml.v3 messages.
var yamlLine = regexp.MustCompile(`^(?:yaml: )?line (\d+): (.*)$`)

// parse decodes and validates a profile.
func parse(file string, b []byte) (*Profile, error) {
	var p Profile
	dec := yaml.NewDecoder(bytes.NewReader(b))
	dec.KnownFields(true)
	var root yaml.Node
	if err := yaml.Unmarshal(b, &root); err != nil {
		return nil, yamlError(file, nil, err)
	}
	if err := dec.Decode(&p); err != nil {
		return nil, yamlError(file, &root, err)
	}
	if err := p.validate(file, &root); err != nil {
		return nil, err
	}
	p.matchers = p.compile()
	return &p, nil
}

// yamlError restates a yaml.v3 error as "receipt: FILE:LINE: FIELD:
// message", finding the field from the line when the tree is known.
func yamlError(file string, root *yaml.Node, err error) error {
	if errors.Is(err, io.EOF) {
		return fmt.Errorf("receipt: %s: empty profile: %w", file, ErrInvalid)
	}
	var te *yaml.TypeError
	var msgs []string
	if errors.As(err, &te) {
		msgs = te.Errors
	} else {
		msgs = []string{err.Error()}
	}
	var errs []error
	for _, m := range msgs {
		if g := yamlLine.FindStringSubmatch(m); g != nil {
			line, _ := strconv.Atoi(g[1])
			where := ""
			if p := pathAtLine(root, line, nil); p != "" {
				where = p + ": "
			}
			errs = append(errs, fmt.Errorf("receipt: %s:%d: %s%s: %w", file, line, where, g[2], ErrInvalid))
		} else {
			errs = append(errs, fmt.Errorf("receipt: %s: %s: %w", file, strings.TrimPrefix(m, "yaml: "), ErrInvalid))
		}
	}
	return errors.Join(errs...)
}

// ErrInvalid is wrapped by every error about a profile's content.
var ErrInvalid = errors.New("invalid receipt profile")

// currencyRE is an ISO 4217 alpha code.
var currencyRE = regexp.MustCompile(`^[A-Z]{3}$`)

// validate checks what YAML types cannot: names, currency, tender kinds,
// empty and duplicated labels.
func (p *Profile) validate(file string, root *yaml.Node) error {
	var errs []error
	bad := func(path []string, format string, args ...any) {
		line := lineOf(root, path)
		errs = append(errs, fmt.Errorf("receipt: %s:%d: %s: %s: %w", file, line, strings.Join(path, "."), fmt.Sprintf(format, args...), ErrInvalid))
	}
	if strings.TrimSpace(p.Name) == "" {
		bad([]string{"name"}, "missing profile name")
	}
	if c := p.Currency; c != "" && !currencyRE.MatchString(c) {
		bad([]string{"currency"}, "%q is not an ISO 4217 alpha code like CNY", c)
	}
	seen := map[string]string{} // case-folded label -> where
	check := func(path []string, labels []string) {
		for i, l := range labels {
			at := append(append([]string(nil), path...), strconv.Itoa(i))
			key := foldLabel(l)
			if key == "" {
				bad(at, "empty label")
				continue
			}
			if prev, dup := seen[key]; dup {
				bad(at, "label %q is already used by %s", l, prev)
				continue
			}
			seen[key] = strings.Join(path, ".")
		}
	}
	L := &p.Labels
	for _, f := range []struct {
		name   string
		labels []string
	}{
		{"number", L.Number}, {"total", L.Total}, {"subtotal", L.Subtotal}, {"reduction", L.Reduction},
		{"tax", L.Tax}, {"due", L.Due}, {"tendered", L.Tendered}, {"change", L.Change},
	} {
		check([]string{"labels", f.name}, f.labels)
	}
	for _, k := range []drivers.TenderKind{drivers.TenderCard, drivers.TenderCash, drivers.TenderWallet, drivers.TenderVoucher, drivers.TenderOther} {
		check([]string{"tenders", string(k)}, p.Tenders[k])
	}
	for k := range p.Tenders {
		switch k {
		case drivers.TenderCard, drivers.TenderCash, drivers.TenderWallet, drivers.TenderVoucher, drivers.TenderOther:
		default:
			bad([]string{"tenders", string(k)}, "unknown tender kind %q (want card, cash, wallet, voucher or other)", string(k))
		}
	}
	check([]string{"reprint", "markers"}, p.Reprint.Markers)
	check([]string{"reprint", "except"}, p.Reprint.Except)
	return errors.Join(errs...)
}

// lineOf returns the line of the node at path (mapping keys and sequence
// indexes), or of the deepest node found on the way.
func lineOf(root *yaml.Node, path []string) int {
	n := root
	if n.Kind == yaml.DocumentNode && len(n.Content) > 0 {
		n = n.Content[0]
	}
	line := max(n.Line, 1)
outer:
	for _, step := range path {
		switch n.Kind {
		case yaml.MappingNode:
			for i := 0; i+1 < len(n.Content); i += 2 {
				if n.Content[i].Value == step {
					line, n = n.Content[i].Line, n.Content[i+1]
					continue outer
				}
			}
			return line
		case yaml.SequenceNode:
			i, err := strconv.Atoi(step)
			if err != nil || i >= len(n.Content) {
				return line
			}
			n = n.Content[i]
			line = n.Line
		default:
			return line
		}
	}
	return line
}

// pathAtLine returns the dotted path of the deepest mapping key on line,
// or "".
func pathAtLine(n *yaml.Node, line int, path []string) string {
	if n == nil {
		return ""
	}
	found := ""
	switch n.Kind {
	case yaml.DocumentNode:
		for _, c := range n.Content {
			if p := pathAtLine(c, line, path); p != "" {
				found = p
			}
		}
	case yaml.MappingNode:
		for i := 0; i+1 < len(n.Content); i += 2 {
			k, v := n.Content[i], n.Content[i+1]
			sub := append(append([]string(nil), path...), k.Value)
			if k.Line == line {
				found = strings.Join(sub, ".")
			}
			if p := pathAtLine(v, line, sub); p != "" {
				found = p
			}
		}
	case yaml.SequenceNode:
		for i, c := range n.Content {
			if p := pathAtLine(c, line, append(append([]string(nil), path...), strconv.Itoa(i))); p != "" {
				found = p
			}
		}
	}
	return found
}
