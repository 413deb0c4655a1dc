// Command benchtable reads `go test -bench` output on stdin and prints
// one Markdown table of every benchmark: package, name, ns/op, B/op,
// allocs/op and the benchmark's own metrics (puts/s, msgs/s, ratio,
// p50_ms, rss_MiB, ...). Lines that are not results pass through to
// stderr; it exits 1 when the output reports a failure. `make bench` pipes
// into it.
package main

import (
	"bufio"
	"fmt"
	"io"
	"os"
	"strings"
)

// row is one benchmark result.
type row struct {
	pkg, name         string
	ns, bytes, allocs string
	metrics           []string // "value unit"
}

func main() {
	rows, failed, err := parse(os.Stdin, os.Stderr)
	if err != nil {
		fmt.Fprintln(os.Stderr, "benchtable:", err)
		os.Exit(1)
	}
	write(os.Stdout, rows)
	if failed {
		fmt.Fprintln(os.Stderr, "benchtable: some benchmarks failed (see above)")
		os.Exit(1)
	}
}

// parse reads benchmark output; other lines go to rest.
func parse(r io.Reader, rest io.Writer) ([]row, bool, error) {
	var rows []row
	failed := false
	pkg := ""
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	for sc.Scan() {
		line := sc.Text()
		if p, ok := strings.CutPrefix(line, "pkg: "); ok {
			pkg = strings.TrimPrefix(p, "github.com/tillwatch/tillwatch/")
			continue
		}
		if strings.HasPrefix(line, "FAIL") || strings.HasPrefix(strings.TrimSpace(line), "--- FAIL") {
			failed = true
		}
		f := strings.Fields(line)
		if len(f) < 4 || !strings.HasPrefix(f[0], "Benchmark") || len(f)%2 != 0 {
			if !strings.HasPrefix(line, "ok ") && !strings.HasPrefix(line, "goos:") && !strings.HasPrefix(line, "goarch:") &&
				!strings.HasPrefix(line, "cpu:") && line != "PASS" && !strings.HasPrefix(line, "?") {
				fmt.Fprintln(rest, line)
			}
			continue
		}
		rw := row{pkg: pkg, name: strings.TrimPrefix(f[0], "Benchmark")}
		for i := 2; i+1 < len(f); i += 2 {
			switch v, unit := f[i], f[i+1]; unit {
			case "ns/op":
				rw.ns = v
			case "B/op":
				rw.bytes = v
			case "allocs/op":
				rw.allocs = v
			default:
				rw.metrics = append(rw.metrics, v+" "+unit)
			}
		}
		rows = append(rows, rw)
	}
	return rows, failed, sc.Err()
}

// write prints rows as one Markdown table.
func write(w io.Writer, rows []row) {
	fmt.Fprintln(w, "| package | benchmark | ns/op | B/op | allocs/op | metrics |")
	fmt.Fprintln(w, "|---|---|---:|---:|---:|---|")
	for _, r := range rows {
		fmt.Fprintf(w, "| %s | %s | %s | %s | %s | %s |\n", r.pkg, r.name, r.ns, r.bytes, r.allocs, strings.Join(r.metrics, ", "))
	}
}
