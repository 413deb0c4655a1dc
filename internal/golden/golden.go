// Package golden compares what a test produced with a committed file, or
// rewrites the file with -update (go/printer's convention):
//
//	go test ./drivers/zvt -update   # regenerate, then review git diff
//
// Importing it defines the -update flag in the test binary; a package's
// tests must not define their own.
package golden

import (
	"bytes"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite golden files (testdata) with what the tests give now; review the diff")

// Updating reports whether -update was given, for tests that regenerate
// more than a compared file (a compiled capture).
func Updating() bool { return *update }

// Check compares got with the file at path. With -update it writes got
// there instead (creating the directory), and the test passes. A missing
// file or a difference fails the test, showing the first lines that
// differ.
func Check(t testing.TB, path string, got []byte) {
	t.Helper()
	if *update {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatalf("golden: %v", err)
		}
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatalf("golden: %v", err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("golden: %v (run go test -update to create it, then review it)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("golden: %s differs from what the test gives now (run go test -update and review the diff):\n%s", path, Diff(want, got))
	}
}

// CheckString is Check for text.
func CheckString(t testing.TB, path, got string) {
	t.Helper()
	Check(t, path, []byte(got))
}

// maxDiffLines bounds how many differing lines Diff shows.
const maxDiffLines = 8

// Diff describes how got differs from want, line by line: the first
// differing lines with their numbers ("-" want, "+" got), at most
// maxDiffLines of each, and the line counts.
func Diff(want, got []byte) string {
	w, g := strings.Split(string(want), "\n"), strings.Split(string(got), "\n")
	var b strings.Builder
	shown := 0
	for i := 0; i < max(len(w), len(g)) && shown < maxDiffLines; i++ {
		var wl, gl string
		wok, gok := i < len(w), i < len(g)
		if wok {
			wl = w[i]
		}
		if gok {
			gl = g[i]
		}
		if wok && gok && wl == gl {
			continue
		}
		shown++
		at := 0 // first differing byte, so a long line shows where it differs
		for at < len(wl) && at < len(gl) && wl[at] == gl[at] {
			at++
		}
		if wok {
			fmt.Fprintf(&b, "line %d -%s\n", i+1, around(wl, at))
		}
		if gok {
			fmt.Fprintf(&b, "line %d +%s\n", i+1, around(gl, at))
		}
	}
	fmt.Fprintf(&b, "(want %d lines, got %d)", len(w), len(g))
	return b.String()
}

// around shortens a line for the report to the part around byte at.
func around(s string, at int) string {
	const context = 120
	from, to := max(0, at-context), min(len(s), at+context)
	out := s[from:to]
	if from > 0 {
		out = "..." + out
	}
	if to < len(s) {
		out += "..."
	}
	return out
}
