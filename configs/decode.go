package configs

import (
	"fmt"
	"reflect"
	"sort"
	"strings"
	"time"

	"gopkg.in/yaml.v3"
)

// pos is a 1-based line and column in the config file.
type pos struct{ line, col int }

// decoder walks a yaml.Node tree into a Config, keeping the position of
// every field it saw so that validation can name file, line and field.
type decoder struct {
	file string
	errs []*Error
	// seen maps a dotted path to the position of its value (for a mapping
	// or sequence: of the node itself). The root is "".
	seen map[string]pos
	// where maps a yaml key to the paths of the structs that accept it,
	// for "it belongs under ..." hints.
	where map[string][]string
	// bad holds the paths that failed to decode; validation skips them
	// (and everything below them) so one mistake is reported once.
	bad map[string]bool
}

var durationType = reflect.TypeFor[time.Duration]()

func newDecoder(file string) *decoder {
	d := &decoder{file: file, seen: map[string]pos{}, where: map[string][]string{}, bad: map[string]bool{}}
	d.index("", reflect.TypeFor[Config]())
	return d
}

// index records, for every yaml key of t (recursively), the struct paths
// that accept it. Sequences are written with [] ("devices[].link").
func (d *decoder) index(path string, t reflect.Type) {
	for i := range t.NumField() {
		f := t.Field(i)
		key := yamlKey(f)
		d.where[key] = append(d.where[key], path)
		ft := f.Type
		if ft.Kind() == reflect.Slice {
			ft = ft.Elem()
			key += "[]"
		}
		if ft.Kind() == reflect.Struct && ft != durationType {
			d.index(join(path, key), ft)
		}
	}
}

func yamlKey(f reflect.StructField) string {
	k, _, _ := strings.Cut(f.Tag.Get("yaml"), ",")
	return k
}

func join(path, key string) string {
	if path == "" {
		return key
	}
	return path + "." + key
}

// errorf records a problem at node n.
func (d *decoder) errorf(n *yaml.Node, field, format string, args ...any) {
	e := &Error{File: d.file, Field: field, Msg: fmt.Sprintf(format, args...)}
	if n != nil {
		e.Line, e.Column = n.Line, n.Column
	}
	d.errs = append(d.errs, e)
	d.bad[field] = true
}

// resolve follows aliases.
func resolve(n *yaml.Node) *yaml.Node {
	for n != nil && n.Kind == yaml.AliasNode {
		n = n.Alias
	}
	return n
}

func isNull(n *yaml.Node) bool {
	return n.Kind == yaml.ScalarNode && n.ShortTag() == "!!null"
}

// describe names what a node is, for "expected X, got Y" messages.
func describe(n *yaml.Node) string {
	switch n.Kind {
	case yaml.MappingNode:
		return "a mapping"
	case yaml.SequenceNode:
		return "a list"
	}
	return fmt.Sprintf("%q", n.Value)
}

// value decodes n into v (addressable). A null leaves the default.
func (d *decoder) value(path string, n *yaml.Node, v reflect.Value) {
	n = resolve(n)
	d.seen[path] = pos{n.Line, n.Column}
	if isNull(n) {
		return
	}
	t := v.Type()
	switch {
	case t == durationType:
		if n.Kind != yaml.ScalarNode {
			d.errorf(n, path, "expected a duration like 90s or 2m, got %s", describe(n))
			return
		}
		dur, err := time.ParseDuration(n.Value)
		if err != nil {
			d.errorf(n, path, "bad duration %q (use a number with a unit: 90s, 2m, 500ms)", n.Value)
			return
		}
		v.SetInt(int64(dur))
	case t.Kind() == reflect.Struct:
		d.mapping(path, n, v)
	case t.Kind() == reflect.Slice:
		d.sequence(path, n, v)
	case t.Kind() == reflect.String:
		if n.Kind != yaml.ScalarNode {
			d.errorf(n, path, "expected a string, got %s", describe(n))
			return
		}
		v.SetString(n.Value)
	case t.Kind() == reflect.Bool:
		var b bool
		if n.Kind != yaml.ScalarNode || n.ShortTag() != "!!bool" || n.Decode(&b) != nil {
			d.errorf(n, path, "expected true or false, got %s", describe(n))
			return
		}
		v.SetBool(b)
	case t.Kind() == reflect.Int || t.Kind() == reflect.Int64:
		var i int64
		if n.Kind != yaml.ScalarNode || n.ShortTag() != "!!int" || n.Decode(&i) != nil || v.OverflowInt(i) {
			d.errorf(n, path, "expected an integer, got %s", describe(n))
			return
		}
		v.SetInt(i)
	default:
		// Only reachable if Config grows a field of a new kind.
		d.errorf(n, path, "configs: unsupported field type %s", t)
	}
}

// sequence decodes a YAML list into the slice v.
func (d *decoder) sequence(path string, n *yaml.Node, v reflect.Value) {
	if n.Kind != yaml.SequenceNode {
		d.errorf(n, path, "expected a list, got %s", describe(n))
		return
	}
	s := reflect.MakeSlice(v.Type(), len(n.Content), len(n.Content))
	for i, item := range n.Content {
		el := s.Index(i)
		if el.Type() == reflect.TypeFor[Device]() {
			el.Set(reflect.ValueOf(Device{Link: DefaultLink("")}))
		}
		d.value(fmt.Sprintf("%s[%d]", path, i), item, el)
	}
	v.Set(s)
}

// mapping decodes a YAML mapping into the struct v, rejecting unknown and
// duplicate keys.
func (d *decoder) mapping(path string, n *yaml.Node, v reflect.Value) {
	if n.Kind != yaml.MappingNode {
		d.errorf(n, path, "expected a mapping (key: value lines), got %s", describe(n))
		return
	}
	t := v.Type()
	fields := map[string]int{}
	var keys []string
	for i := range t.NumField() {
		k := yamlKey(t.Field(i))
		fields[k] = i
		keys = append(keys, k)
	}
	first := map[string]int{}
	for i := 0; i+1 < len(n.Content); i += 2 {
		kn, vn := n.Content[i], n.Content[i+1]
		key := kn.Value
		if kn.Kind != yaml.ScalarNode {
			d.errorf(kn, path, "expected a field name, got %s", describe(kn))
			continue
		}
		if key == "<<" {
			d.errorf(kn, path, "merge keys (<<) are not supported; write the fields out")
			continue
		}
		if line, dup := first[key]; dup {
			d.errorf(kn, join(path, key), "duplicate field (first set on line %d)", line)
			continue
		}
		first[key] = kn.Line
		fi, ok := fields[key]
		if !ok {
			d.unknown(path, kn, keys)
			continue
		}
		d.value(join(path, key), vn, v.Field(fi))
	}
}

// unknown reports an unknown key with the most helpful hint available.
func (d *decoder) unknown(path string, kn *yaml.Node, keys []string) {
	key := kn.Value
	field := join(path, key)
	switch {
	case path == "mqtt" && key == "password":
		d.errorf(kn, field, "passwords do not go in the config file: use mqtt.password_file or the TILLWATCH_MQTT_PASSWORD environment variable")
	case len(d.where[key]) > 0:
		var at []string
		for _, p := range d.where[key] {
			if p == "" {
				p = "the top level"
			}
			at = append(at, p)
		}
		d.errorf(kn, field, "unknown field %q here (it belongs under %s)", key, strings.Join(at, " or "))
	case suggest(key, keys) != "":
		d.errorf(kn, field, "unknown field %q (did you mean %q?)", key, suggest(key, keys))
	default:
		sorted := append([]string(nil), keys...)
		sort.Strings(sorted)
		d.errorf(kn, field, "unknown field %q (valid fields: %s)", key, strings.Join(sorted, ", "))
	}
}
