package testutil

import (
	"fmt"
	"net"
	"runtime"
	"strings"
	"testing"
	"time"
)

func TestWaitFor(t *testing.T) {
	n := 0
	WaitFor(t, "three polls", time.Minute, func() bool { n++; return n == 3 })
	if n != 3 {
		t.Fatalf("polled %d times", n)
	}
}

func TestFreeAddr(t *testing.T) {
	addr := FreeAddr(t)
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		t.Fatalf("FreeAddr %s is not free: %v", addr, err)
	}
	ln.Close()
}

// TestBuffer: writers on several goroutines, reads meanwhile (run with
// -race); Bytes is a copy the caller may keep.
func TestBuffer(t *testing.T) {
	var b Buffer
	done := make(chan struct{})
	for range 4 {
		go func() {
			defer func() { done <- struct{}{} }()
			for range 100 {
				_, _ = b.Write([]byte("ab"))
				_ = b.String()
			}
		}()
	}
	for range 4 {
		<-done
	}
	got := b.Bytes()
	if len(got) != 800 || b.String() != string(got) {
		t.Fatalf("%d bytes", len(got))
	}
	got[0] = 'x'
	if b.String()[0] != 'a' {
		t.Error("Bytes is not a copy")
	}
}

// TestWriteBytes: this process's /proc io file is found and parsed (the
// count itself may be 0 on tmpfs).
func TestWriteBytes(t *testing.T) {
	if runtime.GOOS != "linux" {
		t.Skip("/proc/PID/io is Linux's")
	}
	WriteBytes(t, "self")
}

// endTB records how a helper ended a test instead of ending it.
type endTB struct {
	testing.TB
	skipped, failed string
}

func (e *endTB) Helper()           {}
func (e *endTB) Skip(args ...any)  { e.skipped = fmt.Sprint(args...) }
func (e *endTB) Fatal(args ...any) { e.failed = fmt.Sprint(args...) }

// TestUnavailable: a missing program fails the test unless
// TILLWATCH_ALLOW_SKIP=1, and either way the reason is said.
func TestUnavailable(t *testing.T) {
	for _, tc := range []struct {
		env          string
		skip, failed bool
	}{{"", false, true}, {"0", false, true}, {"1", true, false}} {
		t.Setenv(AllowSkipEnv, tc.env)
		e := &endTB{TB: t}
		Unavailable(e, "strace not installed")
		if (e.skipped != "") != tc.skip || (e.failed != "") != tc.failed {
			t.Errorf("%s=%q: skipped %q, failed %q", AllowSkipEnv, tc.env, e.skipped, e.failed)
		}
		if !strings.Contains(e.skipped+e.failed, "strace not installed") {
			t.Errorf("%s=%q: the reason is not said: %q%q", AllowSkipEnv, tc.env, e.skipped, e.failed)
		}
	}
}
