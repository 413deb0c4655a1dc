package main

import (
	"bytes"
	"os"
	"testing"

	"github.com/tillwatch/tillwatch/internal/golden"
)

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
	golden.Check(t, "testdata/table.golden", out.Bytes())
}

func TestFailure(t *testing.T) {
	_, failed, _ := parse(bytes.NewBufferString("--- FAIL: BenchmarkX\nFAIL\tgithub.com/x\t1s\n"), &bytes.Buffer{})
	if !failed {
		t.Fatal("a failure was not noticed")
	}
}
