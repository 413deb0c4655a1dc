package configs

import (
	"os"
	"reflect"
	"strings"
	"testing"
)

// yamlKeys lists every key of t as a dotted path (lists as name[]).
func yamlKeys(prefix string, t reflect.Type) []string {
	var out []string
	for i := range t.NumField() {
		f := t.Field(i)
		key, ft := yamlKey(f), f.Type
		if ft.Kind() == reflect.Slice && ft.Elem().Kind() == reflect.Struct {
			out = append(out, yamlKeys(prefix+key+"[].", ft.Elem())...)
			continue
		}
		if ft.Kind() == reflect.Struct && ft != durationType {
			out = append(out, yamlKeys(prefix+key+".", ft)...)
			continue
		}
		out = append(out, prefix+key)
	}
	return out
}

// TestDocsCoverEveryKey keeps schema.md and example.yaml in step with the
// Config type: every key is documented in the schema and set in the example.
func TestDocsCoverEveryKey(t *testing.T) {
	schema, err := os.ReadFile("schema.md")
	if err != nil {
		t.Fatal(err)
	}
	example, err := os.ReadFile("example.yaml")
	if err != nil {
		t.Fatal(err)
	}
	keys := yamlKeys("", reflect.TypeFor[Config]())
	if len(keys) < 39 {
		t.Fatalf("only %d keys found: %v", len(keys), keys)
	}
	for _, k := range keys {
		// The schema's tables name a key by its last one or two levels.
		parts := strings.Split(k, ".")
		leaf := parts[len(parts)-1]
		if len(parts) > 1 && (parts[len(parts)-2] == "tls" || parts[len(parts)-2] == "link") {
			leaf = parts[len(parts)-2] + "." + leaf
		}
		if !strings.Contains(string(schema), "`"+leaf+"`") {
			t.Errorf("schema.md does not document %s (as `%s`)", k, leaf)
		}
		if !strings.Contains(string(example), parts[len(parts)-1]+":") {
			t.Errorf("example.yaml does not show %s", k)
		}
	}
}

// schemaKeys lists the keys schema.md's tables document, as dotted paths
// (the section heading, such as `devices[]`, is the prefix of its table's keys).
func schemaKeys(schema string) []string {
	var out []string
	prefix := ""
	for line := range strings.Lines(schema) {
		line = strings.TrimSpace(line)
		if h, ok := strings.CutPrefix(line, "## "); ok {
			prefix = ""
			if name := strings.Trim(h, "`"); name != h {
				prefix = name + "."
			}
			continue
		}
		cell, ok := strings.CutPrefix(line, "| `")
		if !ok {
			continue
		}
		key, _, ok := strings.Cut(cell, "` |")
		if !ok {
			continue
		}
		out = append(out, prefix+key)
	}
	return out
}

// TestSchemaDocumentsOnlyRealKeys is TestDocsCoverEveryKey the other way
// round: every key schema.md documents is a key of the Config type (a leaf,
// or a mapping or list holding keys), so a renamed or removed key cannot
// stay in the schema.
func TestSchemaDocumentsOnlyRealKeys(t *testing.T) {
	schema, err := os.ReadFile("schema.md")
	if err != nil {
		t.Fatal(err)
	}
	keys := yamlKeys("", reflect.TypeFor[Config]())
	real := map[string]bool{}
	for _, k := range keys {
		// Lists are written with and without [] (`devices[]`, `notify`).
		k = strings.ReplaceAll(k, "[]", "")
		real[k] = true
		// Every level above a leaf is a key too (`mqtt`, `devices`, `devices.link`).
		for i := range len(k) {
			if k[i] == '.' {
				real[k[:i]] = true
			}
		}
	}
	documented := schemaKeys(string(schema))
	if len(documented) < len(keys) {
		t.Fatalf("schema.md: only %d keys read from its tables: %v", len(documented), documented)
	}
	for _, k := range documented {
		if !real[strings.ReplaceAll(k, "[]", "")] {
			t.Errorf("configs/schema.md documents %q, which the Config type does not have", k)
		}
	}
}
