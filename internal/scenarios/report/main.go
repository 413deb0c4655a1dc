// Command report prints precision and recall per alert kind over the
// scenario corpus (`make scenarios`).
package main

import (
	"flag"
	"fmt"
	"os"

	"github.com/tillwatch/tillwatch/internal/scenarios"
)

func main() {
	dir := flag.String("dir", "testdata/scenarios", "the scenario corpus")
	busy := flag.Int("busy", 10000, "checkouts in the busy clean shift (0: none)")
	flag.Parse()
	if err := scenarios.Report(os.Stdout, *dir, *busy); err != nil {
		fmt.Fprintln(os.Stderr, "scenarios:", err)
		os.Exit(1)
	}
}
