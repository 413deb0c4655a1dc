package cputime

import (
	"runtime"
	"testing"
)

// TestSelf: spinning adds CPU time.
func TestSelf(t *testing.T) {
	before, ok := Self()
	if !ok {
		if runtime.GOOS == "linux" {
			t.Fatal("no CPU time on Linux")
		}
		t.Skip("no CPU time on " + runtime.GOOS)
	}
	x := 0
	for {
		for i := range 1_000_000 {
			x += i
		}
		if after, _ := Self(); after > before {
			break
		}
	}
	_ = x
}
