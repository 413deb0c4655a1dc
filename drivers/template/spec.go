package template

import (
	"bytes"
	"embed"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"strings"

	"gopkg.in/yaml.v3"
)

// Spec is a template file as written. Load and Parse check it and compile
// it into a *Template.
type Spec struct {
	Name        string              `yaml:"name"`
	Description string              `yaml:"description"`
	Framing     FramingSpec         `yaml:"framing"`
	Encoding    string              `yaml:"encoding"`
	Currency    string              `yaml:"currency"`
	Amount      AmountSpec          `yaml:"amount"`
	Results     map[string][]string `yaml:"results"`
	Types       map[string][]string `yaml:"types"`
	TLV         map[string]TagSpec  `yaml:"tlv"`
	Records     []RecordSpec        `yaml:"records"`
}

// FramingSpec says how frames are cut from the byte stream.
type FramingSpec struct {
	Type   string `yaml:"type"`   // lines | stx_etx | length_prefixed
	LRC    string `yaml:"lrc"`    // none | xor | xor_stx
	Length string `yaml:"length"` // length_prefixed: bcd2 | bin2 | ascii4
	STX    *bool  `yaml:"stx"`    // length_prefixed: STX before the length (default true)
	ETX    *bool  `yaml:"etx"`    // length_prefixed: ETX after the body (default true)
	Max    int    `yaml:"max"`    // largest frame in bytes (default 4096)
}

// AmountSpec says how amount strings become minor units.
type AmountSpec struct {
	Decimals *int `yaml:"decimals"` // digits after the decimal point (default: the currency's, ISO 4217)
	Implied  bool `yaml:"implied"`  // a bare digit string is already minor units
}

// TagSpec maps one TLV tag onto a field.
type TagSpec struct {
	Field  string `yaml:"field"`
	Format string `yaml:"format"` // ascii (default) | bcd | hex | bin
}

// RecordSpec turns a frame into an event.
type RecordSpec struct {
	Event   string   `yaml:"event"`   // payment | settlement | request
	Match   string   `yaml:"match"`   // text framings: regular expression with named groups
	Require []string `yaml:"require"` // tlv: fields that must be present
	From    string   `yaml:"from"`    // host | device | any (default)
	Type    string   `yaml:"type"`    // payment type when there is no type field
	Result  string   `yaml:"result"`  // result when there is no result field
}

// Error is a problem in a template file: file, line and the dotted path of
// the field (records[2].match).
type Error struct {
	File  string
	Line  int
	Field string
	Msg   string
}

// Error formats as "template: FILE:LINE: FIELD: MSG".
func (e *Error) Error() string {
	var b strings.Builder
	b.WriteString("template: ")
	b.WriteString(e.File)
	if e.Line > 0 {
		fmt.Fprintf(&b, ":%d", e.Line)
	}
	b.WriteString(": ")
	if e.Field != "" {
		b.WriteString(e.Field + ": ")
	}
	b.WriteString(e.Msg)
	return b.String()
}

//go:embed templates/*.yaml
var builtins embed.FS

// Builtins lists the names of the shipped templates.
func Builtins() []string {
	ents, _ := builtins.ReadDir("templates") // embedded: cannot fail
	var out []string
	for _, e := range ents {
		out = append(out, strings.TrimSuffix(e.Name(), ".yaml"))
	}
	return out
}

// Load reads a template: the name of a shipped one (see Builtins) or the
// path of a YAML file.
func Load(nameOrPath string) (*Template, error) {
	if !strings.ContainsAny(nameOrPath, `/\.`) {
		if b, err := builtins.ReadFile("templates/" + nameOrPath + ".yaml"); err == nil {
			return Parse("builtin:"+nameOrPath, b)
		}
	}
	b, err := os.ReadFile(nameOrPath)
	if err != nil {
		return nil, fmt.Errorf("template: %w", err)
	}
	return Parse(nameOrPath, b)
}

// Parse checks and compiles a template; file names it in errors. Several
// problems are joined (errors.Join) and each is an *Error.
func Parse(file string, data []byte) (*Template, error) {
	file = filepath.ToSlash(file)
	var root yaml.Node
	if err := yaml.Unmarshal(data, &root); err != nil {
		return nil, yamlError(file, err)
	}
	var s Spec
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	if err := dec.Decode(&s); err != nil {
		if errors.Is(err, io.EOF) {
			return nil, &Error{File: file, Msg: "empty template"}
		}
		return nil, yamlError(file, err)
	}
	c := &checker{file: file, root: &root}
	t := c.compile(&s)
	if len(c.errs) > 0 {
		return nil, errors.Join(c.errs...)
	}
	return t, nil
}

// yamlLine finds "line N:" in a yaml.v3 error.
var yamlLine = regexp.MustCompile(`line (\d+): (.*)`)

// yamlError turns a yaml.v3 error into *Errors with lines.
func yamlError(file string, err error) error {
	var te *yaml.TypeError
	msgs := []string{err.Error()}
	if errors.As(err, &te) {
		msgs = te.Errors
	}
	var errs []error
	for _, m := range msgs {
		e := &Error{File: file, Msg: strings.TrimPrefix(m, "yaml: ")}
		if sm := yamlLine.FindStringSubmatch(m); sm != nil {
			fmt.Sscan(sm[1], &e.Line)
			e.Msg = sm[2]
		}
		errs = append(errs, e)
	}
	return errors.Join(errs...)
}
