package main

import (
	"os"
	"slices"
	"strings"
	"testing"

	"github.com/alecthomas/kong"
)

// helpVerbs lists every verb `tillwatch help` shows, sub-verbs with their
// parent ("decode zvt").
func helpVerbs(t *testing.T) []string {
	t.Helper()
	parser, err := kong.New(&cli{}, kong.Vars{"version": "test", "topic_prefix": "tillwatch/v1"})
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, leaf := range parser.Model.Leaves(true) {
		var words []string
		for n := leaf; n != nil; n = n.Parent {
			if n.Type == kong.CommandNode {
				words = append([]string{n.Name}, words...)
			}
		}
		out = append(out, strings.Join(words, " "))
	}
	return out
}

// readmeVerbs lists the verbs README.md's CLI table names: the leading words
// of each row's first cell, up to the first flag, argument or placeholder
// (`service install\|uninstall` is two verbs).
func readmeVerbs(t *testing.T) []string {
	t.Helper()
	readme, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	_, section, ok := strings.Cut(string(readme), "\n## CLI\n")
	if !ok {
		t.Fatal("README.md has no ## CLI section")
	}
	section, _, _ = strings.Cut(section, "\n## ")
	var out []string
	for line := range strings.Lines(section) {
		cell, ok := strings.CutPrefix(line, "| `")
		if !ok {
			continue
		}
		cell, _, _ = strings.Cut(cell, "`")
		var words []string
		for _, w := range strings.Fields(cell) {
			if w == "" || strings.ContainsAny(w[:1], "[-<ABCDEFGHIJKLMNOPQRSTUVWXYZ") {
				break
			}
			words = append(words, w)
		}
		if len(words) == 0 {
			continue
		}
		last := words[len(words)-1]
		for _, alt := range strings.Split(last, `\|`) {
			out = append(out, strings.Join(append(words[:len(words)-1:len(words)-1], alt), " "))
		}
	}
	return out
}

// TestREADMEListsEveryVerb keeps README.md's CLI table and the CLI's verbs in
// step, both ways: a new verb gets a row, a removed one loses it.
func TestREADMEListsEveryVerb(t *testing.T) {
	help, readme := helpVerbs(t), readmeVerbs(t)
	if len(help) < 20 {
		t.Fatalf("only %d verbs found in the CLI: %v", len(help), help)
	}
	for _, v := range help {
		if !slices.Contains(readme, v) {
			t.Errorf("README.md's CLI table lacks the verb %q (tillwatch help shows it)", v)
		}
	}
	for _, v := range readme {
		if !slices.Contains(help, v) {
			t.Errorf("README.md's CLI table names %q, which tillwatch help does not show", v)
		}
	}
}

// TestREADMELayoutNamesEveryPackage: every directory holding Go code (below
// agent/, drivers/ and internal/: each package; elsewhere the top directory)
// is named in README.md's Layout table, and every path the table names exists.
func TestREADMELayoutNamesEveryPackage(t *testing.T) {
	readme, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	_, layout, ok := strings.Cut(string(readme), "\n## Layout\n")
	if !ok {
		t.Fatal("README.md has no ## Layout section")
	}
	layout, _, _ = strings.Cut(layout, "\n## ")
	named := map[string]bool{}
	for line := range strings.Lines(layout) {
		cell, ok := strings.CutPrefix(line, "| `")
		if !ok {
			continue
		}
		cell, _, _ = strings.Cut(cell, " |")
		for _, p := range strings.Split(cell, "`") {
			if p = strings.TrimSuffix(strings.TrimSpace(p), "/"); p != "" && p != "," {
				named[p] = true
			}
		}
	}
	for p := range named {
		if _, err := os.Stat("../../" + p); err != nil {
			t.Errorf("README.md's Layout names %s/, which does not exist", p)
		}
	}
	for _, top := range []string{"agent", "drivers", "internal"} {
		entries, err := os.ReadDir("../../" + top)
		if err != nil {
			t.Fatal(err)
		}
		for _, e := range entries {
			p := top + "/" + e.Name()
			if !e.IsDir() || e.Name() == "testdata" || !hasGo(t, "../../"+p) {
				continue
			}
			if !named[p] {
				t.Errorf("README.md's Layout table does not name %s/", p)
			}
		}
	}
}

// hasGo says whether dir holds a .go file.
func hasGo(t *testing.T, dir string) bool {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		if strings.HasSuffix(e.Name(), ".go") {
			return true
		}
	}
	return false
}
