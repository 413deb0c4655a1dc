package fleet

import (
	"bufio"
	"errors"
	"io"
	"net"
	"os"
	"strings"
	"testing"
	"time"
)

// echo serves line echo on a loopback port until the test ends.
func echo(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = ln.Close() })
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			go func() {
				defer c.Close()
				_, _ = io.Copy(c, c)
			}()
		}
	}()
	return ln.Addr().String()
}

// roundTrip sends a line through the gate and reads it back.
func roundTrip(g *gate) error {
	c, err := net.Dial("tcp", strings.TrimPrefix(g.URL(), "tcp://"))
	if err != nil {
		return err
	}
	defer c.Close()
	if err := c.SetDeadline(time.Now().Add(5 * time.Second)); err != nil {
		return err
	}
	if _, err := io.WriteString(c, "ping\n"); err != nil {
		return err
	}
	_, err = bufio.NewReader(c).ReadString('\n')
	return err
}

func TestGate(t *testing.T) {
	g, err := newGate(echo(t))
	if err != nil {
		t.Fatal(err)
	}
	defer g.Close()
	if err := roundTrip(g); err != nil {
		t.Fatalf("open gate: %v", err)
	}

	// A connection through the gate is cut when it shuts.
	c, err := net.Dial("tcp", strings.TrimPrefix(g.URL(), "tcp://"))
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if _, err := io.WriteString(c, "hello\n"); err != nil {
		t.Fatal(err)
	}
	r := bufio.NewReader(c)
	if _, err := r.ReadString('\n'); err != nil {
		t.Fatal(err)
	}
	g.setOpen(false)
	if err := c.SetReadDeadline(time.Now().Add(5 * time.Second)); err != nil {
		t.Fatal(err)
	}
	if _, err := r.ReadString('\n'); err == nil || errors.Is(err, os.ErrDeadlineExceeded) {
		t.Errorf("a connection survived the gate shutting (%v)", err)
	}
	if err := roundTrip(g); err == nil {
		t.Error("shut gate let a connection through")
	}
	g.setOpen(true)
	if err := roundTrip(g); err != nil {
		t.Fatalf("reopened gate: %v", err)
	}
}

// TestGateSpread: with several upstreams the gate hands connections out in
// turn, and spreads those a refusing upstream would have had over the
// others.
func TestGateSpread(t *testing.T) {
	dead, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	deadAddr := dead.Addr().String()
	if err := dead.Close(); err != nil { // nothing listens there now: refused
		t.Fatal(err)
	}
	g, err := newGate(echo(t), echo(t), deadAddr)
	if err != nil {
		t.Fatal(err)
	}
	defer g.Close()
	var conns []net.Conn
	defer func() {
		for _, c := range conns {
			_ = c.Close()
		}
	}()
	for range 6 {
		c, err := net.Dial("tcp", strings.TrimPrefix(g.URL(), "tcp://"))
		if err != nil {
			t.Fatal(err)
		}
		conns = append(conns, c)
		// A line back means the gate forwarded this one before the next.
		if _, err := io.WriteString(c, "x\n"); err != nil {
			t.Fatal(err)
		}
		if _, err := bufio.NewReader(c).ReadString('\n'); err != nil {
			t.Fatal(err)
		}
	}
	if got := g.spread(); got[0] != 3 || got[1] != 3 || got[2] != 0 {
		t.Fatalf("spread %v, want [3 3 0]", got)
	}
}
