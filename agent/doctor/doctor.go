// Package doctor checks a lane's installation the way a field technician
// would, one readable line per check: the config, every port (exists,
// permission and group membership, busy), what reads a raster lane's
// printed images, the MQTT broker (reachable, TLS, credentials), disk
// space for the journal, the clock, and the journal itself; on Windows also the printer queues, their ports and drivers, and
// whether each driver sends the printer text or images.
package doctor

import (
	"context"
	"runtime"
	"time"

	"github.com/tillwatch/tillwatch/agent/presence"
	"github.com/tillwatch/tillwatch/configs"
	"github.com/tillwatch/tillwatch/drivers/winspool"
)

// Status grades a check.
type Status int

// Grades, worst last.
const (
	OK Status = iota
	Warn
	Fail
)

// String is "ok", "warn" or "FAIL".
func (s Status) String() string { return [...]string{"ok", "warn", "FAIL"}[s] }

// Result is the outcome of one check.
type Result struct {
	Name   string
	Status Status
	Detail string // what was found
	Hint   string // what to do about it (empty when ok)
}

// Check is one named, possibly slow check.
type Check struct {
	Name string
	Run  func(ctx context.Context) Result
}

// Checks lists the checks for cfg in the order a technician would do them.
// With the lane's agent running (ag, see package presence) no port is
// opened: the agent holds them, and opening one would take bytes from it
// or, as root, clear its exclusive lock; the check reports the agent's
// link instead.
func Checks(cfg *configs.Config, ag *presence.Agent) []Check {
	var cs []Check
	for _, d := range cfg.Devices {
		for _, p := range devicePorts(d) {
			name := "port " + d.Name + " " + p.side + " " + p.path
			run := func(context.Context) Result { return checkPort(d, p) }
			if ag != nil {
				run = func(context.Context) Result { return heldPort(name, d.Name, ag) }
			}
			cs = append(cs, Check{Name: name, Run: run})
		}
	}
	for _, d := range cfg.Devices {
		if c, ok := recognitionCheck(d); ok {
			cs = append(cs, c)
		}
	}
	if runtime.GOOS == "windows" {
		cs = append(cs, Check{Name: "printer queues", Run: func(context.Context) Result { return listQueues(winspool.Queues) }})
	}
	cs = append(cs,
		Check{Name: "broker " + cfg.MQTT.Broker, Run: func(ctx context.Context) Result { return checkBroker(ctx, cfg) }},
		Check{Name: "disk " + cfg.DataDir, Run: func(context.Context) Result { return checkDisk(cfg.DataDir) }},
		Check{Name: "clock", Run: checkClock},
		Check{Name: "journal " + cfg.DataDir, Run: func(context.Context) Result { return checkJournal(cfg.DataDir, time.Now()) }},
	)
	return cs
}

// Worst is the worst status among results.
func Worst(rs []Result) Status {
	w := OK
	for _, r := range rs {
		w = max(w, r.Status)
	}
	return w
}
