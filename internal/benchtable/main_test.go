package main

import (
	"bytes"
	"flag"
	"os"
	"testing"
)

var update = flag.Bool("update", false, "rewrite testdata/*.golden")

// TestTable turns recorded `go test -bench` output into the table.
func TestTable(t *testing.T) {
	in, err := os.Open("testdata/bench.txt")
	if err != nil {
		t.Fatal(err)
	}
	defer in.Close()
	var rest bytes.Buffer
	rows, failed, err := parse(in, &rest)
	if err != nil || failed {
		t.Fatalf("parse: %v, failed %v", err, failed)
	}
	var out bytes.Buffer
	write(&out, rows)
	out.WriteString("--- other lines\n")
	out.Write(rest.Bytes())
	const golden = "testdata/table.golden"
	if *update {
		if err := os.WriteFile(golden, out.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(out.Bytes(), want) {
		t.Fatalf("table:\n%s\nwant:\n%s", out.Bytes(), want)
	}
}

func TestFailure(t *testing.T) {
	_, failed, _ := parse(bytes.NewBufferString("--- FAIL: BenchmarkX\nFAIL\tgithub.com/x\t1s\n"), &bytes.Buffer{})
	if !failed {
		t.Fatal("a failure was not noticed")
	}
}
