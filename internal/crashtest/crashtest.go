// Package crashtest kills a writer with SIGKILL in the middle of its work
// and lets the test check what survived, the way a power cut or kill -9
// would leave it: no Close, no deferred code, no flush.
//
// A test file holds two tests. The child writes until it is killed and
// prints one line per write it got acknowledged:
//
//	func TestCrashChild(t *testing.T) {
//		dir := crashtest.ChildDir(t) // skips in a normal run
//		var ack crashtest.Acker
//		... write; ack.Printf("q %s", id) ...
//	}
//
// The parent runs it, reads the lines, kills it, then reopens dir:
//
//	crashtest.Run(t, "TestCrashChild", dir, func(line string) bool { ...; return n == 600 })
package crashtest

import (
	"bufio"
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"sync"
	"testing"
	"time"
)

// envDir tells a test binary that it runs as a crash child, and where.
const envDir = "TILLWATCH_CRASHTEST_DIR"

// ChildLife bounds a child's work, so it never outlives a parent that died
// before killing it.
const ChildLife = time.Minute

// ChildDir returns the directory the child works in. In a normal test run
// (not started by Run) it skips the test.
func ChildDir(t testing.TB) string {
	t.Helper()
	dir := os.Getenv(envDir)
	if dir == "" {
		t.Skip("crash child: runs only when crashtest.Run starts it")
	}
	return dir
}

// Acker prints the child's acknowledgements to the parent, one whole line
// per write (safe for concurrent use): a line the parent read was
// acknowledged before the kill.
type Acker struct{ mu sync.Mutex }

// Printf prints one line.
func (a *Acker) Printf(format string, args ...any) {
	a.mu.Lock()
	defer a.mu.Unlock()
	fmt.Fprintf(os.Stdout, format+"\n", args...)
}

// Run starts the test binary again, running only the test named child
// with dir as its directory, and hands every line the child prints to
// line. When line returns true the child is killed with SIGKILL; Run then
// waits for it to end. The test fails when the child ended by itself
// (it was never killed), and with -short Run skips it. The child's stderr
// goes to the test log.
func Run(t testing.TB, child, dir string, line func(string) (kill bool)) {
	t.Helper()
	if testing.Short() {
		t.Skip("crashtest: spawns a child process")
	}
	cmd := exec.Command(os.Args[0], "-test.run=^"+child+"$", "-test.count=1")
	cmd.Env = append(os.Environ(), envDir+"="+dir)
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatalf("crashtest: %v", err)
	}
	cmd.Stderr = logWriter{t}
	if err := cmd.Start(); err != nil {
		t.Fatalf("crashtest: start %s: %v", child, err)
	}
	killed := false
	sc := bufio.NewScanner(out)
	for sc.Scan() {
		if !killed && line(sc.Text()) {
			if err := cmd.Process.Kill(); err != nil { // SIGKILL
				t.Fatalf("crashtest: kill %s: %v", child, err)
			}
			killed = true
		}
	}
	werr := cmd.Wait()
	if !killed {
		t.Fatalf("crashtest: %s ended before it was killed: %v", child, werr)
	}
}

// logWriter writes a child's stderr to the test log.
type logWriter struct{ t testing.TB }

func (w logWriter) Write(p []byte) (int, error) {
	w.t.Log(string(bytes.TrimSpace(p)))
	return len(p), nil
}
