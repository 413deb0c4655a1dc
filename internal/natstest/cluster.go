// Package natstest runs a real NATS cluster for tests: Debian's
// nats-server package in CI, whatever `nats-server` is on PATH (or in
// /usr/sbin) on a developer's machine. Each node has JetStream (file
// storage in the test's temporary directory) and an MQTT listener, so MQTT
// clients can use the cluster as a broker. A missing nats-server fails the
// test unless TILLWATCH_ALLOW_SKIP=1.
package natstest

import (
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/tillwatch/tillwatch/internal/testutil"
)

// startTimeout bounds the wait for a node to serve MQTT and report healthy.
const startTimeout = 60 * time.Second

// Find returns the nats-server binary, or "" when it is not installed.
func Find() string {
	if p, err := exec.LookPath("nats-server"); err == nil {
		return p
	}
	if _, err := os.Stat("/usr/sbin/nats-server"); err == nil {
		return "/usr/sbin/nats-server"
	}
	return ""
}

// Require returns the nats-server binary. Without one it fails the test
// (CI installs it), or skips it when TILLWATCH_ALLOW_SKIP=1.
func Require(t testing.TB) string {
	t.Helper()
	bin := Find()
	if bin != "" {
		return bin
	}
	testutil.Unavailable(t, "nats-server not installed (apt-get install nats-server)")
	return ""
}

// Cluster is n nats-server processes routed to each other on loopback.
type Cluster struct {
	Nodes []*Node
}

// Node is one nats-server of a Cluster. Its ports and its JetStream
// directory stay the same across Stop and Start.
type Node struct {
	Name string
	// MQTTAddr, NATSAddr and MonitorAddr are "127.0.0.1:PORT".
	MQTTAddr, NATSAddr, MonitorAddr string
	bin, conf                       string

	mu     sync.Mutex
	cmd    *exec.Cmd
	out    *testutil.Buffer
	exited chan struct{}
}

// StartCluster starts an n-node cluster (n = 1: one standalone server) with JetStream and MQTT on free
// loopback ports and waits until every node is healthy (its JetStream
// current); the processes are killed when the test ends. extra is added
// to every node's mqtt block (e.g. "ack_wait: \"5s\"").
func StartCluster(t testing.TB, n int, extra string) *Cluster {
	t.Helper()
	bin := Require(t)
	dir := t.TempDir()
	ports := freePorts(t, 4*n)
	c := &Cluster{}
	var routes []string
	for i := range n {
		routes = append(routes, fmt.Sprintf("nats-route://127.0.0.1:%d", ports[4*i+3]))
	}
	for i := range n {
		nd := &Node{
			Name:        fmt.Sprintf("n%d", i+1),
			NATSAddr:    fmt.Sprintf("127.0.0.1:%d", ports[4*i]),
			MQTTAddr:    fmt.Sprintf("127.0.0.1:%d", ports[4*i+1]),
			MonitorAddr: fmt.Sprintf("127.0.0.1:%d", ports[4*i+2]),
			bin:         bin,
			conf:        filepath.Join(dir, fmt.Sprintf("n%d.conf", i+1)),
		}
		cluster := "" // one node runs standalone: a cluster of one never elects a JetStream leader
		if n > 1 {
			cluster = fmt.Sprintf("cluster {\n  name: tillwatch\n  listen: 127.0.0.1:%d\n  routes: [%s]\n}\n", ports[4*i+3], strings.Join(routes, ", "))
		}
		conf := fmt.Sprintf("server_name: %s\nlisten: %s\nhttp: %s\njetstream { store_dir: %q }\n%smqtt {\n  listen: %s\n  %s\n}\n",
			nd.Name, nd.NATSAddr, nd.MonitorAddr, filepath.Join(dir, nd.Name), cluster, nd.MQTTAddr, extra)
		if err := os.WriteFile(nd.conf, []byte(conf), 0o600); err != nil {
			t.Fatalf("natstest: %v", err)
		}
		c.Nodes = append(c.Nodes, nd)
	}
	t.Cleanup(func() {
		for _, nd := range c.Nodes {
			nd.kill()
		}
	})
	// Start them all before waiting: JetStream needs a quorum of the
	// cluster to elect its meta leader.
	for _, nd := range c.Nodes {
		if err := nd.spawn(); err != nil {
			t.Fatal(err)
		}
	}
	for _, nd := range c.Nodes {
		if err := nd.waitHealthy(); err != nil {
			t.Fatal(err)
		}
	}
	return c
}

// MQTTURLs are the nodes' MQTT listeners as broker URLs for paho.
func (c *Cluster) MQTTURLs() []string {
	var urls []string
	for _, nd := range c.Nodes {
		urls = append(urls, "tcp://"+nd.MQTTAddr)
	}
	return urls
}

// NATSURLs are the nodes' client listeners as nats:// URLs.
func (c *Cluster) NATSURLs() []string {
	var urls []string
	for _, nd := range c.Nodes {
		urls = append(urls, "nats://"+nd.NATSAddr)
	}
	return urls
}

// Pids are the process ids of the running nodes.
func (c *Cluster) Pids() []int {
	var pids []int
	for _, nd := range c.Nodes {
		if p := nd.Pid(); p != 0 {
			pids = append(pids, p)
		}
	}
	return pids
}

// Pid is the node's process id, 0 while it is stopped.
func (nd *Node) Pid() int {
	nd.mu.Lock()
	defer nd.mu.Unlock()
	if nd.cmd == nil || nd.cmd.Process == nil {
		return 0
	}
	return nd.cmd.Process.Pid
}

// Start (re)starts the node on its ports and JetStream directory and
// waits until it is healthy: serving MQTT, its JetStream caught up with
// the cluster.
func (nd *Node) Start() error {
	if err := nd.spawn(); err != nil {
		return err
	}
	return nd.waitHealthy()
}

// Stop kills the node (SIGKILL, as a crash or a power cut would).
func (nd *Node) Stop() error {
	nd.mu.Lock()
	cmd, exited := nd.cmd, nd.exited
	nd.mu.Unlock()
	if cmd == nil {
		return fmt.Errorf("natstest: %s is not running", nd.Name)
	}
	if err := cmd.Process.Kill(); err != nil {
		return fmt.Errorf("natstest: kill %s: %w", nd.Name, err)
	}
	<-exited // killed: a non-nil exit status is expected
	nd.mu.Lock()
	nd.cmd = nil
	nd.mu.Unlock()
	return nil
}

// Freeze pauses the node (SIGSTOP; Unix only); Stop kills it all the same.
func (nd *Node) Freeze() error {
	pid := nd.Pid()
	if pid == 0 {
		return fmt.Errorf("natstest: %s is not running", nd.Name)
	}
	if err := stop(pid); err != nil {
		return fmt.Errorf("natstest: freeze %s: %w", nd.Name, err)
	}
	return nil
}

// Output is what the node printed since its last start.
func (nd *Node) Output() string {
	nd.mu.Lock()
	defer nd.mu.Unlock()
	if nd.out == nil {
		return ""
	}
	return nd.out.String()
}

func (nd *Node) spawn() error {
	nd.mu.Lock()
	defer nd.mu.Unlock()
	if nd.cmd != nil {
		return fmt.Errorf("natstest: %s is already running", nd.Name)
	}
	out := &testutil.Buffer{}
	cmd := exec.Command(nd.bin, "-c", nd.conf)
	cmd.Stdout, cmd.Stderr = out, out
	if err := cmd.Start(); err != nil {
		return fmt.Errorf("natstest: start %s: %w", nd.Name, err)
	}
	exited := make(chan struct{})
	go func() { _ = cmd.Wait(); close(exited) }() // ends with the process; Stop and kill wait for it
	nd.cmd, nd.out, nd.exited = cmd, out, exited
	return nil
}

// waitHealthy polls the node's /healthz (which answers 200 once its
// JetStream is current) and its MQTT port.
func (nd *Node) waitHealthy() error {
	nd.mu.Lock()
	exited := nd.exited
	nd.mu.Unlock()
	client := &http.Client{Timeout: 2 * time.Second}
	deadline := time.Now().Add(startTimeout)
	var last error
	for {
		select {
		case <-exited:
			return fmt.Errorf("natstest: %s exited before it was healthy:\n%s", nd.Name, nd.Output())
		default:
		}
		last = nd.probe(client)
		if last == nil {
			return nil
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("natstest: %s not healthy within %v: %v\n%s", nd.Name, startTimeout, last, nd.Output())
		}
		time.Sleep(50 * time.Millisecond)
	}
}

func (nd *Node) probe(client *http.Client) error {
	resp, err := client.Get("http://" + nd.MonitorAddr + "/healthz")
	if err != nil {
		return err
	}
	_ = resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("/healthz: %s", resp.Status)
	}
	c, err := net.DialTimeout("tcp", nd.MQTTAddr, time.Second)
	if err != nil {
		return err
	}
	return c.Close()
}

// kill ends the process if it runs (test cleanup).
func (nd *Node) kill() {
	nd.mu.Lock()
	cmd, exited := nd.cmd, nd.exited
	nd.cmd = nil
	nd.mu.Unlock()
	if cmd == nil {
		return
	}
	_ = cmd.Process.Kill() // SIGKILL ends a frozen process too
	<-exited
}

// freePorts returns n distinct free loopback ports (free when asked: the
// node binds them a moment later).
func freePorts(t testing.TB, n int) []int {
	t.Helper()
	var lns []net.Listener
	defer func() {
		for _, ln := range lns {
			_ = ln.Close()
		}
	}()
	ports := make([]int, 0, n)
	for range n {
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatalf("natstest: %v", err)
		}
		lns = append(lns, ln)
		ports = append(ports, ln.Addr().(*net.TCPAddr).Port)
	}
	return ports
}
