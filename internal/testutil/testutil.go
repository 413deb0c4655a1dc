// Package testutil holds small helpers tests share: waiting for a
// condition instead of sleeping a fixed time, a free loopback address,
// a Buffer several goroutines write while the test reads it, and how a
// test whose program is missing here ends (Unavailable).
package testutil

import (
	"net"
	"testing"
	"time"
)

// pollEvery is how often WaitFor checks its condition.
const pollEvery = 5 * time.Millisecond

// WaitFor polls cond until it holds; when timeout passes first it fails
// the test naming what it waited for. The timeout bounds a hang, it is not
// a measurement: a condition that holds returns at once.
func WaitFor(t testing.TB, what string, timeout time.Duration, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(timeout)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out after %s waiting for %s", timeout, what)
		}
		time.Sleep(pollEvery)
	}
}

// FreeAddr returns a loopback address nothing listens on right now
// ("127.0.0.1:port").
func FreeAddr(t testing.TB) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	if err := ln.Close(); err != nil {
		t.Fatal(err)
	}
	return addr
}
