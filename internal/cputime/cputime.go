// Package cputime reads the CPU time this process has used, for benchmarks
// on a shared machine: wall-clock throughput there depends on what else
// runs, throughput per CPU second much less.
package cputime

import "time"

// Self returns the user plus system CPU time of this process (all
// threads), and false where the platform cannot tell.
func Self() (time.Duration, bool) { return self() }
