// Package presence tells whether a lane's agent is running, so that the
// technician verbs (doctor, monitor, capture) never open the ports it
// holds: a second reader steals its bytes (a capture took a payment from
// it, and the agent raised a false receipt_without_payment), and a root
// process closing a serial port clears the exclusive mode (TIOCEXCL) the
// agent set on it. Two signs, either enough: the agent's local API answers
// for the lane (http.address), or the Badger database in data_dir is held
// by a live process (Badger writes its pid to data_dir/LOCK and removes the
// file when it closes; a LOCK left by kill -9 names a dead process).
package presence

import (
	"context"
	"encoding/json"
	"errors"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/tillwatch/tillwatch/configs"
)

// Agent is a running agent as found.
type Agent struct {
	// URL is its local API ("http://127.0.0.1:9109"), "" when it did not
	// answer (listener off, or another address).
	URL string
	// Held says data_dir's database is open in another process; PID is
	// that process, 0 when unknown.
	Held bool
	PID  int
	// Devices are its links as its status says (only when URL is set).
	Devices []Device
}

// Device is one of the running agent's links.
type Device struct {
	Name   string `json:"name"`
	Up     bool   `json:"up"`
	Seen   bool   `json:"seen"`
	Reason string `json:"reason,omitempty"`
}

// String names the agent for a person: "the agent (pid 1234, http://...)".
func (a *Agent) String() string {
	var parts []string
	if a.PID > 0 {
		parts = append(parts, "pid "+strconv.Itoa(a.PID))
	}
	if a.URL != "" {
		parts = append(parts, a.URL)
	}
	if len(parts) == 0 {
		return "the agent"
	}
	return "the agent (" + strings.Join(parts, ", ") + ")"
}

// BaseURL is the local API's URL for an http.address ("" when off): a
// wildcard host is reached on 127.0.0.1.
func BaseURL(addr string) string {
	if addr == "" {
		return ""
	}
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		return ""
	}
	if ip := net.ParseIP(host); host == "" || ip != nil && ip.IsUnspecified() {
		host = "127.0.0.1"
	}
	return "http://" + net.JoinHostPort(host, port)
}

// probeTimeout bounds the API check: an agent on this machine answers at
// once.
const probeTimeout = 2 * time.Second

// Find returns the lane's running agent, or nil when none runs.
func Find(ctx context.Context, cfg *configs.Config) (*Agent, error) {
	a := &Agent{}
	a.Held, a.PID = lockHolder(cfg.DataDir)
	if base := BaseURL(cfg.HTTP.Address); base != "" {
		if devs, ok := askStatus(ctx, base, cfg); ok {
			a.URL, a.Devices = base, devs
		}
	}
	if !a.Held && a.URL == "" {
		return nil, nil
	}
	return a, nil
}

// askStatus reads /status.json and says whether it is this lane's agent.
func askStatus(ctx context.Context, base string, cfg *configs.Config) ([]Device, bool) {
	ctx, cancel := context.WithTimeout(ctx, probeTimeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, base+"/status.json", nil)
	if err != nil {
		return nil, false
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		return nil, false
	}
	defer res.Body.Close()
	var st struct {
		Site, Lane string
		Devices    []Device
	}
	if res.StatusCode != http.StatusOK || json.NewDecoder(res.Body).Decode(&st) != nil {
		return nil, false
	}
	return st.Devices, st.Site == cfg.Site && st.Lane == cfg.Lane
}

// lockHolder says whether a live process holds the database in dir, by
// Badger's LOCK file, and which. A LOCK this user may not read (data_dir
// is the agent user's) tells nothing; on Windows a LOCK that cannot be
// read is open in the agent.
func lockHolder(dir string) (held bool, pid int) {
	b, err := os.ReadFile(filepath.Join(dir, "LOCK"))
	switch {
	case errors.Is(err, os.ErrNotExist):
		return false, 0
	case err != nil:
		return lockedOpen(err), 0
	}
	pid, err = strconv.Atoi(strings.TrimSpace(string(b)))
	if err != nil || pid <= 0 || pid == os.Getpid() || !alive(pid) {
		return false, 0 // not a pid, ours, or left by a process that died
	}
	return true, pid
}
