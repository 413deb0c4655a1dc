package fleet

import (
	"bytes"
	"fmt"
	"os"
	"strconv"
	"time"
)

// userHZ is the unit of the times in /proc/<pid>/stat (USER_HZ: 100 on
// every Linux architecture Go supports).
const userHZ = 100

// ProcCPU returns the CPU time (user plus system) process pid has used,
// from /proc/<pid>/stat (Linux only).
func ProcCPU(pid int) (time.Duration, error) {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return 0, fmt.Errorf("fleet: cpu time: %w", err)
	}
	return parseStat(b)
}

// parseStat reads utime and stime (fields 14 and 15) of a /proc/<pid>/stat
// line. The command name (field 2) is in parentheses and may contain
// spaces and parentheses, so fields are counted from the last ')'.
func parseStat(b []byte) (time.Duration, error) {
	i := bytes.LastIndexByte(b, ')')
	if i < 0 {
		return 0, fmt.Errorf("fleet: cpu time: no command name in %q", truncate(b))
	}
	f := bytes.Fields(b[i+1:]) // f[0] is field 3 (state)
	if len(f) < 13 {
		return 0, fmt.Errorf("fleet: cpu time: %d fields after the command name", len(f))
	}
	var ticks uint64
	for _, s := range f[11:13] {
		n, err := strconv.ParseUint(string(s), 10, 64)
		if err != nil {
			return 0, fmt.Errorf("fleet: cpu time: %w", err)
		}
		ticks += n
	}
	return time.Duration(ticks) * time.Second / userHZ, nil
}

func truncate(b []byte) []byte {
	if len(b) > 64 {
		return b[:64]
	}
	return b
}

// cpuMeter sums the CPU time of a set of processes (a broker, or every
// node of a cluster) from its first reading on, across restarts: a process
// seen for the first time after the first reading counts from its own start.
type cpuMeter struct {
	pids  func() []int
	total time.Duration
	base  map[int]time.Duration // each process's time when last read
	read  bool                  // the first reading was taken
	err   error
}

// mark reads the current processes: call it at the start, before a stop,
// after a start and at the end.
func (m *cpuMeter) mark() {
	if m.pids == nil || m.err != nil {
		return
	}
	pids := m.pids()
	if len(pids) == 0 {
		m.err = fmt.Errorf("fleet: cpu time: no broker process id")
		return
	}
	for _, pid := range pids {
		t, err := ProcCPU(pid)
		if err != nil {
			m.err = err
			return
		}
		m.add(pid, t)
	}
	m.read = true
}

// add takes reading t of process pid.
func (m *cpuMeter) add(pid int, t time.Duration) {
	if m.base == nil {
		m.base = map[int]time.Duration{}
	}
	base, seen := m.base[pid]
	switch {
	case !seen && !m.read: // a first reading: the baseline
		m.base[pid] = t
		return
	case !seen: // a new process: everything it used counts
		base = 0
	}
	m.total += t - base
	m.base[pid] = t
}
