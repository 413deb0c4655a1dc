// Package mqtttest runs a real mosquitto broker for tests: Debian's
// package in CI, whatever `mosquitto` is on PATH (or in /usr/sbin) on a
// developer's machine. Tests that need it skip with a visible message when
// it is not installed.
package mqtttest

import (
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"sync/atomic"
	"testing"
	"time"

	"github.com/tillwatch/tillwatch/internal/testutil"
)

// Mosquitto is a mosquitto process listening on a loopback port.
type Mosquitto struct {
	// Addr is "127.0.0.1:PORT"; it stays the same across Stop and Start.
	Addr string
	bin  string
	conf string
	cmd  *exec.Cmd
	out  *testutil.Buffer
	// exited is closed when the running process ends.
	exited chan struct{}
	// pid is the running process's id, 0 while stopped: read by other
	// goroutines (a fleet run's memory meter) while Start and Stop run.
	pid atomic.Int64
}

// Find returns the mosquitto binary, or "" when it is not installed.
func Find() string {
	if p, err := exec.LookPath("mosquitto"); err == nil {
		return p
	}
	if _, err := os.Stat("/usr/sbin/mosquitto"); err == nil {
		return "/usr/sbin/mosquitto"
	}
	return ""
}

// StartMosquitto starts mosquitto on a free loopback port (anonymous, no
// persistence) and stops it when the test ends. It skips the test when
// mosquitto is not installed.
func StartMosquitto(t testing.TB) *Mosquitto {
	t.Helper()
	return StartMosquittoConf(t, "")
}

// StartMosquittoConf is StartMosquitto with extra configuration lines
// appended to the generated file (mosquitto takes the last value of a
// repeated option, so extra can turn persistence on).
func StartMosquittoConf(t testing.TB, extra string) *Mosquitto {
	t.Helper()
	bin := Find()
	if bin == "" {
		t.Skip("mosquitto not installed (apt-get install mosquitto): skipping the real-broker variant")
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	_, port, _ := net.SplitHostPort(addr)
	if err := ln.Close(); err != nil {
		t.Fatal(err)
	}
	conf := filepath.Join(t.TempDir(), "mosquitto.conf")
	text := fmt.Sprintf("listener %s 127.0.0.1\nallow_anonymous true\npersistence false\n", port) + extra
	if err := os.WriteFile(conf, []byte(text), 0o600); err != nil {
		t.Fatal(err)
	}
	m := &Mosquitto{Addr: addr, bin: bin, conf: conf}
	m.Start(t)
	t.Cleanup(func() {
		if m.cmd != nil {
			_ = m.cmd.Process.Kill()
			<-m.exited
		}
	})
	return m
}

// Pid is the process id of the running mosquitto, 0 while it is stopped.
func (m *Mosquitto) Pid() int { return int(m.pid.Load()) }

// URL is the broker URL for paho.
func (m *Mosquitto) URL() string { return "tcp://" + m.Addr }

// Start (re)starts the process and waits until it accepts connections.
func (m *Mosquitto) Start(t testing.TB) {
	t.Helper()
	m.out = &testutil.Buffer{}
	m.cmd = exec.Command(m.bin, "-c", m.conf)
	m.cmd.Stdout, m.cmd.Stderr = m.out, m.out
	if err := m.cmd.Start(); err != nil {
		t.Fatalf("start mosquitto: %v", err)
	}
	m.pid.Store(int64(m.cmd.Process.Pid))
	cmd, exited := m.cmd, make(chan struct{})
	m.exited = exited
	var waitErr error
	go func() { waitErr = cmd.Wait(); close(exited) }()
	deadline := time.Now().Add(10 * time.Second)
	for {
		c, err := net.Dial("tcp", m.Addr)
		if err == nil {
			_ = c.Close()
			return
		}
		select {
		case <-exited: // a bad config or an unreadable file: say so now, not after the deadline
			t.Fatalf("mosquitto exited before listening (%v):\n%s", waitErr, m.out.String())
		default:
		}
		if time.Now().After(deadline) {
			t.Fatalf("mosquitto not listening on %s: %v\n%s", m.Addr, err, m.out.String())
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// Stop kills the process (as a crash would).
func (m *Mosquitto) Stop(t testing.TB) {
	t.Helper()
	if err := m.cmd.Process.Kill(); err != nil {
		t.Fatal(err)
	}
	<-m.exited // killed: a non-nil exit status is expected
	m.pid.Store(0)
	m.cmd = nil
}
