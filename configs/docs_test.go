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
