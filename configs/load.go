package configs

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"strconv"
	"strings"
	"unicode/utf8"

	"gopkg.in/yaml.v3"
)

// Load reads, parses and validates the config file at path. Relative paths
// inside it are resolved against the file's directory. A file with problems
// yields every problem at once: one *Error, or an errors.Join of them in
// file order (see Errors). A file that cannot be read yields a wrapped
// *fs.PathError.
func Load(path string) (*Config, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("configs: %w", err)
	}
	return parse(path, filepath.Dir(path), data)
}

// Parse parses and validates config data; name is used in error messages
// and its directory as the base of relative paths. It returns problems like
// Load does.
func Parse(name string, data []byte) (*Config, error) {
	return parse(name, filepath.Dir(name), data)
}

func parse(name, dir string, data []byte) (*Config, error) {
	if abs, err := filepath.Abs(dir); err == nil {
		dir = abs
	}
	d := newDecoder(name)
	cfg := Default()
	cfg.Site, cfg.Lane, cfg.DataDir, cfg.MQTT.Broker, cfg.MQTT.ClientID = "", "", "", "", ""
	cfg.HTTP.Address = DefaultHTTPAddress

	dec := yaml.NewDecoder(bytes.NewReader(data))
	var doc yaml.Node
	switch err := dec.Decode(&doc); {
	case errors.Is(err, io.EOF):
		d.seen[""] = pos{1, 1} // empty file: every required field is missing
	case err != nil:
		return nil, syntaxError(name, data, err)
	default:
		var extra yaml.Node
		if err := dec.Decode(&extra); err == nil {
			d.errorf(&extra, "", "a config file holds one YAML document; found a second one")
		} else if !errors.Is(err, io.EOF) {
			return nil, syntaxError(name, data, err)
		}
		root := &doc
		if root.Kind == yaml.DocumentNode && len(root.Content) == 1 {
			root = root.Content[0]
		}
		d.value("", root, reflect.ValueOf(cfg).Elem())
	}
	d.validate(cfg, dir)
	if err := joinErrors(d.errs); err != nil {
		return nil, err
	}
	return cfg, nil
}

var yamlLine = regexp.MustCompile(`^yaml: line (\d+): (.*)$`)

// syntaxError turns a yaml.v3 parse error into an *Error with its line.
// yaml.v3 leaves the line out of some errors (bad bytes, early end of
// stream); then the line is found from the data.
func syntaxError(name string, data []byte, err error) error {
	e := &Error{File: name, Msg: "YAML syntax: " + strings.TrimPrefix(err.Error(), "yaml: ")}
	if m := yamlLine.FindStringSubmatch(err.Error()); m != nil {
		e.Line, _ = strconv.Atoi(m[1])
		e.Msg = "YAML syntax: " + m[2]
		return e
	}
	e.Line, e.Column = badByte(data)
	if e.Line == 0 {
		e.Line = bytes.Count(data, []byte("\n")) + 1
		if len(data) > 0 && data[len(data)-1] == '\n' {
			e.Line--
		}
	}
	return e
}

// badByte returns the position of the first byte YAML does not allow
// (invalid UTF-8 or a control character other than tab, CR and LF), or 0, 0.
func badByte(data []byte) (line, col int) {
	line, col = 1, 1
	for len(data) > 0 {
		r, n := utf8.DecodeRune(data)
		if r == utf8.RuneError && n == 1 || r < 0x20 && r != '\t' && r != '\r' && r != '\n' || r == 0x7f {
			return line, col
		}
		if r == '\n' {
			line, col = line+1, 0
		}
		col++
		data = data[n:]
	}
	return 0, 0
}
